"""The course's claims that chapter 2's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide."""

from paddle_course.report.claims import Claim, verdict


def rule_1(loss):
    ce, mse = loss["classification_ce"]["val_acc"], loss["regression_mse"]["val_acc"]
    return verdict(ce > mse), {"CE val_acc": ce, "regression val_acc": mse}


def rule_2(opt):
    sweep = opt["lr_sweep"]
    rates = sorted(sweep, key=float)
    losses = {r: sweep[r]["train_loss"] for r in rates}
    best = min(losses, key=losses.get)
    slow, wild = losses[rates[0]] > losses[best], losses[rates[-1]] > losses[best]
    return (
        verdict(slow and wild and best not in (rates[0], rates[-1]), partly=slow or wild),
        {f"train loss, lr {r}": losses[r] for r in rates},
    )


def rule_3(opt):
    sgd, momentum, adam = (opt[k]["val_acc"] for k in ("sgd", "momentum", "adam"))
    return (
        verdict(momentum > sgd and adam > sgd, partly=momentum > sgd or adam > sgd),
        {"SGD": sgd, "Momentum": momentum, "Adam": adam},
    )


def rule_6(debug):
    sigmoid = debug["gradient_norms_at_init"]["sigmoid"]  # first layer ... last layer
    return (
        verdict(sigmoid[0] < 1e-3 * sigmoid[-1]),
        {"sigmoid net, first layer's gradient norm": sigmoid[0], "last layer's": sigmoid[-1]},
    )


def rule_8(data):
    memory = data["memory"]
    sync, workers = data["sync"]["train_epoch_seconds"], data["processes"]["train_epoch_seconds"]
    smaller, faster = memory["generator_mb"] < memory["all_batches_mb"], workers < sync
    return (
        verdict(smaller and faster, partly=smaller or faster),
        {
            "generator MB": memory["generator_mb"],
            "all batches MB": memory["all_batches_mb"],
            "epoch s, sync": sync,
            "epoch s, worker processes": workers,
        },
    )


def rule_9(nets):
    linear, flat, relu = (nets[k]["val_acc"] for k in ("linear", "mlp_no_activation", "mlp_relu"))
    collapses = flat <= linear + 0.01  # no better than one linear map
    return (
        verdict(collapses and flat < relu, partly=collapses),
        {"linear": linear, "MLP without activation": flat, "MLP with ReLU": relu},
    )


def rule_10(loss):
    by = loss["cross_entropy_by_hand"]
    p6, p1 = by["p=0.6"]["paddle"], by["p=0.1"]["paddle"]
    return (
        verdict(abs(p6 - 0.51) < 0.005 and abs(p1 - 2.30) < 0.005),
        {"-log 0.6": p6, "-log 0.1": p1},
    )


def rule_11(dist, ps):
    runs = [dist[k] for k in ("spawn_2", "launch_2")]
    diff = max(r["max_param_diff"] for r in runs)
    # rounding alone: one process against itself summing each batch in another order
    yardstick = dist["one_process_halves_vs_whole"]
    rank_gap = dist["allreduce"]["rank_gradients_differ_by"]
    identical = all(r.get("replicas_identical") is True for r in runs)
    held = (
        rank_gap > 1e-3
        and dist["allreduce"]["mean_vs_whole_batch"] < 1e-5
        and identical
        and diff <= max(1e-5, YARDSTICKS * yardstick)
        and ps["max_param_diff"] < 1e-5
    )
    return verdict(held), {
        "replicas' gradients differ by": rank_gap,
        "replicas' parameters identical": identical,
        "params vs 1 process": diff,
        "1 process vs itself (rounding)": yardstick,
        "parameter server vs 1 process": ps["max_param_diff"],
    }


# Rounding differences grow chaotically with training: two orders of summation end a similar
# distance apart, not the same one; a real fault (a shard seen twice, gradients summed instead of
# averaged) moves the parameters by orders of magnitude more.
YARDSTICKS = 3


def rule_12(reg):
    gaps = reg["none"]["gap"], reg["l2"]["gap"]
    zeros = reg["none"]["near_zero_weights"], reg["l1"]["near_zero_weights"]
    l2_helps, l1_sparse = gaps[1] < gaps[0], zeros[1] > zeros[0]
    return (
        verdict(l2_helps and l1_sparse, partly=l2_helps or l1_sparse),
        {
            "gap none": gaps[0],
            "gap L2": gaps[1],
            "near-zero none": zeros[0],
            "near-zero L1": zeros[1],
        },
    )


def rule_13(res):
    with_opt = res["resumed"]["max_loss_diff_vs_uninterrupted"]
    without = res["resumed_without_pdopt"]["max_loss_diff_vs_uninterrupted"]
    return verdict(with_opt == 0 and without > 0), {
        "loss diff, with .pdopt": with_opt,
        "loss diff, without": without,
    }


def rule_14(nets):
    ratio = nets["fc_vs_conv"]["equivalent_fc_params"] / nets["fc_vs_conv"]["conv1_params"]
    return verdict(ratio > 100), {"FC / conv1 parameters": ratio}


def rule_18(reg):
    gaps = reg["none"]["gap"], reg["dropout_upscale"]["gap"]
    return verdict(gaps[1] < gaps[0]), {"gap none": gaps[0], "gap dropout": gaps[1]}


def rule_20(reg):
    stopped, full = reg["early_stopping"]["epochs"], reg["none"]["epochs"]
    return (
        verdict(stopped < full),
        {
            "epochs with early stopping": stopped,
            "epochs without": full,
            "val_acc with / without": f"{reg['early_stopping']['val_acc']:.3f} / "
            f"{reg['none']['val_acc']:.3f}",
        },
    )


CLAIMS = [
    Claim(
        1,
        "a regression loss (real output minus label) classifies digits badly; CE models "
        "class probabilities",
        "000, 001 Q8",
        ("ch02_mnist.loss",),
        rule_1,
        "CE's val_acc > the regression's val_acc",
    ),
    Claim(
        2,
        "too small a learning rate converges slowly, too large oscillates",
        "000, 001 Q10, 003, 004",
        ("ch02_mnist.optimizers",),
        rule_2,
        "the smallest and the largest rate of the sweep end with a higher "
        "training loss than one between them",
    ),
    Claim(
        3,
        "Momentum damps oscillation; AdaGrad/RMSProp adapt per parameter; Adam combines both",
        "000, 001, 003",
        ("ch02_mnist.optimizers",),
        rule_3,
        "Momentum's and Adam's val_acc > SGD's at the same rate",
    ),
    Claim(
        6,
        "zero gradient can be a plateau, not the end of training",
        "001 Q2",
        ("ch02_mnist.debugging",),
        rule_6,
        "at init, the deep sigmoid net's first-layer gradient is < 1/1000 of "
        "its last layer's: a plateau, not a minimum",
    ),
    Claim(
        8,
        "generator loaders save memory; async loading is faster than sync",
        "001 Q5, Q6",
        ("ch02_mnist.data_process",),
        rule_8,
        "a generator holds less memory than all batches, and worker processes "
        "make an epoch faster than reading in the loop",
    ),
    Claim(
        9,
        "without non-linear activations a deep net collapses to a linear model",
        "001 Q7",
        ("ch02_mnist.MNIST_network",),
        rule_9,
        "the MLP without activations is no better than the linear model (val_acc "
        "within 1 %) and below the ReLU MLP",
    ),
    Claim(
        10,
        "cross-entropy = -log p(correct): -log 0.6 = 0.51, -log 0.1 = 2.30",
        "001 Q9",
        ("ch02_mnist.loss",),
        rule_10,
        "-log 0.6 and -log 0.1 as Paddle computes them equal 0.51 and 2.30 (to 0.005)",
    ),
    Claim(
        11,
        "data parallel needs gradient sync so replicas stay identical",
        "000, 001 Q11",
        ("ch02_mnist.distributed", "ch02_mnist.parameter_server"),
        rule_11,
        "the replicas' gradients differ, their parameters stay identical to the last bit, and "
        f"two processes end within {YARDSTICKS}x one process's rounding drift of one process "
        "(20 parameter-server steps: < 1e-5)",
    ),
    Claim(
        12,
        "weight decay (L2) reduces overfitting; L1 drives weights to zero",
        "001 Q12, 002",
        ("ch02_mnist.regularization",),
        rule_12,
        "L2's train-val gap < no regularization's; L1 leaves more near-zero weights than none",
    ),
    Claim(
        13,
        "resuming needs the optimizer state too (Adam/AdaGrad moments, LR step)",
        "000, 001 Q13",
        ("ch02_mnist.resume",),
        rule_13,
        "resuming with .pdopt repeats the uninterrupted losses exactly; without it they differ",
    ),
    Claim(
        14,
        "fully connected nets lose spatial structure and need many more parameters than conv",
        "001 Q14, Q15",
        ("ch02_mnist.MNIST_network",),
        rule_14,
        "an FC layer doing conv1's job needs > 100x conv1's parameters",
    ),
    Claim(
        18,
        "dropout reduces overfitting",
        "001 Q19, 002",
        ("ch02_mnist.regularization",),
        rule_18,
        "dropout's train-val gap < no regularization's gap",
    ),
    Claim(
        20,
        'early stopping with patience ("no-improvement-in-n")',
        "002",
        ("ch02_mnist.regularization",),
        rule_20,
        "with patience, training stops before the epochs run out",
    ),
]
