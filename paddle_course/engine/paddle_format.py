"""``paddle.save``'s format (a pickle) read without running code: an unpickler that builds
nothing but numpy arrays, numbers, strings and containers. A file that asks to call anything
else (a planted pickle) is refused before anything is loaded."""

import io
import pickle

import numpy as np

from paddle_course.errors import CheckpointError

_ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("collections", "OrderedDict"),
    ("builtins", "tuple"),
    ("builtins", "list"),
    ("builtins", "dict"),
}
_ALLOWED |= {
    (f"numpy.{core}.multiarray", name)
    for core in ("core", "_core")
    for name in ("_reconstruct", "scalar")
}


class _Arrays(pickle.Unpickler):
    """An unpickler for ``paddle.save`` files: numpy arrays and plain Python values only."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"it asks to load {module}.{name}, which a Paddle state dict never needs"
        )


def read_paddle(data, source):
    """A ``paddle.save`` state dict from ``data`` (bytes), as ``{name: ndarray | value}``.
    Raises :class:`CheckpointError` naming ``source`` for anything else."""
    try:
        obj = _Arrays(io.BytesIO(data)).load()
    except Exception as e:
        raise CheckpointError(
            f"{source}: not a Paddle state dict ({type(e).__name__}: {e}); nothing was loaded"
        ) from None
    if not isinstance(obj, dict):
        raise CheckpointError(f"{source}: holds a {type(obj).__name__}, not a state dict")
    obj.pop("StructuredToParameterName@@", None)  # paddle.save's own bookkeeping
    # a Tensor saved outside a state dict is pickled as (name, array)
    return {
        k: v[1] if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], np.ndarray) else v
        for k, v in obj.items()
    }
