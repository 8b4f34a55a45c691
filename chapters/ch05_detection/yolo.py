"""Train a small YOLOv3-style detector through the job and score it by mAP@0.5 on unseen images.

    python -m chapters.ch05_detection.yolo                        # digit scenes (embedded MNIST)
    python -m chapters.ch05_detection.yolo --data tree-crowns --epochs 100 --batch-size 8 \
        --flip dihedral
    python -m chapters.ch05_detection.yolo --data path/to/insects # the course's VOC folders
    python -m chapters.ch05_detection.yolo --resume               # continue a stopped run

The course's detector, cut down to a CPU (``paddle_course.detection.tiny_yolo``): two output scales
(strides 16 and 8), three anchors each, the six anchors found by k-means (distance 1 - IoU) on
the training boxes; the YOLOv3 loss written out (``paddle_course.detection.yolo_loss``, equal
to ``paddle.vision.ops.yolo_loss``). Each epoch is scored by ``val_map``, the mAP@0.5 of the
validation images after the course's post-processing (scores >= 0.01, per-class NMS at IoU
0.45, at most 100 detections per image), and the best epoch is kept. At the end the kept
model's mAP is computed exactly on the validation and test images (VOC all-point and 11-point
AP, per class), with precision-recall curves, detections drawn on test images, and, on a test
batch, our loss and decoding beside Paddle's operators.

Training: Adam at 3e-3 with a cosine decay to 0 over 20 epochs (the course trains 200 epochs
with Momentum at 1e-4 on a GPU), and every anchor's objectness starting at 0.01 instead of the
course's 0.5 (RetinaNet's prior: at 0.5 the background anchors' loss, 0.69 each, swamps the
boxes' at first); both were chosen on the digit scenes' validation mAP. The detector finds the
digits early and spends the later epochs learning which digit each is. Mid-run ``val_map`` can
jump down and back: at a high rate the weights move faster than BatchNorm's running averages
follow them (the same weights score worse with the running statistics than with the batch's);
the jumps stop as the cosine schedule lowers the rate, and the best epoch is the one kept.
"""

import numpy as np

from paddle_course.data import make_loader
from paddle_course.detection.anchors import HeadLayout, kmeans_anchors
from paddle_course.detection.augment import FLIPS, RandomFlip
from paddle_course.detection.average_precision import MeanAP, evaluate_detections
from paddle_course.detection.datasets import SCENES, load_detection_data
from paddle_course.detection.decode import detect
from paddle_course.detection.paddle_check import oracle_check
from paddle_course.detection.tiny_yolo import TinyYOLOv3
from paddle_course.detection.yolo_loss import YoloLoss
from paddle_course.engine.evaluate import predict
from paddle_course.engine.optimizers import SCHEDULES
from paddle_course.errors import ConfigError, DataError
from paddle_course.lesson import Number, count, job, positive
from paddle_course.lesson.job import cli
from paddle_course.lesson.task import Task
from tools.images import plot_detections
from tools.plot import plot_curves

STRIDES = (16, 8)
ANCHORS = 6
DEFAULTS = dict(
    data=None,
    image_size=None,
    scenes=SCENES[0],
    width=1.0,
    epochs=20,
    batch_size=32,
    lr=3e-3,
    optimizer="adam",
    schedule="cosine",
    objectness_prior=0.01,
    flip="none",
    seed=0,
    patience=None,
    output_dir="outputs/ch05_detection/yolo",
    device="auto",
    num_workers=0,
    nprocs=1,
    quick=False,
    no_visualdl=False,
)
QUICK = dict(scenes=64, epochs=1, batch_size=16)
SHOWN = 8  # test images drawn with their detections


def add_arguments(p):
    p.add_argument(
        "--image-size",
        type=Number(int, 16, 1024, multiple=16),
        metavar="S",
        help="square input in pixels, a multiple of 16 (default: 64 for the digit "
        "scenes, 256 otherwise)",
    )
    p.add_argument(
        "--scenes",
        type=count(20_000),
        metavar="N",
        help=f"digit scenes to train on (default {SCENES[0]}; validation and test: up "
        f"to {SCENES[1]} each, as the held-out digits allow)",
    )
    p.add_argument(
        "--width", type=positive(4.0), help="channel multiplier of the network (default 1)"
    )
    p.add_argument(
        "--objectness-prior",
        type=Number(float, 0.0, 0.99),
        metavar="P",
        help="start every anchor's objectness at P; 0 starts it at 0.5, as the "
        "course's zero bias does (default 0.01)",
    )
    p.add_argument(
        "--flip",
        choices=("none", *FLIPS),
        help="augment training images with their boxes: horizontal mirroring, or all "
        "8 symmetries of the square (aerial photos have no up; digits do) "
        "(default none)",
    )
    p.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="learning rate: constant, or cosine from --lr to 0 (default cosine)",
    )
    p.add_argument(
        "--patience",
        type=count(10_000),
        help="stop after this many epochs without a better val_map",
    )


def load_data(config):
    if not 0 <= config["objectness_prior"] < 1:
        raise ConfigError(
            f"--objectness-prior: a probability in [0, 1), not {config['objectness_prior']}"
        )
    if config["scenes"] < 1:
        raise ConfigError(f"--scenes: must be at least 1, not {config['scenes']}")
    if config["image_size"] is not None and (
        config["image_size"] < 16 or config["image_size"] % 16
    ):
        raise ConfigError(
            f"--image-size: must be a multiple of 16 (the coarsest stride), "
            f"not {config['image_size']}"
        )
    n = config["scenes"]
    held_out = min(SCENES[1], max(16, n // 10))
    data = load_detection_data(
        config["data"], config["seed"], config["image_size"], (n, held_out, held_out)
    )
    boxes = len(data.train.box_sizes())
    if boxes < ANCHORS:
        raise DataError(
            data.source,
            f"its training images hold {boxes} box(es): the detector "
            f"fits its {ANCHORS} anchors to at least {ANCHORS}",
        )
    return data


def layout_for(data, seed):
    """Six anchors by k-means on the training boxes (in input pixels), three per scale."""
    anchors, _ = kmeans_anchors(data.train.box_sizes() * data.image_size, ANCHORS, seed=seed)
    return HeadLayout.from_anchors(anchors, STRIDES, len(data.classes))


def build_model(config, data):
    return TinyYOLOv3(
        layout_for(data, config["seed"]),
        data.channels,
        config["width"],
        config["objectness_prior"] or None,
    )


def detector(model, image_size):
    """``outputs -> [Detections]`` with the course's post-processing, boxes normalised."""
    return lambda outputs: detect(outputs, model.layout, (image_size, image_size))


def objective(config, data, model):
    return (
        YoloLoss(model.layout, (data.image_size,) * 2),
        {"map": MeanAP(detector(model, data.image_size), len(data.classes))},
    )


def scored(model, loader, split, data):
    """Exact VOC mAP of ``model`` on ``split`` (both AP rules) and its detections."""
    outputs, _ = predict(model, loader)
    found = detector(model, data.image_size)(outputs)
    truths = [split.ground_truth(i) for i in range(len(split))]
    result = evaluate_detections(found, truths, len(data.classes))
    voc07 = evaluate_detections(found, truths, len(data.classes), method="11point")
    return result, voc07, found


def finish(ctx):
    """Exact mAP of the kept model on every image of the validation and test splits (rank 0
    alone: the others return), figures, and the oracle check."""
    if not ctx.place.is_main:
        return {}
    data, model, out = ctx.data, ctx.model, ctx.out
    names = data.classes
    report, written = {}, []
    for part in ("val", "test"):
        split = getattr(data, part)
        if split is None:
            continue
        result, voc07, found = scored(model, make_loader(split, TASK.eval_batch), split, data)
        report[part] = {
            "map": result["map"],
            "map_11point": voc07["map"],
            "ap": {names[c]: v for c, v in result["ap"].items()},
            "boxes": int(sum(result["positives"])),
            "images": len(split),
            "detections": int(sum(result["detections"])),
        }
        print(
            f"{part}: mAP@0.5 {result['map']:.4f} (VOC all-point), {voc07['map']:.4f} "
            f"(11-point) over {len(split)} images, {sum(result['positives'])} boxes"
        )
        if part == "test" or data.test is None:
            curves = {
                f"{names[c]} (AP {ap:.2f})": (r, p)
                for c, ((p, r), ap) in enumerate(
                    zip(result["curves"].values(), result["ap"].values())
                )
                if ap is not None
            }
            written.append(
                plot_curves(
                    curves,
                    out.plots / f"pr_{part}.png",
                    "recall",
                    "precision",
                    f"precision-recall, {part} images (IoU > 0.5)",
                )
            )
            written.append(draw(split, found, names, out.plots / f"detections_{part}.png"))
    epochs = [r["seconds"] for r in ctx.history]
    oracle = oracle_check(
        model, make_loader(data.test if data.test is not None else data.val, TASK.eval_batch), data
    )
    print(
        f"oracle, one batch of {oracle['images']} images: loss {oracle['loss_ours']:.4f} (ours) vs "
        f"{oracle['loss_paddle']:.4f} (paddle.vision.ops.yolo_loss), max relative difference "
        f"{oracle['loss_max_rel_diff']:.1e}; boxes vs yolo_box: max "
        f"{oracle['box_max_abs_diff_px']:.1e} px"
    )
    return {
        "detection": report,
        "oracle": oracle,
        "anchors": model.layout.to_dict(),
        "seconds_per_epoch": float(np.median(epochs)) if epochs else None,
        "params": sum(int(p.size) for p in model.parameters()),
        "written": written,
    }


def draw(split, found, names, path):
    """The first test images with their ground truth (dashed) and detections scoring >= 0.3."""
    panels = []
    size = split.images.shape[-1]
    for i in range(min(SHOWN, len(split))):
        truth, classes, _ = split.ground_truth(i)
        d = found[i]
        keep = d.scores >= 0.3
        name = split.names[i] if len(split.names[i]) <= 26 else "..." + split.names[i][-23:]
        panels.append(
            (
                name,
                split.picture(i),
                [(b * size, c, None) for b, c in zip(truth, classes)]
                + [
                    (b * size, c, s)
                    for b, c, s in zip(d.boxes[keep], d.classes[keep], d.scores[keep])
                ],
            )
        )
    return plot_detections(panels, path, class_names=names)


TASK = Task(
    module="chapters.ch05_detection.yolo",
    description=__doc__.split("\n\n")[0],
    defaults=DEFAULTS,
    quick=QUICK,
    add_arguments=add_arguments,
    load_data=load_data,
    build_model=build_model,
    objective=objective,
    augment=lambda config: None if config["flip"] == "none" else RandomFlip(config["flip"]),
    monitor=("val_map", "max"),
    describe=lambda c, model: (
        f"anchors {[list(a) for a in model.layout.anchors]} at strides "
        f"{model.layout.strides}  |  {c['optimizer']} lr {c['lr']} ({c['schedule']})"
    ),
    finish=finish,
    eval_batch=64,
)


def main(argv=None):
    return job.main(TASK, argv)


if __name__ == "__main__":
    cli(TASK)
