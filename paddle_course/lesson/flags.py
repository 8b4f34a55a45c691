"""The flags every lesson shares (docs/DESIGN.md §2), and the numbers they take: each numeric flag
of each lesson is checked when the command is read (0, a negative, NaN or a huge value is refused
with one ``error:`` line before anything runs)."""

import argparse
import math
import sys
from pathlib import Path

from paddle_course.data.mnist import DATA_HELP as MNIST_DATA_HELP
from paddle_course.engine.optimizers import OPTIMIZERS
from paddle_course.errors import ConfigError

VERBOSE_HELP = (
    "show every message of Paddle and its libraries (by default a few known-harmless "
    "ones are filtered: see paddle_course/runtime/environment.py)"
)
OVERWRITE_HELP = (
    "replace a finished run in the output dir (without it, a finished run is kept "
    "and the command stops, naming this flag)"
)


class Number:
    """An argparse ``type``: a number of ``kind`` (int or float) in ``[low, high]`` (``low``
    excluded when ``above``), finite. Every numeric flag of every lesson uses one, so that 0,
    a negative, NaN or a huge value is refused when the command is read, with one ``error:``
    line, before anything runs."""

    def __init__(self, kind, low=None, high=None, above=False, multiple=None):
        self.kind, self.low, self.high, self.above = kind, low, high, above
        self.multiple = multiple
        self.__name__ = self.describe()  # argparse names the type in its messages

    def describe(self):
        noun = "a whole number" if self.kind is int else "a number"
        if self.multiple:
            noun = f"a multiple of {self.multiple}"
        if self.low is not None and self.high is not None and not self.above:
            return f"{noun} from {self.low} to {self.high}"
        parts = [
            f"above {self.low}"
            if self.above
            else f"at least {self.low}"
            if self.low is not None
            else "",
            f"at most {self.high}" if self.high is not None else "",
        ]
        return " ".join([noun, " and ".join(p for p in parts if p)]).strip()

    def __call__(self, text):
        try:
            value = self.kind(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, got {text!r}") from None
        if (
            isinstance(value, float)
            and not math.isfinite(value)
            or (self.low is not None and (value <= self.low if self.above else value < self.low))
            or (self.high is not None and value > self.high)
            or (self.multiple and value % self.multiple)
        ):
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, got {text}")
        return value


class Budget(int):
    """A lesson's default ``--train-size``: a budget, not a demand. On data that holds fewer
    samples all of them are used (an explicit ``--train-size`` beyond the data is refused)."""


def count(high=None, low=1):
    """A whole number of things (epochs, steps, samples): ``low`` (1) or more, ``high`` at most."""
    return Number(int, low, high)


def positive(high=None):
    """A number above 0 (a learning rate, a coefficient), ``high`` at most."""
    return Number(float, 0.0, high, above=True)


def non_negative(high=None):
    """A number of 0 or more (a penalty that 0 switches off)."""
    return Number(float, 0.0, high)


# numpy's generators take seeds of 32 bits; python's and paddle's take those too
SEED = Number(int, 0, 2**32 - 1)
MAX_BATCH = 1 << 16
MAX_PROCESSES = 64

# The common flags (docs/DESIGN.md §2): config key -> (flag, argparse options, help)
FLAGS = {
    "data": (
        "--data",
        dict(metavar="PATH"),
        "the course's own data file(s); default: the embedded dataset",
    ),
    "train_size": (
        "--train-size",
        dict(type=count(10_000_000), metavar="N"),
        "training samples used: a class-balanced subset of the training split, drawn by --seed",
    ),
    "epochs": ("--epochs", dict(type=count(100_000)), "passes over the training data"),
    "batch_size": ("--batch-size", dict(type=count(MAX_BATCH)), "training samples per batch"),
    "lr": ("--lr", dict(type=positive(100.0)), "learning rate"),
    "optimizer": (
        "--optimizer",
        dict(choices=OPTIMIZERS),
        "the paddle.optimizer class that updates the parameters",
    ),
    "seed": (
        "--seed",
        dict(type=SEED, metavar="SEED"),
        "seeds python, numpy and paddle: the same seed repeats the run",
    ),
    "output_dir": (
        "--output-dir",
        dict(metavar="DIR"),
        "where the results, plots and checkpoints are written",
    ),
    "device": (
        "--device",
        dict(choices=("auto", "cpu", "gpu")),
        "auto: a GPU when Paddle sees one, else the CPU",
    ),
    "num_workers": (
        "--num-workers",
        dict(type=count(MAX_PROCESSES, low=0)),
        "DataLoader worker processes; 0 reads in the training process",
    ),
    "nprocs": (
        "--nprocs",
        dict(type=count(MAX_PROCESSES)),
        "data-parallel processes started with paddle.distributed.spawn",
    ),
    "quick": (
        "--quick",
        dict(action="store_true"),
        "a tiny run (seconds) that writes every output: a smoke test, its numbers are "
        'noise and its files say "quick": true',
    ),
    "no_visualdl": ("--no-visualdl", dict(action="store_true"), "do not write VisualDL logs"),
}
# with several processes, --batch-size is each one's
PER_PROCESS_BATCH = (
    "training samples per batch in each process (the global batch: this x processes)"
)


def add_flags(parser, defaults, suppress, helps=None):
    for key, (flag, options, text) in FLAGS.items():
        if key not in defaults:
            continue
        if key == "batch_size" and "nprocs" in defaults:
            text = PER_PROCESS_BATCH
        if key == "data" and defaults[key] in MNIST_DATA_HELP:
            text = MNIST_DATA_HELP[defaults[key]]  # an MNIST-like lesson: its sources named
        text = (helps or {}).get(key, text)
        default = defaults[key]
        plain = options.get("action") == "store_true" or default is None
        shown = "" if plain else f"(default {default})"
        if key == "train_size":  # a lesson's budget (see Budget); none: all of them
            shown = f"(default {default})" if default else "(default: all of them)"
            default = Budget(default) if default else None
        extra = {} if suppress else {"default": default}
        parser.add_argument(flag, help=" ".join(t for t in (text, shown) if t), **options, **extra)


def command_name(argv0=None):
    """How the running lesson is started, for ``usage:``: ``python -m chapters.ch02_mnist.loss``
    for ``.../chapters/ch02_mnist/loss.py`` (how ``python -m`` and the script form both arrive),
    else the script's file name, as argparse would show it."""
    path = Path(sys.argv[0] if argv0 is None else argv0)
    parts = path.with_suffix("").parts
    if path.suffix == ".py" and "chapters" in parts:
        return "python -m " + ".".join(parts[len(parts) - 1 - parts[::-1].index("chapters") :])
    return path.name


def at_most(flag, value, available, what):
    """Refuse, in one line, a flag that asks for more than the data holds (``--train-size
    100000`` of 4,000 digits) rather than quietly using less."""
    if value > available:
        raise ConfigError(f"{flag} {value}: {what} holds {available:,}; give at most {available:,}")


def add_run_flags(parser, overwrite=True):
    """``--overwrite`` (where the command writes a run folder) and ``--verbose``: declared here
    once for every lesson, the job and the report."""
    if overwrite:
        parser.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
