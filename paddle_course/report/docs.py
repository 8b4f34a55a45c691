"""The measured figures of ``docs/``, written by the report and never typed: each chapter page's
generated section (every lesson's tables and notes as its full run wrote them, then the chapter's
claims and their verdicts), and ``docs/claims.md``. Written only from a full run of every lesson
(``python -m chapters.report --full --docs``): a ``--quick`` run's numbers are noise."""

import re
from pathlib import Path

from paddle_course.report.claims import table, verdict_summary
from paddle_course.runtime.atomic import write_bytes

BEGIN = (
    "<!-- measured: written by `python -m chapters.report --full --docs` from its runs; "
    "an edit here is overwritten -->"
)
END = "<!-- end of measured -->"


def stamp(machine):
    """Where and when the figures were measured, in one sentence."""
    return (
        f"Measured by `python -m chapters.report --full` on {machine['date']}: {machine['CPU']}, "
        f"{machine['system']}, Python {machine['Python']}, Paddle {machine['Paddle']}, commit "
        f"{machine.get('commit', 'unknown')}{duration(machine.get('lesson_seconds'))}. "
        "Another CPU or seed moves the figures by about "
        f"the spreads the lessons show (a float result depends on the kernels a CPU gets)."
    )


def duration(seconds):
    """ ", its lessons taking 1 h 52 min in all" (empty when the record has no time)."""
    if seconds is None:
        return ""
    h, m = divmod(int(round(seconds / 60)), 60)
    return f", its lessons taking {f'{h} h {m} min' if h else f'{m} min'} in all"


def lesson_figures(lesson, folder):
    """A lesson's section: its ``results.md`` (and its sub-folders'), headings moved under the
    lesson's, or for a job its best checkpoint's validation and test results."""
    folder = Path(folder)
    parts = [f"### `{lesson.name}`", ""]
    for md in [folder / "results.md", *sorted(folder.glob("*/results.md"))]:
        if not md.is_file():
            continue
        if md.parent != folder:
            parts += [f"#### {md.parent.name}", ""]
        text = re.sub(
            r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 3) + " ", md.read_text(), flags=re.M
        )
        parts += [text.strip(), ""]
    metrics = folder / "metrics.json"
    if len(parts) == 2 and metrics.is_file():
        parts += [_job_table(metrics), ""]
    if len(parts) == 2:
        parts += ["(no table: see the lesson's console output and figures)", ""]
    return "\n".join(parts)


def _job_table(path):
    import json

    run = json.loads(path.read_text())
    best = run.get("best", {})
    rows = [
        "| split | " + " | ".join(_metric_names(run)) + " |",
        "|---|" + "---|" * len(_metric_names(run)),
    ]
    for split in ("val", "test"):
        if split in run:
            rows.append(
                f"| {split} | "
                + " | ".join(_cell(run[split].get(k)) for k in _metric_names(run))
                + " |"
            )
    epochs = len(run.get("history", []))
    return (
        f"The best checkpoint (epoch {best.get('epoch')} of {epochs}, by {best.get('metric')}), "
        f"evaluated:\n\n" + "\n".join(rows)
    )


def _metric_names(run):
    names = []
    for split in ("val", "test"):
        for key in run.get(split, {}):
            if key not in names and key not in ("checkpoint", "epoch"):
                names.append(key)
    return names


def _cell(value):
    return f"{value:.4g}" if isinstance(value, float) else "" if value is None else str(value)


def chapter_section(chapter, lessons, runs_dir, claim_rows, machine):
    """The generated section of ``docs/<chapter>.md``."""
    mine = [lesson for lesson in lessons if lesson.chapter == chapter]
    claims = [r for r in claim_rows if any(name.startswith(chapter + ".") for name in r["lessons"])]
    parts = [BEGIN, "", "## Measured", "", stamp(machine), ""]
    parts += [lesson_figures(lesson, lesson.output_dir(runs_dir)) for lesson in mine]
    if claims:
        parts += ["### The course's claims these lessons measure", "", table(claims), ""]
    return "\n".join(parts + [END]) + "\n"


def replace_section(page, section, default=""):
    """Write ``page`` with its generated part (between :data:`BEGIN` and :data:`END`) replaced by
    ``section`` (appended where it has none); nothing else of the page changes."""
    page = Path(page)
    text = page.read_text(encoding="utf-8") if page.is_file() else default
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    return write_bytes(page, text.encode())


def write_docs(docs_dir, lessons, runs_dir, claim_rows, machine):
    """Replace the generated section of every chapter page in ``docs_dir`` (appended to a page
    that has none; nothing else of a page changes) and write ``claims.md``; returns the paths."""
    docs_dir = Path(docs_dir)
    written = []
    for chapter in sorted({lesson.chapter for lesson in lessons}):
        page = docs_dir / f"{chapter}.md"
        section = chapter_section(chapter, lessons, runs_dir, claim_rows, machine)
        written.append(replace_section(page, section, default=f"# {chapter}\n"))
    counts, summary = verdict_summary(claim_rows)
    claims = (
        "# The course's claims, measured\n\n"
        "Each claim the course's documents make (seeds: 000 syllabus and MNIST notes, 001 FAQ, "
        "002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide), "
        "the lessons that measure it, the rule that judges it (`chapters/<chapter>/claims.py`), "
        "what it measured and the verdict.\n\n"
        f"{BEGIN}\n\n{stamp(machine)}\n\n**{summary}.**\n\n{table(claim_rows)}\n\n{END}\n"
    )
    written.append(write_bytes(docs_dir / "claims.md", claims.encode()))
    return written
