"""The command-line contract shared by every training lesson (DESIGN.md §2).

Flags that are not given take the lesson's defaults, or, with ``--resume``, the values the run
was started with: ``--resume`` alone continues a run exactly as it was configured. A flag given
with ``--resume`` must agree with the checkpoint, except for the few that cannot change what is
computed (``RESUMABLE_CHANGES``); anything else is refused with the differences listed.
"""

import argparse
import contextvars
import sys
from pathlib import Path

from .data import DataError
from .distributed import RankFailed, rank_and_size
from .engine import CheckpointError, TrainingDiverged, TrainingInterrupted
from .optim import OPTIMIZERS
from .run import refuse_to_replace

# Flags that may differ on resume: more epochs, another device, worker or process count, logging
# on/off, the data's path (its content is checked by fingerprint, not by name).
RESUMABLE_CHANGES = {"epochs", "output_dir", "device", "num_workers", "no_visualdl", "data",
                     "nprocs", "world_size", "global_batch_size", "overwrite", "verbose"}
VERBOSE_HELP = ("show every message of Paddle and its libraries (by default a few known-harmless "
                "ones are filtered: see paddle_course/runtime.py)")
QUICK_NOTE = ("quick run (--quick): a few batches on a small subset, to check that everything "
              "runs; its numbers are noise, not results")
OVERWRITE_HELP = ("replace a finished run in the output dir (without it, a finished run is kept "
                  "and the command stops, naming this flag)")


# The lines :func:`entry` prints once the lesson has finished (the quick-run note, so that it is
# the first and the last line a user reads); None outside ``entry`` (a test calling ``main``).
_CLOSING = contextvars.ContextVar("closing_lines", default=None)


def announce_quick():
    """Say that this is a ``--quick`` run, now and (under :func:`entry`) as the last line; once
    per command, however many lessons or jobs it runs, and only in the first process."""
    if rank_and_size()[0] != 0:
        return
    closing = _CLOSING.get()
    if closing is not None and QUICK_NOTE in closing:
        return
    print(QUICK_NOTE, flush=True)
    if closing is not None:
        closing.append(QUICK_NOTE)


class ConfigError(ValueError):
    """Command-line arguments that contradict each other or the checkpoint being resumed."""


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


# The common flags (DESIGN.md §2): config key -> (flag, argparse options, help)
FLAGS = {
    "data": ("--data", dict(metavar="PATH"),
             "the course's own data file(s); default: the embedded dataset"),
    "epochs": ("--epochs", dict(type=_positive_int), "passes over the training data"),
    "batch_size": ("--batch-size", dict(type=_positive_int), "training samples per batch"),
    "lr": ("--lr", dict(type=_positive_float), "learning rate"),
    "optimizer": ("--optimizer", dict(choices=OPTIMIZERS),
                  "the paddle.optimizer class that updates the parameters"),
    "seed": ("--seed", dict(type=int),
             "seeds python, numpy and paddle: the same seed repeats the run"),
    "output_dir": ("--output-dir", dict(metavar="DIR"),
                   "where the results, plots and checkpoints are written"),
    "device": ("--device", dict(choices=("auto", "cpu", "gpu")),
               "auto: a GPU when Paddle sees one, else the CPU"),
    "num_workers": ("--num-workers", dict(type=_non_negative_int),
                    "DataLoader worker processes; 0 reads in the training process"),
    "nprocs": ("--nprocs", dict(type=_positive_int),
               "data-parallel processes started with paddle.distributed.spawn"),
    "quick": ("--quick", dict(action="store_true"),
              "a tiny run (seconds) that writes every output: a smoke test, its numbers are "
              "noise and its files say \"quick\": true"),
    "no_visualdl": ("--no-visualdl", dict(action="store_true"), "do not write VisualDL logs"),
}
# with several processes, --batch-size is each one's
PER_PROCESS_BATCH = "training samples per batch in each process (the global batch: this x processes)"


def _add_flags(parser, defaults, suppress, helps=None):
    for key, (flag, options, text) in FLAGS.items():
        if key not in defaults:
            continue
        if key == "batch_size" and "nprocs" in defaults:
            text = PER_PROCESS_BATCH
        text = (helps or {}).get(key, text)
        plain = options.get("action") == "store_true" or defaults[key] is None
        shown = "" if plain else f"(default {defaults[key]})"
        extra = {} if suppress else {"default": defaults[key]}
        parser.add_argument(flag, help=" ".join(t for t in (text, shown) if t), **options, **extra)


def command_name(argv0=None):
    """How the running lesson is started, for ``usage:``: ``python -m chapters.ch02_mnist.loss``
    for ``.../chapters/ch02_mnist/loss.py`` (how ``python -m`` and the script form both arrive),
    else the script's file name, as argparse would show it."""
    path = Path(sys.argv[0] if argv0 is None else argv0)
    parts = path.with_suffix("").parts
    if path.suffix == ".py" and "chapters" in parts:
        return "python -m " + ".".join(parts[len(parts) - 1 - parts[::-1].index("chapters"):])
    return path.name


def training_parser(description, defaults, epilog=None):
    """An argument parser with the common flags; unset flags are absent from the result, so that
    :func:`resolve_config` can tell them from the defaults (and take a resumed run's values)."""
    p = argparse.ArgumentParser(prog=command_name(), description=description, epilog=epilog,
                                argument_default=argparse.SUPPRESS,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_flags(p, defaults, suppress=True)
    p.add_argument("--resume", nargs="?", const=True, metavar="DIR",
                   help="continue the run in DIR (default: the output dir) exactly where it stopped")
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)   # read by runtime.quiet
    return p


class LessonParser(argparse.ArgumentParser):
    """A lesson's parser: once the arguments are read, an output dir holding finished results
    is refused unless ``--overwrite`` (then the lesson writes over them as it goes; nothing is
    deleted here, so an argument the lesson then rejects costs nothing) or the lesson's own
    ``--resume`` continues them. ``guard=False``: the lesson keeps its runs itself and only
    recomputes its tables."""

    def __init__(self, *args, guard=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.guard = guard

    def parse_known_args(self, args=None, namespace=None):
        parsed, rest = super().parse_known_args(args, namespace)
        if getattr(parsed, "quick", False):
            announce_quick()
        if self.guard and getattr(parsed, "output_dir", None) and not getattr(parsed, "resume",
                                                                               False):
            refuse_to_replace(parsed.output_dir, parsed.overwrite)
        return parsed, rest


def lesson_parser(description, defaults, guard=True, helps=None):
    """A parser for a lesson that does not resume: the common flags that ``defaults`` names,
    with those defaults, and ``--overwrite``; ``helps`` ({key: text}) says what a common flag
    means in this lesson where the usual words would not. Add the lesson's own flags to it."""
    p = LessonParser(prog=command_name(), description=description, guard=guard,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_flags(p, defaults, suppress=False, helps=helps)
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)   # read by runtime.quiet
    return p


def resolve_config(explicit, defaults, quick_defaults=None, saved=None):
    """The run's config from the flags given (``explicit``), the defaults and, when resuming, the
    checkpoint's config ``saved``. Raises :class:`ConfigError` when a flag contradicts it."""
    explicit = {k: v for k, v in explicit.items() if k != "resume"}
    if saved is None:
        base = dict(defaults)
        if explicit.get("quick") and quick_defaults:
            base.update(quick_defaults)
        return {**base, **explicit}
    conflicts = [f"--{k.replace('_', '-')}: {v!r} now, {saved[k]!r} in the checkpoint"
                 for k, v in explicit.items()
                 if k not in RESUMABLE_CHANGES and k in saved and saved[k] != v]
    if conflicts:
        raise ConfigError("these arguments contradict the run being resumed:\n  "
                          + "\n  ".join(conflicts)
                          + "\nDrop them to continue the run as it was, or start a new run in "
                            "another --output-dir.")
    return {**defaults, **saved, **explicit}


def run_dir(explicit, defaults):
    """The run's directory: ``--resume DIR`` if given, else ``--output-dir``, else the default."""
    resume = explicit.get("resume")
    if isinstance(resume, str):
        return Path(resume)
    return Path(explicit.get("output_dir", defaults["output_dir"]))


def entry(fn, argv=None, resume_command=None):
    """Run ``fn(argv)`` (a lesson's or a job's main) as a command: the errors a user can fix end
    as one line ``error: <file or flag>: <problem>`` on stderr and exit code 2 (as argparse's
    own); a diverged run or a failed process exit 1; an interrupt says what it saved and, given
    ``resume_command``, how to continue, and exits 130 (SIGINT) or 143 (SIGTERM)."""
    rank, n = rank_and_size()
    closing = _CLOSING.set([])
    try:
        result = fn(argv)
        for line in _CLOSING.get():
            print(line)
        return result
    except TrainingInterrupted as e:
        if rank == 0:
            message = f"\n{e}"
            if e.checkpoint is not None:
                message += f"; saved {e.checkpoint}."
                if resume_command:
                    again = f" --nprocs {n}" if n > 1 else ""
                    message += (f"\nresume with: {resume_command} --resume "
                                f"{e.checkpoint.parent.parent}{again}"
                                + (" (or the same launch command with --resume)" if n > 1 else ""))
            print(message, file=sys.stderr)
        sys.exit(e.exit_code)
    except (ConfigError, DataError, CheckpointError, FileExistsError, TrainingDiverged,
            RankFailed) as e:
        where = f"rank {rank}: " if n > 1 else ""
        print(f"error: {where}{e}", file=sys.stderr)
        sys.exit(1 if isinstance(e, (TrainingDiverged, RankFailed)) else 2)
    finally:
        _CLOSING.reset(closing)
