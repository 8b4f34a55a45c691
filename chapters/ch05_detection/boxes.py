"""Boxes, IoU, NMS and anchors on drawn examples, each number beside Paddle's own operator.

    python -m chapters.ch05_detection.boxes
    python -m chapters.ch05_detection.boxes --data tree-crowns      # anchors of another set

The course's first detection lesson, on real scenes (digit scenes from MNIST by default):
  * **IoU**: a box and copies of it shifted until the IoU is 0.9, 0.7, 0.5 and 0.3, drawn, so
    that "IoU > 0.5" (a hit in mAP@0.5) has a picture;
  * **NMS**: candidate boxes scattered around each digit, with scores, before and after
    greedy NMS (IoU 0.45, per class); our ``nms`` beside ``paddle.vision.ops.nms`` on random box
    sets at three thresholds (how many keep exactly the same boxes);
  * **anchors**: k-means (distance 1 - IoU) on the training boxes against the course's COCO
    anchors scaled to the input: the mean IoU of a box with its best anchor;
  * the **YOLOv3 loss and decoding** written out (``paddle_course.detection``) beside
    ``paddle.vision.ops.yolo_loss`` (value and gradient) and ``yolo_box`` on random outputs.
"""

import numpy as np
import paddle

from paddle_course.detection import boxes as B
from paddle_course.detection.anchors import COCO_ANCHORS, HeadLayout, kmeans_anchors, shape_iou
from paddle_course.detection.datasets import load_detection_data
from paddle_course.detection.decode import NMS_THRESH, decode, paddle_yolo_box
from paddle_course.detection.yolo_loss import YoloLoss, paddle_yolo_loss
from paddle_course.errors import DataError
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.results import write_tables
from tools.images import plot_detections
from tools.plot import plot_scatter

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch05_detection/boxes")
TARGET_IOUS = (0.9, 0.7, 0.5, 0.3)
# the scenes made (train, val, test), random NMS trials, and outputs the loss oracle compares
SETTINGS = dict(scenes=(3000, 200, 200), nms_trials=100, oracle_images=32)
QUICK = dict(scenes=(300, 50, 50), nms_trials=10, oracle_images=4)
PER_DIGIT = 6  # NMS candidates drawn around each box


def shifted_to_iou(box, iou):
    """``box`` moved right until its IoU with itself is ``iou`` (same size: overlap w - d over
    2w - (w - d) gives d = w (1 - iou) / (1 + iou))."""
    w = box[2] - box[0]
    d = w * (1 - iou) / (1 + iou)
    return box + [d, 0, d, 0]


def iou_figure(split, path):
    image = split.picture(0)
    truth, _, _ = split.ground_truth(0)
    box = truth[0] * split.images.shape[-1]
    panels, measured = [], {}
    for target in TARGET_IOUS:
        moved = shifted_to_iou(box, target)
        measured[f"IoU {target}"] = float(B.box_iou_xyxy(box, moved))
        panels.append(
            (f"IoU {measured[f'IoU {target}']:.2f}", image, [(box, 0, None), (moved, None, 1.0)])
        )
    return plot_detections(panels, path), measured


def nms_figure(split, rng, path, class_names):
    """Candidates around each box of a scene (jittered by up to 20 % of its size, random
    scores, the box's class), then per-class NMS."""
    i = int(np.argmax([len(split.ground_truth(k)[0]) for k in range(min(50, len(split)))]))
    size = split.images.shape[-1]
    truth, classes, _ = split.ground_truth(i)
    truth = truth * size
    jitter = (
        rng.normal(0, 0.1, (len(truth), PER_DIGIT, 4))
        * np.tile(truth[:, 2:] - truth[:, :2], 2)[:, None]
    )
    candidates = (truth[:, None] + jitter).reshape(-1, 4)
    labels = np.repeat(classes, PER_DIGIT)
    scores = rng.uniform(0.3, 1.0, len(candidates))
    keep = B.multiclass_nms(candidates, scores, labels, NMS_THRESH)
    theirs = paddle.vision.ops.nms(
        paddle.to_tensor(candidates, dtype="float32"),
        NMS_THRESH,
        paddle.to_tensor(scores, dtype="float32"),
        paddle.to_tensor(labels),
        categories=sorted(set(labels.tolist())),
    ).numpy()
    image = split.picture(i)
    gt = [(b, c, None) for b, c in zip(truth, classes)]
    path = plot_detections(
        [
            (
                f"{len(candidates)} candidates",
                image,
                gt + [(b, c, s) for b, c, s in zip(candidates, labels, scores)],
            ),
            (
                f"after NMS (IoU {NMS_THRESH}): {len(keep)} kept",
                image,
                gt + [(candidates[k], labels[k], scores[k]) for k in keep],
            ),
        ],
        path,
        cols=2,
        class_names=class_names,
    )
    return path, {
        "candidates": len(candidates),
        "kept": len(keep),
        "boxes": len(truth),
        "same as paddle": bool(np.array_equal(keep, theirs)),
    }


def nms_trials(rng, trials):
    """Random box sets: how often our ``nms`` keeps exactly Paddle's boxes, in its order."""
    rows = {}
    for threshold in (0.3, 0.5, 0.7):
        same, kept = 0, []
        for _ in range(trials):
            xy = rng.uniform(0, 80, (100, 2))
            boxes = np.concatenate([xy, xy + rng.uniform(2, 40, (100, 2))], axis=1)
            scores = rng.uniform(size=100)
            ours = B.nms(boxes, scores, threshold)
            theirs = paddle.vision.ops.nms(
                paddle.to_tensor(boxes, dtype="float32"),
                threshold,
                paddle.to_tensor(scores, dtype="float32"),
            ).numpy()
            same += bool(np.array_equal(ours, theirs))
            kept.append(len(ours))
        rows[f"IoU {threshold}"] = {
            "trials": trials,
            "identical to paddle": same,
            "boxes kept of 100 (mean)": float(np.mean(kept)),
        }
    return rows


def anchor_comparison(data, seed, path):
    wh = data.train.box_sizes() * data.image_size  # input pixels
    ours, ours_iou = kmeans_anchors(wh, 6, seed=seed)
    coco = np.array(COCO_ANCHORS, dtype=np.float64) * data.image_size / 608  # the course's, scaled
    rows = {
        "k-means, 6 anchors": {
            "mean best IoU": ours_iou,
            "anchors (w x h px)": _fmt(np.round(ours)),
        },
        "COCO's 9, scaled to the input": {
            "mean best IoU": float(shape_iou(wh, coco).max(1).mean()),
            "anchors (w x h px)": _fmt(np.round(coco, 1)),
        },
    }
    written = plot_scatter(
        {"training boxes": wh, "k-means anchors": ours, "COCO anchors (scaled)": coco},
        path,
        "width (px)",
        "height (px)",
        f"training box shapes, input {data.image_size} px\n{data.source}",
    )
    return rows, written


def loss_oracle(rng, n):
    """Our loss, its gradient and our decoding against Paddle's operators on random outputs."""
    layout = HeadLayout.from_anchors(
        [(8, 9), (12, 14), (15, 20), (20, 18), (25, 30), (33, 28)], (16, 8), 10
    )
    size = (64, 64)
    p = sum(len(m) * h * w for (h, w), m in zip(layout.grids(size), layout.masks))
    out = paddle.to_tensor(rng.normal(0, 1, (n, p, 15)).astype("float32"), stop_gradient=False)
    target = np.zeros((n, 4, 5), np.float32)
    for i in range(n):
        k = rng.integers(1, 5)
        wh = rng.uniform(0.1, 0.5, (k, 2))
        target[i, :k] = np.column_stack(
            [rng.integers(0, 10, k), rng.uniform(wh / 2, 1 - wh / 2), wh]
        )
    ours, theirs = (
        YoloLoss(layout, size).per_image(out, target),
        paddle_yolo_loss(out, target, layout, size),
    )
    (g_ours,) = paddle.grad(ours.sum(), out)
    (g_theirs,) = paddle.grad(theirs.sum(), out)
    boxes, scores = decode(out, layout, size, size=size, clip=False)
    ref_boxes, ref_scores = paddle_yolo_box(out, layout, size, size)
    rel = np.abs(ours.numpy() - theirs.numpy()) / np.abs(theirs.numpy())
    return {
        "loss per image (yolo_loss)": {
            "compared": n,
            "max difference": float(rel.max()),
            "unit": "relative",
            "paddle's mean": float(theirs.numpy().mean()),
        },
        "gradient (yolo_loss)": {
            "compared": int(np.prod(g_ours.shape)),
            "max difference": float(np.abs(g_ours.numpy() - g_theirs.numpy()).max()),
            "unit": "absolute",
            "paddle's mean": float(np.abs(g_theirs.numpy()).mean()),
        },
        "boxes (yolo_box)": {
            "compared": int(boxes.size),
            "max difference": float(np.abs(boxes - ref_boxes).max()),
            "unit": "pixels",
            "paddle's mean": float(np.abs(ref_boxes).mean()),
        },
        "scores (yolo_box)": {
            "compared": int(scores.size),
            "max difference": float(np.abs(scores - ref_scores).max()),
            "unit": "absolute",
            "paddle's mean": float(ref_scores.mean()),
        },
    }


def _fmt(anchors):
    return ", ".join(f"{w:g}x{h:g}" for w, h in anchors)


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    data = load_detection_data(args.data, args.seed, scenes=args.scenes)
    if len(data.train.box_sizes()) < 6:
        raise DataError(
            data.source,
            f"its training images hold {len(data.train.box_sizes())} "
            f"box(es): the lesson fits 6 anchors to at least 6",
        )
    print(f"data {data.describe()}")
    plots = f"{args.output_dir}/plots"
    iou_path, ious = iou_figure(data.test, f"{plots}/iou.png")
    print("IoU of a box and its shifted copy: " + ", ".join(f"{v:.3f}" for v in ious.values()))
    nms_path, nms_example = nms_figure(data.test, rng, f"{plots}/nms.png", data.classes)
    print(
        f"NMS on a test scene: {nms_example['candidates']} candidates around "
        f"{nms_example['boxes']} boxes, {nms_example['kept']} kept; the same boxes as "
        "paddle.vision.ops.nms: "
        f"{nms_example['same as paddle']}"
    )
    trials = nms_trials(rng, args.nms_trials)
    for name, r in trials.items():
        print(
            f"NMS at {name}: identical to Paddle in {r['identical to paddle']} of {r['trials']} "
            f"random sets of 100 boxes ({r['boxes kept of 100 (mean)']:.1f} kept on average)"
        )
    anchors, anchor_path = anchor_comparison(data, args.seed, f"{plots}/anchors.png")
    for name, r in anchors.items():
        print(f"{name}: mean IoU of a training box with its best anchor {r['mean best IoU']:.3f}")
    oracle = loss_oracle(rng, args.oracle_images)
    for name, r in oracle.items():
        print(
            f"{name}: ours vs Paddle's, max {r['unit']} difference {r['max difference']:.2e} "
            f"over {r['compared']:,} values"
        )
    tables = {
        "IoU of a box and its shifted copy": ({"measured": ious}, list(ious)),
        "NMS: ours vs paddle.vision.ops.nms": (trials, list(next(iter(trials.values())))),
        "anchors": (anchors, ["mean best IoU", "anchors (w x h px)"]),
        "YOLOv3 loss and decoding: ours vs Paddle's operators": (
            oracle,
            list(next(iter(oracle.values()))),
        ),
    }
    written = [
        *write_tables(
            args.output_dir,
            tables,
            {
                "data": data.info(),
                "iou": ious,
                "nms_example": nms_example,
                "nms_trials": trials,
                "anchors": anchors,
                "oracle": oracle,
            },
            quick=args.quick,
        ),
        iou_path,
        nms_path,
        anchor_path,
    ]
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return {
        "iou": ious,
        "nms_example": nms_example,
        "nms_trials": trials,
        "anchors": anchors,
        "oracle": oracle,
    }


if __name__ == "__main__":
    entry(main)
