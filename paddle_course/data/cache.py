"""The user's cache directory for files the course writes or fetches once and then reuses, and
the files it derives there from a source (a stand-in dataset made from a data pack).

A derived file or folder is kept beside a record of what made it (``<name>.source.json``: the
source, with its SHA-256 and the builder's version) and of its own content's SHA-256. It is used
only while both hold; otherwise (another source, a newer builder, a file truncated or swapped
since) it is made again, atomically, and said so. A swapped tar of foreign reviews is therefore
never trained on as the stand-in.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

from paddle_course.runtime.atomic import temporary_name, write_json

CACHE = "PADDLE_COURSE_CACHE"  # set: the cache is this folder (the tests give an empty one)


def cache_dir():
    """``$PADDLE_COURSE_CACHE`` when set, else ``$XDG_CACHE_HOME/paddle-course``, by default
    ``~/.cache/paddle-course``."""
    if os.environ.get(CACHE):
        return Path(os.environ[CACHE])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paddle-course"


def content_digest(path):
    """SHA-256 of a file, or of a folder's files (their relative names and contents)."""
    path = Path(path)
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(f.relative_to(path).as_posix().encode() + b"\0")
        with open(f, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def derived(target, source, build, say=print):
    """``target`` (a path in the cache) as ``build(path)`` makes it from ``source`` (a string
    naming the source, its hash and the builder's version); made again when its record or its
    content no longer match."""
    target = Path(target)
    record = target.with_name(target.name + ".source.json")
    try:
        kept = json.loads(record.read_text())
    except (OSError, ValueError):
        kept = None
    if kept is not None and target.exists():
        if kept.get("source") == source and kept.get("sha256") == content_digest(target):
            return target
        say(
            f"cache: {target} no longer matches its source or its record (changed since it was "
            f"made); making it again"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(target)
    _remove(tmp)
    try:
        build(tmp)
        digest = content_digest(tmp)
        record.unlink(missing_ok=True)  # no record: whatever a crash leaves is rebuilt
        _remove(target)
        os.replace(tmp, target)
    finally:
        _remove(tmp)
    write_json(record, {"source": source, "sha256": digest})
    return target


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
