"""Capture and restore every random number generator a training run draws from.

Dropout masks come from Paddle's generator, ``random``/``numpy`` from any user code; saving all
three in the checkpoint is what lets a resumed run draw the same numbers as an uninterrupted one.
(The data order and the augmentation are derived from ``(seed, epoch, batch)`` and need no state.)
"""

import random

import numpy as np
import paddle


def capture_rng():
    return {"python": random.getstate(), "numpy": np.random.get_state(),
            "paddle": paddle.get_rng_state()}


def restore_rng(state):
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    paddle.set_rng_state(state["paddle"])
