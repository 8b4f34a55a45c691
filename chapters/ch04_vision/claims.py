"""The course's claims that chapter 4's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide.
A claim that lessons of two chapters measure lives with the later one (here, with
ch03_practice)."""

from paddle_course.report.claims import Claim, verdict


def rule_5(fusion, basics):
    eval_effect, train_effect = fusion["batch_effect"]["eval"], fusion["batch_effect"]["train"]
    other = basics["batchnorm"]["BatchNorm2D"]
    held = eval_effect < 1e-4 < train_effect and other["same_sample_other_batch_eval"] == 0.0
    return verdict(held), {
        "batch effect, eval": eval_effect,
        "batch effect, train": train_effect,
        "BN2D other batch, train": other["same_sample_other_batch_train"],
    }


def rule_15(basics):
    conv = basics["pooling"]["conv"]["shift_1px"]["relative_change"]
    pooled = basics["pooling"]["conv + maxpool 2x2"]["shift_1px"]["relative_change"]
    return verdict(pooled < conv), {"1-px shift change, conv": conv, "conv + max-pool 2x2": pooled}


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


def rule_19(nets):
    names = ("lenet", "alexnet", "vgg", "googlenet", "resnet")
    accs = {k: nets[k]["val_acc"] for k in names}
    some_deeper_wins = any(accs[k] > accs["lenet"] for k in names[1:])
    return verdict(accs["resnet"] > accs["lenet"], partly=some_deeper_wins), accs


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


CLAIMS = [
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
        15,
        "pooling makes outputs robust to small shifts",
        "001 Q16",
        ("ch04_vision.conv_basics",),
        rule_15,
        "a 1-pixel shift changes conv + max-pool's output less than the conv's",
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
        19,
        "LeNet → AlexNet → VGG → GoogLeNet → ResNet: deeper/wider with new blocks",
        "001 Q20",
        ("ch04_vision.classic_nets",),
        rule_19,
        "ResNet's val_acc > LeNet's on the same images (partly: another of the deeper nets' is)",
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
        36,
        "LeNet with sigmoid fails on large images; AlexNet, VGG, GoogLeNet and ResNet "
        "reach about 94-95 % on PALM",
        "course CV chapter",
        ("ch04_vision.classic_nets", "ch04_vision.palm"),
        rule_36,
        "the sigmoid LeNet fails (val_acc < 0.5) on the largest images where "
        "the ReLU one learns, and the palm lesson reaches 0.9",
    ),
]
