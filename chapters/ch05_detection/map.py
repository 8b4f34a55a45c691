"""How mAP is computed, step by step, and what the NMS and score thresholds do to it.

    python -m chapters.ch05_detection.map
    python -m chapters.ch05_detection.map --run outputs/ch05_detection/yolo --images 4

With the detector of ``chapters.ch05_detection.yolo`` (``--run``; its default output, trained
first when absent) on the test images:
  1. **step by step** on the first ``--images`` test images: every detection of one class (the
     one with the lowest AP there) ranked by score, each a true positive (IoU > 0.5 with a box
     of its class not yet taken), a duplicate (that box is taken) or a miss, with precision and
     recall after it; the class's AP by VOC's all-point and 11-point rules; the AP of each class and
     their mean;
  2. **the NMS IoU threshold** from 0.1 to 0.95, and no NMS: mAP on all test images;
  3. **the score threshold** (detections kept only above it) from 0.001 to 0.9: mAP,
     precision and recall of what is kept.
"""

from pathlib import Path

import numpy as np

from paddle_course.data import make_loader
from paddle_course.detection.average_precision import (
    IOU_THRESHOLD,
    average_precision,
    evaluate_detections,
    match,
    precision_recall,
)
from paddle_course.detection.boxes import iou_matrix
from paddle_course.detection.decode import NMS_THRESH, VALID_THRESH, decode, postprocess
from paddle_course.engine.checkpoint import load_weights
from paddle_course.engine.evaluate import predict
from paddle_course.errors import ConfigError
from paddle_course.lesson import at_most, count, entry, job, lesson, lesson_parser
from paddle_course.lesson.results import write_tables
from tools.plot import plot_curves

from . import yolo

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch05_detection/map")
NMS_THRESHOLDS = (0.1, 0.3, NMS_THRESH, 0.6, 0.8, 0.95, None)
SCORE_THRESHOLDS = (0.001, VALID_THRESH, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9)
SHOWN_ROWS = 20


def parser():
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        quick=dict(model_dir="{output_dir}/model"),
        # where the detector is, without --run: yolo's own output, or (--quick) a folder of this
        # lesson's, so that a smoke test never trains into a real run
        settings=dict(model_dir=yolo.DEFAULTS["output_dir"]),
    )
    p.add_argument(
        "--run",
        help=f"a finished run of chapters.ch05_detection.yolo (default: "
        f"{yolo.DEFAULTS['output_dir']}; with --quick, OUTPUT_DIR/model); "
        f"trained first if absent",
    )
    p.add_argument(
        "--images",
        type=count(1000),
        default=6,
        help="test images for the step-by-step part (default 6)",
    )
    return p


def trained_detector(run, args):
    """``(model, data)`` of the finished yolo run in ``run``, trained there first if absent."""
    metrics = job.finished_run(
        yolo.TASK,
        run,
        train=args.run is None,
        seed=args.seed,
        data=args.data,
        quick=args.quick,
    )
    config = metrics["config"]
    if args.data and config["data"] != args.data:
        raise ConfigError(
            f"--data: the run in {run} was trained on {config['data'] or 'the digit scenes'}; "
            f"give --run for a detector trained on {args.data}"
        )
    data = yolo.load_data(config)
    if data.fingerprint() != config["data_fingerprint"]:
        raise ConfigError(f"{run}: its data ({data.source}) has changed since it was trained")
    model = yolo.build_model(config, data)
    load_weights(model, run)
    return model, data


def step_by_step(boxes, scores, split, n_images, names):
    """The ranked detections of one class in the first ``n_images``: the one with the lowest AP
    there (the most instructive: a miss or a false positive), the most boxes breaking ties."""
    found = [postprocess(b, s) for b, s in zip(boxes[:n_images], scores[:n_images])]
    truths = [split.ground_truth(i) for i in range(n_images)]
    counts = np.bincount(np.concatenate([t[1] for t in truths]), minlength=len(names))
    small = evaluate_detections(found, truths, len(names))
    cls = min(
        (c for c, ap in small["ap"].items() if ap is not None),
        key=lambda c: (small["ap"][c], -counts[c]),
    )
    ranked = []
    for i, (d, (gt_boxes, gt_classes, hard)) in enumerate(zip(found, truths)):
        flags = match(d.boxes, d.classes, gt_boxes, gt_classes, hard)
        ious = iou_matrix(d.boxes, gt_boxes[gt_classes == cls])
        for k in np.flatnonzero(d.classes == cls):
            best = float(ious[k].max()) if ious.shape[1] else 0.0
            outcome = (
                "TP"
                if flags[k] == 1
                else "difficult"
                if flags[k] == -1
                else "FP: duplicate"
                if best > IOU_THRESHOLD
                else "FP: no box of its class"
            )
            ranked.append(
                {
                    "image": split.names[i],
                    "score": float(d.scores[k]),
                    "IoU": best,
                    "outcome": outcome,
                }
            )
    ranked.sort(key=lambda r: -r["score"])
    precision, recall = precision_recall(
        [r["score"] for r in ranked],
        [1 if r["outcome"] == "TP" else 0 for r in ranked],
        counts[cls],
    )
    for r, p, rc in zip(ranked, precision, recall):
        r.update(precision=float(p), recall=float(rc))
    return {
        "class": names[cls],
        "boxes": int(counts[cls]),
        "ranked": ranked,
        "ap": average_precision(precision, recall),
        "ap_11point": average_precision(precision, recall, "11point"),
        "per_class": {names[c]: v for c, v in small["ap"].items() if v is not None},
        "map": small["map"],
    }


def sweep(boxes, scores, split, n_classes, parameter, values):
    """mAP, precision and recall of what is kept, and detections per image, for each value of
    one post-processing ``parameter`` (``nms_thresh`` or ``score_thresh``) on all of ``split``."""
    truths = [split.ground_truth(i) for i in range(len(split))]
    rows = {}
    for v in values:
        found = [postprocess(b, s, **{parameter: v}) for b, s in zip(boxes, scores)]
        r = evaluate_detections(found, truths, n_classes)
        flags = np.concatenate([match(f.boxes, f.classes, *g) for f, g in zip(found, truths)])
        tp, kept = int((flags == 1).sum()), int((flags >= 0).sum())
        rows["none" if v is None else f"{v:g}"] = {
            "mAP": r["map"],
            "precision": tp / kept if kept else float("nan"),
            "recall": tp / max(1, sum(r["positives"])),
            "detections per image": float(np.mean([len(f) for f in found])),
        }
    return rows


@lesson
def main(argv=None):
    args = parser().parse_args(argv)
    run = Path(args.run or args.model_dir.format(output_dir=args.output_dir))
    model, data = trained_detector(run, args)
    split = data.test if data.test is not None else data.val
    at_most("--images", args.images, len(split), "the detector's test split")
    size = (data.image_size,) * 2
    outputs, _ = predict(model, make_loader(split, 64))
    boxes, scores = decode(outputs, model.layout, size)
    print(f"detector {run}  |  {len(split)} test images  |  " + data.source)
    step = step_by_step(boxes, scores, split, args.images, data.classes)
    print(
        f"\n1. class {step['class']!r} in the first {args.images} test images: {step['boxes']} "
        f"boxes, {len(step['ranked'])} detections (score >= {VALID_THRESH}, NMS {NMS_THRESH}), "
        "best first"
    )
    print(f"   {'image':<12}{'score':>7}{'IoU':>7}  {'outcome':<24}{'precision':>10}{'recall':>8}")
    for r in step["ranked"][:SHOWN_ROWS]:
        print(
            f"   {r['image']:<12}{r['score']:>7.3f}{r['IoU']:>7.2f}  {r['outcome']:<24}"
            f"{r['precision']:>10.3f}{r['recall']:>8.3f}"
        )
    if len(step["ranked"]) > SHOWN_ROWS:
        print(
            f"   ... {len(step['ranked']) - SHOWN_ROWS} more, each only adding false positives "
            f"or recall at lower precision (all in results.json)"
        )
    found_boxes = sum(r["outcome"] == "TP" for r in step["ranked"])
    if found_boxes < step["boxes"]:
        print(
            f"   {step['boxes'] - found_boxes} of the {step['boxes']} boxes never found: recall "
            f"stops at {found_boxes / step['boxes']:.3f}, and the curve has no precision beyond it"
        )
    print(
        f"   AP = area under the precision envelope: {step['ap']:.4f} (all points), "
        f"{step['ap_11point']:.4f} (11 points)"
    )
    print(
        "   AP per class: "
        + ", ".join(f"{k} {v:.3f}" for k, v in step["per_class"].items())
        + f"  ->  mAP {step['map']:.4f}"
    )
    nms = sweep(boxes, scores, split, len(data.classes), "nms_thresh", NMS_THRESHOLDS)
    print(f"\n2. NMS IoU threshold, all {len(split)} test images (score >= {VALID_THRESH}):")
    for t, r in nms.items():
        print(
            f"   {t:>5}: mAP {r['mAP']:.4f}  precision {r['precision']:.3f}  recall "
            f"{r['recall']:.3f}  ({r['detections per image']:.1f} per image)"
        )
    print(
        "   Without NMS every box is found several times and the copies are false positives; "
        "a low threshold also removes real neighbours that overlap."
    )
    thresholds = sweep(boxes, scores, split, len(data.classes), "score_thresh", SCORE_THRESHOLDS)
    print("\n3. score threshold:")
    for t, r in thresholds.items():
        print(
            f"   {t:>6}: mAP {r['mAP']:.4f}  precision {r['precision']:.3f}  recall "
            f"{r['recall']:.3f}  ({r['detections per image']:.1f} per image)"
        )
    print(
        "   A higher threshold raises the precision of what is kept but cuts the tail of the "
        "precision-recall curve: recall, and with it mAP, can only fall (mAP is computed over all "
        "thresholds already, so evaluate with a low one; choose a high one for display)."
    )
    plots = Path(args.output_dir) / "plots"
    numeric = {k: r for k, r in nms.items() if k != "none"}
    written = [
        plot_curves(
            {"mAP@0.5": ([float(k) for k in numeric], [r["mAP"] for r in numeric.values()])},
            plots / "nms_threshold.png",
            "NMS IoU threshold",
            "mAP@0.5",
            "mAP against the NMS threshold (test images)",
        ),
        plot_curves(
            {
                m: ([float(k) for k in thresholds], [r[m] for r in thresholds.values()])
                for m in ("mAP", "precision", "recall")
            },
            plots / "score_threshold.png",
            "score threshold",
            "mAP, precision, recall (0-1)",
            "what a score threshold keeps (test images)",
        ),
    ]
    results = {"run": str(run), "step_by_step": step, "nms": nms, "score": thresholds}
    tables = {
        f"step by step: class {step['class']}, first {args.images} test images": (
            {str(i + 1): r for i, r in enumerate(step["ranked"])},
            ["image", "score", "IoU", "outcome", "precision", "recall"],
        ),
        "NMS IoU threshold": (nms, ["mAP", "precision", "recall", "detections per image"]),
        "score threshold": (thresholds, ["mAP", "precision", "recall", "detections per image"]),
    }
    written = [*write_tables(args.output_dir, tables, results, quick=args.quick), *written]
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return results


if __name__ == "__main__":
    entry(main)
