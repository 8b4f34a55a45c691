"""Boxes in numpy: formats, IoU, non-maximum suppression (the course's ``box_iou_xyxy``,
``nms`` and ``multiclass_nms``).

Formats, each a ``[..., 4]`` float array:

    xyxy     x1, y1, x2, y2          corners (Pascal VOC's xmin, ymin, xmax, ymax)
    xywh     x1, y1, w, h            top-left corner and size (COCO)
    cxcywh   cx, cy, w, h            centre and size (what YOLO predicts and its labels use)

Coordinates are continuous (a box from x1 to x2 is ``x2 - x1`` wide), in pixels or, *normalised*,
as fractions of the image's width and height. The course's numpy code adds 1 to widths (the
integer-pixel convention of VOC's devkit); Paddle's ``nms`` does not, and neither do we, so our
IoU equals Paddle's.
"""

import numpy as np


def xyxy_to_xywh(b):
    b = np.asarray(b, dtype=np.float64)
    return np.concatenate([b[..., :2], b[..., 2:] - b[..., :2]], axis=-1)


def xywh_to_xyxy(b):
    b = np.asarray(b, dtype=np.float64)
    return np.concatenate([b[..., :2], b[..., :2] + b[..., 2:]], axis=-1)


def xyxy_to_cxcywh(b):
    b = np.asarray(b, dtype=np.float64)
    return np.concatenate([(b[..., :2] + b[..., 2:]) / 2, b[..., 2:] - b[..., :2]], axis=-1)


def cxcywh_to_xyxy(b):
    b = np.asarray(b, dtype=np.float64)
    return np.concatenate([b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2], axis=-1)


def normalize(b, width, height):
    """Pixel boxes (any of the formats: all four coordinates scale the same way) as fractions
    of the image size."""
    return np.asarray(b, dtype=np.float64) / np.array([width, height, width, height])


def denormalize(b, width, height):
    return np.asarray(b, dtype=np.float64) * np.array([width, height, width, height])


def area(b):
    """Areas of xyxy boxes ``[..., 4]`` -> ``[...]`` (0 for an empty or inverted box)."""
    b = np.asarray(b, dtype=np.float64)
    return np.clip(b[..., 2] - b[..., 0], 0, None) * np.clip(b[..., 3] - b[..., 1], 0, None)


def box_iou_xyxy(a, b):
    """IoU of boxes paired element by element: ``a``, ``b`` xyxy ``[..., 4]`` -> ``[...]``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    lt = np.maximum(a[..., :2], b[..., :2])
    rb = np.minimum(a[..., 2:], b[..., 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=-1)
    union = area(a) + area(b) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def box_iou_xywh(a, b):
    """The course's second form: IoU of (cx, cy, w, h) boxes paired element by element."""
    return box_iou_xyxy(cxcywh_to_xyxy(a), cxcywh_to_xyxy(b))


def iou_matrix(a, b):
    """IoU of every box of ``a`` [N, 4] with every box of ``b`` [M, 4] (xyxy) -> [N, M]."""
    a, b = (
        np.asarray(a, dtype=np.float64).reshape(-1, 4),
        np.asarray(b, dtype=np.float64).reshape(-1, 4),
    )
    return box_iou_xyxy(a[:, None, :], b[None, :, :])


def nms(boxes, scores, iou_threshold=0.3, top_k=None):
    """Indices of the boxes kept by greedy non-maximum suppression, best score first.

    Visit boxes by descending score; keep one unless its IoU with a box already kept is above
    ``iou_threshold`` (``>``: a box at exactly the threshold survives, as in Paddle). Equal
    scores keep their input order (a stable sort). ``top_k`` stops after the best k. The default
    threshold 0.3 is ``paddle.vision.ops.nms``'s; the course's detector uses 0.45.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x1, y1, x2, y2 = boxes.T
    areas = area(boxes)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    keep = []
    while len(order) and (top_k is None or len(keep) < top_k):
        best, order = order[0], order[1:]
        keep.append(best)  # then drop what it suppresses: one numpy step
        # box_iou_xyxy(boxes[best], boxes[order]), written out: this loop is the hot spot
        w = np.maximum(np.minimum(x2[best], x2[order]) - np.maximum(x1[best], x1[order]), 0)
        h = np.maximum(np.minimum(y2[best], y2[order]) - np.maximum(y1[best], y1[order]), 0)
        inter = w * h
        union = areas[best] + areas[order] - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = order[iou <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def multiclass_nms(boxes, scores, classes, iou_threshold=0.45, top_k=None):
    """NMS within each class (a "3" never suppresses a "5" over it): indices of the kept boxes,
    best score first over all classes, at most ``top_k``. Done as one NMS of boxes shifted
    apart by class, so that boxes of two classes never overlap."""
    boxes, classes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(classes)
    if not len(boxes):
        return np.zeros(0, dtype=np.int64)
    span = boxes.max() - boxes.min() + 1
    return nms(boxes + (classes * span)[:, None], scores, iou_threshold, top_k)
