"""A user's data file or folder, checked before it is read.

What ``--data`` names may be anything: a FIFO (opening it waits for a writer forever), a device,
a symbolic link loop, an empty file, a compressed file that inflates to gigabytes (a 150 KB gzip
of zeros is 650 MB), a picture that declares a billion pixels. None of them is read: each is
refused with one :class:`DataError` naming it.
"""

import errno
import os
import stat
import zlib
from pathlib import Path

from paddle_course.errors import DataError

MiB = 1 << 20
# what a compressed file may inflate to: 256 MiB, or 200 times its size for larger real sets
# (the course's mnist.json.gz is ~47x, a tar of reviews ~6x; a bomb of zeros is ~1000x)
INFLATE_FLOOR, INFLATE_RATIO = 256 * MiB, 200
# the largest picture read: a fundus photo is ~4.4 megapixels, an aerial tile far less
MAX_PIXELS = 50_000_000


def _stat(path):
    try:
        return path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise DataError(path, "a symbolic link to nothing") from None
        raise DataError(path, "no such file or directory") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise DataError(path, "a symbolic link loop") from None
        raise DataError(path, f"cannot be read ({e.strerror or e})") from None


def regular_file(path, what="a data file"):
    """``path`` (a Path) if it is a regular, non-empty file; else a :class:`DataError`."""
    path = Path(path).expanduser()
    mode = _stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise DataError(path, f"is a folder, not {what}")
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a file"
        )
        raise DataError(path, f"is {kind}, not {what}; nothing was read from it")
    if path.stat().st_size == 0:
        raise DataError(path, "the file is empty (0 bytes)")
    return path


def folder(path, what="a data folder"):
    """``path`` if it is a folder; else a :class:`DataError`."""
    path = Path(path).expanduser()
    if not stat.S_ISDIR(_stat(path).st_mode):
        raise DataError(path, f"is not a folder ({what} is expected)")
    return path


def existing(path):
    """``path`` if it is a folder or a regular, non-empty file (a loader then tells which it
    wants); else a :class:`DataError`."""
    path = Path(path).expanduser()
    return path if stat.S_ISDIR(_stat(path).st_mode) else regular_file(path)


def inflate_limit(compressed_bytes):
    return max(INFLATE_FLOOR, INFLATE_RATIO * compressed_bytes)


def read_inflated(stream, source, compressed_bytes, chunk=MiB):
    """All of ``stream`` (a decompressing file object), refused once it exceeds
    :func:`inflate_limit` of the compressed size: a decompression bomb is never held in memory."""
    limit, parts, total = inflate_limit(compressed_bytes), [], 0
    while block := stream.read(chunk):
        total += len(block)
        if total > limit:
            raise DataError(
                source,
                f"inflates to more than {limit // MiB} MB from "
                f"{compressed_bytes / MiB:.2g} MB compressed: not a dataset "
                f"file (a decompression bomb?); nothing was used",
            )
        parts.append(block)
    return b"".join(parts)


def gunzip(raw, source):
    """The inflated bytes of gzip data ``raw`` (read from an archive member named ``source``),
    within :func:`inflate_limit`; a corrupt one is a :class:`DataError` naming ``source``."""
    import gzip
    import io

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as f:
            return read_inflated(f, source, len(raw))
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise DataError(
            source, f"unreadable or corrupt gzip data ({e or type(e).__name__})"
        ) from None


def check_member_size(size, compressed_bytes, source):
    """A member an archive declares (a tar or zip entry of ``size`` bytes) that would inflate
    beyond :func:`inflate_limit` is refused before it is read."""
    if size > inflate_limit(compressed_bytes):
        raise DataError(
            source,
            f"declares {size / MiB:.0f} MB uncompressed, more than any "
            f"dataset file this course reads (a decompression bomb?)",
        )


def check_pixels(width, height, source):
    """A picture that declares more than :data:`MAX_PIXELS` is refused before it is decoded
    (Pillow only warns below 178 megapixels, and decoding allocates all of them)."""
    if width * height > MAX_PIXELS:
        raise DataError(
            source,
            f"a {width} x {height} picture ({width * height / 1e6:.0f} "
            f"megapixels): larger than any photo this course reads "
            f"(a decompression bomb?); not decoded",
        )


def read_bytes(path, what="a data file"):
    """The bytes of a regular file, gunzipped (within :func:`inflate_limit`) when it ends in
    ``.gz``; every problem is a :class:`DataError` naming the file."""
    import gzip

    path = regular_file(path, what)
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                raw = read_inflated(f, path, path.stat().st_size)
            if not raw:
                raise DataError(path, "empty: the gzip file holds no data")
            return raw
        return path.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise DataError(
            path, f"unreadable or corrupt gzip file ({e or type(e).__name__})"
        ) from None
    except OSError as e:
        raise DataError(path, f"cannot be read ({e.strerror or e})") from None


def inside(base, name, source):
    """``base / name`` for a name read from a data file (an annotation's ``<filename>``, an
    archive member), refused when it leaves ``base`` (absolute, or through ``..``)."""
    base = Path(base)
    candidate = base / name
    if Path(name).is_absolute() or not os.path.normpath(candidate).startswith(
        os.path.normpath(base) + os.sep
    ):
        raise DataError(
            source,
            f"names {name!r}, which is outside {base}: a dataset's files "
            f"stay in its folder; not read",
        )
    return candidate
