"""Anchors: the box shapes a YOLOv3 head predicts relative to, chosen by k-means on the
training boxes, and the layout of a head (which anchors at which stride).

YOLOv3 clusters the training boxes' (width, height) with the distance ``1 - IoU`` of the two
shapes placed at the same centre (so a big box is not "far" just for being big), takes k = 9
clusters and gives the three largest to the coarsest output (stride 32), the next three to
stride 16 and the smallest to stride 8. The course uses COCO's nine
``[10,13, 16,30, 33,23, 30,61, 62,45, 59,119, 116,90, 156,198, 373,326]`` (pixels of a 608
input) on its insects; we compute ours from the data the detector trains on.
"""

from dataclasses import dataclass

import numpy as np

COCO_ANCHORS = [
    (10, 13),
    (16, 30),
    (33, 23),
    (30, 61),
    (62, 45),
    (59, 119),
    (116, 90),
    (156, 198),
    (373, 326),
]


def shape_iou(wh, centroids):
    """IoU of box shapes placed at one centre: ``wh`` [N, 2], ``centroids`` [K, 2] -> [N, K]."""
    wh, centroids = np.asarray(wh, dtype=np.float64), np.asarray(centroids, dtype=np.float64)
    inter = np.minimum(wh[:, None, 0], centroids[None, :, 0]) * np.minimum(
        wh[:, None, 1], centroids[None, :, 1]
    )
    union = wh[:, None].prod(-1) + centroids[None, :].prod(-1) - inter
    return inter / union


def kmeans_anchors(wh, k, seed=0, iterations=300):
    """``k`` anchor shapes [k, 2] (sorted by area) clustering box sizes ``wh`` [N, 2] with the
    distance 1 - IoU; k-means++ seeding from ``seed``, each centroid the median of its members
    (robust to a few huge boxes). Also returns the mean best IoU of a box with an anchor, the
    number to compare anchor sets by."""
    wh = np.asarray(wh, dtype=np.float64).reshape(-1, 2)
    wh = wh[(wh > 0).all(axis=1)]
    if len(wh) < k:
        raise ValueError(f"k-means of {k} anchors needs at least {k} boxes, got {len(wh)}")
    rng = np.random.default_rng(seed)
    centroids = wh[[rng.integers(len(wh))]]
    while len(centroids) < k:  # k-means++: far boxes are likelier seeds
        d = 1 - shape_iou(wh, centroids).max(axis=1)
        p = d / d.sum() if d.sum() > 0 else None
        centroids = np.vstack([centroids, wh[rng.choice(len(wh), p=p)]])
    for _ in range(iterations):
        nearest = shape_iou(wh, centroids).argmax(axis=1)
        moved = np.array(
            [
                np.median(wh[nearest == j], axis=0) if (nearest == j).any() else centroids[j]
                for j in range(k)
            ]
        )
        if np.allclose(moved, centroids):
            break
        centroids = moved
    centroids = centroids[np.argsort(centroids.prod(axis=1), kind="stable")]
    return centroids, float(shape_iou(wh, centroids).max(axis=1).mean())


@dataclass(frozen=True)
class HeadLayout:
    """Where a YOLOv3-style detector predicts: one output per stride (coarse first, as the
    course's P0, P1, P2), each with the anchors ``masks[i]`` picks from ``anchors``.

    anchors      [(w, h), ...] in whole input pixels (Paddle's ops take integers), smallest first
    masks        per output, the indices of its anchors (the course's ``anchor_masks``)
    strides      per output, the input pixels per grid cell (the course's ``downsample``)
    num_classes  C: each anchor predicts (tx, ty, tw, th, objectness, C class logits)
    """

    anchors: tuple
    masks: tuple
    strides: tuple
    num_classes: int

    @classmethod
    def from_anchors(cls, anchors, strides, num_classes):
        """The largest anchors to the coarsest stride, in equal groups (the course's split)."""
        anchors = tuple((max(1, int(round(w))), max(1, int(round(h)))) for w, h in anchors)
        per = len(anchors) // len(strides)
        if per * len(strides) != len(anchors):
            raise ValueError(
                f"{len(anchors)} anchors do not split evenly over {len(strides)} outputs"
            )
        masks = tuple(
            tuple(range(len(anchors) - per * (i + 1), len(anchors) - per * i))
            for i in range(len(strides))
        )
        return cls(
            anchors, masks, tuple(int(s) for s in sorted(strides, reverse=True)), int(num_classes)
        )

    @property
    def per_anchor(self):
        return 5 + self.num_classes

    def grids(self, image_size):
        """Grid (rows, cols) of each output for an ``image_size`` (h, w) input."""
        h, w = image_size
        for s in self.strides:
            if h % s or w % s:
                raise ValueError(
                    f"the input size {h}x{w} must be a multiple of every stride {self.strides}"
                )
        return [(h // s, w // s) for s in self.strides]

    def flat_anchors(self):
        """The anchors as Paddle's ops take them: ``[w0, h0, w1, h1, ...]`` (integers there)."""
        return [v for wh in self.anchors for v in wh]

    def to_dict(self):
        return {
            "anchors": [list(a) for a in self.anchors],
            "masks": [list(m) for m in self.masks],
            "strides": list(self.strides),
            "num_classes": self.num_classes,
        }
