"""Files that appear whole or not at all, and stay there after a power cut.

A file is written to a temporary name in its own directory (``.<name>.tmp-<pid>``), flushed to
the disk (``fsync``), renamed over the target (``os.replace``: atomic on POSIX and Windows), and
the directory is flushed too, so that the rename itself survives a crash. A reader sees the old
file or the new one, never half of one. A crash or a full disk (``ENOSPC``) part way leaves at
most a temporary, which :func:`is_temporary` recognises and the next run of the folder removes.

The same for a folder: :func:`publish_dir` renames a fully written and flushed folder into place.
"""

import json
import math
import os
import re
from pathlib import Path

_TEMPORARY = re.compile(r"^\.(.+)\.tmp-\d+$")


def temporary_name(path):
    """Where :func:`write_bytes` writes ``path`` before renaming it into place."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def is_temporary(name):
    """Is ``name`` (a file or folder name) a temporary left by an interrupted atomic write?"""
    return bool(_TEMPORARY.match(name))


def fsync_dir(directory):
    """Flush a directory's entries (a rename in it) to disk; a no-op where the OS cannot."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a directory; its renames are durable anyway
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically and durably; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write_flushed(tmp, data, name=path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    fsync_dir(path.parent)
    return path


def write_flushed(path, data, name=None):
    """Write ``data`` to ``path`` and flush it to disk. A failure (a full disk: ``ENOSPC`` comes
    at the write, the flush or the close) names the file, ``name`` if given (the file the
    temporary stands for)."""
    try:
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(name or path)) from None


def to_json(obj, exact=False):
    """``obj`` as indented JSON text. Numpy scalars and arrays become numbers and lists. With
    ``exact``, NaN and infinities are written as JSON's ``NaN``/``Infinity`` extension (Python
    reads them back unchanged: a checkpoint's state); otherwise they become ``null`` (strict
    JSON, for results other programs read)."""

    def plain(o):
        if hasattr(o, "tolist"):  # numpy scalar or array
            return o.tolist()
        if isinstance(o, Path):
            return str(o)
        raise TypeError(f"{type(o).__name__} is not JSON: {o!r}")

    return (
        json.dumps(obj if exact else _finite(obj), indent=2, default=plain, allow_nan=exact) + "\n"
    )


def write_json(path, obj, exact=False):
    """``obj`` as JSON at ``path``, atomically (see :func:`to_json` for ``exact``)."""
    return write_bytes(path, to_json(obj, exact).encode())


def publish_dir(tmp, target):
    """Rename the complete folder ``tmp`` to ``target`` (absent) and make the rename durable."""
    for child in Path(tmp).iterdir():  # files are flushed by their writers; entries here
        if child.is_dir():
            fsync_dir(child)
    fsync_dir(tmp)
    os.rename(tmp, target)
    fsync_dir(Path(target).parent)
    return Path(target)


def _finite(obj):
    if hasattr(obj, "tolist") and not isinstance(obj, (str, bytes)):
        obj = obj.tolist()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
