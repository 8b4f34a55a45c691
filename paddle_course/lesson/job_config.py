"""A job's command line (docs/DESIGN.md §2): the flags given, the task's defaults and, with
``--resume``, the config the run was started with.

Flags that are not given take the job's defaults, or, with ``--resume``, the values the run was
started with: ``--resume`` alone continues a run exactly as it was configured. A flag given with
``--resume`` must agree with the checkpoint, except for the few that cannot change what is computed
(``RESUMABLE_CHANGES``); anything else is refused with the differences listed.
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.engine.state import position
from paddle_course.errors import ConfigError
from paddle_course.lesson.flags import add_flags, add_run_flags, command_name
from paddle_course.lesson.run_folder import RunFolder

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
    add_flags(p, defaults, suppress=True)
    p.add_argument(
        "--resume",
        nargs="?",
        const=True,
        metavar="DIR",
        help="continue the run in DIR (default: the output dir) exactly where it stopped",
    )
    add_run_flags(p)
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


@dataclass
class Args:
    """A job's command line, read: the run's config and how it uses its folder."""

    config: dict
    mode: str  # fresh, overwrite or resume (see paddle_course.lesson.run_folder)
    saved: dict | None = None  # the state.json of the checkpoint being resumed


def parse_args(task, argv=None, overrides=None):
    """The flags given, the task's defaults, and a resumed run's config (:class:`Args`).

    ``overrides`` ({config key: value}) count as flags given on the command line (a lesson that
    runs the job passes its values so, not as an argv list); a value of None is not given."""
    p = training_parser(task.description, task.defaults)
    if task.add_arguments:
        task.add_arguments(p)
    explicit = vars(p.parse_args(argv))
    known = {action.dest for action in p._actions}
    unknown = sorted(set(overrides or {}) - known)
    if unknown:
        raise TypeError(f"{task.module} has no flag for {', '.join(unknown)}")
    explicit.update({k: v for k, v in (overrides or {}).items() if v is not None})
    resume = explicit.get("resume")
    if (
        isinstance(resume, str)
        and "output_dir" in explicit
        and Path(explicit["output_dir"]).absolute() != Path(resume).absolute()
    ):
        raise ConfigError(
            f"--resume {resume} and --output-dir {explicit['output_dir']} name two "
            f"folders; a run continues where it is: give one of them"
        )
    root = run_dir(explicit, task.defaults)
    mode = "resume" if resume else "overwrite" if explicit.get("overwrite") else "fresh"
    saved = None
    if resume:
        RunFolder(root, task.module).check("resume")  # ours, this job's, not being written
        saved = Checkpoints(Path(root) / "checkpoints").read_state("last")
    config = resolve_config(explicit, task.defaults, task.quick, saved and saved["config"])
    config["output_dir"] = str(root)
    if saved:
        done = saved["train_state"]["epoch"] + (1 if saved["train_state"]["step_in_epoch"] else 0)
        if config["epochs"] < done:
            raise ConfigError(
                f"--epochs {config['epochs']}: the run in {root} has already "
                f"trained {done} epoch(s); give --epochs {done} or more, or leave "
                f"it out to finish the run as configured"
            )
    return Args(config, mode, saved)


def can_resume(config):
    """For :meth:`RunFolder.check`: where the run in the output dir stopped, or None when it has
    no complete checkpoint."""

    def where():
        state = Checkpoints(Path(config["output_dir"]) / "checkpoints").read_state("last")
        if state is None:
            return None
        ts = state["train_state"]
        return position(
            ts["epoch"], ts["step_in_epoch"], state["config"]["epochs"], ts["global_step"]
        )

    return where
