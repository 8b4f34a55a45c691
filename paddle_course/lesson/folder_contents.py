"""What a run folder holds, read without changing it: whose files are there (ours, recorded in
``run.json``, or someone else's), whether a run there finished, and who is writing it now."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from paddle_course.errors import FolderError
from paddle_course.runtime import lock
from paddle_course.runtime.atomic import is_temporary
from paddle_course.runtime.lock import LOCK
from paddle_course.runtime.manifest import MANIFEST, is_run_folder, read_manifest

# an older paddle-course's run: no run.json, but its checkpoint files
_OLD_RUN = re.compile(r"^(last|best)\.pdstate$")


@dataclass
class Contents:
    """What a folder holds, read without changing it."""

    state: str  # absent, empty, foreign, unfinished, finished
    manifest: dict | None = None
    foreign: list = field(default_factory=list)  # relative paths not written by paddle-course
    holder: int | None = None  # pid of the process writing it, when locked

    @property
    def finished(self):
        """A run ended there, and ended well (its run.json says so: the only test of it)."""
        return self.state == "finished"


def foreign_files(root, manifest):
    """Relative paths under ``root`` that paddle-course did not write: neither recorded in the
    manifest (a file, or a folder recorded with a trailing ``/``), nor its own bookkeeping
    (run.json, .lock, an interrupted write's temporary), nor inside a sub-run (a folder with its
    own run.json, e.g. ``seeds``' ``seed_0/``). Empty folders are nobody's and lose nothing."""
    files = set((manifest or {}).get("files", ()))
    owned_dirs = {f.rstrip("/") for f in files if f.endswith("/")}
    root = Path(root)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel = here.relative_to(root)
        for d in list(dirnames):
            r = (rel / d).as_posix()
            if r in owned_dirs or is_temporary(d) or is_run_folder(here / d):
                dirnames.remove(d)
            elif (here / d).is_symlink():  # not followed: the link itself is someone's
                dirnames.remove(d)
                found.append(r)
        for f in filenames:
            r = (rel / f).as_posix()
            if r in files or is_temporary(f) or (rel == Path(".") and f in (MANIFEST, LOCK)):
                continue
            found.append(r)
    return sorted(found)


def inspect(root):
    """:class:`Contents` of ``root``; raises :class:`FolderError` when it is not a usable folder
    (a file, under a file, a symlink loop, unreadable)."""
    root = Path(root)
    try:
        if not root.exists():
            if root.is_symlink():
                raise FolderError(f"{root}: a symbolic link to nothing")
            _writable_ancestor(root)
            return Contents("absent")
        if not root.is_dir():
            raise FolderError(
                f"{root}: not a folder (a file is there); choose another --output-dir"
            )
        manifest = read_manifest(root)
        foreign = foreign_files(root, manifest)
    except OSError as e:
        raise FolderError(
            f"{root}: cannot be used as an output folder ({e.strerror or e})"
        ) from None
    holder = lock.holder(root)
    if manifest is None:
        return Contents("foreign" if foreign else "empty", None, foreign, holder)
    return Contents(
        "finished" if manifest.get("state") == "finished" else "unfinished",
        manifest,
        foreign,
        holder,
    )


def _writable_ancestor(root):
    """The output folder does not exist yet: its nearest existing ancestor must be a folder we
    may write in."""
    parent = root.parent
    while not parent.exists():
        if parent == parent.parent:
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise FolderError(f"{root}: {parent} is a file, not a folder")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise FolderError(f"{root}: cannot create it ({parent} is not writable)")


def names_of(paths, limit=5):
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def old_run_hint(foreign):
    if any(_OLD_RUN.match(Path(f).name) for f in foreign):
        return (
            " (it looks like a run of an older paddle-course, whose checkpoints this version "
            "cannot resume)"
        )
    return ""
