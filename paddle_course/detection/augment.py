"""Flips for detection: the image and its boxes move together.

Aerial photographs have no "up": each of the 8 symmetries of the square (the identity, three
rotations by 90 degrees, four mirrorings) gives an equally real training image, so a small set
of tiles becomes eight times larger. Digits do not allow it (a flipped 6 is a 9), so this is a
choice of the lesson (``--flip``), off by default.

An augmentation the engine calls with the target has ``with_target = True``: it is called as
``augment(images, target, rng, part=(rank, world_size))`` and returns both (see ``Trainer``).
"""

import numpy as np
import paddle

# which symmetries each --flip choice draws from, as (transpose, mirror left-right, upside-down)
FLIPS = {
    "horizontal": [(0, h, 0) for h in (0, 1)],
    "dihedral": [(t, h, v) for t in (0, 1) for h in (0, 1) for v in (0, 1)],
}


def flip_boxes(target, transpose, mirror, upside_down):
    """Targets ``[B, 5]`` (class, cx, cy, w, h normalised) after the image is transposed, then
    mirrored left-right, then turned upside down; padding rows (w = 0) stay zero."""
    t = np.array(target, dtype=np.float32, copy=True)
    valid = t[:, 3] > 0
    if transpose:
        t[:, [1, 2, 3, 4]] = t[:, [2, 1, 4, 3]]
    if mirror:
        t[:, 1] = 1 - t[:, 1]
    if upside_down:
        t[:, 2] = 1 - t[:, 2]
    t[~valid] = 0
    return t


def flip_image(image, transpose, mirror, upside_down):
    """One image ``[C, H, W]`` (a Tensor) under the same symmetry."""
    if transpose:
        image = image.transpose([0, 2, 1])
    if mirror:
        image = paddle.flip(image, axis=[2])
    if upside_down:
        image = paddle.flip(image, axis=[1])
    return image


class RandomFlip:
    """One symmetry per image, drawn from ``FLIPS[kind]`` with the trainer's seeded generator
    (for the global batch, this rank taking its slice, as ``transforms.RandomAffine`` does)."""

    with_target = True

    def __init__(self, kind="dihedral"):
        if kind not in FLIPS:
            raise ValueError(f"flip is one of {', '.join(FLIPS)}, not {kind!r}")
        self.choices = FLIPS[kind]

    def __call__(self, images, target, rng, part=(0, 1)):
        rank, world = part
        n = images.shape[0]
        picks = rng.integers(0, len(self.choices), n * world)[rank * n : (rank + 1) * n]
        boxes = target.numpy()
        flipped = [self.choices[k] for k in picks]
        images = paddle.stack([flip_image(images[i], *f) for i, f in enumerate(flipped)])
        target = np.stack([flip_boxes(boxes[i], *f) for i, f in enumerate(flipped)])
        return images, paddle.to_tensor(target)
