"""Pascal VOC annotations, the layout of the course's insect photos:

    <root>/annotations/xmls/1.xml       one file per image: <filename>, <size>, and per
    <root>/images/1.jpeg                <object> a <name>, <difficult> and a <bndbox>
                                        (xmin, ymin, xmax, ymax in pixels)

Every box is checked against its image (inside it, not empty), every object must have a name,
every image must be readable; anything wrong is one :class:`DataError` naming the file and the
object. Coordinates are taken as continuous (a box spans ``xmin..xmax``; no +1 pixel).
"""

import io
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np

from paddle_course.data.files import check_pixels, existing, inside, regular_file
from paddle_course.detection.boxes import area
from paddle_course.errors import DataError

IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png", ".bmp", ".tif", ".tiff")


@dataclass
class Annotation:
    """One image's annotation: ``boxes [G, 4]`` xyxy pixels, ``names`` and ``difficult`` per box."""

    filename: str
    width: int | None  # from <size>; None when the XML has none
    height: int | None
    boxes: np.ndarray
    names: list
    difficult: np.ndarray


@dataclass
class AnnotatedImage:
    """An image (uint8 ``[H, W, 3]``) with its boxes, checked against each other."""

    name: str
    image: np.ndarray
    boxes: np.ndarray
    names: list
    difficult: np.ndarray


def parse_annotation(text, source):
    """An :class:`Annotation` from one VOC XML document (``source`` names it in errors)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise DataError(source, f"not a readable XML annotation ({e})") from None
    filename = (root.findtext("filename") or "").strip()
    size = root.find("size")
    width = _number(size, "width", source, "<size>", int) if size is not None else None
    height = _number(size, "height", source, "<size>", int) if size is not None else None
    boxes, names, difficult = [], [], []
    for i, obj in enumerate(root.iter("object"), 1):
        name = (obj.findtext("name") or "").strip()
        if not name:
            raise DataError(source, f"object {i} has an empty or missing <name>")
        box = obj.find("bndbox")
        if box is None:
            raise DataError(source, f"object {i} ({name}) has no <bndbox>")
        where = f"object {i} ({name})"
        xyxy = [_number(box, k, source, where, float) for k in ("xmin", "ymin", "xmax", "ymax")]
        if xyxy[2] <= xyxy[0] or xyxy[3] <= xyxy[1]:
            raise DataError(
                source, f"{where}: the box {_fmt(xyxy)} is empty (xmax <= xmin or ymax <= ymin)"
            )
        boxes.append(xyxy)
        names.append(name)
        difficult.append((obj.findtext("difficult") or "0").strip() == "1")
    return Annotation(
        filename,
        width,
        height,
        np.array(boxes, dtype=np.float64).reshape(-1, 4),
        names,
        np.array(difficult, dtype=bool),
    )


def check_boxes(annotation, width, height, source):
    """Raise a :class:`DataError` unless every box lies in the ``width x height`` image (and
    the XML's <size>, when it has one, is the image's)."""
    if annotation.width is not None and (annotation.width, annotation.height) != (width, height):
        raise DataError(
            source,
            f"<size> says {annotation.width}x{annotation.height} but the image is {width}x{height}",
        )
    for i, (box, name) in enumerate(zip(annotation.boxes, annotation.names), 1):
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            raise DataError(
                source,
                f"object {i} ({name}): the box {_fmt(box)} is outside the {width}x{height} image",
            )


def open_image(source, name):
    """An image file (a path, or its bytes) as uint8 RGB ``[H, W, 3]``."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(
            io.BytesIO(source) if isinstance(source, bytes) else regular_file(source, "an image")
        ) as img:
            check_pixels(*img.size, name)  # before decoding: it allocates every pixel
            return np.asarray(img.convert("RGB"), dtype=np.uint8)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as e:
        raise DataError(name, f"unreadable image ({type(e).__name__}: {e})") from None


def read_voc_folder(root):
    """Every annotated image of a VOC-layout folder, checked, in file-name order."""
    root = existing(root)
    xml_dir, image_dir = root / "annotations" / "xmls", root / "images"
    if not root.is_dir():
        raise DataError(
            root, "is a file, not a VOC-layout folder (annotations/xmls/*.xml and images/)"
        )
    if not xml_dir.is_dir():
        raise DataError(
            root,
            "not a VOC-layout folder: it has no annotations/xmls/ (expected "
            "annotations/xmls/*.xml and images/)",
        )
    files = sorted(xml_dir.glob("*.xml"))
    if not files:
        raise DataError(xml_dir, "holds no .xml annotation")
    images = []
    for xml in files:
        annotation = parse_annotation(_read_text(xml), xml)
        path = _image_path(image_dir, annotation.filename, xml)
        image = open_image(path, path)
        check_boxes(annotation, image.shape[1], image.shape[0], xml)
        images.append(
            AnnotatedImage(
                xml.stem, image, annotation.boxes, annotation.names, annotation.difficult
            )
        )
    return images


def crop(item, x0, y0, x1, y1, name=None):
    """The part ``[x0, x1) x [y0, y1)`` of an :class:`AnnotatedImage`: a box cut by the edge is
    clipped, and kept if at least half of its area is inside."""
    b = np.clip(item.boxes - [x0, y0, x0, y0], 0, [x1 - x0, y1 - y0] * 2)
    keep = area(b) >= 0.5 * area(item.boxes)
    return AnnotatedImage(
        name or f"{item.name}[{x0}:{x1},{y0}:{y1}]",
        item.image[y0:y1, x0:x1],
        b[keep],
        [n for n, k in zip(item.names, keep) if k],
        item.difficult[keep],
    )


def tiles(item, size):
    """An :class:`AnnotatedImage` cut into ``size x size`` tiles side by side (see :func:`crop`
    for the boxes at the edges; tiles never overlap, so no box is counted twice); the tiles of
    the last row and column are padded with black to the full size. A tile without a box is
    dropped."""
    h, w = item.image.shape[:2]
    out = []
    for y in range(0, h, size):
        for x in range(0, w, size):
            t = crop(item, x, y, min(x + size, w), min(y + size, h), f"{item.name}@{x},{y}")
            if len(t.boxes):
                padded = np.zeros((size, size, *item.image.shape[2:]), dtype=item.image.dtype)
                padded[: t.image.shape[0], : t.image.shape[1]] = t.image
                out.append(AnnotatedImage(t.name, padded, t.boxes, t.names, t.difficult))
    return out


def _image_path(image_dir, filename, xml):
    candidates = ([inside(image_dir, filename, xml)] if filename else []) + [
        image_dir / (xml.stem + s) for s in IMAGE_SUFFIXES
    ]
    for c in candidates:
        if c.is_file():
            return c
    raise DataError(
        xml,
        f"its image is missing: looked for {candidates[0]}"
        + (" and the same name with an image suffix" if len(candidates) > 1 else ""),
    )


def _read_text(path):
    try:
        return regular_file(path, "an XML annotation").read_bytes()
    except OSError as e:
        raise DataError(path, f"unreadable ({e.strerror or e})") from None


def _number(node, key, source, where, kind):
    text = (node.findtext(key) or "").strip()
    try:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError
        return kind(value)
    except ValueError:
        raise DataError(source, f"{where}: <{key}> is {text!r}, not a finite number") from None


def _fmt(box):
    return "(" + ", ".join(f"{v:g}" for v in box) + ")"
