"""Data processing, from file to batches: the course's generator, then Dataset + DataLoader.

    python -m chapters.ch02_mnist.data_process

1. Read the file and split it (train / validation / test), and look at what came out.
2. The course's ``load_data(mode)``: a generator that shuffles every epoch and checks its batches.
3. The framework's way: a ``paddle.io.Dataset`` whose samples are stored compressed (PNG, decoded
   per sample) read three ways, each timed on the same training epoch:
   - ``sync``: decoded in the training loop, batch after batch (the course's generators);
   - ``thread``: ``DataLoader(num_workers=0)``. Paddle reads in a background thread even then,
     and PIL releases the GIL while it decodes, so decoding already overlaps training;
   - ``processes``: ``DataLoader(num_workers=2)``, worker processes decode ahead. On 2 cores they
     compete with the training process for the same CPUs; they pay off with more cores, or when
     decoding holds the GIL (pure-Python transforms), which a thread cannot overlap.
4. Why a generator: peak memory of materialising every batch at once vs yielding them one by one.
"""

import time
import tracemalloc

import numpy as np

from paddle_course.data import EpochBatchSampler, SynchronousLoader, make_loader
from paddle_course.data.course_reader import load_data
from paddle_course.data.encoded import EncodedDigits
from paddle_course.lesson import MAX_PROCESSES, count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import epoch_seconds, lesson_data
from paddle_course.lesson.results import write_results

DEFAULTS = dict(
    data="auto", batch_size=64, seed=0, quick=False, output_dir="outputs/ch02_mnist/data_process"
)


def read_time(loader):
    start = time.perf_counter()
    for _ in loader:
        pass
    return time.perf_counter() - start


def peak_mb(fn):
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS)
    p.add_argument(
        "--workers",
        type=count(MAX_PROCESSES),
        default=2,
        help="worker processes of the async loader (default 2)",
    )
    args = p.parse_args(argv)

    # 1. read and split
    data = lesson_data(args)
    print(f"read {data.source}; pixels {data.scale}")
    for name in ("train", "val", "test"):
        s = getattr(data, name)
        print(
            f"  {name:5} images {list(s.images.shape)} {s.images.dtype}  labels "
            f"{list(s.labels.shape)} {s.labels.dtype}  per digit "
            f"{np.bincount(s.labels, minlength=10).tolist()}"
        )

    # 2. the course's generator, and what its checks say when the data is wrong
    reader = load_data(data.train, "train", batch_size=100, seed=args.seed)
    batches = list(reader())
    print(
        f"course load_data('train'): {len(batches)} batches, first {list(batches[0][0].shape)}, "
        f"last {list(batches[-1][0].shape)}; reshuffled each call: "
        f"{not np.array_equal(batches[0][1], next(reader())[1])}"
    )
    broken = type(data.train)(data.train.images, data.train.labels[:-1])
    try:
        load_data(broken, "train")
    except AssertionError as e:
        print(f"  a reader over mismatched data stops at once: AssertionError: {e}")

    # 3. synchronous vs asynchronous reading of compressed samples
    encoded = EncodedDigits(data.train)
    loaders = {
        "sync": SynchronousLoader(
            encoded, EpochBatchSampler(encoded, args.batch_size, True, args.seed)
        ),
        "thread": make_loader(encoded, args.batch_size, shuffle=True, seed=args.seed),
        "processes": make_loader(
            encoded, args.batch_size, shuffle=True, seed=args.seed, num_workers=args.workers
        ),
    }
    results = {
        name: {
            "num_workers": args.workers if name == "processes" else 0,
            "read_seconds": read_time(loader),
            "train_epoch_seconds": epoch_seconds(loader, args.seed),
        }
        for name, loader in loaders.items()
    }
    print(f"one epoch of {len(encoded)} PNG-stored digits, batch {args.batch_size}:")
    print(f"  {'':10} {'read only':>10} {'read + train':>13}")
    for name, r in results.items():
        print(f"  {name:10} {r['read_seconds']:9.2f}s {r['train_epoch_seconds']:12.2f}s")

    # 4. memory: all batches at once vs one at a time
    all_at_once = peak_mb(lambda: list(load_data(data.train, "train")()))
    one_by_one = peak_mb(lambda: [None for _ in load_data(data.train, "train")()])
    print(
        f"peak memory reading the training set: {all_at_once:.1f} MB when every batch is "
        f"materialised, {one_by_one:.2f} MB when the generator yields them one at a time"
    )
    results["memory"] = {"all_batches_mb": all_at_once, "generator_mb": one_by_one}
    write_results(
        args.output_dir,
        results,
        ["num_workers", "read_seconds", "train_epoch_seconds", "all_batches_mb", "generator_mb"],
        quick=args.quick,
    )
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return results


if __name__ == "__main__":
    entry(main)
