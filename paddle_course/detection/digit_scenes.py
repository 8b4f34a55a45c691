"""Detection scenes made from real MNIST digits: the embedded default of chapter 5.

Each scene is a black ``canvas x canvas`` image holding 1 to 4 handwritten digits, each cropped
to its ink, rescaled by a random factor and pasted at a random place where it overlaps no other
digit. The box of a digit is the tight box of its pasted ink (pixels above 0), so boxes and
classes (the digit, 0-9) are known exactly; everything is drawn from a seeded generator.
Scenes of the training, validation and test splits are made from disjoint sets of digits (the
embedded MNIST splits), so a detector is scored on handwriting it has never seen.
"""

import numpy as np

CANVAS = 64  # pixels; a digit's ink is about 20 px in MNIST's 28 x 28
SCALES = (0.7, 1.3)  # rescaling of each digit: its ink ends up about 14 to 26 px tall
MAX_DIGITS = 4


def ink_box(image):
    """Tight box ``(x1, y1, x2, y2)`` (continuous: pixel i spans [i, i + 1)) of pixels > 0."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    if not len(rows):
        return None
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


def _resize(image, factor):
    from PIL import Image

    h, w = image.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(image).resize(size, Image.BILINEAR))


def make_scenes(
    digits, labels, n, seed, canvas=CANVAS, scales=SCALES, max_digits=MAX_DIGITS, reuse=True
):
    """``n`` scenes from ``digits`` (uint8 ``[M, 28, 28]``) and their ``labels``.

    Digits are taken in a seeded random order; ``reuse=False`` uses each digit at most once
    (the evaluation splits: as many scenes as the digits allow, at most ``n``), ``reuse=True``
    starts a new order when they run out (the training split: more scenes than digits / 2.5).
    Returns ``images`` uint8 ``[n, canvas, canvas]``, per scene ``boxes [k, 4]`` (pixels) and
    ``classes [k]``.
    """
    rng = np.random.default_rng(seed)
    order, position = rng.permutation(len(digits)), 0
    images, boxes, classes = [], [], []
    while len(images) < n:
        want = int(rng.integers(1, max_digits + 1))
        if position + want > len(order):
            if not reuse:
                break
            order, position = rng.permutation(len(digits)), 0
        scene = np.zeros((canvas, canvas), dtype=np.uint8)
        placed, kinds = [], []
        for d in order[position : position + want]:
            x1, y1, x2, y2 = ink_box(digits[d])
            ink = _resize(digits[d][y1:y2, x1:x2], rng.uniform(*scales))
            h, w = ink.shape
            for _ in range(50):  # a free place, or skip the digit
                x, y = int(rng.integers(0, canvas - w + 1)), int(rng.integers(0, canvas - h + 1))
                if all(x + w <= a or b <= x or y + h <= c or e <= y for a, c, b, e in placed):
                    break
            else:
                continue
            np.maximum(scene[y : y + h, x : x + w], ink, out=scene[y : y + h, x : x + w])
            bx1, by1, bx2, by2 = ink_box(ink)  # tight after the resampling
            placed.append((x + bx1, y + by1, x + bx2, y + by2))
            kinds.append(int(labels[d]))
        position += want
        if placed:
            images.append(scene)
            boxes.append(np.array(placed, dtype=np.float64))
            classes.append(np.array(kinds, dtype=np.int64))
    return np.stack(images), boxes, classes
