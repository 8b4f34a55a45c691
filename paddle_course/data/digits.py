"""MNIST as the model sees it, whatever the file: splits of float32 ``[N, 1, 28, 28]`` images in
[-1, 1] and int64 labels 0..9, and the checks every reader applies to what it read."""

from dataclasses import dataclass

import numpy as np

from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.splits import stratified_split
from paddle_course.errors import DataError

PIXELS = 28 * 28


@dataclass
class Split:
    """One split: ``images`` float32 [N, 1, 28, 28] in [-1, 1], ``labels`` int64 [N]."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self):
        return len(self.labels)

    def subset(self, n, seed=0):
        """A class-balanced subset of ``n`` samples (all of them if ``n >= len(self)``)."""
        if n >= len(self):
            return self
        (idx,) = stratified_split(self.labels, [n], seed)
        return Split(self.images[idx], self.labels[idx])


@dataclass
class MnistData:
    train: Split
    val: Split
    test: Split
    source: str  # the file or directory read
    scale: str  # how the file's pixel values were mapped to [-1, 1]
    fallback: str | None = None  # why --data auto did not get the pack (None: it did, or not asked)
    chosen: str | None = None  # what --data auto chose: the --data that reads this data again

    def sizes(self):
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}

    def subsets(self, sizes, seed=0):
        """The same data with class-balanced subsets of ``sizes`` ({split: count}; a split not
        named stays whole), drawn by ``seed``."""
        parts = {k: getattr(self, k) for k in ("train", "val", "test")}
        parts.update({k: parts[k].subset(n, seed) for k, n in sizes.items()})
        return MnistData(
            **parts, **{k: getattr(self, k) for k in ("source", "scale", "fallback", "chosen")}
        )

    def map_images(self, fn):
        """The same data with ``fn(images)`` applied to every split (e.g. resized or padded)."""
        return MnistData(
            *(Split(fn(s.images), s.labels) for s in (self.train, self.val, self.test)),
            self.source,
            self.scale,
            self.fallback,
            self.chosen,
        )

    def info(self):
        """What ``metrics.json`` records about the data."""
        info = {"source": self.source, "scale": self.scale, "sizes": self.sizes()}
        return info | ({"fallback": self.fallback} if self.fallback else {})

    def describe(self):
        """One line for the start of a run."""
        return (
            f"{self.source}: "
            + ", ".join(f"{k} {v}" for k, v in self.sizes().items())
            + f"  |  pixels {self.scale}"
        )

    def fingerprint(self):
        """SHA-256 of the training and validation data: what a resumed run must train on."""
        return fingerprint(self.train.images, self.train.labels, self.val.images, self.val.labels)


def labels_of(path, name, labels):
    """Labels as int64, each a whole number in 0..9."""
    try:
        arr = np.asarray(labels, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(path, f"the {name} labels are not numbers") from None
    bad = np.flatnonzero(~np.isfinite(arr) | (arr != np.round(arr)) | (arr < 0) | (arr > 9))
    if bad.size:
        raise DataError(
            path,
            f"the {name} labels must be whole numbers 0-9; label {bad[0]} is "
            f"{arr[bad[0]]:g} ({bad.size} bad in all)",
        )
    return arr.astype(np.int64)


def to_model_scale(path, image_sets):
    """Map every set of ``[N, 784]`` pixel rows to the model's [-1, 1] scale.

    One mapping for the whole file, chosen from its global value range: [0, 255] bytes, [0, 1]
    or already [-1, 1] are recognised. Any other range (a file standardised with a mean and a
    std, say) is mapped linearly from its min..max to -1..1, which is right for MNIST because
    every large set of digits contains both pure background and full ink.
    Returns the mapped ``[N, 1, 28, 28]`` arrays and a description of the mapping.
    """
    nonempty = [x for x in image_sets if x.size]
    if not nonempty:
        return [as_nchw(x) for x in image_sets], "empty"
    if not all(np.isfinite(x).all() for x in nonempty):
        raise DataError(path, "images contain NaN or infinite values")
    lo = min(float(x.min()) for x in nonempty)
    hi = max(float(x.max()) for x in nonempty)
    eps = 1e-3
    if lo >= -eps and hi <= 1 + eps:
        a, b, scale = 2.0, -1.0, "[0, 1] -> 2x - 1"
    elif lo >= -1 - eps and hi <= 1 + eps:
        a, b, scale = 1.0, 0.0, "[-1, 1] as is"
    elif lo >= -eps and hi <= 255 + eps:
        a, b, scale = 1 / 127.5, -1.0, "[0, 255] -> x / 127.5 - 1"
    elif hi > lo:
        a = 2.0 / (hi - lo)
        b = -1.0 - lo * a
        scale = f"[{lo:.4g}, {hi:.4g}] (not a standard range) -> min-max to [-1, 1]"
    else:
        raise DataError(path, f"all pixel values are {lo:g}: these are not images")
    return [as_nchw(x * np.float32(a) + np.float32(b)) for x in image_sets], scale


def as_nchw(x):
    return np.ascontiguousarray(x, dtype=np.float32).reshape(-1, 1, 28, 28)


def check_splits(path, data):
    for name, split in (("train", data.train), ("validation", data.val), ("test", data.test)):
        if len(split) == 0:
            raise DataError(path, f"the {name} split is empty")
