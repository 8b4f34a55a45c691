"""The command-line contract shared by every training lesson (DESIGN.md §2).

Flags that are not given take the lesson's defaults, or, with ``--resume``, the values the run
was started with: ``--resume`` alone continues a run exactly as it was configured. A flag given
with ``--resume`` must agree with the checkpoint, except for the few that cannot change what is
computed (``RESUMABLE_CHANGES``); anything else is refused with the differences listed.
"""

import argparse
import contextvars
import functools
import math
import sys
from pathlib import Path

from paddle_course.engine.optimizers import OPTIMIZERS
from paddle_course.errors import (
    CheckpointError,
    ConfigError,
    DataError,
    FolderError,
    RankFailed,
    TrainingDiverged,
    TrainingInterrupted,
)
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.runtime.distributed import rank_and_size

# Flags that may differ on resume: more epochs, another device, worker or process count, logging
# on/off, the data's path (its content is checked by fingerprint, not by name).
RESUMABLE_CHANGES = {
    "epochs",
    "output_dir",
    "device",
    "num_workers",
    "no_visualdl",
    "data",
    "nprocs",
    "world_size",
    "global_batch_size",
    "overwrite",
    "verbose",
}
VERBOSE_HELP = (
    "show every message of Paddle and its libraries (by default a few known-harmless "
    "ones are filtered: see paddle_course/runtime/environment.py)"
)
QUICK_NOTE = (
    "quick run (--quick): a few batches on a small subset, to check that everything "
    "runs; its numbers are noise, not results"
)
OVERWRITE_HELP = (
    "replace a finished run in the output dir (without it, a finished run is kept "
    "and the command stops, naming this flag)"
)


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

# The common flags (DESIGN.md §2): config key -> (flag, argparse options, help)
FLAGS = {
    "data": (
        "--data",
        dict(metavar="PATH"),
        "the course's own data file(s); default: the embedded dataset",
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
        return "python -m " + ".".join(parts[len(parts) - 1 - parts[::-1].index("chapters") :])
    return path.name


def training_parser(description, defaults, epilog=None):
    """An argument parser with the common flags; unset flags are absent from the result, so that
    :func:`resolve_config` can tell them from the defaults (and take a resumed run's values)."""
    p = argparse.ArgumentParser(
        prog=command_name(),
        description=description,
        epilog=epilog,
        argument_default=argparse.SUPPRESS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_flags(p, defaults, suppress=True)
    p.add_argument(
        "--resume",
        nargs="?",
        const=True,
        metavar="DIR",
        help="continue the run in DIR (default: the output dir) exactly where it stopped",
    )
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)  # read by runtime.quiet
    return p


# The folders the lesson being run (see :func:`lesson`) has claimed through its parser
_LESSON = contextvars.ContextVar("lesson_run", default=None)
_UNSET = object()


def lesson(main):
    """Make ``main(argv)`` a lesson run: the output folder its parser reads is claimed for it
    (see :mod:`paddle_course.lesson.run_folder`: locked, checked, recorded) when the arguments are
    parsed, and closed when ``main`` returns (finished) or raises (failed or interrupted, and
    removed again if the lesson wrote nothing there). Every lesson's ``main`` is decorated so."""
    spec = main.__globals__.get("__spec__")
    module = spec.name if spec is not None else main.__module__
    if module == "__main__":  # python chapters/ch02_mnist/loss.py
        module = command_name(main.__globals__.get("__file__", "")).removeprefix("python -m ")

    @functools.wraps(main)
    def run(argv=None):
        claimed = []
        token = _LESSON.set((module, claimed))
        try:
            result = main(argv)
        except BaseException as e:
            for folder in reversed(claimed):
                folder.__exit__(type(e), e, None)
            raise
        finally:
            _LESSON.reset(token)
        for folder in reversed(claimed):
            folder.close()
        return result

    run.lesson_module = module
    return run


class LessonParser(argparse.ArgumentParser):
    """A lesson's parser. Once the arguments are read, the output folder is claimed for the
    lesson (it must run under :func:`lesson`): a folder holding a finished run is refused unless
    ``--overwrite`` (the lesson then writes over its own files: nothing is deleted, so an
    argument the lesson then rejects costs nothing) or the lesson's own ``--resume`` continues
    it; a folder holding others' files or being written by another process is refused.
    ``guard=False``: the lesson keeps its runs itself and only recomputes its tables.

    ``quick``: the values ``--quick`` gives flags that are not on the command line (an explicit
    flag always wins); ``--help`` shows them beside the defaults."""

    def __init__(self, *args, guard=True, quick=None, **kwargs):
        self.guard = guard
        self.quick = dict(quick or {})  # before argparse adds its own --help
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        if action.dest in self.quick and action.help:
            quick = f"{self.quick[action.dest]} with --quick"
            action.help = (
                action.help[:-1] + f"; {quick})"
                if action.help.endswith(")")
                else action.help + f" ({quick})"
            )
        return action

    def parse_known_args(self, args=None, namespace=None):
        defaults = {k: self.get_default(k) for k in self.quick}
        self.set_defaults(**{k: _UNSET for k in self.quick})
        try:
            parsed, rest = super().parse_known_args(args, namespace)
        finally:
            self.set_defaults(**defaults)
        quick = getattr(parsed, "quick", False)
        for k, value in self.quick.items():
            if getattr(parsed, k, None) is _UNSET:
                setattr(parsed, k, value if quick else defaults[k])
        if quick:
            announce_quick()
        if getattr(parsed, "output_dir", None):
            self._claim(parsed)
        return parsed, rest

    def _claim(self, parsed):
        run = _LESSON.get()
        if run is None:
            raise RuntimeError(
                f"{self.prog}: a lesson's parser claims its output folder, so "
                f"its main must be decorated with paddle_course.lesson.cli.lesson"
            )
        module, claimed = run
        if getattr(parsed, "overwrite", False):
            mode = "overwrite"
        elif not self.guard or getattr(parsed, "resume", False):
            mode = "update"
        else:
            mode = "fresh"
        folder = RunFolder(parsed.output_dir, module, command=" ".join([self.prog, *sys.argv[1:]]))
        claimed.append(folder.claim(mode))


def at_most(flag, value, available, what):
    """Refuse, in one line, a flag that asks for more than the data holds (``--train-size
    100000`` of 4,000 digits) rather than quietly using less."""
    if value > available:
        raise ConfigError(f"{flag} {value}: {what} holds {available:,}; give at most {available:,}")


def lesson_parser(description, defaults, guard=True, helps=None, quick=None):
    """A parser for a lesson that does not resume: the common flags that ``defaults`` names,
    with those defaults, and ``--overwrite``; ``helps`` ({key: text}) says what a common flag
    means in this lesson where the usual words would not; ``quick`` ({key: value}) what
    ``--quick`` changes. Add the lesson's own flags to it."""
    p = LessonParser(
        prog=command_name(),
        description=description,
        guard=guard,
        quick=quick,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_flags(p, defaults, suppress=False, helps=helps)
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)  # read by runtime.quiet
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
    conflicts = [
        f"--{k.replace('_', '-')}: {v!r} now, {saved[k]!r} in the checkpoint"
        for k, v in explicit.items()
        if k not in RESUMABLE_CHANGES and k in saved and saved[k] != v
    ]
    if conflicts:
        raise ConfigError(
            "these arguments contradict the run being resumed:\n  "
            + "\n  ".join(conflicts)
            + "\nDrop them to continue the run as it was, or start a new run in "
            "another --output-dir."
        )
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
                    message += (
                        f"\nresume with: {resume_command} --resume "
                        f"{e.checkpoint.parent.parent}{again}"
                        + (" (or the same launch command with --resume)" if n > 1 else "")
                    )
            print(message, file=sys.stderr)
        sys.exit(e.exit_code)
    except (
        ConfigError,
        DataError,
        CheckpointError,
        FolderError,
        TrainingDiverged,
        RankFailed,
    ) as e:
        where = f"rank {rank}: " if n > 1 else ""
        print(f"error: {where}{e}", file=sys.stderr)
        sys.exit(1 if isinstance(e, (TrainingDiverged, RankFailed)) else 2)
    except OSError as e:
        # the machine, not the input: a full disk, a folder made read-only mid-run. What was
        # complete is kept (checkpoints appear whole or not at all): say where, and how to go on
        where = f"rank {rank}: " if n > 1 else ""
        name = f"{e.filename}: " if e.filename else ""
        message = f"error: {where}{name}{e.strerror or e}"
        folder = getattr(e, "resume_dir", None)  # set by the job for its run folder
        if resume_command and folder is not None:
            message += (
                f"; the run stopped, nothing complete is lost: free the space (or fix "
                f"the folder), then {resume_command} --resume {folder}"
            )
        print(message, file=sys.stderr)
        sys.exit(1)
    finally:
        _CLOSING.reset(closing)
