"""A lesson's results: ``results.json`` (numbers other programs read: the report, the claims)
and ``results.md`` (the same as tables for people), and the notes that explain a number.

Every file is written atomically and recorded in its run folder (``run_folder.written``).
"""

from pathlib import Path

from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.atomic import write_json as _write_json
from paddle_course.runtime.manifest import written


def write_json(path, obj):
    """``obj`` as JSON at ``path`` (recorded in its run folder, written atomically); NaN/inf
    become null (JSON has no NaN)."""
    return _write_json(written(path), obj)


# results.md's first line after a --quick run (results.json says "quick": true)
QUICK_MD = (
    "> **Quick run** (`--quick`): a few batches on a small subset. These numbers check that "
    "the lesson runs; they are noise, not results.\n\n"
)


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
        rows.append(f"| {_cell(name)} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |")
    md = write_bytes(
        written(out_dir / "results.md"), ("\n".join(rows + _notes_md(notes)) + "\n").encode()
    )
    return write_json(
        out_dir / "results.json",
        {"quick": quick, **results, **(extra or {}), **({"notes": list(notes)} if notes else {})},
    ), md


def write_tables(out_dir, tables, data, *, quick, notes=()):
    """A lesson with several measurements: ``results.md`` with one table per entry of ``tables``
    (``{title: (rows {name: {column: value}}, columns)}``), then the ``notes``, and
    ``results.json`` holding ``data``, ``"quick"`` and the notes. Returns both paths."""
    out_dir = Path(out_dir)
    lines = [QUICK_MD] if quick else []
    for title, (rows, columns) in tables.items():
        lines += [
            f"## {title}",
            "",
            "| | " + " | ".join(columns) + " |",
            "|" + "---|" * (len(columns) + 1),
        ]
        lines += [
            f"| {_cell(name)} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |"
            for name, r in rows.items()
        ]
        lines.append("")
    md = write_bytes(written(out_dir / "results.md"), "\n".join(lines + _notes_md(notes)).encode())
    return write_json(
        out_dir / "results.json",
        {"quick": quick, **data, **({"notes": list(notes)} if notes else {})},
    ), md


def _cell(value):
    """A markdown table cell: floats to 4 significant digits, a "|" escaped (not a new cell)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value).replace("|", "\\|")
