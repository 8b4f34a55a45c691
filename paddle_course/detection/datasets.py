"""Chapter 5's data: images with boxes, as the detector and the engine take them.

``--data`` chooses:
    (none)          scenes of real MNIST digits (``digit_scenes``), made at run time: 64 x 64,
                    grey, 10 classes; splits from disjoint digits (the embedded MNIST splits)
    tree-crowns     the NEON aerial photos of the ``deepforest`` data pack (``tree_crowns``),
                    cut into 256 px tiles, one class
    a folder        Pascal VOC layout (``voc``): either ``train/`` and ``val/`` sub-folders
                    each in that layout (the course's insects; ``test/`` too if it has
                    annotations, otherwise the validation images are split in two halves,
                    seeded, for validation and test) or one such folder, split 80/10/10 by
                    image, seeded. Class names are those the XMLs use, sorted (the course's
                    insect names come out in its order).

A sample is ``(image, target)``: the image float32 ``[C, S, S]`` scaled to [-1, 1] (resized to
the square input, as the course does), the target float32 ``[B, 5]``: one row ``(class, cx, cy,
w, h)`` per box, normalised to the image, padded with zero rows to the most boxes any image has.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from paddle.io import Dataset

from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.packs import read_member
from paddle_course.detection.boxes import cxcywh_to_xyxy, normalize, xyxy_to_cxcywh
from paddle_course.detection.voc import read_voc_folder, tiles
from paddle_course.errors import DataError

SCENES = (3000, 200, 200)  # digit scenes per split (the evaluation splits: at most this)
TILE = 256  # tree-crown tile size, pixels


class DetectionSplit(Dataset):
    """Images uint8 ``[N, C, S, S]``, targets float32 ``[N, B, 5]``, ``difficult`` bool
    ``[N, B]``."""

    def __init__(self, images, targets, difficult, names):
        self.images, self.targets, self.difficult, self.names = images, targets, difficult, names

    def __getitem__(self, i):
        return self.images[i].astype(np.float32) / np.float32(127.5) - 1, self.targets[i]

    def __len__(self):
        return len(self.images)

    def picture(self, i):
        """Image ``i`` as uint8 for display: ``[H, W]`` grey or ``[H, W, 3]``."""
        image = self.images[i].transpose(1, 2, 0)
        return image[..., 0] if image.shape[-1] == 1 else image

    def valid(self, i):
        return self.targets[i, :, 3] > 0

    def ground_truth(self, i):
        """Image ``i``'s boxes (xyxy, normalised), classes and difficult flags."""
        t, keep = self.targets[i], self.valid(i)
        return cxcywh_to_xyxy(t[keep, 1:5]), t[keep, 0].astype(np.int64), self.difficult[i, keep]

    def box_count(self):
        return int((self.targets[:, :, 3] > 0).sum())

    def box_sizes(self):
        """Every box's (w, h) as fractions of the image ``[K, 2]`` (for the anchors' k-means)."""
        t = self.targets[self.targets[:, :, 3] > 0]
        return t[:, 3:5].astype(np.float64)


def make_split(images, boxes, classes, difficult, names, width, height, max_boxes):
    """A :class:`DetectionSplit` from equal-size images and per-image pixel boxes."""
    targets = np.zeros((len(images), max_boxes, 5), dtype=np.float32)
    hard = np.zeros((len(images), max_boxes), dtype=bool)
    for i, (b, c, d) in enumerate(zip(boxes, classes, difficult)):
        targets[i, : len(b), 0] = c
        targets[i, : len(b), 1:] = xyxy_to_cxcywh(normalize(b, width, height))
        hard[i, : len(b)] = d
    return DetectionSplit(images, targets, hard, list(names))


@dataclass
class DetectionData:
    train: DetectionSplit
    val: DetectionSplit
    test: DetectionSplit | None
    classes: list  # class names, index = class id
    image_size: int  # the square input, pixels
    channels: int
    source: str

    def sizes(self):
        return {k: len(s) for k, s in self.splits().items()}

    def splits(self):
        return {
            k: s
            for k, s in (("train", self.train), ("val", self.val), ("test", self.test))
            if s is not None
        }

    def info(self):
        return {
            "source": self.source,
            "images": self.sizes(),
            "boxes": {k: s.box_count() for k, s in self.splits().items()},
            "classes": self.classes,
            "image_size": self.image_size,
            "channels": self.channels,
        }

    def describe(self):
        return (
            f"{self.source}: "
            + ", ".join(
                f"{k} {len(s)} images ({s.box_count()} boxes)" for k, s in self.splits().items()
            )
            + f"  |  {len(self.classes)} classes, input {self.image_size} px"
        )

    def fingerprint(self):
        return fingerprint(self.train.images, self.train.targets, self.val.images, self.val.targets)


def load_detection_data(data=None, seed=0, image_size=None, scenes=SCENES, fetch=read_member):
    """The :class:`DetectionData` ``--data`` names (see the module docstring); ``fetch`` reads
    the tree-crown pack (tests pass their own)."""
    if data is None:
        return _digit_scenes(seed, scenes)
    if data == "tree-crowns":
        from paddle_course.detection.tree_crowns import NAME, tree_crowns

        parts = {
            k: [t for item in v for t in tiles(item, TILE)] for k, v in tree_crowns(fetch).items()
        }
        return _from_annotated(parts, image_size or TILE, f"{NAME} ({TILE} px tiles)")
    root = Path(data).expanduser()
    if not root.exists():
        raise DataError(root, "no such file or directory")
    if (root / "train").is_dir():
        parts = {"train": read_voc_folder(root / "train"), "val": read_voc_folder(root / "val")}
        test = root / "test" / "annotations" / "xmls"
        if test.is_dir() and any(test.glob("*.xml")):
            parts["test"] = read_voc_folder(root / "test")
        else:
            order = np.random.default_rng(seed).permutation(len(parts["val"]))
            half = len(order) // 2
            parts["test"] = [parts["val"][i] for i in sorted(order[half:])]
            parts["val"] = [parts["val"][i] for i in sorted(order[:half])]
    else:
        items = read_voc_folder(root)
        order = np.random.default_rng(seed).permutation(len(items))
        n_val = n_test = max(1, len(items) // 10)
        if len(items) < 3:
            raise DataError(
                root,
                f"holds {len(items)} annotated image(s); splitting into "
                f"train, validation and test needs at least 3",
            )
        chosen = {
            "val": order[:n_val],
            "test": order[n_val : n_val + n_test],
            "train": order[n_val + n_test :],
        }
        parts = {k: [items[i] for i in sorted(v)] for k, v in chosen.items()}
    return _from_annotated(parts, image_size or 256, str(root))


def _digit_scenes(seed, scenes):
    from paddle_course.data.mnist import load_mnist
    from paddle_course.detection.digit_scenes import CANVAS, make_scenes

    mnist = load_mnist(None, seed)
    splits, made = {}, {}
    for i, name in enumerate(("train", "val", "test")):
        part = getattr(mnist, name)
        digits = np.rint((part.images[:, 0] + 1) * 127.5).astype(np.uint8)  # back to bytes
        made[name] = make_scenes(
            digits, part.labels, scenes[i], seed=(seed, i), reuse=name == "train"
        )
    max_boxes = max(len(b) for images, boxes, _ in made.values() for b in boxes)
    for name, (images, boxes, classes) in made.items():
        splits[name] = make_split(
            images[:, None],
            boxes,
            classes,
            [np.zeros(len(c), bool) for c in classes],
            [f"{name}-{i}" for i in range(len(images))],
            CANVAS,
            CANVAS,
            max_boxes,
        )
    return DetectionData(
        splits["train"],
        splits["val"],
        splits["test"],
        [str(d) for d in range(10)],
        CANVAS,
        1,
        f"digit scenes (embedded MNIST, seed {seed})",
    )


def _from_annotated(parts, size, source):
    """Splits of :class:`~.voc.AnnotatedImage` resized to ``size`` squares."""
    from PIL import Image

    for name, items in parts.items():
        if not items:
            raise DataError(source, f"the {name} split has no annotated image")
    # every split's names (a class missing from training then scores AP 0, as it should)
    classes = sorted({n for items in parts.values() for item in items for n in item.names})
    if not classes:
        raise DataError(source, "no image has a box")
    index = {n: i for i, n in enumerate(classes)}
    max_boxes = max(len(item.boxes) for items in parts.values() for item in items)
    splits = {}
    for name, items in parts.items():
        images = np.stack(
            [
                np.asarray(
                    Image.fromarray(item.image).resize((size, size), Image.BILINEAR)
                ).transpose(2, 0, 1)
                for item in items
            ]
        )
        # boxes are normalised by each image's own size, so resizing does not move them
        boxes = [
            item.boxes * ([size / item.image.shape[1], size / item.image.shape[0]] * 2)
            for item in items
        ]
        splits[name] = make_split(
            images,
            boxes,
            [[index[n] for n in item.names] for item in items],
            [item.difficult for item in items],
            [item.name for item in items],
            size,
            size,
            max_boxes,
        )
    return DetectionData(
        splits["train"], splits["val"], splits.get("test"), classes, size, 3, source
    )
