"""Capture and restore every random number generator a training run draws from.

Dropout masks come from Paddle's generator, ``random``/``numpy`` from any user code; saving all
three in the checkpoint is what lets a resumed run draw the same numbers as an uninterrupted one.
(The data order and the augmentation are derived from ``(seed, epoch, batch)`` and need no state.)

The states are plain JSON (lists of integers and a string), so a checkpoint's state can be read
without unpickling anything: Python's Mersenne Twister is 625 integers, numpy's legacy generator
624 plus its position, and each of Paddle's generators a seed, an offset and its engine's state
as text (what ``GeneratorState.__getstate__`` gives).
"""

import random

import numpy as np
import paddle


def capture_rng():
    version, internal, gauss_next = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": {"version": version, "state": list(internal), "gauss_next": gauss_next},
        "numpy": {
            "kind": kind,
            "keys": keys.tolist(),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        },
        "paddle": [_paddle_state(g) for g in paddle.get_rng_state()],
    }


def restore_rng(state):
    py = state["python"]
    random.setstate((py["version"], tuple(py["state"]), py["gauss_next"]))
    n = state["numpy"]
    np.random.set_state(
        (
            n["kind"],
            np.asarray(n["keys"], dtype=np.uint32),
            n["pos"],
            n["has_gauss"],
            n["cached_gaussian"],
        )
    )
    paddle.set_rng_state([_generator_state(g) for g in state["paddle"]])


def _paddle_state(generator_state):
    device, seed, offset, engine = generator_state.__getstate__()
    return {
        "device": device,
        "seed": seed,
        "offset": offset,
        "engine": bytes(engine).decode("ascii"),
    }


def _generator_state(d):
    # GeneratorState has no Python constructor; pickling makes it with __new__ + __setstate__,
    # and so do we (from the JSON, not from a pickle)
    cls = type(paddle.get_rng_state()[0])
    state = cls.__new__(cls)
    state.__setstate__((d["device"], d["seed"], d["offset"], list(d["engine"].encode("ascii"))))
    return state
