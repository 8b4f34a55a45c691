"""Helpers that write tiny dataset files in each real format; no test downloads anything."""

import atexit
import csv
import gzip
import json
import os
import shutil
import struct
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from paddle_course.data import Split
from paddle_course.data.cache import CACHE
from paddle_course.data.registries import OFFLINE
from paddle_course.recommendation.movielens import GENRES
from paddle_course.vision.palm import LABEL_HEADER

# the tests never use the network: no data pack is fetched, here or in a subprocess; nor do they
# see this machine's cache (a pack fetched there would make --data auto train on all of MNIST)
os.environ[OFFLINE] = "1"
os.environ[CACHE] = tempfile.mkdtemp(prefix="paddle-course-tests-")
atexit.register(shutil.rmtree, os.environ[CACHE], ignore_errors=True)


def digits(n, seed=0):
    """``n`` fake 28x28 byte images and labels 0..9 (every class present when n >= 10)."""
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(n, 784)).astype(np.uint8)
    images[:, 0] = 0  # guarantee both ends of the byte range appear
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
    path.write_text(" " + text)  # text8 starts with a space
    return path


POSITIVE = [
    "a wonderful , moving film",
    "great acting and a great story",
    "i loved it !",
    "funny , warm and wise",
    "the best film of the year",
]
NEGATIVE = [
    "a dull , lifeless mess",
    "boring and far too long",
    "i hated it .",
    "the worst script in years",
    "flat , tired and dull",
]


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


# MovieLens in its two real layouts: three users, three movies, four ratings
ML1M = {
    "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n",
    "movies.dat": (
        "1::Toy Story (1995)::Animation|Children's|Comedy\n"
        "2::Jumanji (1995)::Adventure|Children's|Fantasy\n"
        "3::Misérables, Les (1998)::Drama\n"
    ),
    "ratings.dat": (
        "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n3::3::1::978300275\n"
    ),
}
ITEM_FLAGS = lambda *genres: "|".join("1" if g in genres else "0" for g in GENRES)
ML100K = {
    "u.user": "1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|student|32067\n",
    "u.item": (
        f"1|Toy Story (1995)|01-Jan-1995||http://x|{ITEM_FLAGS('Animation', 'Comedy')}\n"
        f"2|GoldenEye (1995)|01-Jan-1995||http://y|{ITEM_FLAGS('Action', 'Thriller')}\n"
        f"3|unknown||||{ITEM_FLAGS('unknown')}\n"
    ),
    "u.data": "1\t1\t5\t874965758\n2\t2\t3\t876893171\n3\t1\t4\t878542960\n1\t3\t2\t876893119\n",
}


def write_ml1m(root, users=40, movies=30, per_user=12, seed=0):
    """An ml-1m directory of ``users`` x ``per_user`` ratings with a pattern to learn (users of
    an even id like the first half of the movies), in the real ``::`` format."""
    rng = np.random.RandomState(seed)
    genres = ("Action", "Comedy", "Drama", "Animation|Children's")
    user_lines = [
        f"{u}::{'MF'[u % 2]}::{(1, 18, 25, 35, 45, 50, 56)[u % 7]}::{u % 21}::0{u}"
        for u in range(1, users + 1)
    ]
    movie_lines = [
        f"{m}::Movie {m} the sequel ({1980 + m % 20})::{genres[m % 4]}"
        for m in range(1, movies + 1)
    ]
    rating_lines = []
    for u in range(1, users + 1):
        for m in rng.choice(np.arange(1, movies + 1), per_user, replace=False):
            liked = (u % 2 == 0) == (m <= movies // 2)
            stars = int(np.clip(3 + (1 if liked else -1) + rng.randint(-1, 2), 1, 5))
            rating_lines.append(f"{u}::{m}::{stars}::{978300000 + len(rating_lines)}")
    return write_files(
        root,
        {
            "users.dat": "\n".join(user_lines) + "\n",
            "movies.dat": "\n".join(movie_lines) + "\n",
            "ratings.dat": "\n".join(rating_lines) + "\n",
        },
    )


def write_files(root, files, encoding="latin-1"):
    """``{name: text}`` as files in ``root`` (latin-1, as MovieLens is)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_bytes(text.encode(encoding))
    return root


LESSON = textwrap.dedent('''
    """The {name} lesson shows
    one thing.

    What follows the first paragraph is not the summary.
    """
    import sys
    DEFAULTS = dict(output_dir="outputs/{chapter}/{name}")
    if __name__ == "__main__":
        print("{name} ran with", sys.argv[1:])
        {body}
''')


@pytest.fixture
def course(tmp_path):
    """A course package ``fakecourse`` with two chapters, one lesson that fails, a module that is
    not a chapter, and a library folder whose files count as shared code."""
    root = tmp_path / "fakecourse"
    for chapter, lessons in {
        "ch01_a": {"first": "pass", "second": "sys.exit('error: broken lesson')"},
        "ch02_b": {"third": "pass"},
    }.items():
        (root / chapter).mkdir(parents=True)
        (root / chapter / "__init__.py").write_text(f'"""Chapter {chapter}: fake."""\n')
        for name, body in lessons.items():
            (root / chapter / f"{name}.py").write_text(
                LESSON.format(chapter=chapter, name=name, body=body)
            )
    (root / "__init__.py").write_text("")
    (root / "report.py").write_text("# the report's own command, not a chapter\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("X = 1\n")
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("fakecourse")]:
        del sys.modules[name]


def _checkpoints(run):
    from paddle_course.engine.checkpoint import INDEX, Checkpoints

    run = Path(run)
    return Checkpoints(run if (run / INDEX).is_file() else run / "checkpoints")


def checkpoint_params(run, which="last"):
    """The parameters of the ``last`` (or ``best``) checkpoint of a run folder (or of a folder of
    checkpoints), verified and read without unpickling anything but arrays."""
    return _checkpoints(run).load(which)[0]


def checkpoint_state(run, which="last"):
    """The ``state.json`` of a run's ``last`` (or ``best``) checkpoint."""
    return _checkpoints(run).read_state(which)


def _image(path, color, size=(40, 30)):
    Image.new("RGB", size, color).save(path)


def write_palm(root, nested=True, n_train=(3, 2, 2), n_val=5):
    """ROOT/PALM-Training400/[PALM-Training400/]{P,H,N}000k.jpg, PALM-Validation400/V000k.jpg and
    labels.csv; P images are red, the others blue; validation labels alternate."""
    train = root / "PALM-Training400"
    if nested:
        train = train / "PALM-Training400"
    val = root / "PALM-Validation400"
    train.mkdir(parents=True)
    val.mkdir()
    for prefix, n in zip("PHN", n_train):
        for k in range(1, n + 1):
            _image(
                train / f"{prefix}{k:04d}.jpg",
                "red" if prefix == "P" else "blue",
                size=(40 + k, 30 + 2 * k),
            )  # images of any size
    rows = [LABEL_HEADER]
    for k in range(1, n_val + 1):
        _image(val / f"V{k:04d}.jpg", "red" if k % 2 else "blue")
        rows.append([k, f"V{k:04d}.jpg", k % 2, "1157.74", "1019.87"])
    with open(root / "labels.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return root


def digit_split(n, seed):
    x, y = digits(n, seed)
    return Split((x / 127.5 - 1).astype(np.float32).reshape(-1, 1, 28, 28), y.astype(np.int64))
