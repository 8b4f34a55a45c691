"""The command-line contract shared by every training lesson (DESIGN.md §2).

Flags that are not given take the lesson's defaults, or, with ``--resume``, the values the run
was started with: ``--resume`` alone continues a run exactly as it was configured. A flag given
with ``--resume`` must agree with the checkpoint, except for the few that cannot change what is
computed (``RESUMABLE_CHANGES``); anything else is refused with the differences listed.
"""

import argparse
from pathlib import Path

from .optim import OPTIMIZERS

# Flags that may differ on resume: more epochs, another device or worker count, logging on/off,
# the data's path (its content is checked by fingerprint, not by name).
RESUMABLE_CHANGES = {"epochs", "output_dir", "device", "num_workers", "no_visualdl", "data"}


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


def training_parser(description, defaults, epilog=None):
    """An argument parser with the common flags; unset flags are absent from the result."""
    d = defaults
    p = argparse.ArgumentParser(description=description, epilog=epilog,
                                argument_default=argparse.SUPPRESS,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", metavar="PATH",
                   help="real course files (mnist.json.gz, or a directory of IDX files); "
                        "default: the embedded dataset")
    p.add_argument("--epochs", type=_positive_int, help=f"(default {d['epochs']})")
    p.add_argument("--batch-size", type=_positive_int,
                   help=f"per-process batch size (default {d['batch_size']})")
    p.add_argument("--lr", type=_positive_float, help=f"learning rate (default {d['lr']})")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help=f"(default {d['optimizer']})")
    p.add_argument("--seed", type=int, help=f"seeds python, numpy and paddle (default {d['seed']})")
    p.add_argument("--output-dir", metavar="DIR", help=f"(default {d['output_dir']})")
    p.add_argument("--resume", nargs="?", const=True, metavar="DIR",
                   help="continue the run in DIR (default: the output dir) exactly where it stopped")
    p.add_argument("--device", choices=("auto", "cpu", "gpu"), help="(default auto)")
    p.add_argument("--num-workers", type=_non_negative_int,
                   help="DataLoader worker processes; 0 reads in the training process (default 0)")
    p.add_argument("--quick", action="store_true",
                   help="a tiny, fast run that still writes every output (for smoke tests)")
    p.add_argument("--no-visualdl", action="store_true", help="do not write VisualDL logs")
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
