"""Package archives as their registries' clients save them, built in memory for the tests: a
wheel (zip), an npm ``.tgz`` and a Debian ``.deb``."""

import io
import tarfile
import zipfile


def wheel_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def tar_bytes(files, compression):
    """A tar of ``files`` ({name: bytes}), compressed by ``compression`` ("gz", "xz")."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=f"w:{compression}") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def tgz_bytes(files):
    """An npm package as ``npm pack`` saves it: a gzipped tar of ``package/...``."""
    return tar_bytes(files, "gz")


def deb_bytes(files):
    """A Debian package: an ar archive of debian-binary, control.tar.xz and data.tar.xz."""
    data = tar_bytes(files, "xz")
    members = {"debian-binary": b"2.0\n", "control.tar.xz": b"", "data.tar.xz": data}
    out = [b"!<arch>\n"]
    for name, content in members.items():
        header = f"{name + '/':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(content):<10}`\n"
        out += [header.encode(), content, b"\n" if len(content) % 2 else b""]
    return b"".join(out)
