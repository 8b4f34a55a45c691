"""Tree crowns seen from the air: the NEON aerial photographs with Pascal VOC annotations that
the ``deepforest`` package ships in ``deepforest/data/`` (a data pack: its wheel is fetched
once and read, never installed; deepforest itself depends on torch).

Three RGB images with one class, ``Tree``, at about 10 cm per pixel: two crops of Yellowstone
(YELL, 2299 x 2472 px with 574 crowns and 1249 x 1035 px with 279) and one 400 x 400 px tile
of Ordway-Swisher, Florida (OSBS, 61 crowns). They are cut into tiles the detector can take;
the splits are made by *place*, never by tile, so no crown is seen in two splits: training =
the large YELL crop and OSBS, validation = the left half of the small YELL crop, test = its
right half. (The pack's ``SOAP_061`` image labels crowns ``Alive``/``Dead``, a different task,
and is not used.)
"""

from paddle_course.data.packs import Pack, read_member
from paddle_course.detection.voc import (
    AnnotatedImage,
    check_boxes,
    crop,
    open_image,
    parse_annotation,
)

PACK = Pack(
    "deepforest",
    "2.1.0",
    "deepforest-2.1.0-py3-none-any.whl",
    "8c2798d8e9be7f0004b194fe207b76c1d9fff6e711b3db67b9508dcd5d00ae54",
)
NAME = "tree-crowns"
TRAIN = ("2019_YELL_2_528000_4978000_image_crop2", "OSBS_029")
HELD_OUT = "2019_YELL_2_541000_4977000_image_crop"  # split in halves: validation | test


def read_annotated(stem, fetch=read_member):
    """One of the pack's images (its .png) with its annotation, checked as a VOC folder's
    would be. ``fetch(pack, member) -> bytes`` reads the archive (tests pass their own)."""
    member = f"deepforest/data/{stem}"
    annotation = parse_annotation(fetch(PACK, member + ".xml"), f"{PACK.name}:{member}.xml")
    image = open_image(fetch(PACK, member + ".png"), f"{PACK.name}:{member}.png")
    # the XML of OSBS_029 names its .tif; the pack's .png is the same 400 x 400 image
    check_boxes(annotation, image.shape[1], image.shape[0], f"{PACK.name}:{member}.xml")
    return AnnotatedImage(stem, image, annotation.boxes, annotation.names, annotation.difficult)


def halves(item):
    """Left and right halves of an image (see :func:`~.voc.crop` for the boxes they cut)."""
    h, w = item.image.shape[:2]
    return [crop(item, 0, 0, w // 2, h), crop(item, w // 2, 0, w, h)]


def tree_crowns(fetch=read_member):
    """``{"train": [...], "val": [...], "test": [...]}`` of :class:`AnnotatedImage` (untiled)."""
    left, right = halves(read_annotated(HELD_OUT, fetch))
    return {"train": [read_annotated(s, fetch) for s in TRAIN], "val": [left], "test": [right]}
