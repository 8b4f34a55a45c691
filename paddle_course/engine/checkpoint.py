"""Checkpoints: ``{name}.pdparams``, ``{name}.pdopt`` and ``{name}.pdstate``, written atomically.

* ``.pdparams`` is ``model.state_dict()`` and ``.pdopt`` is ``optimizer.state_dict()`` (it carries
  the LR scheduler), both with ``paddle.save``: a plain Paddle user can load them.
* ``.pdstate`` holds everything else a resume needs (see :class:`~.state.TrainState`), the RNG
  states, the run's config, the parameter names the optimizer state is keyed by, and the SHA-256
  of the two other files.

Atomicity: each file is serialized in memory, written to a temporary file in the same directory,
flushed to disk, and renamed over the old one (``os.replace`` is atomic on POSIX and Windows). A
crash while writing leaves the previous checkpoint untouched. The three renames are not one atomic
step, so ``.pdstate`` is renamed last and names the digests of its companions: a set torn by a
crash between two renames is detected on load and reported, never silently mixed.

``paddle.load`` unpickles: load checkpoints only from sources you trust.
"""

import hashlib
import io
import os
import pickle
from pathlib import Path

import paddle

FORMAT = "paddle-course-checkpoint/1"
SUFFIXES = ("pdparams", "pdopt", "pdstate")


class CheckpointError(RuntimeError):
    """A checkpoint is missing, torn, or does not fit the model / run being resumed."""


def atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` so that readers see the old file or the new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _serialize(obj):
    if isinstance(obj, dict) and not obj:
        # paddle.save warns on an empty dict (plain SGD has no optimizer state); a pickled {} is
        # what it would write, and paddle.load reads it back
        return pickle.dumps({}, protocol=4)
    buf = io.BytesIO()
    paddle.save(obj, buf)
    return buf.getvalue()


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def paths(directory, name):
    return {s: Path(directory) / f"{name}.{s}" for s in SUFFIXES}


def exists(directory, name):
    return all(p.is_file() for p in paths(directory, name).values())


def save(directory, name, model, optimizer, extra):
    """Write checkpoint ``name`` in ``directory``; ``extra`` (a dict) goes into ``.pdstate``."""
    files = paths(directory, name)
    params = _serialize(model.state_dict())
    opt = _serialize(optimizer.state_dict())
    state = dict(extra, format=FORMAT,
                 param_names={k: p.name for k, p in model.state_dict().items()},
                 digests={"pdparams": _digest(params), "pdopt": _digest(opt)})
    atomic_write(files["pdparams"], params)
    atomic_write(files["pdopt"], opt)
    atomic_write(files["pdstate"], _serialize(state))   # last: it vouches for the other two
    return files


def copy(directory, src, dst):
    """Copy checkpoint ``src`` to ``dst`` (e.g. ``last`` -> ``best``), atomically file by file."""
    src_files, dst_files = paths(directory, src), paths(directory, dst)
    for s in SUFFIXES:   # pdstate last, as in save()
        atomic_write(dst_files[s], src_files[s].read_bytes())
    return dst_files


def read_state(directory, name):
    """Only the ``.pdstate`` of checkpoint ``name`` (its config and progress), or None if absent."""
    path = paths(directory, name)["pdstate"]
    if not path.is_file():
        return None
    try:
        state = paddle.load(str(path), return_numpy=True)
    except Exception as e:
        raise CheckpointError(f"{path}: unreadable ({type(e).__name__}: {e})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a paddle-course checkpoint state")
    return state


def load(directory, name):
    """Read checkpoint ``name``: ``(params, optimizer_state, state)``, verified to belong together."""
    files = paths(directory, name)
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise CheckpointError(f"no complete checkpoint '{name}' in {directory}: missing "
                              + ", ".join(missing))
    raw = {s: files[s].read_bytes() for s in SUFFIXES}
    try:
        # return_numpy: the numpy RNG state inside must come back as an ndarray, not a Tensor
        state = paddle.load(io.BytesIO(raw["pdstate"]), return_numpy=True)
    except Exception as e:
        raise CheckpointError(f"{files['pdstate']}: unreadable ({type(e).__name__}: {e})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{files['pdstate']}: not a paddle-course checkpoint state")
    for s in ("pdparams", "pdopt"):
        if _digest(raw[s]) != state["digests"][s]:
            raise CheckpointError(
                f"{files[s]} does not belong to {files['pdstate'].name}: the run was probably "
                f"killed while saving. Resume from another checkpoint (best) or start again.")
    params = paddle.load(io.BytesIO(raw["pdparams"]))
    opt_state = paddle.load(io.BytesIO(raw["pdopt"]))
    return params, opt_state, state


def restore(model, optimizer, params, opt_state, state, source="checkpoint"):
    """Load parameters and optimizer state into freshly built ``model`` and ``optimizer``.

    Checks that every parameter exists with the same shape (a different model fails here with the
    differences listed). Optimizer state is keyed by Paddle's auto-generated parameter names
    (``conv2d_0.w_0_moment1_0``), which depend on how many layers the process created before; the
    names saved in ``.pdstate`` let us re-key it for this process's model.
    """
    current = model.state_dict()
    problems = [f"{k}: missing in {source}" for k in current if k not in params]
    problems += [f"{k}: in {source} but not in this model" for k in params if k not in current]
    problems += [f"{k}: shape {list(params[k].shape)} in {source}, {list(v.shape)} in this model"
                 for k, v in current.items() if k in params and list(params[k].shape) != list(v.shape)]
    if problems:
        raise CheckpointError(f"the {source} does not fit this model:\n  " + "\n  ".join(problems))
    model.set_state_dict(params)
    optimizer.set_state_dict(rename_optimizer_state(opt_state, state["param_names"], current))


def rename_optimizer_state(opt_state, saved_names, current):
    """Re-key ``opt_state`` from the saved parameter names to those of ``current`` (a state_dict)."""
    mapping = {saved_names[k]: current[k].name for k in current if k in saved_names}
    if all(old == new for old, new in mapping.items()):
        return opt_state
    # longest names first, so that 'linear_1.w_0' never captures keys of 'linear_1.w_01'
    olds = sorted(mapping, key=len, reverse=True)
    renamed = {}
    for key, value in opt_state.items():
        old = next((o for o in olds if key == o or key.startswith(o + "_")), None)
        renamed[mapping[old] + key[len(old):] if old else key] = value
    return renamed
