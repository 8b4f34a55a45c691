"""A run's output directory (DESIGN.md §2) and the files in it that are not checkpoints.

    <output-dir>/metrics.json       config, data, per-epoch history, best, test
    <output-dir>/checkpoints/       last.* and best.* (.pdparams, .pdopt, .pdstate)
    <output-dir>/vdl/               VisualDL logs
    <output-dir>/plots/             PNG figures
"""

import json
import math
import shutil
from pathlib import Path

from .engine import checkpoint


class RunDir:
    def __init__(self, root):
        self.root = Path(root)
        self.checkpoints = self.root / "checkpoints"
        self.vdl = self.root / "vdl"
        self.plots = self.root / "plots"
        self.metrics = self.root / "metrics.json"

    def prepare_fresh(self, clear=True):
        """Make the directory ready for a new run.

        A finished run that is there is replaced (its checkpoints, logs, plots, metrics). An
        unfinished one is kept and an error says how to resume it: starting over silently would
        throw its training away. ``clear=False`` only checks (the other ranks of a distributed
        run check too, so that they all stop with the same error instead of waiting for rank 0).
        """
        saved = checkpoint.read_state(self.checkpoints, "last")
        if saved is not None:
            ts, cfg = saved["train_state"], saved.get("config", {})
            epochs = cfg.get("epochs")
            if not ts.get("stopped_early") and epochs is not None and (
                    ts["epoch"] < epochs or ts["step_in_epoch"]):
                raise FileExistsError(
                    f"{self.root} holds an unfinished run (epoch {ts['epoch']}/{epochs}, "
                    f"step {ts['global_step']}). Continue it with --resume, or choose another "
                    f"--output-dir, or delete {self.root} to start again.")
            if clear:
                print(f"replacing the finished run in {self.root}")
        if not clear:
            return
        for d in (self.checkpoints, self.vdl, self.plots):
            shutil.rmtree(d, ignore_errors=True)
        self.metrics.unlink(missing_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def write_metrics(self, metrics):
        return write_json(self.metrics, metrics)


def write_json(path, obj):
    """``obj`` as JSON at ``path``, written atomically; NaN/inf become null (JSON has no NaN)."""
    checkpoint.atomic_write(path, (json.dumps(_finite(obj), indent=2) + "\n").encode())
    return Path(path)


def write_results(out_dir, results, columns, extra=None):
    """A lesson's comparison: ``results.json`` (``results`` keyed by variant, plus ``extra``) and
    ``results.md`` (a table of ``columns`` per variant). Returns both paths."""
    out_dir = Path(out_dir)
    header = "| variant | " + " | ".join(columns) + " |"
    rows = [header, "|" + "---|" * (len(columns) + 1)]
    for name, r in results.items():
        rows.append(f"| {name} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |")
    md = out_dir / "results.md"
    checkpoint.atomic_write(md, ("\n".join(rows) + "\n").encode())
    return write_json(out_dir / "results.json", {**results, **(extra or {})}), md


def write_tables(out_dir, tables, data):
    """A lesson with several measurements: ``results.md`` with one table per entry of ``tables``
    (``{title: (rows {name: {column: value}}, columns)}``) and ``results.json`` holding ``data``.
    Returns both paths."""
    out_dir = Path(out_dir)
    lines = []
    for title, (rows, columns) in tables.items():
        lines += [f"## {title}", "", "| | " + " | ".join(columns) + " |",
                  "|" + "---|" * (len(columns) + 1)]
        lines += [f"| {name} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |"
                  for name, r in rows.items()]
        lines.append("")
    md = out_dir / "results.md"
    checkpoint.atomic_write(md, "\n".join(lines).encode())
    return write_json(out_dir / "results.json", data), md


def _cell(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _finite(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
