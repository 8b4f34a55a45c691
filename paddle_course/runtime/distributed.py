"""Data parallelism on 1 or N processes with one code path (gloo on CPU, NCCL on GPUs).

A process learns its place from the environment that ``paddle.distributed.launch`` or ``spawn``
sets; with one process every function here is a no-op, so lessons need no special case.

- :func:`setup` initialises the collective backend when there is more than one process.
- :func:`shard` gives each rank a disjoint, strided part of an evaluation split **without**
  padding, and :func:`all_sum` adds the ranks' sums, so evaluation counts every sample exactly
  once (``DistributedBatchSampler`` pads by repeating samples, which would count some twice).
- :func:`any_rank` lets all ranks agree on a stop request, so that a signal seen by one rank
  stops every rank after the same step instead of leaving the others waiting in an all-reduce.
"""

import contextlib
import hashlib
import io
import logging
import os
import signal
import sys
from dataclasses import dataclass

import numpy as np
import paddle
import paddle.distributed as dist

from paddle_course.errors import RankFailed
from paddle_course.runtime import environment


@dataclass(frozen=True)
class Place:
    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self):
        return self.rank == 0


def world_size():
    return dist.get_world_size() if dist.is_available() else 1


def rank_and_size():
    """``(rank, world size)`` of this process, ``(0, 1)`` outside a distributed run."""
    n = world_size()
    return (dist.get_rank(), n) if n > 1 else (0, 1)


BANNER = "Modified FLAGS detected"


@contextlib.contextmanager
def without_flags_banner():
    """``init_parallel_env`` writes to stderr, in every rank, a banner of the Paddle flags that
    differ from their defaults (``FLAGS_enable_pir_in_executor``, set by Paddle's own launcher);
    a known-harmless block, dropped unless ``--verbose``. Everything else it writes is kept."""
    if environment.verbose():
        yield
        return
    caught = io.StringIO()
    try:
        with contextlib.redirect_stderr(caught):
            yield
    finally:  # an error's own output must reach the user too
        sys.stderr.write(_drop_banner(caught.getvalue()))


def _drop_banner(text):
    lines, skipping = [], False
    for line in text.splitlines(keepends=True):
        if BANNER in line:
            skipping = True
        elif skipping and line.startswith("=" * 20):
            skipping = False
        elif not skipping:
            lines.append(line)
    return "".join(lines)


def die_with_parent(signum=signal.SIGTERM):
    """Have the kernel send this process ``signum`` when its parent dies (Linux's
    ``PR_SET_PDEATHSIG``): a rank started by ``--nprocs`` or ``paddle.distributed.launch`` whose
    parent is killed (``kill -9``, a lost terminal) stops instead of training on unwatched.
    SIGTERM: every rank gets it at once and they stop together after the same step, rank 0
    saving a checkpoint (the engine's graceful stop). Elsewhere than Linux, a no-op."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    PR_SET_PDEATHSIG = 1
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) != 0:
        return False
    if os.getppid() == 1:  # the parent died before we asked: stop now
        os.kill(os.getpid(), signum)
    return True


def setup():
    """Initialise the process group if this process is one of several; return its Place."""
    n = world_size()
    if n > 1:
        die_with_parent()
        if not dist.is_initialized():
            with without_flags_banner():
                dist.init_parallel_env()
        return Place(dist.get_rank(), n)
    return Place()


def wrap(model, place):
    """``paddle.DataParallel(model)`` on several processes (gradients all-reduced and averaged
    in ``backward()``), the model itself on one."""
    return paddle.DataParallel(model) if place.world_size > 1 else model


def shard(split, place):
    """Rank ``r``'s part of an evaluation split: samples r, r + N, r + 2N, ... (no padding).

    ``split``: a ``Split`` (``images``, ``labels``), a tuple of aligned arrays, or a map-style
    ``paddle.io.Dataset``; a split with a ``shard(rank, world_size)`` method shares itself out."""
    if place.world_size == 1:
        return split
    if hasattr(split, "shard"):
        return split.shard(place.rank, place.world_size)
    part = slice(place.rank, None, place.world_size)
    if isinstance(split, tuple):
        return tuple(a[part] for a in split)
    if isinstance(split, paddle.io.Dataset):
        return paddle.io.Subset(split, list(range(len(split)))[part])
    return type(split)(split.images[part], split.labels[part])


def all_sum(values):
    """Element-wise sum over the ranks of a list of numbers (float64), returned as floats."""
    if world_size() == 1:
        return [float(v) for v in values]
    t = paddle.to_tensor(np.asarray(values, dtype=np.float64))
    dist.all_reduce(t)
    return t.numpy().tolist()


def same_on_every_rank(data):
    """True on every rank if ``data`` (bytes) is the same on all of them, compared through a
    64-bit digest: four 16-bit numbers d, whose sums over the ranks are exact in float64; they are
    all equal exactly when sum(d) = N d and sum(d^2) = N d^2 (then sum((d_r - d)^2) = 0)."""
    digest = hashlib.sha256(data).digest()[:8]
    d = [float(int.from_bytes(digest[i : i + 2], "little")) for i in range(0, 8, 2)]
    n = world_size()
    sums = all_sum(d + [x * x for x in d])
    return sums[:4] == [n * x for x in d] and sums[4:] == [n * x * x for x in d]


def any_rank(flag):
    """True on every rank if ``flag`` is true on any rank."""
    return all_sum([1.0 if flag else 0.0])[0] > 0


def barrier():
    if world_size() > 1:
        dist.barrier()


def backend_for(device="auto"):
    """gloo for CPU processes, NCCL when they run on GPUs."""
    from paddle_course.runtime.device import gpu_available

    return "nccl" if device != "cpu" and gpu_available() else "gloo"


def spawn(fn, args, nprocs, device="auto"):
    """``paddle.distributed.spawn(fn, args, nprocs)`` with the backend for ``device``, made safe
    to stop and to fail.

    SIGINT/SIGTERM sent to this parent are passed on to the processes (each finishes its step;
    rank 0 saves). When a process fails, Paddle terminates the others and this raises
    :class:`RankFailed` with its error; an interrupted run exits with the processes' code. No
    process is left running afterwards.
    """
    if not environment.verbose():
        # Paddle's launcher logs "find free ports: [...]" at INFO to a logger it names "root"
        # (not logging's root logger); its warnings and errors still show
        logging.getLogger("root").setLevel(logging.WARNING)
    context = dist.spawn(fn, args=args, nprocs=nprocs, join=False, backend=backend_for(device))

    def forward(signum, frame):
        for p in context.processes:
            if p.is_alive():
                os.kill(p.pid, signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not context.join():
            pass
    except Exception as e:
        codes = {p.exitcode for p in context.processes}
        interrupted = codes & {128 + signal.SIGINT, 128 + signal.SIGTERM}
        if interrupted:  # rank 0 saved and said how to resume
            sys.exit(max(interrupted))
        raise RankFailed(str(e).strip()) from None
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        for p in context.processes:  # a rank blocked in a collective gets 10 s, then killed
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
