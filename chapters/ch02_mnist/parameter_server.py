"""The parameter-server pattern, built from collective operations, against all-reduce.

    python -m chapters.ch02_mnist.parameter_server

The course describes a parameter server: workers send their gradients to a server, the server
computes the global update and sends the parameters back. Paddle's own parameter-server mode
(fleet with PSCore) is not compiled into the CPU wheels of Paddle 3.x, so the pattern is built
here from ``paddle.distributed`` operations on gloo: rank 0 is the server and holds the optimizer;
every rank computes gradients on its shard; ``reduce`` sums them on the server; the server steps;
``broadcast`` sends the new parameters back. The same steps are then taken with all-reduce data
parallelism (``paddle.DataParallel``) from the same start, and the two end equal.

Traffic per step for P parameters (4 bytes each) and N ranks: the server receives (N-1) P and
sends (N-1) P, all through its own link, which grows with N: the server becomes the bottleneck as
workers are added. A ring all-reduce moves 2 (N-1)/N P per rank, about 2P whatever N, spread over
all links. Asynchronous parameter servers let workers push and pull without waiting for each
other: faster with slow or many workers, at the price of gradients computed on stale parameters.

Model parallelism, the other scheme the course names, splits one network across devices instead
of the data: the CNN's fc layer (9,810 of its 20,350 parameters) could live on a second device,
with conv1 and conv2 (10,540) on the first, each device holding half the model and passing the
[N, 980] activations between them; it pays when a model does not fit one device, not here.
"""

import json
from pathlib import Path

import numpy as np
import paddle
import paddle.distributed as dist
import paddle.nn.functional as F

from paddle_course.data import make_loader
from paddle_course.data.mnist import fixed_source
from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data
from paddle_course.lesson.results import write_results
from paddle_course.models import MNIST
from paddle_course.runtime.atomic import write_json
from paddle_course.runtime.distributed import setup, spawn
from paddle_course.runtime.manifest import written

DEFAULTS = dict(
    data="auto",
    batch_size=32,
    lr=0.05,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/parameter_server",
)


def batches(place, args, steps):
    data = lesson_data(args)
    loader = make_loader(
        data.train,
        args["batch_size"],
        shuffle=True,
        seed=args["seed"],
        num_replicas=place.world_size,
        rank=place.rank,
    )
    out = []
    while len(out) < steps:
        loader.batch_sampler.set_epoch(len(out) // len(loader))
        out += list(loader)
    return out[:steps]


def parameter_server(place, args, data):
    paddle.seed(args["seed"])
    model = MNIST()
    opt = paddle.optimizer.SGD(args["lr"], parameters=model.parameters())  # used by rank 0 only
    for x, y in data:
        # dividing by N makes the sum on the server the mean gradient
        (F.cross_entropy(model(x), y) / place.world_size).backward()
        for p in model.parameters():
            dist.reduce(p.grad, dst=0)  # workers -> server: sum of the gradients
        if place.is_main:
            opt.step()  # the server updates
        opt.clear_grad()
        for p in model.parameters():
            dist.broadcast(p, src=0)  # server -> workers: the new parameters
    return model


def all_reduce(place, args, data):
    paddle.seed(args["seed"])
    model = MNIST()
    dp = paddle.DataParallel(model)  # backward() all-reduces the mean gradient
    opt = paddle.optimizer.SGD(args["lr"], parameters=model.parameters())
    for x, y in data:
        F.cross_entropy(dp(x), y).backward()
        opt.step()
        opt.clear_grad()
    return model


def worker(args):
    place = setup()
    data = batches(place, args, args["steps"])
    ps, ar = parameter_server(place, args, data), all_reduce(place, args, data)
    if place.is_main:
        diff = max(
            float(np.abs(a.numpy() - b.numpy()).max())
            for a, b in zip(ps.parameters(), ar.parameters())
        )
        n_params = sum(int(p.size) for p in ps.parameters())
        write_json(
            Path(args["out"]) / "worker.json", {"max_param_diff": diff, "parameters": n_params}
        )


def traffic(params, n):
    """Bytes per step (float32): total, and through the busiest link."""
    ps_total = 2 * (n - 1) * params * 4
    ring_per_rank = 2 * (n - 1) / n * params * 4
    return {
        "ps_total": ps_total,
        "ps_server_link": ps_total,
        "allreduce_total": ring_per_rank * n,
        "allreduce_busiest_link": ring_per_rank,
    }


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(steps=4))
    p.add_argument("--steps", type=count(100_000), default=20, help="training steps (default 20)")
    args = p.parse_args(argv)
    steps = args.steps
    data = fixed_source(args.data, lesson_data(args))  # a bad --data fails here, not in both ranks
    conf = dict(
        data=data,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        quick=args.quick,
        steps=steps,
        out=args.output_dir,
    )
    # rank 0 of the spawned processes writes it: recorded here, by the folder's holder, first
    report = written(Path(args.output_dir) / "worker.json")
    spawn(worker, (conf,), 2)
    found = json.loads(report.read_text())
    print(
        f"{steps} SGD steps on 2 processes: parameter server (reduce, step, broadcast) vs "
        f"all-reduce: largest parameter difference {found['max_param_diff']:.3g}"
    )
    results = {f"N={n}": traffic(found["parameters"], n) for n in (2, 4, 8, 16)}
    print(f"bytes moved per step for the CNN's {found['parameters']} parameters:")
    print(f"  {'ranks':>5} {'PS, via the server':>20} {'all-reduce, busiest link':>26}")
    for name, t in results.items():
        print(
            f"  {name[2:]:>5} {t['ps_server_link']:>20,.0f} {t['allreduce_busiest_link']:>26,.0f}"
        )
    write_results(
        args.output_dir,
        results,
        ["ps_server_link", "allreduce_busiest_link"],
        extra=found,
        quick=args.quick,
    )
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return {**results, **found}


if __name__ == "__main__":
    entry(main)
