"""Checkpoints that appear whole or not at all, and one record of which is ``last`` and ``best``.

    checkpoints/
      index.json                  {"last": "epoch-0004-step-000016",
                                   "best": "epoch-0003-step-000012"}
      epoch-0003-step-000012/     at the end of epoch 3, after 12 optimizer steps
        model.pdparams            model.state_dict(), with paddle.save
        model.pdopt               optimizer.state_dict() (it carries the LR scheduler), paddle.save
        state.json                where the run is (epoch, step, position in the epoch, metrics so
                                  far, the monitor), the RNG states, the config, the parameter
                                  names the optimizer state is keyed by, the SHA-256 of the two
                                  files above
      epoch-0004-step-000016/     (a checkpoint taken inside epoch 4 is named epoch-0004 too)

A checkpoint is written into a temporary folder, every file flushed to disk, and renamed into
place (:func:`~paddle_course.runtime.atomic.publish_dir`): it appears complete or not at all.
Only then is ``index.json`` replaced (atomically) to name it ``last``, and ``best`` when the epoch
improved the monitored metric: both names change in one write, so ``best`` and ``last`` always
describe one run. Folders the index no longer names are deleted after that, so the previous complete
checkpoint stays until the new one is complete. A kill or a full disk at any moment therefore leaves
the last complete checkpoint and a consistent index; a later run of the folder removes the
temporary.

**Pickles.** ``.pdparams`` and ``.pdopt`` are ``paddle.save``'s format, a pickle, so that a plain
Paddle user can ``paddle.load`` them. We read them only when asked to (``--resume``,
``--checkpoint``) and then with :func:`read_paddle`, an unpickler that builds nothing but numpy
arrays, numbers, strings and containers: a file that asks to call anything else is refused. The
state is JSON: reading it (to check a folder, or a resume's config) runs no code.
"""

import hashlib
import io
import json
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import paddle

from paddle_course.engine.paddle_format import read_paddle
from paddle_course.errors import CheckpointError
from paddle_course.runtime.atomic import (
    fsync_dir,
    publish_dir,
    temporary_name,
    write_flushed,
    write_json,
)
from paddle_course.runtime.manifest import written

FORMAT = "paddle-course-checkpoint/2"
INDEX = "index.json"
PARAMS, OPTIMIZER, STATE = "model.pdparams", "model.pdopt", "state.json"
NAME = re.compile(r"^epoch-(\d{4,})-step-(\d{6,})(-\d+)?$")


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


# --- one run's checkpoints -----------------------------------------------------------------------


class Checkpoints:
    """The checkpoints of one run in ``directory`` (a run folder's ``checkpoints/``)."""

    def __init__(self, directory):
        self.dir = Path(directory)

    def index(self):
        """``{"last": name, "best": name or None}``, or None when no checkpoint is complete."""
        try:
            index = json.loads((self.dir / INDEX).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise CheckpointError(f"{self.dir / INDEX}: unreadable ({e})") from None
        if not isinstance(index, dict) or index.get("format") != FORMAT or "last" not in index:
            raise CheckpointError(f"{self.dir / INDEX}: not a paddle-course checkpoint index")
        return index

    def path(self, which="last"):
        """The folder of checkpoint ``which`` (``last`` or ``best``), or None."""
        index = self.index()
        return self.dir / index[which] if index and index.get(which) else None

    def save(self, model, optimizer, extra, best=False):
        """Write a checkpoint of ``model``, ``optimizer`` and ``extra`` (JSON: the trainer's
        state, RNGs, config) and make it ``last`` (and ``best`` if ``best``); returns its folder."""
        params, opt = _serialize(model.state_dict()), _serialize(optimizer.state_dict())
        state = dict(
            extra,
            format=FORMAT,
            param_names={k: p.name for k, p in model.state_dict().items()},
            sha256={PARAMS: _digest(params), OPTIMIZER: _digest(opt)},
        )
        index = self.index() or {}
        final = self.dir / self._name(extra["train_state"], index)
        written(str(self.dir) + "/")  # the engine's folder: everything in it is ours
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = temporary_name(final)
        try:
            tmp.mkdir()
            write_flushed(tmp / PARAMS, params, final / PARAMS)
            write_flushed(tmp / OPTIMIZER, opt, final / OPTIMIZER)
            write_flushed(
                tmp / STATE,
                json.dumps(state, indent=1, allow_nan=True, default=_plain).encode(),
                final / STATE,
            )
            publish_dir(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        keep = {"last": final.name, "best": final.name if best else index.get("best")}
        write_json(self.dir / INDEX, dict(format=FORMAT, **keep))
        for old in self.dir.iterdir():  # the index no longer names them
            if NAME.match(old.name) and old.name not in keep.values() and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        fsync_dir(self.dir)
        return final

    def _name(self, train_state, index):
        """``epoch-0003-step-000012``: the epoch the checkpoint was taken in (1-based; at its end
        or inside it) and the optimizer steps done. A name the index still uses is never
        reused (a folder is never rewritten in place)."""
        epoch = train_state["epoch"] + (1 if train_state["step_in_epoch"] else 0)
        name = f"epoch-{epoch:04d}-step-{train_state['global_step']:06d}"
        taken = set(index.values())
        candidate, n = name, 1
        while candidate in taken:
            candidate, n = f"{name}-{n}", n + 1
        if (self.dir / candidate).exists():  # complete but never indexed (killed before it)
            shutil.rmtree(self.dir / candidate)
        return candidate

    def read_state(self, which="last"):
        """Only checkpoint ``which``'s ``state.json`` (config and progress), or None if there is
        no checkpoint. Unpickles nothing."""
        folder = self.path(which)
        return None if folder is None else _read_state(folder)

    def load(self, which="last"):
        """``(params, optimizer_state, state)`` of checkpoint ``which``, verified complete."""
        folder = self.path(which)
        if folder is None:
            raise CheckpointError(f"no complete checkpoint in {self.dir}")
        state = _read_state(folder)
        raw = {}
        for name in (PARAMS, OPTIMIZER):
            try:
                raw[name] = (folder / name).read_bytes()
            except OSError as e:
                raise CheckpointError(f"{folder / name}: unreadable ({e.strerror or e})") from None
            if _digest(raw[name]) != state.get("sha256", {}).get(name):
                raise CheckpointError(
                    f"{folder / name}: damaged (its SHA-256 is not the one "
                    f"{STATE} recorded when it was written)"
                )
        return (
            read_paddle(raw[PARAMS], folder / PARAMS),
            read_paddle(raw[OPTIMIZER], folder / OPTIMIZER),
            state,
        )


def _plain(o):
    if hasattr(o, "tolist"):
        return o.tolist()
    raise TypeError(f"{type(o).__name__} cannot be saved in {STATE}: {o!r}")


def _read_state(folder):
    path = Path(folder) / STATE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise CheckpointError(f"{path}: unreadable ({e})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a paddle-course checkpoint state")
    return state


# --- weights into a model ------------------------------------------------------------------------


def fit_problems(model, params, source):
    """One line saying how ``params`` does not fit ``model`` (missing, extra, other shapes), or
    None when every parameter is there with its shape."""
    current = model.state_dict()
    missing = [k for k in current if k not in params]
    extra = [k for k in params if k not in current and hasattr(params[k], "shape")]
    shapes = [
        f"{k} {list(np.shape(params[k]))} there, {list(v.shape)} here"
        for k, v in current.items()
        if k in params and list(np.shape(params[k])) != list(v.shape)
    ]
    if not (missing or extra or shapes):
        return None
    parts = [
        f"{len(missing)} of this model's {len(current)} weights missing there ({_few(missing)})"
        if missing
        else "",
        f"{len(extra)} not in this model ({_few(extra)})" if extra else "",
        f"{len(shapes)} of another shape ({_few(shapes)})" if shapes else "",
    ]
    return (
        f"{source} does not fit this model ({type(model).__name__}): "
        + "; ".join(p for p in parts if p)
        + "; nothing was loaded"
    )


def _few(items, n=3):
    return ", ".join(items[:n]) + (", ..." if len(items) > n else "")


def restore(model, optimizer, params, opt_state, state, source="checkpoint"):
    """Load parameters and optimizer state into freshly built ``model`` and ``optimizer``.

    Checks that every parameter exists with the same shape (a different model fails here, in one
    line). Optimizer state is keyed by Paddle's auto-generated parameter names
    (``conv2d_0.w_0_moment1_0``), which depend on how many layers the process created before; the
    names saved in the state let us re-key it for this process's model.
    """
    problem = fit_problems(model, params, source)
    if problem:
        raise CheckpointError(problem)
    model.set_state_dict(params)
    optimizer.set_state_dict(
        rename_optimizer_state(opt_state, state["param_names"], model.state_dict())
    )


def rename_optimizer_state(opt_state, saved_names, current):
    """Re-key ``opt_state`` from the saved parameter names to those of ``current`` (a
    state_dict)."""
    mapping = {saved_names[k]: current[k].name for k in current if k in saved_names}
    if all(old == new for old, new in mapping.items()):
        return opt_state
    # longest names first, so that 'linear_1.w_0' never captures keys of 'linear_1.w_01'
    olds = sorted(mapping, key=len, reverse=True)
    renamed = {}
    for key, value in opt_state.items():
        old = next((o for o in olds if key == o or key.startswith(o + "_")), None)
        renamed[mapping[old] + key[len(old) :] if old else key] = value
    return renamed


def weights_file(path, which="best"):
    """The ``.pdparams`` a user means by ``path``: the file itself, a checkpoint folder, a run's
    ``checkpoints/`` or the run folder (then its ``which`` checkpoint)."""
    path = Path(path)
    if path.is_file():
        return path
    if not path.exists():
        raise CheckpointError(f"{path}: no such file or folder")
    for directory in (path / "checkpoints", path):
        if (directory / INDEX).is_file():
            folder = Checkpoints(directory).path(which)
            if folder is not None:
                return folder / PARAMS
    if (path / PARAMS).is_file():
        return path / PARAMS
    raise CheckpointError(f"{path}: neither a .pdparams file nor a run folder with checkpoints")


def load_weights(model, path, which="best"):
    """Load the weights a user named (see :func:`weights_file`) into ``model``, refusing in one
    line a file that is not a state dict or does not fit the model. Returns the file read."""
    file = weights_file(path, which)
    if not file.is_file() or file.stat().st_size == 0:
        raise CheckpointError(
            f"{file}: " + ("empty (0 bytes)" if file.is_file() else "not a regular file")
        )
    folder_state = file.parent / STATE
    data = file.read_bytes()
    if folder_state.is_file() and file.name == PARAMS:  # one of our checkpoints: verify it
        expected = _read_state(file.parent).get("sha256", {}).get(PARAMS)
        if expected and _digest(data) != expected:
            raise CheckpointError(f"{file}: damaged (its SHA-256 is not the recorded one)")
    params = read_paddle(data, file)
    problem = fit_problems(model, params, file)
    if problem:
        raise CheckpointError(problem)
    model.set_state_dict(params)
    return file
