"""One seed for python, numpy and paddle."""

import random

import numpy as np
import paddle


def seed_everything(seed):
    """Seed python's ``random``, numpy's global generator and paddle's generators."""
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)
