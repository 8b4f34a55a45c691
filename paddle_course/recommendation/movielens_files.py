"""Where MovieLens's files are (a directory, a zip archive, or members read from a data pack), and
their lines split into fields and checked, each problem named with its file and line."""

import re
import zipfile
from pathlib import Path

from paddle_course.data.files import check_member_size, regular_file
from paddle_course.errors import DataError


class Files:
    """Named files from a directory, a zip archive (found by base name) or a dict of bytes."""

    def __init__(self, path, members=None, encoding="latin-1"):
        self.path, self.members, self.encoding = Path(path), members, encoding

    def read(self, name):
        if self.members is not None:
            raw = self.members.get(name)
        elif self.path.is_dir():
            raw = (
                regular_file(self.path / name).read_bytes() if (self.path / name).exists() else None
            )
        else:
            raw = zip_member(self.path, name)
        if raw is None:
            raise DataError(self.where(name), "missing")
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError as e:
            raise DataError(
                self.where(name), f"not {self.encoding} text (byte {e.start})"
            ) from None

    def where(self, name):
        return self.path / name


def zip_member(path, name):
    try:
        with zipfile.ZipFile(path) as z:
            found = [m for m in z.infolist() if m.filename.rsplit("/", 1)[-1] == name]
            if not found:
                return None
            check_member_size(
                found[0].file_size, Path(path).stat().st_size, f"{path}: {found[0].filename}"
            )
            return z.read(found[0])
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(path, f"not a readable zip archive ({e})") from None


def zip_names(path):
    try:
        with zipfile.ZipFile(path) as z:
            return {m.rsplit("/", 1)[-1] for m in z.namelist()}
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(path, f"not a readable zip archive ({e})") from None


def field_rows(files, name, sep, fields, header=False):
    """``(line number, [fields])`` of a file, each line checked to have ``fields`` fields."""
    lines = files.read(name).splitlines()
    for n, line in enumerate(lines, 1):
        if (header and n == 1) or not line.strip():
            continue
        parts = line.split(sep)
        if len(parts) != fields:
            raise DataError(
                files.where(name),
                f"line {n}: expected {fields} fields separated "
                f"by {sep!r}, found {len(parts)}: {line[:60]!r}",
            )
        yield n, parts


def as_int(files, name, n, value, what):
    try:
        return int(value)
    except ValueError:
        raise DataError(files.where(name), f"line {n}: {what} {value!r} is not a number") from None


def gender_code(files, name, n, g):
    if g not in ("M", "F"):
        raise DataError(files.where(name), f"line {n}: gender {g!r} is not M or F")
    return 0 if g == "M" else 1


def split_title(title):
    """ "Toy Story (1995)" -> ("Toy Story", 1995); no year -> (title, 0)."""
    match = re.match(r"^(.*?)\s*\((\d{4})\)\s*$", title.strip())
    return (match.group(1), int(match.group(2))) if match else (title.strip(), 0)
