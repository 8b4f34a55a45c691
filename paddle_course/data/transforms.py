"""Batch augmentation on the device, for images on the model's [-1, 1] scale.

Transforms work on a whole batch tensor ``[N, C, H, W]`` with ``affine_grid``/``grid_sample``,
so they cost little next to the network, run on the GPU when there is one, and need no worker
processes. Their randomness comes from the numpy ``Generator`` the caller passes in (the trainer
seeds it from (seed, epoch, batch)), so an augmented run is reproducible and resumable exactly.
"""

import numpy as np
import paddle
import paddle.nn.functional as F


class RandomAffine:
    """Random rotation (±``degrees``), scaling (1 ± ``scale``) and shift (± ``translate`` of the
    image size) per image. Digits stay digits under small affine moves (a flipped 2 does not)."""

    def __init__(self, degrees=10.0, translate=0.1, scale=0.1, background=-1.0):
        self.degrees, self.translate, self.scale = degrees, translate, scale
        self.background = background  # pixel value of the empty border (-1: black on [-1, 1])

    def __call__(self, images, rng, part=(0, 1)):
        """``part`` = (rank, world_size): the draws are made for the global batch of
        ``len(images) * world_size`` images and this rank's slice is used."""
        rank, world = part
        n = images.shape[0]
        total, mine = n * world, slice(rank * n, (rank + 1) * n)
        angle = np.deg2rad(rng.uniform(-self.degrees, self.degrees, total))[mine]
        zoom = (1 + rng.uniform(-self.scale, self.scale, total))[mine]
        # affine_grid works in normalized coordinates [-1, 1], so a shift of t * 2 moves the
        # image by a fraction t of its width
        shift = (rng.uniform(-self.translate, self.translate, (total, 2)) * 2)[mine]
        cos, sin = np.cos(angle) / zoom, np.sin(angle) / zoom
        theta = np.stack(
            [np.stack([cos, -sin, shift[:, 0]], 1), np.stack([sin, cos, shift[:, 1]], 1)], 1
        ).astype("float32")  # [N, 2, 3]
        grid = F.affine_grid(paddle.to_tensor(theta), images.shape, align_corners=False)
        # grid_sample pads with 0: shift so the background is 0 while sampling
        moved = F.grid_sample(images - self.background, grid, align_corners=False)
        return moved + self.background


class Flip:
    """Mirror every image left-right (``axis=3``) or upside-down (``axis=2``)."""

    def __init__(self, axis=3):
        self.axis = axis

    def __call__(self, images, rng=None):
        return paddle.flip(images, axis=[self.axis])


class BrightnessContrast:
    """Per image: contrast factor in 1 ± ``contrast`` around the image mean, then a brightness
    shift in ± ``brightness`` (on the [-1, 1] scale), clipped back to [-1, 1]."""

    def __init__(self, brightness=0.2, contrast=0.3):
        self.brightness, self.contrast = brightness, contrast

    def __call__(self, images, rng):
        n = images.shape[0]
        c = paddle.to_tensor(
            1 + rng.uniform(-self.contrast, self.contrast, (n, 1, 1, 1)).astype("float32")
        )
        b = paddle.to_tensor(
            rng.uniform(-self.brightness, self.brightness, (n, 1, 1, 1)).astype("float32")
        )
        mean = images.mean(axis=[1, 2, 3], keepdim=True)
        return paddle.clip((images - mean) * c + mean + b, -1.0, 1.0)


class GaussianBlur:
    """Blur with a Gaussian kernel of std ``sigma`` pixels (a depthwise convolution)."""

    def __init__(self, sigma=1.0, size=5):
        r = np.arange(size) - size // 2
        k = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma**2))
        self.kernel = (k / k.sum()).astype("float32")[None, None]  # [1, 1, size, size]

    def __call__(self, images, rng=None):
        pad = self.kernel.shape[-1] // 2
        padded = F.pad(images, [pad] * 4, mode="replicate")  # no dark frame
        return F.conv2d(padded, paddle.to_tensor(self.kernel))


class GaussianNoise:
    """Add noise of std ``std`` (on the [-1, 1] scale), clipped back to [-1, 1]."""

    def __init__(self, std=0.2):
        self.std = std

    def __call__(self, images, rng):
        noise = rng.normal(0, self.std, images.shape).astype("float32")
        return paddle.clip(images + paddle.to_tensor(noise), -1.0, 1.0)


def resize(images, size, batch=500):
    """Images ``[N, C, H, W]`` (numpy) resized to ``size`` x ``size``, in chunks of ``batch``;
    float32. Smaller: each output pixel is the mean of the input area it covers ("area"; bilinear
    sampling would skip pixels and alias). Larger: bilinear interpolation (``align_corners=False``,
    as PIL and OpenCV)."""
    kw = (
        dict(mode="area") if size < images.shape[-1] else dict(mode="bilinear", align_corners=False)
    )
    out = [
        F.interpolate(paddle.to_tensor(images[i : i + batch]), size=[size, size], **kw).numpy()
        for i in range(0, len(images), batch)
    ]
    return np.concatenate(out) if out else np.zeros((0, images.shape[1], size, size), np.float32)


def pad(images, size, value=-1.0):
    """Images ``[N, C, H, W]`` centred on a ``size`` x ``size`` canvas of ``value`` (-1 is the
    digits' background): 28 px digits padded to 32 px keep every pixel."""
    n, c, h, w = images.shape
    top, left = (size - h) // 2, (size - w) // 2
    canvas = np.full((n, c, size, size), value, dtype=images.dtype)
    canvas[:, :, top : top + h, left : left + w] = images
    return canvas
