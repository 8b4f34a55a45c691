"""Mean average precision (mAP), as Pascal VOC computes it.

1. **Match**, image by image and class by class: detections in order of descending score; each
   is a true positive if its IoU with a ground-truth box of its class is above the threshold
   (0.5: "mAP@0.5"; VOC's devkit tests ``>``, and so do we) and that box is not taken yet by a
   better detection; otherwise (a miss, a box already found: a duplicate) a false positive. A
   detection matching a box marked *difficult* counts as neither, and difficult boxes are not
   counted in recall.
2. **Rank** every detection of a class over all images by score; walking down the list,
   precision = TP so far / detections so far, recall = TP so far / ground-truth boxes.
3. **Average precision** of a class: the area under the precision-recall curve after making
   precision non-increasing (each precision replaced by the best at any higher recall):
   ``all`` points (VOC 2010 on) or the mean at 11 recalls 0, 0.1, ..., 1 (``11point``, VOC 2007,
   the course's references). A class with ground truth but no detection has AP 0; a class with
   no ground-truth box in the set has no AP and is left out of the mean.
4. **mAP**: the mean over classes.

Coordinates are continuous (IoU without VOC's +1 pixel), so the result does not depend on
whether boxes are in pixels or normalised.
"""

import numpy as np

from paddle_course.detection.boxes import cxcywh_to_xyxy, iou_matrix
from paddle_course.engine.metrics import Metric

IOU_THRESHOLD = 0.5


def match(
    det_boxes, det_classes, gt_boxes, gt_classes, difficult=None, iou_threshold=IOU_THRESHOLD
):
    """One image: for each detection (given best first) 1 (true positive), 0 (false positive)
    or -1 (matches a difficult box: ignored)."""
    det_classes, gt_classes = np.asarray(det_classes), np.asarray(gt_classes)
    difficult = (
        np.zeros(len(gt_classes), bool) if difficult is None else np.asarray(difficult, bool)
    )
    ious = iou_matrix(det_boxes, gt_boxes)  # [D, G]
    ious[det_classes[:, None] != gt_classes[None, :]] = -1  # only boxes of its class
    taken = np.zeros(len(gt_classes), dtype=bool)
    flags = np.zeros(len(det_classes), dtype=np.int64)
    if not ious.shape[1]:
        return flags
    best = ious.argmax(axis=1)
    for d in np.flatnonzero(ious[np.arange(len(best)), best] > iou_threshold):  # the rest: FP
        g = best[d]
        if difficult[g]:
            flags[d] = -1
        elif not taken[g]:
            flags[d], taken[g] = 1, True
    return flags


def precision_recall(scores, flags, n_positives):
    """Precision and recall after each detection of one class ranked by score (all images)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    flags = np.asarray(flags)[order]
    flags = flags[flags >= 0]
    tp = np.cumsum(flags == 1)
    fp = np.cumsum(flags == 0)
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / n_positives if n_positives else np.zeros_like(tp, dtype=np.float64)
    return precision, recall


def average_precision(precision, recall, method="all"):
    """Area under a precision-recall curve made non-increasing: ``all`` points or ``11point``."""
    precision, recall = np.asarray(precision, float), np.asarray(recall, float)
    if method == "11point":
        return float(
            np.mean(
                [
                    precision[recall >= r].max() if (recall >= r).any() else 0.0
                    for r in np.linspace(0, 1, 11)
                ]
            )
        )
    if method != "all":
        raise ValueError(f"method is 'all' or '11point', not {method!r}")
    r = np.concatenate([[0.0], recall, [1.0]])
    p = np.concatenate([[0.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]  # the envelope
    steps = np.flatnonzero(r[1:] != r[:-1])
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def evaluate_detections(
    detections, ground_truths, num_classes, iou_threshold=IOU_THRESHOLD, method="all"
):
    """mAP of ``detections`` (one :class:`~.decode.Detections` per image) against
    ``ground_truths`` (per image ``(boxes [G, 4], classes [G])`` or ``(boxes, classes,
    difficult)``). Returns ``{"map", "ap": {class: AP or None}, "curves": {class: (precision,
    recall)}, "positives": [per class], "detections": [per class]}``."""
    scores = [[] for _ in range(num_classes)]
    flags = [[] for _ in range(num_classes)]
    positives = np.zeros(num_classes, dtype=np.int64)
    for det, gt in zip(detections, ground_truths, strict=True):
        gt_boxes, gt_classes, difficult = (*gt, None)[:3]
        difficult = (
            np.zeros(len(gt_classes), bool) if difficult is None else np.asarray(difficult, bool)
        )
        positives += np.bincount(
            np.asarray(gt_classes, dtype=np.int64)[~difficult], minlength=num_classes
        )[:num_classes]
        f = match(det.boxes, det.classes, gt_boxes, gt_classes, difficult, iou_threshold)
        for c, s, flag in zip(det.classes, det.scores, f):
            scores[c].append(s)
            flags[c].append(flag)
    ap, curves = {}, {}
    for c in range(num_classes):
        precision, recall = precision_recall(scores[c], flags[c], positives[c])
        curves[c] = (precision, recall)
        ap[c] = average_precision(precision, recall, method) if positives[c] else None
    measured = [v for v in ap.values() if v is not None]
    return {
        "map": float(np.mean(measured)) if measured else float("nan"),
        "ap": ap,
        "curves": curves,
        "positives": positives.tolist(),
        "detections": [len(s) for s in scores],
    }


class MeanAP(Metric):
    """mAP@0.5 as an engine metric (``val_map`` each epoch, summed exactly over batches, a
    resumed epoch and processes): each batch adds, per class, a histogram of its detections'
    scores in ``bins`` equal bins, one for true and one for false positives, and the number of
    ground-truth boxes. The value is the all-point AP of the binned curve: it equals
    :func:`evaluate_detections` except where detections of one class with different outcomes
    fall in the same 1/``bins`` score bin (tests bound the difference); the run's final figures
    are computed exactly. ``detect(outputs) -> [Detections]`` turns a batch's output into
    detections; targets are ``[N, B, 5]`` (class, cx, cy, w, h) normalised, zero rows padding."""

    mode = "max"
    on_train = False  # decoding and NMS on every training batch would cost a third of a step

    def __init__(self, detect, num_classes, bins=1000, iou_threshold=IOU_THRESHOLD):
        self.detect, self.num_classes, self.bins = detect, num_classes, bins
        self.iou_threshold = iou_threshold
        self.size = num_classes * (2 * bins + 1)

    def stats(self, outputs, targets):
        targets = targets.numpy() if hasattr(targets, "numpy") else np.asarray(targets)
        tp = np.zeros((self.num_classes, self.bins))
        fp = np.zeros((self.num_classes, self.bins))
        positives = np.zeros(self.num_classes)
        for det, t in zip(self.detect(outputs), targets):
            t = t[(t[:, 3] > 0) & (t[:, 4] > 0)]
            gt_classes = t[:, 0].astype(np.int64)
            positives += np.bincount(gt_classes, minlength=self.num_classes)
            flags = match(
                det.boxes,
                det.classes,
                cxcywh_to_xyxy(t[:, 1:5]),
                gt_classes,
                iou_threshold=self.iou_threshold,
            )
            b = np.minimum((det.scores * self.bins).astype(np.int64), self.bins - 1)
            np.add.at(tp, (det.classes[flags == 1], b[flags == 1]), 1)
            np.add.at(fp, (det.classes[flags == 0], b[flags == 0]), 1)
        return np.concatenate([tp.ravel(), fp.ravel(), positives])

    def value(self, sums):
        c, k = self.num_classes, self.bins
        tp = sums[: c * k].reshape(c, k)[:, ::-1].cumsum(axis=1)  # best scores first
        fp = sums[c * k : 2 * c * k].reshape(c, k)[:, ::-1].cumsum(axis=1)
        positives = sums[2 * c * k :]
        aps = []
        for cls in range(c):
            if positives[cls] == 0:
                continue
            seen = (tp[cls] + fp[cls]) > 0
            seen &= np.concatenate([[True], np.diff(tp[cls] + fp[cls]) > 0])  # bins with any
            precision = tp[cls][seen] / (tp[cls][seen] + fp[cls][seen])
            aps.append(average_precision(precision, tp[cls][seen] / positives[cls]))
        return float(np.mean(aps)) if aps else 0.0
