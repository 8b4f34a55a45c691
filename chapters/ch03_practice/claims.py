"""The course's claims that chapter 3's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide."""

from paddle_course.report.claims import Claim, verdict


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


def rule_21(aug):
    plain, augmented = aug["scarce_plain"]["val_acc"], aug["scarce_augmented"]["val_acc"]
    return verdict(augmented > plain), {"scarce data, plain": plain, "augmented": augmented}


def rule_22(val):
    gaps = {k: abs(val[k]["estimate_minus_test"]) for k in ("holdout", "kfold", "bootstrap")}
    return (
        verdict(max(gaps.values()) < 0.05),
        {f"estimate's error, {k}": g for k, g in gaps.items()},
    )


def rule_23(recipe):
    start, ln10 = recipe["initial_loss_small_last_layer"], recipe["ln_10"]
    overfit = recipe["overfit_batch_loss"]
    return (
        verdict(abs(start - ln10) < 0.05 and overfit < 0.05, partly=overfit < 0.05),
        {"initial loss": start, "ln 10": ln10, "one batch, final loss": overfit},
    )


def rule_24(sched):
    adam, sgd = sched["adam_3e-4"]["val_acc"], sched["sgd_momentum_found"]["val_acc"]
    return verdict(sgd > adam), {"Adam 3e-4": adam, "SGD + momentum at the found rate": sgd}


def rule_25(fusion):
    folded = fusion["folded"]
    return (
        verdict(folded["speedup"] > 1.0 and folded["same_predictions"]),
        {
            "folded speedup (dygraph)": folded["speedup"],
            "Paddle Inference speedup": fusion["paddle_inference"]["speedup"],
        },
    )


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


CLAIMS = [
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
        16,
        "sigmoid layers make gradients vanish (max derivative 1/4); ReLU does not",
        "001 Q17",
        ("ch03_practice.initialization",),
        rule_16,
        "max sigmoid' = 1/4; first/last layer gradient < 0.01 with sigmoid, > 0.1 with ReLU",
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
]
