"""A data file or folder of the wrong kind is refused, in one line, without being read: no FIFO
is opened, no decompression bomb inflated, no giant picture decoded."""

import gzip
import os

import pytest
from conftest import write_reviews_tar
from PIL import Image

from paddle_course.data import files, load_housing, load_mnist
from paddle_course.detection.voc import open_image
from paddle_course.errors import DataError
from paddle_course.recommendation.movielens import load_movielens
from paddle_course.text.reviews import read_aclimdb
from paddle_course.text.text8 import read_words
from paddle_course.vision.palm import read_image


@pytest.fixture
def wrong(tmp_path):
    """A path of each wrong kind."""
    made = {
        "missing": tmp_path / "missing",
        "empty": tmp_path / "empty",
        "fifo": tmp_path / "fifo",
        "loop": tmp_path / "loop",
        "dangling": tmp_path / "dangling",
        "folder": tmp_path / "folder",
    }
    made["empty"].write_bytes(b"")
    os.mkfifo(made["fifo"])
    os.symlink(made["loop"], made["loop"])
    os.symlink(tmp_path / "nowhere", made["dangling"])
    made["folder"].mkdir()
    return made


EXPECTED = {
    "missing": "no such file or directory",
    "empty": r"the file is empty \(0 bytes\)",
    "fifo": r"is a FIFO \(named pipe\)",
    "loop": "a symbolic link loop",
    "dangling": "a symbolic link to nothing",
    "folder": "is a folder",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
@pytest.mark.parametrize(
    "read",
    [load_housing, load_movielens, read_aclimdb, lambda p: list(read_words(p)), files.read_bytes],
    ids=["housing", "movielens", "aclimdb", "text8", "read_bytes"],
)
def test_a_path_of_the_wrong_kind_is_refused_naming_it(wrong, kind, read):
    expected = EXPECTED[kind]
    if kind == "folder" and read is load_movielens:  # MovieLens may be a folder: not this one
        expected = "neither ml-1m"
    with pytest.raises(DataError, match=expected) as err:
        read(wrong[kind])
    assert str(wrong[kind]) in str(err.value) and "\n" not in str(err.value)


def test_mnist_refuses_a_fifo_and_a_fifo_among_its_idx_files(wrong, tmp_path):
    with pytest.raises(DataError, match="FIFO"):
        load_mnist(wrong["fifo"])
    idx = tmp_path / "idx"
    idx.mkdir()
    os.mkfifo(idx / "train-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match="missing train-images-idx3-ubyte.gz"):
        load_mnist(idx)


def test_a_gzip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "INFLATE_FLOOR", 1 << 20)  # 1 MB, to keep the test small
    bomb = tmp_path / "train-images-idx3-ubyte.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (8 << 20)))  # 8 KB that inflates to 8 MB
    with pytest.raises(DataError, match=r"inflates to more than 1 MB .*decompression bomb"):
        files.read_bytes(bomb)
    data = gzip.compress(b"x" * (512 << 10))  # a real file: 512 KB
    (tmp_path / "fine.gz").write_bytes(data)
    assert len(files.read_bytes(tmp_path / "fine.gz")) == 512 << 10


def test_an_archive_member_that_declares_a_bomb_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "INFLATE_FLOOR", 1 << 20)
    path = write_reviews_tar(
        tmp_path / "aclImdb_v1.tar.gz", extra={"aclImdb/train/pos/bomb.txt": "a" * (4 << 20)}
    )
    with pytest.raises(DataError, match=r"bomb.txt: declares 4 MB uncompressed"):
        read_aclimdb(path)


def test_a_picture_declaring_too_many_pixels_is_not_decoded(tmp_path):
    big = tmp_path / "bomb.png"
    Image.new("1", (8000, 8000)).save(big)  # 64 megapixels in a few kilobytes
    assert big.stat().st_size < 100_000
    for read in (lambda p: read_image(p, 32), lambda p: open_image(p, p)):
        with pytest.raises(DataError, match=r"8000 x 8000 picture \(64 megapixels\)"):
            read(big)
    small = tmp_path / "ok.png"
    Image.new("RGB", (40, 30), "red").save(small)
    assert read_image(small, 8).shape == (3, 8, 8) and open_image(small, small).shape == (30, 40, 3)


def test_names_from_a_data_file_stay_in_its_folder(tmp_path):
    base = tmp_path / "images"
    assert files.inside(base, "a/b.png", "x.xml") == base / "a/b.png"
    for name in ("/etc/hostname", "../secret.png", "a/../../secret.png"):
        with pytest.raises(DataError, match="outside"):
            files.inside(base, name, "x.xml")
