"""Every claim the course's documents make, the lessons that measure it, and the rule that
judges it from their ``results.json`` (see ``paddle_course.report.claims``).

Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20), 002 training pipeline
article, 003 optimizer and initializer lesson, 004 tuning guide; the chapters' own claims name
their chapter. Each rule is a small function above the list, named after its claim.
"""

from paddle_course.report.claims import Claim, verdict


def rule_1(loss):
    ce, mse = loss["classification_ce"]["val_acc"], loss["regression_mse"]["val_acc"]
    return verdict(ce > mse), {"CE val_acc": ce, "regression val_acc": mse}


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


def rule_4(reg):
    own, train = reg["test_rmse"]["own_stats"], reg["test_rmse"]["train_stats"]
    return verdict(train < own), {
        "test RMSE, training statistics": train,
        "test RMSE, the test set's own": own,
    }


def rule_5(fusion, basics):
    eval_effect, train_effect = fusion["batch_effect"]["eval"], fusion["batch_effect"]["train"]
    other = basics["batchnorm"]["BatchNorm2D"]
    held = eval_effect < 1e-4 < train_effect and other["same_sample_other_batch_eval"] == 0.0
    return verdict(held), {
        "batch effect, eval": eval_effect,
        "batch effect, train": train_effect,
        "BN2D other batch, train": other["same_sample_other_batch_train"],
    }


def rule_11(dist, ps):
    diffs = [dist[k]["max_param_diff"] for k in ("spawn_2", "launch_2")]
    rank_gap = dist["allreduce"]["rank_gradients_differ_by"]
    held = max(diffs) < 1e-5 and ps["max_param_diff"] < 1e-5 and rank_gap > 1e-3
    return verdict(held), {
        "replicas' gradients differ by": rank_gap,
        "params vs 1 process": max(diffs),
        "parameter server vs 1 process": ps["max_param_diff"],
    }


def rule_15(basics):
    conv = basics["pooling"]["conv"]["shift_1px"]["relative_change"]
    pooled = basics["pooling"]["conv + maxpool 2x2"]["shift_1px"]["relative_change"]
    return verdict(pooled < conv), {"1-px shift change, conv": conv, "conv + max-pool 2x2": pooled}


def rule_23(recipe):
    start, ln10 = recipe["initial_loss_small_last_layer"], recipe["ln_10"]
    overfit = recipe["overfit_batch_loss"]
    return (
        verdict(abs(start - ln10) < 0.05 and overfit < 0.05, partly=overfit < 0.05),
        {"initial loss": start, "ln 10": ln10, "one batch, final loss": overfit},
    )


def rule_25(fusion):
    folded = fusion["folded"]
    return (
        verdict(folded["speedup"] > 1.0 and folded["same_predictions"]),
        {
            "folded speedup (dygraph)": folded["speedup"],
            "Paddle Inference speedup": fusion["paddle_inference"]["speedup"],
        },
    )


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


def rule_7(bs):
    noise = bs["gradient_noise"]
    sizes = sorted(noise, key=int)
    fixed = {int(k.split()[0][2:]): v["val_acc"] for k, v in bs.items() if k.endswith("fixed lr")}
    quieter = noise[sizes[0]] > noise[sizes[-1]]
    no_gain = fixed[max(fixed)] < max(fixed.values())
    return (
        verdict(quieter and no_gain, partly=quieter or no_gain),
        {
            f"gradient noise, B={sizes[0]}": noise[sizes[0]],
            f"gradient noise, B={sizes[-1]}": noise[sizes[-1]],
            f"val_acc, B={max(fixed)}": fixed[max(fixed)],
            "best val_acc": max(fixed.values()),
        },
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


def rule_17(bn):
    with_bn, without = bn["summary"]["with BatchNorm"], bn["summary"]["without BatchNorm"]
    return (
        verdict(
            with_bn["trains"] > without["trains"], partly=with_bn["diverged"] < without["diverged"]
        ),
        {
            "runs that train, with BN": with_bn["trains"],
            "without BN": without["trains"],
            "runs that diverge, with BN": with_bn["diverged"],
            "without": without["diverged"],
        },
    )


def rule_21(aug):
    plain, augmented = aug["scarce_plain"]["val_acc"], aug["scarce_augmented"]["val_acc"]
    return verdict(augmented > plain), {"scarce data, plain": plain, "augmented": augmented}


def rule_29(bs):
    pairs = {}  # batch -> {"fixed": val_acc, "linear": val_acc}
    for key, v in bs.items():
        if key.startswith("B=") and key.endswith(" lr") and int(v["batch"]) > 64:
            pairs.setdefault(int(v["batch"]), {})[key.split()[1]] = v["val_acc"]
    wins = sum(p["linear"] >= p["fixed"] for p in pairs.values())
    return (
        verdict(wins == len(pairs), partly=wins > 0),
        {
            f"B={b}, fixed / scaled lr": f"{p['fixed']:.3f} / {p['linear']:.3f}"
            for b, p in sorted(pairs.items())
        },
    )


def rule_6(debug):
    sigmoid = debug["gradient_norms_at_init"]["sigmoid"]  # first layer ... last layer
    return (
        verdict(sigmoid[0] < 1e-3 * sigmoid[-1]),
        {"sigmoid net, first layer's gradient norm": sigmoid[0], "last layer's": sigmoid[-1]},
    )


def rule_16(init):
    sigmoid = init["sigmoid_XavierNormal"]["first_over_last_gradient"]
    relu = init["relu_KaimingNormal"]["first_over_last_gradient"]
    return (
        verdict(init["sigmoid_derivative_max"] == 0.25 and sigmoid < 0.01 and relu > 0.1),
        {
            "max sigmoid'": init["sigmoid_derivative_max"],
            "first/last gradient, sigmoid": sigmoid,
            "first/last gradient, ReLU": relu,
        },
    )


def rule_19(nets):
    accs = {k: nets[k]["val_acc"] for k in ("lenet", "alexnet", "vgg", "googlenet", "resnet")}
    deeper_wins = accs["resnet"] > accs["lenet"]
    return verdict(deeper_wins), accs


def rule_22(val):
    gaps = {k: abs(val[k]["estimate_minus_test"]) for k in ("holdout", "kfold", "bootstrap")}
    return (
        verdict(max(gaps.values()) < 0.05),
        {f"estimate's error, {k}": g for k, g in gaps.items()},
    )


def rule_24(sched):
    adam, sgd = sched["adam_3e-4"]["val_acc"], sched["sgd_momentum_found"]["val_acc"]
    return verdict(sgd > adam), {"Adam 3e-4": adam, "SGD + momentum at the found rate": sgd}


def rule_26(init):
    keeps = {
        k: init[k]["last_activation_std"] / init[k]["first_activation_std"]
        for k in ("relu_XavierNormal", "relu_KaimingNormal")
    }
    return (
        verdict(keeps["relu_KaimingNormal"] > keeps["relu_XavierNormal"]),
        {f"ReLU, last/first activation std, {k.split('_')[1]}": v for k, v in keeps.items()},
    )


def rule_28(recipe):
    same = recipe["identical_runs"]
    return verdict(same is True), {"two runs with one seed identical": same}


def rule_30(sched):
    names = ("step", "multistep", "exponential", "warmup_cosine", "lambda")
    changed = [n for n in names if len(set(sched[n]["lr_by_epoch"])) > 1]
    return (
        verdict(len(changed) == len(names), partly=bool(changed)),
        {
            "schedules that moved the rate": len(changed),
            "of": len(names),
            "plateau reduced it": sched["plateau_reduced"],
        },
    )


def rule_32(tune):
    rates = tune["group_rates_measured"]
    frozen = tune["frozen_backbone"]["backbone_changed_by"] == 0
    per_layer = abs(rates["head"] / rates["backbone"] - 10) < 0.1
    return (
        verdict(frozen and per_layer, partly=frozen or per_layer),
        {
            "frozen backbone changed by": tune["frozen_backbone"]["backbone_changed_by"],
            "head / backbone rate": rates["head"] / rates["backbone"],
        },
    )


def rule_33(vis):
    shown = vis["kernels"] == [20, 5, 5] and set(vis["feature_maps"]) == {"conv1", "conv2"}
    return verdict(shown), {
        "conv1 kernels": "x".join(map(str, vis["kernels"])),
        "feature maps": ", ".join(vis["feature_maps"]),
    }


def rule_34(tune):
    scratch, pretrained = tune["scratch"]["val_acc"], tune["full_finetune"]["val_acc"]
    return (
        verdict(pretrained > scratch),
        {"from scratch": scratch, "pretrained, fine-tuned": pretrained},
    )


def rule_37(towers, recommend):
    mse = towers["course_test_mse"]["warm"]
    shares = recommend["genre_overlap"]["neighbours, sharing a genre with movie 1"]
    sensible = shares["share"] > shares["random movies"]
    return (
        verdict(mse < 1 and sensible, partly=mse < 1 or sensible),
        {
            "course model, test MSE": mse,
            "neighbours sharing a genre": shares["share"],
            "random movies sharing one": shares["random movies"],
        },
    )


def rule_27(sizes):
    detail = sorted(sizes["detail"].values(), key=lambda r: r["detail"])
    pixels = sorted(sizes["pixels"].values(), key=lambda r: r["size"])
    more_detail = detail[-1]["val_acc"] > detail[0]["val_acc"]
    native = [r for r in pixels if r["size"] == 28]
    more_pixels = (
        bool(native) and pixels[-1]["size"] > 28 and pixels[-1]["val_acc"] > native[0]["val_acc"]
    )
    return (
        verdict(more_detail and more_pixels, partly=more_detail),
        {
            f"detail {detail[0]['detail']} px": detail[0]["val_acc"],
            f"detail {detail[-1]['detail']} px": detail[-1]["val_acc"],
            **{f"{r['size']} px": r["val_acc"] for r in pixels},
        },
    )


def rule_35(w2v):
    ours = w2v["comparison"]["ours (Paddle, Adam)"]["WordSim-353"]
    gensim = w2v["comparison"]["gensim Word2Vec (SGD), mean"]["WordSim-353"]
    return (
        verdict(ours > 0.3, partly=ours > 0.1),
        {"WordSim-353 Spearman, ours": ours, "gensim": gensim},
    )


def rule_36(nets, palm):
    large = nets["lenet_large"]
    sizes = sorted({int(k.rsplit(", ", 1)[1].split()[0]) for k in large if "LeNet, " in k})
    sigmoid, relu = large[f"sigmoid LeNet, {sizes[-1]} px"], large[f"ReLU LeNet, {sizes[-1]} px"]
    lenet_fails = sigmoid["val_acc"] < 0.5 < relu["val_acc"]
    palm_acc = palm["val"]["acc"]
    return (
        verdict(lenet_fails and palm_acc >= 0.9, partly=lenet_fails),
        {
            f"sigmoid LeNet, {sizes[-1]} px": sigmoid["val_acc"],
            f"ReLU LeNet, {sizes[-1]} px": relu["val_acc"],
            "palm lesson, val acc": palm_acc,
        },
    )


def rule_38(vit, sentiment):
    same = vit["attention_max_abs_diff"] < 1e-4
    above = sentiment["transformer"]["val_acc"] > sentiment["majority class"]["val_acc"]
    return (
        verdict(same and above, partly=same or above),
        {
            "our attention vs Paddle's": vit["attention_max_abs_diff"],
            "Transformer on reviews, val_acc": sentiment["transformer"]["val_acc"],
            "majority class": sentiment["majority class"]["val_acc"],
        },
    )


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


def rule_31(sched):
    switched, adam = sched["adam_then_sgd"]["val_acc"], sched["adam_3e-4"]["val_acc"]
    return (
        verdict(switched >= adam),
        {
            "Adam, then SGD": switched,
            "Adam 3e-4 throughout": adam,
            "switched at epoch": sched["adam_then_sgd"]["switch_epoch"],
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
        4,
        "normalize test data with training statistics",
        "001 Q1",
        ("ch01_housing.paddle_regressor",),
        rule_4,
        "the test RMSE is lower when the test set is scaled with the training statistics",
    ),
    Claim(
        5,
        "BN uses saved running mean/var at inference; batch stats would make predictions "
        "depend on the batch",
        "001 Q1, Q18",
        ("ch03_practice.bn_fusion", "ch04_vision.conv_basics"),
        rule_5,
        "eval mode: a digit's logits do not depend on its batch (< 1e-4); train mode: they do",
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
        7,
        "batch too small: noisy gradients; too large: memory, no gain, generalization gap",
        "001 Q3, 004",
        ("ch03_practice.batch_size",),
        rule_7,
        "gradient noise falls from the smallest to the largest batch, and the "
        "largest batch (fixed lr) is not the most accurate",
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
        "the replicas' gradients differ, and after averaging their parameters equal "
        "one process's (< 1e-5)",
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
        15,
        "pooling makes outputs robust to small shifts",
        "001 Q16",
        ("ch04_vision.conv_basics",),
        rule_15,
        "a 1-pixel shift changes conv + max-pool's output less than the conv's",
    ),
    Claim(
        16,
        "sigmoid layers make gradients vanish (max derivative 1/4); ReLU does not",
        "001 Q17",
        ("ch03_practice.initialization",),
        rule_16,
        "max sigmoid' = 1/4; first/last layer gradient < 0.01 with sigmoid, > 0.1 with ReLU",
    ),
    Claim(
        17,
        "BatchNorm allows larger learning rates and lowers sensitivity to init",
        "001 Q18",
        ("ch04_vision.batchnorm",),
        rule_17,
        "more of the learning-rate x init-scale runs train with BatchNorm than without",
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
        19,
        "LeNet → AlexNet → VGG → GoogLeNet → ResNet: deeper/wider with new blocks",
        "001 Q20",
        ("ch04_vision.classic_nets",),
        rule_19,
        "ResNet's val_acc > LeNet's on the same images",
    ),
    Claim(
        20,
        'early stopping with patience ("no-improvement-in-n")',
        "002",
        ("ch02_mnist.regularization",),
        rule_20,
        "with patience, training stops before the epochs run out",
    ),
    Claim(
        21,
        "data augmentation reduces overfitting on small data",
        "002, 004",
        ("ch03_practice.augmentation",),
        rule_21,
        "on scarce data, the augmented model's val_acc > the plain one's",
    ),
    Claim(
        22,
        "hold-out vs K-fold vs bootstrap validation",
        "002",
        ("ch03_practice.validation",),
        rule_22,
        "hold-out, K-fold and bootstrap each estimate the test accuracy within 0.05",
    ),
    Claim(
        23,
        "check the loss at init; overfit one batch first",
        "002",
        ("ch03_practice.recipe",),
        rule_23,
        "the initial loss is ln 10 (to 0.05) with a small last layer; one batch can "
        "be overfit (loss < 0.05)",
    ),
    Claim(
        24,
        "Adam at 3e-4 is a safe baseline; tuned SGD often wins on convnets",
        "002",
        ("ch03_practice.schedules",),
        rule_24,
        "SGD + momentum at the rate the range test found beats Adam at 3e-4",
    ),
    Claim(
        25,
        "3x3 convs and conv-BN-ReLU blocks are the standard; BN folding speeds inference ~5 %",
        "004",
        ("ch03_practice.bn_fusion",),
        rule_25,
        "folding BN makes dygraph inference faster with the same predictions",
    ),
    Claim(
        26,
        "Xavier vs Kaiming init matters, by activation",
        "003, 004",
        ("ch03_practice.initialization",),
        rule_26,
        "with ReLU, Kaiming keeps the last layer's activation std closer to "
        "the first's than Xavier",
    ),
    Claim(
        27,
        "larger input images tend to give higher accuracy",
        "004",
        ("ch04_vision.input_size",),
        rule_27,
        "more detail at the same size raises val_acc; more pixels without more "
        "detail (56 vs 28 px) too",
    ),
    Claim(
        28,
        "shuffle every epoch with a fixed seed",
        "004",
        ("ch03_practice.recipe",),
        rule_28,
        "two runs with the same seed are identical",
    ),
    Claim(
        29,
        "learning rate scales with batch size (linear scaling rule)",
        "004",
        ("ch03_practice.batch_size",),
        rule_29,
        "for batches above 64, the linearly scaled rate reaches at least the fixed rate's val_acc",
    ),
    Claim(
        30,
        "LR schedules: step, multistep, exponential, cosine, plateau, lambda",
        "004",
        ("ch03_practice.schedules",),
        rule_30,
        "step, multistep, exponential, warm-up cosine and lambda each move the rate",
    ),
    Claim(
        31,
        "switching Adam → SGD (SWATS)",
        "004",
        ("ch03_practice.schedules",),
        rule_31,
        "Adam switched to SGD (at the range test's rate) reaches at least Adam 3e-4's val_acc",
    ),
    Claim(
        32,
        "fine-tuning: freeze the backbone, new head, per-layer learning rates",
        "004",
        ("ch03_practice.finetune",),
        rule_32,
        "the frozen backbone does not change; the head learns at 10x the backbone's rate",
    ),
    Claim(
        33,
        "visualize weights and activations",
        "004",
        ("ch03_practice.visualize",),
        rule_33,
        "the lesson drew conv1's 20 kernels and the conv1/conv2 feature maps",
    ),
    Claim(
        34,
        "pretrained initialization speeds up training and raises accuracy",
        "003, 004",
        ("ch03_practice.finetune",),
        rule_34,
        "the pretrained, fine-tuned net's val_acc > the one trained from scratch",
    ),
    Claim(
        35,
        "similar words end up close in the embedding space (nearest neighbours by cosine)",
        "course NLP chapter",
        ("ch06_nlp.word2vec",),
        rule_35,
        "the WordSim-353 Spearman correlation of our vectors > 0.3 (partly: > 0.1)",
    ),
    Claim(
        36,
        "LeNet with sigmoid fails on large images; AlexNet, VGG, GoogLeNet and ResNet "
        "reach about 94-95 % on PALM",
        "course CV chapter",
        ("ch04_vision.classic_nets", "ch04_vision.palm"),
        rule_36,
        "the sigmoid LeNet fails (val_acc < 0.5) on the largest images where "
        "the ReLU one learns, and the palm lesson reaches 0.9",
    ),
    Claim(
        37,
        "the two-tower model's rating loss stays below 1 and recommends sensible movies",
        "course recommendation chapter",
        ("ch07_recommendation.two_tower", "ch07_recommendation.recommend"),
        rule_37,
        "the course model's test MSE < 1, and a movie's neighbours share its "
        "genre more often than random movies",
    ),
    Claim(
        38,
        "the Transformer is a module with global context that came from NLP",
        "001 Q20",
        ("ch04_vision.vit", "ch06_nlp.sentiment"),
        rule_38,
        "our attention equals Paddle's (< 1e-4) and the Transformer beats the "
        "majority class on the reviews",
    ),
]
