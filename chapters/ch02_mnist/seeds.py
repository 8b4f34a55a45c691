"""The main job over several seeds: how far its result moves with the seed alone.

    python -m chapters.ch02_mnist.seeds                          # seeds 0 1 2, + the course's
    python -m chapters.ch02_mnist.seeds --seeds 0 1 2 3 4
    python -m chapters.ch02_mnist.seeds --test-data path/to/mnist   # + the 10,000 test digits

The seed fixes the initial weights, the batch order and the augmentation (and the split of the
embedded digits, when they are the data); float results also differ between CPUs. One run's test
accuracy is therefore not a figure to expect to the digit: the mean and the spread over seeds
are. Each seed is one run of the main job (``chapters.ch02_mnist.train``, its defaults unless a
flag says otherwise) in ``<output-dir>/seed_<s>``; then the course's own setting (Adam 0.01,
5 epochs, batch 100, no augmentation, a constant rate) runs once, with the first seed, in
``<output-dir>/course_setting``, and its test accuracy is printed beside ours and the course's
figure. A finished run with the same settings is reused and an interrupted one resumed, so
stopping this lesson loses at most one epoch.

``--test-data`` evaluates each seed's best checkpoint on the test split of another MNIST source
(the IDX folder ``paddle.vision.datasets.MNIST`` reads, or the course's ``mnist.json.gz``): the
10,000 MNIST test digits, written by other people than the training digits.
"""

import json
import statistics
from pathlib import Path

from chapters.ch02_mnist import train
from paddle_course.data import load_mnist, make_loader
from paddle_course.data.mnist import fixed_source
from paddle_course.engine import evaluate
from paddle_course.engine.checkpoint import Checkpoints, load_weights
from paddle_course.lesson import SEED, entry, job, lesson, lesson_parser
from paddle_course.lesson.folder_contents import inspect
from paddle_course.lesson.job_config import parse_args
from paddle_course.lesson.results import write_tables
from paddle_course.models import MNIST
from tools.plot import plot_bars

DEFAULTS = dict(
    data="auto",
    epochs=None,
    quick=False,  # epochs: the main job's (10, --quick 1)
    output_dir="outputs/ch02_mnist/seeds",
)
SAME_RUN = (
    "seed",
    "epochs",
    "quick",
    "data",
    "batch_size",
    "lr",
    "optimizer",
    "schedule",
    "no_augment",
)  # a finished run with these settings is the run asked for


@lesson
def main(argv=None):
    # its tables are recomputed from the seeds' runs, which it keeps (or replaces only with
    # --overwrite): running it again is how --test-data is added, so the folder is not guarded
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        guard=False,
        helps={
            "epochs": "epochs of each main-job run (default: the main job's, 10; 1 with --quick)"
        },
    )
    p.add_argument(
        "--seeds",
        type=SEED,
        nargs="+",
        default=[0, 1, 2],
        help="the split/initialisation seeds, one main-job run each (default 0 1 2)",
    )
    p.add_argument(
        "--test-data",
        metavar="PATH",
        help="also evaluate each best checkpoint on this MNIST source's test split "
        "(an IDX folder or mnist.json.gz; default: none)",
    )
    args = p.parse_args(argv)
    if len(set(args.seeds)) < 2:
        p.error("give at least two different seeds: a spread needs two runs")
    extra_test = load_mnist(args.test_data).test if args.test_data else None
    args.data = fixed_source(args.data)  # --data auto: every seed's run reads the same source

    rows = {}
    for seed in args.seeds:
        metrics = _run_seed(seed, args)
        row = {
            "best_epoch": metrics["best"]["epoch"],
            "val_acc": metrics["val"]["acc"],
            "test_acc": metrics["test"]["acc"],
            "test_samples": metrics["test"]["samples"],
            "seconds": metrics.get("seconds"),
        }
        if extra_test is not None:
            row["extra_test_acc"] = _accuracy(Path(metrics["config"]["output_dir"]), extra_test)
            row["extra_test_samples"] = len(extra_test)
        rows[f"seed {seed}"] = row
        print(
            f"seed {seed}: best epoch {row['best_epoch']}, val {row['val_acc']:.2%}, test "
            f"{row['test_acc']:.2%} on {row['test_samples']} digits"
            + (
                f", {row['extra_test_acc']:.2%} on the {len(extra_test):,} of {args.test_data}"
                if extra_test is not None
                else ""
            )
        )

    summary = {k: _spread([r[k] for r in rows.values()]) for k in ("val_acc", "test_acc")}
    if extra_test is not None:
        summary["extra_test_acc"] = _spread([r["extra_test_acc"] for r in rows.values()])
    names = {
        "val_acc": "validation accuracy",
        "test_acc": "test accuracy",
        "extra_test_acc": f"test accuracy on {args.test_data}",
    }
    for key, s in summary.items():
        print(
            f"{names[key]}: mean {s['mean']:.2%} ± {s['std']:.2%} (sample std over {s['n']} "
            f"seeds), range {s['min']:.2%} - {s['max']:.2%}"
        )
    first = next(iter(rows.values()))
    print(
        f"one of the {first['test_samples']:,} test digits is {1 / first['test_samples']:.2%}: "
        f"a difference between two settings smaller than the spread is noise"
    )
    # the course's own setting, once (the first seed), beside ours
    course = _run_seed(args.seeds[0], args, train.COURSE_SETTING, "course_setting")
    course_row = {
        "best_epoch": course["best"]["epoch"],
        "val_acc": course["val"]["acc"],
        "test_acc": course["test"]["acc"],
        "test_samples": course["test"]["samples"],
        "seconds": course.get("seconds"),
    }
    ours = summary["test_acc"]
    print(
        f"the course's own setting ({train.COURSE_SETTING_TEXT}; {train.COURSE_COMMAND}): test "
        f"{course_row['test_acc']:.2%} (seed {args.seeds[0]}) beside ours {ours['mean']:.2%} ± "
        f"{ours['std']:.2%}; the course reports {train.COURSE_REPORTED:.1%}"
    )

    out = Path(args.output_dir)
    columns = [
        c for c in ("best_epoch", "val_acc", "test_acc", "extra_test_acc", "seconds") if c in first
    ]
    spread_rows = {
        k: {c: summary[k][c] for c in ("mean", "std", "min", "max", "n")} for k in summary
    }
    written = list(
        write_tables(
            out,
            {
                "the main job, one run per seed": (rows, columns),
                "the course's own setting (the first seed)": (
                    {"course_setting": course_row},
                    columns[:3] + ["seconds"] if "seconds" in columns else columns[:3],
                ),
                "over the seeds (std: sample standard deviation)": (
                    spread_rows,
                    ["mean", "std", "min", "max", "n"],
                ),
            },
            {
                "seeds": args.seeds,
                "runs": rows,
                "spread": summary,
                "test_data": args.test_data,
                "course_setting": {**course_row, "setting": train.COURSE_SETTING},
                "course_reported_test_acc": train.COURSE_REPORTED,
            },
            quick=args.quick,
        )
    )
    groups = {
        name: {"mean over seeds": (summary[key]["mean"], summary[key]["std"])}
        for key, name in (
            ("val_acc", "validation"),
            ("test_acc", f"test ({first['test_samples']:,} digits)"),
            ("extra_test_acc", "test (--test-data)"),
        )
        if key in summary
    }
    written.append(
        plot_bars(
            groups,
            out / "plots" / "spread.png",
            "accuracy (fraction correct)",
            f"the main job over {len(args.seeds)} seeds (error bar: sample std)",
            xlabel="split",
        )
    )
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return {"runs": rows, "spread": summary}


def _run_seed(seed, args, setting=None, folder=None):
    """The main job with this seed (and ``setting``, flags as overrides, in ``folder``): reused
    when finished with these settings (unless ``--overwrite``), else resumed or run (a finished
    run with other settings is replaced only with ``--overwrite``)."""
    run_dir = Path(args.output_dir) / (folder or f"seed_{seed}")
    given = dict(
        seed=seed,
        output_dir=str(run_dir),
        no_visualdl=True,
        epochs=args.epochs,
        quick=args.quick,
        data=args.data,
        overwrite=args.overwrite,
    )
    given.update(setting or {})
    wanted = parse_args(train.TASK, [], given).config
    same = lambda config: all(config.get(k) == wanted.get(k) for k in SAME_RUN)
    found = inspect(run_dir)
    name = folder or f"seed {seed}"
    if found.finished and not args.overwrite:
        done = json.loads((run_dir / "metrics.json").read_text())
        if same(done["config"]):
            print(f"{name}: reusing the finished run in {run_dir}")
            return done
    if found.state == "unfinished":
        last = Checkpoints(run_dir / "checkpoints").read_state("last")
        if last is not None and same(last["config"]):
            given["resume"] = True  # interrupted: continue it
    print(f"{name}: the main job in {run_dir}")
    return job.run(train.TASK, **given)


def _accuracy(run_dir, split):
    """The accuracy of a run's best checkpoint on ``split`` (images [N, 1, 28, 28] in [-1, 1])."""
    model = MNIST()
    load_weights(model, run_dir)
    return evaluate(model, make_loader(split, 1000))["acc"]


def _spread(values):
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values),
        "n": len(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


if __name__ == "__main__":
    entry(main)
