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
        self.background = background   # pixel value of the empty border (-1: black on [-1, 1])

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
        theta = np.stack([np.stack([cos, -sin, shift[:, 0]], 1),
                          np.stack([sin, cos, shift[:, 1]], 1)], 1).astype("float32")  # [N, 2, 3]
        grid = F.affine_grid(paddle.to_tensor(theta), images.shape, align_corners=False)
        # grid_sample pads with 0: shift so the background is 0 while sampling
        moved = F.grid_sample(images - self.background, grid, align_corners=False)
        return moved + self.background
