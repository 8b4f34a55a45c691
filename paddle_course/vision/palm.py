"""The iChallenge-PM fundus photos (PALM: pathologic myopia or not), read as the course reads them.

Layout of the real files (the course's zip nests the training folder one level deeper)::

    ROOT/PALM-Training400/[PALM-Training400/]P0001.jpg, H0001.jpg, N0001.jpg ...   label from the
                                                                     first letter: P -> 1, H/N -> 0
    ROOT/PALM-Validation400/V0001.jpg ...                             labels from labels.csv
    ROOT/labels.csv      ID,imgName,Label,Fovea_X,Fovea_Y   (one row per validation image)

:func:`find_palm` locates the three under ROOT; :func:`load_palm` reads them. Images of any size
are read as **RGB** (the course's ``cv2.imread`` gives BGR, and its networks were trained on
that), resized to ``image_size`` x ``image_size`` (bilinear), laid out CHW and scaled to
[-1, 1] (x / 255 * 2 - 1, the course's). Labels are float32 ``[N, 1]`` for
``binary_cross_entropy_with_logits``. Every problem raises :class:`DataError` naming the file.

Decoded images are kept as uint8 (150 KB each at 224 px) and turned into float32 per batch.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from paddle.io import Dataset

from paddle_course.data.cache import content_digest, derived
from paddle_course.data.files import check_pixels, existing, folder, regular_file
from paddle_course.data.fingerprint import fingerprint
from paddle_course.errors import DataError

TRAIN_DIR, VAL_DIR, LABELS = "PALM-Training400", "PALM-Validation400", "labels.csv"
LABEL_HEADER = ["ID", "imgName", "Label", "Fovea_X", "Fovea_Y"]
PREFIX_LABELS = {"P": 1, "H": 0, "N": 0}  # pathologic myopia; high myopia; normal
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")


class ImageSplit(Dataset):
    """Images uint8 ``[N, C, S, S]`` and labels float32 ``[N, 1]``; samples come out as
    ``(float32 image on [-1, 1], label)``. ``names`` are the files they were read from."""

    def __init__(self, images, labels, names=None):
        self.images, self.labels = images, labels
        self.names = list(names) if names is not None else [str(i) for i in range(len(labels))]

    def __getitem__(self, i):
        return self.images[i].astype(np.float32) / np.float32(127.5) - 1, self.labels[i]

    def __len__(self):
        return len(self.labels)

    def positives(self):
        return int(self.labels.sum())


@dataclass
class PalmData:
    train: ImageSplit
    val: ImageSplit
    source: str
    image_size: int

    def sizes(self):
        return {"train": len(self.train), "val": len(self.val)}

    def fingerprint(self):
        """SHA-256 of the images and labels trained and validated on."""
        return fingerprint(self.train.images, self.train.labels, self.val.images, self.val.labels)

    def info(self):
        return {
            "source": self.source,
            "image_size": self.image_size,
            "sizes": self.sizes(),
            "positives": {k: s.positives() for k, s in (("train", self.train), ("val", self.val))},
            "scale": "RGB bytes -> x / 127.5 - 1",
        }

    def describe(self):
        return (
            f"{self.source}: "
            + ", ".join(
                f"{k} {len(s)} ({s.positives()} positive)"
                for k, s in (("train", self.train), ("val", self.val))
            )
            + f"  |  RGB {self.image_size}x{self.image_size} on [-1, 1]"
        )


def find_palm(root):
    """``(train_dir, val_dir, labels_csv)`` under ``root``, looking one level deeper too."""
    root = existing(root)
    if not root.is_dir():
        raise DataError(
            root,
            f"expected a directory holding {TRAIN_DIR}/, {VAL_DIR}/ and "
            f"{LABELS} (or name them with --train-dir, --val-dir, --labels)",
        )

    def find(name, want_dir):
        candidates = [root / name, *sorted(root.glob(f"*/{name}"))]
        found = [c for c in candidates if (c.is_dir() if want_dir else c.is_file())]
        if not found:
            raise DataError(
                root,
                f"no {name}{'/' if want_dir else ''} here or one level below; "
                f"a PALM folder holds {TRAIN_DIR}/, {VAL_DIR}/ and {LABELS}",
            )
        path = found[0]
        nested = path / name  # the course's zip: PALM-Training400/PALM-Training400
        return nested if want_dir and nested.is_dir() else path

    return find(TRAIN_DIR, True), find(VAL_DIR, True), find(LABELS, False)


def load_palm(train_dir, val_dir, labels_csv, image_size=224):
    """Read the training folder (labels from file names) and the validation folder (labels from
    ``labels_csv``) as :class:`PalmData`."""
    train_dir, val_dir, labels_csv = (
        Path(p).expanduser() for p in (train_dir, val_dir, labels_csv)
    )
    for d in (train_dir, val_dir):
        folder(d, "a folder of images")
    train_files = _image_files(train_dir)
    train_labels = [_label_from_name(f) for f in train_files]
    val_labels = read_labels(labels_csv)
    val_files = _image_files(val_dir)
    unlabelled = [f.name for f in val_files if f.name not in val_labels]
    if unlabelled:
        raise DataError(
            val_files[0].parent / unlabelled[0],
            f"has no row in {labels_csv} ({len(unlabelled)} validation image(s) "
            f"without a label, e.g. {', '.join(unlabelled[:3])})",
        )
    missing = sorted(set(val_labels) - {f.name for f in val_files})
    if missing:
        raise DataError(
            labels_csv,
            f"names {len(missing)} image(s) that are not in {val_dir}, "
            f"e.g. {', '.join(missing[:3])}",
        )
    train = _read_split(train_files, train_labels, image_size)
    val = _read_split(val_files, [val_labels[f.name] for f in val_files], image_size)
    nested = train_dir.parent.name == TRAIN_DIR  # ROOT/PALM-Training400/PALM-Training400
    root = train_dir.parent.parent if nested else train_dir.parent
    return PalmData(train, val, str(root), image_size)


def read_labels(path):
    """``{image name: 0 or 1}`` from the course's ``labels.csv``."""
    path = regular_file(
        path, "the validation labels (labels.csv: ID,imgName,Label,Fovea_X,Fovea_Y)"
    )
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as e:
        raise DataError(path, f"not a CSV text file: {e}") from None
    if not rows or [c.strip() for c in rows[0]] != LABEL_HEADER:
        raise DataError(
            path,
            f"the header must be {','.join(LABEL_HEADER)}, found "
            f"{','.join(rows[0]) if rows else 'an empty file'}",
        )
    labels = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(LABEL_HEADER):
            raise DataError(path, f"line {line}: {len(row)} fields, expected {len(LABEL_HEADER)}")
        name, label = row[1].strip(), row[2].strip()
        if label not in ("0", "1"):
            raise DataError(path, f"line {line}: Label {label!r} is not 0 or 1")
        if name in labels:
            raise DataError(path, f"line {line}: {name} has a second row")
        labels[name] = int(label)
    if not labels:
        raise DataError(path, "no label rows after the header")
    return labels


def _image_files(directory):
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    others = [p for p in files if p.suffix.lower() not in IMAGE_SUFFIXES]
    if others:
        raise DataError(others[0], f"not an image file (expected {', '.join(IMAGE_SUFFIXES)})")
    if not files:
        raise DataError(directory, "holds no images")
    return files


def _label_from_name(path):
    label = PREFIX_LABELS.get(path.name[:1].upper())
    if label is None:
        raise DataError(
            path,
            "a training image's name must start with P (pathologic myopia), "
            "H (high myopia) or N (normal): its label comes from that letter",
        )
    return label


def _read_split(files, labels, size):
    images = np.stack([read_image(f, size) for f in files])
    return ImageSplit(
        images, np.asarray(labels, dtype=np.float32).reshape(-1, 1), [f.name for f in files]
    )


def read_image(path, size):
    """One image file as uint8 RGB ``[3, size, size]``; a clear error if it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(regular_file(path, "an image")) as img:
            check_pixels(*img.size, path)  # before decoding: it allocates every pixel
            img.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
            rgb = img.convert("RGB").resize((size, size), Image.BILINEAR)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as e:
        raise DataError(path, f"unreadable image ({type(e).__name__}: {e})") from None
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1)  # HWC -> CHW


# --- the embedded stand-in ---------------------------------------------------------------------

STANDIN = "palm-standin-lfw"


STANDIN_BUILDER = "builder 1"  # a change to how the stand-in is made: raise it
LFW = "data/lfw_subset.npy"  # in scikit-image


def lfw_standin(cache):
    """The PALM layout filled with scikit-image's ``lfw_subset`` (100 real faces, 100 non-face
    patches of 25 x 25 px): faces are the positives (``P``), the others the negatives, named ``H``
    and ``N`` alternately; 150 training images and 50 validation images (25 of each class) with a
    ``labels.csv``. Made once into ``cache``, and again whenever it no longer matches its source
    (see ``cache.derived``), read by the same loader as the real files. Returns the root folder."""
    from paddle_course.data.embedded import embedded_file

    source_file = embedded_file(LFW, package="skimage")
    source = f"scikit-image {LFW} (sha256 {content_digest(source_file)}), {STANDIN_BUILDER}"
    return derived(Path(cache) / STANDIN, source, lambda root: _write_standin(root, source_file))


def _write_standin(root, source_file):
    from PIL import Image

    faces = np.load(source_file)  # [200, 25, 25], 0..1
    if faces.shape != (200, 25, 25):
        raise DataError(f"skimage/{LFW}", f"expected 200 images of 25x25, found {faces.shape}")
    pixels = (faces * 255).round().astype(np.uint8)
    rng = np.random.default_rng(0)  # the same stand-in for everyone
    order = {1: rng.permutation(100), 0: 100 + rng.permutation(100)}
    val_idx = np.concatenate([order[1][:25], order[0][:25]])
    rng.shuffle(val_idx)
    train = root / TRAIN_DIR / TRAIN_DIR  # nested, as in the course's zip
    val = root / VAL_DIR
    train.mkdir(parents=True)
    val.mkdir()
    save = lambda i, path: Image.fromarray(pixels[i]).convert("RGB").save(path, quality=95)
    for n, i in enumerate(order[1][25:], start=1):
        save(i, train / f"P{n:04d}.jpg")
    for n, i in enumerate(order[0][25:], start=1):
        save(i, train / f"{'HN'[n % 2]}{n:04d}.jpg")
    rows = [LABEL_HEADER]
    for n, i in enumerate(val_idx, start=1):
        save(i, val / f"V{n:04d}.jpg")
        rows.append([n, f"V{n:04d}.jpg", int(i < 100), "0.0", "0.0"])
    with open(root / LABELS, "w", newline="") as f:
        csv.writer(f).writerows(rows)
