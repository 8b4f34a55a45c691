"""Data-parallel training, three ways, measured against one process.

    python -m chapters.ch02_mnist.distributed

The same short training of the course's CNN (SGD, the digits' first epochs) runs
1. in one process with batch 2b;
2. in two processes started by ``paddle.distributed.spawn`` (``train --nprocs 2``), batch b each;
3. in two processes started by ``python -m paddle.distributed.launch --nproc_per_node 2``, as a
   subprocess; launch writes each rank's output to ``<log dir>/workerlog.N``.

Each process trains on its own shard: the epoch's permutation is cut into global batches of 2b
and rank r takes the r-th half of each (the per-rank counts below are disjoint and cover the set).
In ``backward()``, ``paddle.DataParallel`` **all-reduces** the gradients: every rank ends with the
mean of the two ranks' gradients, which is the gradient of the mean loss over all 2b samples,
i.e. exactly what one process computes on the whole batch (shown below on one batch); so every
rank takes the same step and the runs agree up to the order of floating-point additions.

What to expect: never exactly zero, because the ranks sum the same numbers in another order and
floating-point addition is not associative; and training amplifies those last-bit differences
step after step (more so with augmentation, and with Adam, which divides each step by the square
root of its running squared gradient). So the lesson measures three things:
- the two replicas of each two-process run end with the *same* parameters, to the last bit (the
  all-reduce gives both the same averaged gradient; ``metrics.json``'s ``replicas_identical``);
- the two-process runs against one process (``max_param_diff``);
- the yardstick for that difference: one process trained the same way but computing each batch
  as two halves (the sums two ranks compute, in another order) against itself computing it whole
  (``one_process_halves_vs_whole``). Two processes agree with one when they differ from it by no
  more than one process differs from itself through rounding alone.
All runs use a constant learning rate and the main job's augmentation, so the yardstick trains
exactly as the runs do.
"""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import paddle
import paddle.nn.functional as F

from chapters.ch02_mnist.train import AFFINE
from paddle_course.data import ArrayDataset, EpochBatchSampler, make_loader
from paddle_course.data.mnist import fixed_source
from paddle_course.data.transforms import RandomAffine
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, train_variant
from paddle_course.lesson.results import write_results
from paddle_course.models import MNIST
from paddle_course.practice.inspection import gradients
from paddle_course.runtime.manifest import written

DEFAULTS = dict(
    data="auto",
    epochs=2,
    batch_size=32,
    lr=0.05,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/distributed",
)
ROOT = Path(__file__).resolve().parents[2]


def allreduce_by_hand(data, batch_size, seed):
    """One global batch of 2b: each half's gradient (what each rank computes), their mean (what
    the all-reduce gives every rank), and the whole batch's gradient in one process."""
    x, y = next(iter(make_loader(data.train, 2 * batch_size, shuffle=True, seed=seed)))
    paddle.seed(seed)
    model = MNIST()
    halves = [
        gradients(
            model,
            F.cross_entropy,
            x[i * batch_size : (i + 1) * batch_size],
            y[i * batch_size : (i + 1) * batch_size],
        )
        for i in range(2)
    ]
    whole = gradients(model, F.cross_entropy, x, y)
    mean = {k: (halves[0][k] + halves[1][k]) / 2 for k in whole}
    return {
        "rank_gradients_differ_by": max(
            float(np.abs(halves[0][k] - halves[1][k]).max()) for k in whole
        ),
        "mean_vs_whole_batch": max(float(np.abs(mean[k] - whole[k]).max()) for k in whole),
    }


class Halves(paddle.nn.Layer):
    """The same network with each batch computed as two halves, in one process: the sums two
    ranks compute, without a second process."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        h = x.shape[0] // 2
        return paddle.concat([self.model(x[:h]), self.model(x[h:])])


def rounding_drift(data, args, epochs):
    """Largest parameter difference between one process computing each batch whole and the same
    process computing it as two halves, after the same training."""
    finals = []
    for wrap in (lambda m: m, Halves):

        def build(wrap=wrap):
            model = MNIST()
            return wrap(model), paddle.optimizer.SGD(args.lr, parameters=model.parameters())

        _, net = train_variant(
            "",
            build,
            data,
            epochs,
            2 * args.batch_size,
            args.seed,
            augment=RandomAffine(*AFFINE),
            log=None,
        )
        finals.append([p.numpy() for p in net.parameters()])
    return max(float(np.abs(a - b).max()) for a, b in zip(*finals))


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    out = Path(args.output_dir).resolve()  # the runs below are subprocesses in another cwd
    epochs = args.epochs
    data = lesson_data(args)

    # the shards of one epoch
    ranks = [
        EpochBatchSampler(
            ArrayDataset(data.train.images, data.train.labels),
            args.batch_size,
            shuffle=True,
            seed=args.seed,
            num_replicas=2,
            rank=r,
        )
        for r in range(2)
    ]
    seen = [[i for b in s for i in b] for s in ranks]
    disjoint = not set(seen[0]) & set(seen[1])
    covering = sorted(seen[0] + seen[1]) == list(range(len(data.train)))
    print(
        f"epoch 0 shards: rank 0 {len(seen[0])} samples, rank 1 {len(seen[1])}; disjoint "
        f"{disjoint}, together the whole training set {covering}"
    )
    demo = allreduce_by_hand(data, args.batch_size, args.seed)
    print(
        "one global batch: the two ranks' gradients differ by up to "
        f"{demo['rank_gradients_differ_by']:.3g}; "
        f"their mean differs from the whole batch's gradient by {demo['mean_vs_whole_batch']:.2g}"
    )

    # the three runs are this lesson's own (its results.json guards them): each run of the
    # lesson replaces them, hence --overwrite
    common = (
        [
            "--epochs",
            epochs,
            "--optimizer",
            "sgd",
            "--lr",
            args.lr,
            "--schedule",
            "constant",
            "--seed",
            args.seed,
            "--no-visualdl",
            "--overwrite",
        ]
        + (["--quick"] if args.quick else [])
        + (["--data", fixed_source(args.data, data)] if args.data else [])
    )
    common = [str(a) for a in common]
    runs = {
        "one_process": [
            "-m",
            "chapters.ch02_mnist.train",
            *common,
            "--batch-size",
            str(2 * args.batch_size),
        ],
        "spawn_2": [
            "-m",
            "chapters.ch02_mnist.train",
            *common,
            "--batch-size",
            str(args.batch_size),
            "--nprocs",
            "2",
        ],
        "launch_2": [
            "-m",
            "paddle.distributed.launch",
            "--nproc_per_node",
            "2",
            "--log_dir",
            str(out / "launch_log"),
            "chapters/ch02_mnist/train.py",
            *common,
            "--batch-size",
            str(args.batch_size),
        ],
    }
    # launch appends to its logs run after run: this lesson's own folder (recorded as such
    # before launch writes it), emptied each time
    shutil.rmtree(written(f"{out / 'launch_log'}/"), ignore_errors=True)
    results = {}
    for name, cmd in runs.items():
        run_dir = out / name
        started = time.time()
        done = subprocess.run(
            [sys.executable, *cmd, "--output-dir", str(run_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"{name} failed:\n{done.stderr[-2000:]}")
        m = json.loads((run_dir / "metrics.json").read_text())
        results[name] = {
            "seconds": time.time() - started,
            "val_acc": m["history"][-1]["val_acc"],
            "val_loss": m["history"][-1]["val_loss"],
            "test_samples": m["test"]["samples"],
            "world_size": m["config"]["world_size"],
            "replicas_identical": m.get("replicas_identical", "one process"),
        }
        print(
            f"{name:12} {results[name]['seconds']:6.1f}s wall (start-up included)  val_acc "
            f"{results[name]['val_acc']:.4f}"
        )
    last = lambda run: Checkpoints(out / run / "checkpoints").load("last")[0]
    ref = last("one_process")
    for name in results:
        other = last(name)
        results[name]["max_param_diff"] = max(
            float(np.abs(np.asarray(ref[k]) - np.asarray(other[k])).max()) for k in ref
        )
    drift = rounding_drift(data, args, epochs)
    print(
        "largest parameter difference from one process: spawn "
        f"{results['spawn_2']['max_param_diff']:.3g}, "
        f"launch {results['launch_2']['max_param_diff']:.3g}; one process against itself computing "
        f"each batch as two halves: {drift:.3g} (rounding, amplified by training)"
    )
    same = [results[k]["replicas_identical"] for k in ("spawn_2", "launch_2")]
    print(
        f"the two replicas' parameters identical to the last bit: spawn {same[0]}, launch {same[1]}"
    )
    print(f"launch's per-rank logs: {out / 'launch_log'}/workerlog.0, workerlog.1")
    write_results(
        out,
        results,
        ["world_size", "seconds", "val_acc", "val_loss", "max_param_diff", "replicas_identical"],
        extra={
            "shards": {"sizes": [len(s) for s in seen], "disjoint": disjoint, "covering": covering},
            "allreduce": demo,
            "one_process_halves_vs_whole": drift,
        },
        quick=args.quick,
    )
    print(f"wrote:\n  {out}/results.json\n  {out}/results.md")
    return results


if __name__ == "__main__":
    entry(main)
