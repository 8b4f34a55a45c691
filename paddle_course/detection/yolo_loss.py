"""The YOLOv3 loss written out: label assignment in numpy, the loss in Paddle ops, equal to
``paddle.vision.ops.yolo_loss`` (the course's ``get_loss``; tests/test_ch05_detection.py checks
the value and its gradient against it).

A detector's output (see ``models.yolo``) is one tensor ``[N, P, 5 + C]``: for every output
scale, anchor and grid cell (in that order, as ``yolo_box`` numbers them) the raw
``(tx, ty, tw, th, objectness, class logits...)``. Targets are ``[N, B, 5]`` float32 rows
``(class, cx, cy, w, h)`` normalised to the image, padded with zero rows (``w = 0``: no box).

For each ground-truth box, at each output scale (as Paddle does, scale by scale):
  * the anchor whose *shape* best matches the box (IoU of the two at one centre) over **all**
    anchors; only the output that owns that anchor learns the box (the others treat it as
    background), at the cell ``(gj, gi) = (floor(cy * H), floor(cx * W))`` holding the centre;
  * location: ``tx = cx * W - gi`` and ``ty`` learnt by sigmoid cross-entropy, ``tw = log(w *
    input / anchor_w)`` and ``th`` by L1, weighted by ``2 - w * h`` (small boxes count more);
  * class: one sigmoid cross-entropy per class (not a softmax: classes may overlap);
  * objectness: 1 at the assigned anchor and cell; 0 elsewhere, except where the box that
    anchor predicts *now* already overlaps some ground truth by IoU > ``ignore_thresh`` (0.7):
    such a prediction is neither rewarded nor punished.
The loss of an image is the sum of all these terms; the batch's loss is the mean over images.
Two boxes assigned to the same anchor and cell both add their location and class terms (the
last one's score sets the objectness target), exactly as Paddle's kernel does.
"""

import numpy as np
import paddle
import paddle.nn.functional as F

IGNORE_THRESH = 0.7  # the course's ignore_thresh


def split_outputs(outputs, layout, image_size):
    """The flat output ``[N, P, 5 + C]`` as one ``[N, A, H, W, 5 + C]`` tensor per scale."""
    parts, start = [], 0
    n = outputs.shape[0]
    for (h, w), mask in zip(layout.grids(image_size), layout.masks):
        size = len(mask) * h * w
        parts.append(
            outputs[:, start : start + size].reshape([n, len(mask), h, w, layout.per_anchor])
        )
        start += size
    if start != outputs.shape[1]:
        raise ValueError(
            f"the output has {outputs.shape[1]} predictions; a {image_size} input "
            f"with this head makes {start}"
        )
    return parts


def paddle_layout(x):
    """``[N, A, H, W, 5 + C]`` -> ``[N, A * (5 + C), H, W]``, the layout of Paddle's ops (and of
    the conv that makes it: channel ``a * (5 + C) + entry``)."""
    n, a, h, w, e = x.shape
    return x.transpose([0, 1, 4, 2, 3]).reshape([n, a * e, h, w])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _iou_cxcywh(a, b):
    """IoU of (cx, cy, w, h) boxes, broadcasting ``a`` [..., 4] with ``b`` [..., 4]."""
    iw = np.minimum(a[..., 0] + a[..., 2] / 2, b[..., 0] + b[..., 2] / 2) - np.maximum(
        a[..., 0] - a[..., 2] / 2, b[..., 0] - b[..., 2] / 2
    )
    ih = np.minimum(a[..., 1] + a[..., 3] / 2, b[..., 1] + b[..., 3] / 2) - np.maximum(
        a[..., 1] - a[..., 3] / 2, b[..., 1] - b[..., 3] / 2
    )
    inter = np.where((iw < 0) | (ih < 0), 0, iw * ih)
    return inter / (a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter)


def valid_boxes(target):
    """Which target rows are boxes (``w`` and ``h`` above 1e-6, Paddle's test) [N, B]."""
    return (target[..., 3] >= 1e-6) & (target[..., 4] >= 1e-6)


def assign(x, target, layout, scale, ignore_thresh=IGNORE_THRESH):
    """The targets of one output scale, in numpy.

    x        the scale's raw output ``[N, A, H, W, 5 + C]`` (numpy; for the ignore test)
    target   ``[N, B, 5]`` (class, cx, cy, w, h)
    Returns ``obj [N, A, H, W]`` (the positive's score, -1 ignored, 0 background) and, per
    ground truth learnt here, ``index [G, 4]`` (image, anchor, gj, gi), ``loc [G, 4]`` (tx, ty,
    tw, th targets), ``weight [G]`` (2 - w * h), ``label [G]``.
    """
    n, a, h, w, _ = x.shape
    stride = layout.strides[scale]
    input_size = np.float32(stride * h)  # as Paddle: downsample_ratio * H
    mask = layout.masks[scale]
    anchors = np.asarray(layout.anchors, dtype=np.float32)  # [K, 2] pixels
    target = np.asarray(target, dtype=np.float32)
    valid = valid_boxes(target)
    # the boxes the outputs predict now, normalised (cx, cy, w, h) [N, A, H, W, 4]
    cols, rows = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    pred = np.stack(
        [
            (cols + _sigmoid(x[..., 0])) / w,
            (rows + _sigmoid(x[..., 1])) / h,
            np.exp(x[..., 2]) * anchors[mask, 0, None, None] / input_size,
            np.exp(x[..., 3]) * anchors[mask, 1, None, None] / input_size,
        ],
        axis=-1,
    )
    obj = np.zeros((n, a, h, w), dtype=np.float32)
    for i in range(n):
        gts = target[i, valid[i], 1:5]
        if len(gts):
            best = _iou_cxcywh(pred[i][..., None, :], gts).max(axis=-1)
            obj[i][best > ignore_thresh] = -1
    index, loc, weight, label = [], [], [], []
    for i, t in zip(*np.nonzero(valid)):
        cls, cx, cy, bw, bh = target[i, t]
        shapes = np.zeros((len(anchors), 4), dtype=np.float32)
        shapes[:, 2:] = anchors / input_size
        best = int(np.argmax(_iou_cxcywh(np.array([0, 0, bw, bh], dtype=np.float32), shapes)))
        if best not in mask:
            continue  # another scale learns this box
        k = mask.index(best)
        gi, gj = min(int(cx * np.float32(w)), w - 1), min(int(cy * np.float32(h)), h - 1)
        obj[i, k, gj, gi] = 1.0
        index.append((i, k, gj, gi))
        loc.append(
            (
                cx * np.float32(w) - gi,
                cy * np.float32(h) - gj,
                np.log(bw * input_size / anchors[best, 0]),
                np.log(bh * input_size / anchors[best, 1]),
            )
        )
        weight.append(2.0 - bw * bh)
        label.append(int(cls))
    return (
        obj,
        np.array(index, dtype=np.int64).reshape(-1, 4),
        np.array(loc, dtype=np.float32).reshape(-1, 4),
        np.array(weight, dtype=np.float32),
        np.array(label, dtype=np.int64),
    )


def scale_loss(x, target, layout, scale, ignore_thresh=IGNORE_THRESH):
    """The loss of each image at one output scale: ``[N]``, differentiable in ``x``."""
    obj, index, loc, weight, label = assign(x.numpy(), target, layout, scale, ignore_thresh)
    n = x.shape[0]
    bce = F.binary_cross_entropy_with_logits
    # objectness: positives to 1 (weighted by their score), background to 0, ignored skipped
    positive = paddle.to_tensor(obj > 1e-5, dtype=x.dtype)
    background = paddle.to_tensor((obj <= 1e-5) & (obj > -0.5), dtype=x.dtype)
    logit = x[..., 4]
    per_cell = (
        bce(logit, paddle.ones_like(logit), reduction="none") * positive
        + bce(logit, paddle.zeros_like(logit), reduction="none") * background
    )
    loss = per_cell.reshape([n, -1]).sum(axis=1)
    if len(index):
        g = paddle.gather_nd(x, paddle.to_tensor(index))  # [G, 5 + C] at each box's cell
        t = paddle.to_tensor(loc)
        location = (
            bce(g[:, 0], t[:, 0], reduction="none")
            + bce(g[:, 1], t[:, 1], reduction="none")
            + (g[:, 2] - t[:, 2]).abs()
            + (g[:, 3] - t[:, 3]).abs()
        )
        onehot = F.one_hot(paddle.to_tensor(label), layout.num_classes).astype(x.dtype)
        classes = bce(g[:, 5:], onehot, reduction="none").sum(axis=1)
        per_box = location * paddle.to_tensor(weight) + classes
        owner = np.zeros((n, len(index)), dtype=np.float32)  # [N, G]: whose box it is
        owner[index[:, 0], np.arange(len(index))] = 1
        loss = loss + paddle.to_tensor(owner) @ per_box
    return loss


class YoloLoss:
    """``loss(outputs, target)`` for the engine: the mean over images of each image's loss
    summed over the output scales (the course: the sum over scales of each scale's mean)."""

    def __init__(self, layout, image_size, ignore_thresh=IGNORE_THRESH):
        self.layout, self.image_size, self.ignore_thresh = layout, tuple(image_size), ignore_thresh

    def per_image(self, outputs, target):
        target = target.numpy() if hasattr(target, "numpy") else np.asarray(target)
        parts = split_outputs(outputs, self.layout, self.image_size)
        return sum(
            scale_loss(x, target, self.layout, s, self.ignore_thresh) for s, x in enumerate(parts)
        )

    def __call__(self, outputs, target):
        return self.per_image(outputs, target).mean()


def paddle_yolo_loss(outputs, target, layout, image_size, ignore_thresh=IGNORE_THRESH):
    """The same per-image loss ``[N]`` from ``paddle.vision.ops.yolo_loss`` (label smoothing
    off, as in the course): the oracle our loss is checked against."""
    target = paddle.to_tensor(target) if not isinstance(target, paddle.Tensor) else target
    total = 0
    for s, x in enumerate(split_outputs(outputs, layout, image_size)):
        total = total + paddle.vision.ops.yolo_loss(
            paddle_layout(x),
            gt_box=target[..., 1:5],
            gt_label=target[..., 0].astype("int32"),
            anchors=layout.flat_anchors(),
            anchor_mask=list(layout.masks[s]),
            class_num=layout.num_classes,
            ignore_thresh=ignore_thresh,
            downsample_ratio=layout.strides[s],
            use_label_smooth=False,
        )
    return total
