"""Helpers that write tiny dataset files in each real format; no test downloads anything."""

import gzip
import json
import struct

import numpy as np
import pytest


def digits(n, seed=0):
    """``n`` fake 28x28 byte images and labels 0..9 (every class present when n >= 10)."""
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(n, 784)).astype(np.uint8)
    images[:, 0] = 0        # guarantee both ends of the byte range appear
    images[:, 1] = 255
    labels = np.arange(n) % 10
    return images, labels


def write_course_json(path, splits, scale=lambda b: b / 255.0 * 2 - 1, opener=gzip.open):
    """The course's mnist.json.gz: ``[[imgs, labels] x 3]``; ``scale`` maps bytes to the file's
    values (default [-1, 1], like paddle.dataset.mnist)."""
    data = [[scale(x.astype(np.float64)).tolist(), y.tolist()] for x, y in splits]
    with opener(path, "wt") as f:
        json.dump(data, f)
    return path


def write_idx(path, array, magic):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">i", magic))
        f.write(struct.pack(f">{array.ndim}i", *array.shape))
        f.write(array.astype(np.uint8).tobytes())


def write_idx_dir(root, n_train=60, n_test=20):
    (tx, ty), (sx, sy) = digits(n_train, 1), digits(n_test, 2)
    write_idx(root / "train-images-idx3-ubyte.gz", tx.reshape(-1, 28, 28), 0x803)
    write_idx(root / "train-labels-idx1-ubyte.gz", ty, 0x801)
    write_idx(root / "t10k-images-idx3-ubyte.gz", sx.reshape(-1, 28, 28), 0x803)
    write_idx(root / "t10k-labels-idx1-ubyte.gz", sy, 0x801)
    return (tx, ty), (sx, sy)


@pytest.fixture
def three_splits():
    return [digits(30, 1), digits(20, 2), digits(20, 3)]


def write_text8(path, words=20_000, vocab=300, seed=0):
    """A text8-style file: one line of lower-case words with Zipf-like frequencies (words of
    letters only: text8 spells digits out)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    names = sorted({"".join(rng.choice(letters, size=rng.integers(2, 8))) for _ in range(vocab)})
    p = 1.0 / np.arange(1, len(names) + 1)
    text = " ".join(np.array(names)[rng.choice(len(names), size=words, p=p / p.sum())])
    path.write_text(" " + text)              # text8 starts with a space
    return path


POSITIVE = ["a wonderful , moving film", "great acting and a great story", "i loved it !",
            "funny , warm and wise", "the best film of the year"]
NEGATIVE = ["a dull , lifeless mess", "boring and far too long", "i hated it .",
            "the worst script in years", "flat , tired and dull"]


def write_reviews_tar(path, n_train=40, n_test=20, extra=None):
    """An aclImdb_v1.tar.gz in the real layout (and an unsup/ review, which readers skip):
    positive and negative reviews drawn from two small vocabularies."""
    import io
    import tarfile

    rng = np.random.default_rng(0)
    members = dict(extra or {})
    for split, n in (("train", n_train), ("test", n_test)):
        for i in range(n):
            label = ("pos", "neg")[i % 2]
            words = POSITIVE if label == "pos" else NEGATIVE
            text = " ".join(rng.choice(words, size=3)) + "<br /><br />The end."
            members[f"aclImdb/{split}/{label}/{i}_{7 if label == 'pos' else 2}.txt"] = text
    members["aclImdb/train/unsup/0_0.txt"] = "not labelled"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text if isinstance(text, bytes) else text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path
