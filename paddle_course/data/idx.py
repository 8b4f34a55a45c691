"""The IDX format of MNIST-like datasets (LeCun's ``train-images-idx3-ubyte`` and friends, gzipped
or not): a big-endian header (magic number, dimensions) and then the bytes."""

import struct

import numpy as np

from paddle_course.data.files import read_bytes
from paddle_course.errors import DataError

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
_IDX_MAGIC = {"images": 0x00000803, "labels": 0x00000801}  # ubyte data, 3 dims / 1 dim


def idx_files(path, names=IDX_FILES):
    """``{key: file}`` of the IDX files ``names`` in folder ``path``, each gzipped or not; a
    :class:`DataError` naming the first one missing."""
    files = {}
    for key, name in names.items():
        gz, plain = path / name, path / name.removesuffix(".gz")
        if gz.is_file():
            files[key] = gz
        elif plain.is_file():
            files[key] = plain
        else:
            raise DataError(
                path, f"missing {name}; an MNIST directory needs " + ", ".join(names.values())
            )
    return files


def read_idx(path, kind):
    """Read one IDX file (``kind`` 'images' or 'labels'; gzipped or not) into a uint8 array."""
    return parse_idx(read_bytes(path), kind, path)


def parse_idx(raw, kind, path):
    """The uint8 array of one IDX file's bytes ``raw``, its header checked (``path`` names it)."""
    ndim = 3 if kind == "images" else 1
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(path, f"too short for an IDX header ({len(raw)} bytes)")
    (magic,) = struct.unpack(">i", raw[:4])
    if magic != _IDX_MAGIC[kind]:
        raise DataError(
            path,
            f"wrong IDX magic number {magic:#010x} for {kind} (expected {_IDX_MAGIC[kind]:#010x})",
        )
    dims = struct.unpack(f">{ndim}i", raw[4:header])
    if kind == "images" and dims[1:] != (28, 28):
        raise DataError(path, f"images are {dims[1]}x{dims[2]} pixels, expected 28x28")
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise DataError(
            path,
            f"the header announces {dims} ({expected} bytes of data) but the file "
            f"holds {len(raw) - header} bytes of data",
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
