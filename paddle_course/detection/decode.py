"""From a detector's raw output to detections: decoding (equal to ``paddle.vision.ops.yolo_box``,
the course's ``get_pred``), then a score threshold and per-class NMS (its ``multiclass_nms``).

Decoding one anchor ``(pw, ph)`` at grid cell (row k, column l) of an ``H x W`` grid:

    cx = (l + sigmoid(tx)) / W        cy = (k + sigmoid(ty)) / H        (fractions of the image)
    w  = pw * exp(tw) / (stride * W)  h  = ph * exp(th) / (stride * H)
    score of class c = sigmoid(objectness) * sigmoid(class logit c)

``yolo_box`` zeroes the box and scores of an anchor whose sigmoid(objectness) is below its
``conf_thresh``; with ``clip_bbox=True`` it clips to ``[0, width - 1]`` (pixel indices). We keep
coordinates continuous and clip to ``[0, width]``; the tests compare with ``clip_bbox=False``.
"""

from dataclasses import dataclass

import numpy as np

from paddle_course.detection.boxes import cxcywh_to_xyxy, multiclass_nms

VALID_THRESH = 0.01  # the course's valid_thresh: scores below it are not detections
NMS_THRESH = 0.45  # the course's nms_thresh
MAX_DETECTIONS = 100  # the course's pos_nms_topk: detections kept per image
CANDIDATES = 1000  # the course's nms_topk: the best-scoring pairs NMS looks at


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def decode(outputs, layout, image_size, size=(1.0, 1.0), conf_thresh=0.0, clip=True):
    """Boxes and class scores of every anchor of every cell.

    outputs     ``[N, P, 5 + C]`` raw (numpy or a Tensor)
    image_size  (h, w) of the network's input, in pixels (sets the grids)
    size        (h, w) to express boxes in: (1, 1) normalised (the default), or an image's pixels
    Returns ``boxes [N, P, 4]`` xyxy and ``scores [N, P, C]`` (float64), ordered as yolo_box's.
    """
    x = np.asarray(outputs.numpy() if hasattr(outputs, "numpy") else outputs, dtype=np.float64)
    img_h, img_w = size
    boxes, scores, start = [], [], 0
    for (h, w), mask, stride in zip(layout.grids(image_size), layout.masks, layout.strides):
        n_here = len(mask) * h * w
        part = x[:, start : start + n_here].reshape(len(x), len(mask), h, w, layout.per_anchor)
        start += n_here
        anchors = np.asarray(layout.anchors, dtype=np.float64)[list(mask)]  # [A, 2]
        cols, rows = np.meshgrid(np.arange(w), np.arange(h))
        cx = (cols + _sigmoid(part[..., 0])) / w
        cy = (rows + _sigmoid(part[..., 1])) / h
        bw = np.exp(part[..., 2]) * anchors[:, 0, None, None] / (stride * w)
        bh = np.exp(part[..., 3]) * anchors[:, 1, None, None] / (stride * h)
        b = cxcywh_to_xyxy(np.stack([cx, cy, bw, bh], axis=-1)) * [img_w, img_h, img_w, img_h]
        conf = _sigmoid(part[..., 4])
        s = conf[..., None] * _sigmoid(part[..., 5:])
        low = conf < conf_thresh
        b[low], s[low] = 0, 0
        boxes.append(b.reshape(len(x), -1, 4))
        scores.append(s.reshape(len(x), -1, layout.num_classes))
    boxes = np.concatenate(boxes, axis=1)
    if clip:
        boxes = np.clip(boxes, 0, [img_w, img_h, img_w, img_h])
    return boxes, np.concatenate(scores, axis=1)


@dataclass(frozen=True)
class Detections:
    """One image's detections, best first: ``boxes [D, 4]`` xyxy, ``scores [D]``,
    ``classes [D]``."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray

    def __len__(self):
        return len(self.scores)


def postprocess(
    boxes,
    scores,
    score_thresh=VALID_THRESH,
    nms_thresh=NMS_THRESH,
    max_detections=MAX_DETECTIONS,
    candidates=CANDIDATES,
):
    """One image's decoded ``boxes [P, 4]`` and ``scores [P, C]`` as :class:`Detections`: the
    best ``candidates`` (box, class) pairs scoring at least ``score_thresh``, NMS within each
    class at IoU ``nms_thresh`` (``None``: no NMS), at most ``max_detections``."""
    anchor, cls = np.nonzero(scores >= score_thresh)
    s = scores[anchor, cls]
    if len(s) > candidates:
        best = np.argsort(-s, kind="stable")[:candidates]
        anchor, cls, s = anchor[best], cls[best], s[best]
    b = boxes[anchor]
    if nms_thresh is None:
        keep = np.argsort(-s, kind="stable")[:max_detections]
    else:
        keep = multiclass_nms(b, s, cls, nms_thresh, top_k=max_detections)
    return Detections(b[keep], s[keep], cls[keep])


def detect(outputs, layout, image_size, size=(1.0, 1.0), **post):
    """:func:`decode` then :func:`postprocess` for each image: a list of :class:`Detections`."""
    boxes, scores = decode(outputs, layout, image_size, size)
    return [postprocess(b, s, **post) for b, s in zip(boxes, scores)]


def paddle_yolo_box(outputs, layout, image_size, size, conf_thresh=0.0):
    """The same boxes and scores from ``paddle.vision.ops.yolo_box`` (``clip_bbox=False``), the
    oracle :func:`decode` is checked against; ``size`` (h, w) in whole pixels."""
    import paddle

    from paddle_course.detection.yolo_loss import paddle_layout, split_outputs

    outputs = outputs if isinstance(outputs, paddle.Tensor) else paddle.to_tensor(outputs)
    boxes, scores = [], []
    for s, x in enumerate(split_outputs(outputs, layout, image_size)):
        anchors = [v for a in layout.masks[s] for v in layout.anchors[a]]
        b, sc = paddle.vision.ops.yolo_box(
            paddle_layout(x),
            paddle.to_tensor([list(size)] * x.shape[0], dtype="int32"),
            anchors,
            layout.num_classes,
            conf_thresh,
            layout.strides[s],
            clip_bbox=False,
        )
        boxes.append(b.numpy())
        scores.append(sc.numpy())
    return np.concatenate(boxes, axis=1), np.concatenate(scores, axis=1)
