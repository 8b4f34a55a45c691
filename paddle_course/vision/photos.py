"""Real photographs shipped with scikit-image (found on disk, the package is not imported)."""

import numpy as np

from paddle_course.data.embedded import embedded_file
from paddle_course.errors import DataError

PHOTOS = {
    "camera": "data/camera.png",  # the cameraman, grayscale 512 x 512
    "retina": "data/retina.jpg",
}  # a human fundus photograph, RGB


def photo(name):
    """The photo as uint8: ``[H, W]`` for a grayscale one, ``[H, W, 3]`` for a colour one."""
    from PIL import Image

    path = embedded_file(PHOTOS[name], package="skimage")
    try:
        with Image.open(path) as img:
            return np.asarray(img.convert("L" if img.mode in ("L", "I", "1") else "RGB"))
    except OSError as e:
        raise DataError(path, f"unreadable image ({e})") from None
