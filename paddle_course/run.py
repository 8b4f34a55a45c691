"""A run's output directory (DESIGN.md §2) and the files in it that are not checkpoints.

    <output-dir>/metrics.json       config, data, per-epoch history, best, test
    <output-dir>/checkpoints/       last.* and best.* (.pdparams, .pdopt, .pdstate)
    <output-dir>/vdl/               VisualDL logs
    <output-dir>/plots/             PNG figures
"""

import json
import math
import shutil
from datetime import datetime
from pathlib import Path

from .engine import checkpoint


class RunDir:
    def __init__(self, root):
        self.root = Path(root)
        self.checkpoints = self.root / "checkpoints"
        self.vdl = self.root / "vdl"
        self.plots = self.root / "plots"
        self.metrics = self.root / "metrics.json"

    def prepare_fresh(self, clear=True, overwrite=False):
        """Make the directory ready for a new run; nothing finished or unfinished is lost.

        An unfinished run that is there is kept and an error says how to resume it. A finished
        one is kept too and an error names ``--overwrite``; with it, the run is replaced (its
        checkpoints, logs, plots, metrics). ``clear=False`` only checks (the other ranks of a
        distributed run check too, so that they all stop with the same error instead of
        waiting for rank 0).
        """
        saved = checkpoint.read_state(self.checkpoints, "last")
        if saved is not None:
            ts, cfg = saved["train_state"], saved.get("config", {})
            epochs = cfg.get("epochs")
            if not ts.get("stopped_early") and epochs is not None and (
                    ts["epoch"] < epochs or ts["step_in_epoch"]):
                raise FileExistsError(
                    f"{self.root} holds an unfinished run ("
                    f"{position(ts['epoch'], ts['step_in_epoch'], epochs, ts['global_step'])}). "
                    f"Continue it with --resume, or choose another --output-dir, or delete "
                    f"{self.root} to start again.")
        refuse_to_replace(self.root, overwrite, "run", say=print if clear else _quiet)
        if not clear:
            return
        for d in (self.checkpoints, self.vdl, self.plots):
            shutil.rmtree(d, ignore_errors=True)
        self.metrics.unlink(missing_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def write_metrics(self, metrics):
        return write_json(self.metrics, metrics)


def position(epochs_done, batch_in_epoch, epochs, global_step):
    """Where a run stopped, for people, the way resuming says it: "in epoch 3 of 30, after batch
    10 (global step 136)", or "after epoch 2 of 30 (global step 136)"."""
    if batch_in_epoch:
        return (f"in epoch {epochs_done + 1} of {epochs}, after batch {batch_in_epoch} "
                f"(global step {global_step})")
    return f"after epoch {epochs_done} of {epochs} (global step {global_step})"


# What a finished run leaves in its output directory: a job's metrics.json, a lesson's tables.
FINISHED_MARKS = ("metrics.json", "results.json")


def finished(root):
    """The file that shows ``root`` holds a finished run, or None."""
    return next((Path(root) / m for m in FINISHED_MARKS if (Path(root) / m).is_file()), None)


def refuse_to_replace(root, overwrite, what="lesson's results", say=print):
    """Raise FileExistsError when ``root`` holds a finished run and ``overwrite`` was not
    given: a finished run is never replaced without being asked. With ``overwrite``, say what
    is replaced."""
    mark = finished(root)
    if mark is None:
        return
    if not overwrite:
        raise FileExistsError(
            f"{root} holds a finished {what} ({mark.name} of {_mtime(mark)}). Pass --overwrite to "
            f"replace it, or --output-dir DIR to keep it and write elsewhere.")
    say(f"replacing the finished {what} in {root} (--overwrite)")


def _quiet(*args, **kwargs):
    pass


def _mtime(path):
    return datetime.fromtimestamp(Path(path).stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def write_json(path, obj):
    """``obj`` as JSON at ``path``, written atomically; NaN/inf become null (JSON has no NaN)."""
    checkpoint.atomic_write(path, (json.dumps(_finite(obj), indent=2) + "\n").encode())
    return Path(path)


# results.md's first line after a --quick run (results.json says "quick": true)
QUICK_MD = ("> **Quick run** (`--quick`): a few batches on a small subset. These numbers check that "
            "the lesson runs; they are noise, not results.\n\n")


def explain(notes):
    """Print each note (a sentence saying why a number contradicts or qualifies the course)
    under the numbers it explains; returns them for results.json/results.md."""
    notes = [n for n in notes if n]
    for note in notes:
        print(f"note: {note}")
    return notes


def _notes_md(notes):
    return ["", "## Notes", "", *(f"- {n}" for n in notes), ""] if notes else []


def write_results(out_dir, results, columns, extra=None, *, quick, notes=()):
    """A lesson's comparison: ``results.json`` (``results`` keyed by variant, plus ``extra``,
    ``"quick"``: whether a ``--quick`` run made it, and ``"notes"``) and ``results.md`` (a table
    of ``columns`` per variant, then the notes: why a number contradicts or qualifies the
    course). Returns both paths."""
    out_dir = Path(out_dir)
    header = "| variant | " + " | ".join(columns) + " |"
    rows = [QUICK_MD + header if quick else header, "|" + "---|" * (len(columns) + 1)]
    for name, r in results.items():
        rows.append(f"| {name} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |")
    md = out_dir / "results.md"
    checkpoint.atomic_write(md, ("\n".join(rows + _notes_md(notes)) + "\n").encode())
    return write_json(out_dir / "results.json", {"quick": quick, **results, **(extra or {}),
                                                  **({"notes": list(notes)} if notes else {})}), md


def write_tables(out_dir, tables, data, *, quick, notes=()):
    """A lesson with several measurements: ``results.md`` with one table per entry of ``tables``
    (``{title: (rows {name: {column: value}}, columns)}``), then the ``notes``, and
    ``results.json`` holding ``data``, ``"quick"`` and the notes. Returns both paths."""
    out_dir = Path(out_dir)
    lines = [QUICK_MD] if quick else []
    for title, (rows, columns) in tables.items():
        lines += [f"## {title}", "", "| | " + " | ".join(columns) + " |",
                  "|" + "---|" * (len(columns) + 1)]
        lines += [f"| {name} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |"
                  for name, r in rows.items()]
        lines.append("")
    md = out_dir / "results.md"
    checkpoint.atomic_write(md, "\n".join(lines + _notes_md(notes)).encode())
    return write_json(out_dir / "results.json", {"quick": quick, **data,
                                                  **({"notes": list(notes)} if notes else {})}), md


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
