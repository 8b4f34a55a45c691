"""The report as static HTML pages that open from the file system (no server, no JavaScript).

``index.html`` (the machine, the chapters, the claims' verdicts), one page per chapter (each
lesson: its command, how its last run went, its ``results.md`` tables and its figures) and
``claims.html`` (each claim, linked to the lessons that measure it). Figures are copied next to
the pages, so the folder can be moved or zipped as it is.
"""

import html
import re
import shutil
from pathlib import Path

from paddle_course.report.claims import VERDICTS, verdict_summary
from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.manifest import written

STYLE = """body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}img{max-width:100%;border:1px solid #ddd;
margin:.3rem 0}code{background:#f3f3f3;padding:0 .2rem}.held{color:#176317}.partly{color:#8a6d00}
.not{color:#a31515}.muted{color:#777}nav a{margin-right:1rem}"""
VERDICT_CLASS = {VERDICTS[0]: "held", VERDICTS[1]: "not", VERDICTS[2]: "partly"}


def esc(text):
    return html.escape(str(text))


def page(title, body, nav=""):
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}'
        f"</title><style>{STYLE}</style></head><body>\n<nav>{nav}</nav>\n<h1>{esc(title)}</h1>\n"
        f"{body}\n</body></html>\n"
    )


def markdown_tables(text):
    """The pipe tables of a ``results.md`` as HTML tables (other lines as paragraphs)."""
    out, rows = [], []

    def flush():
        if rows:
            head, *body = [r for r in rows if not set(r.replace("|", "").strip()) <= set("-: ")]
            cells = lambda r: [  # an escaped pipe (backslash, pipe) is a pipe inside a cell
                c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", r.strip().strip("|"))
            ]
            out.append(
                "<table><tr>"
                + "".join(f"<th>{esc(c)}</th>" for c in cells(head))
                + "</tr>"
                + "".join(
                    "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells(r)) + "</tr>" for r in body
                )
                + "</table>"
            )
            rows.clear()

    for line in text.splitlines():
        if line.strip().startswith("|"):
            rows.append(line)
            continue
        flush()
        if line.strip():
            # headings, notes ("- ") and the quick-run note ("> **Quick run** ...") as plain text
            plain = line.lstrip("#>- ").replace("**", "").replace("`", "")
            out.append(f"<p>{esc(plain)}</p>")
    flush()
    return "\n".join(out)


def _nav(chapters):
    return '<a href="index.html">overview</a><a href="claims.html">claims</a>' + "".join(
        f'<a href="{c}.html">{esc(c)}</a>' for c in chapters
    )


def _figures(folder, target, prefix):
    """Copy the PNGs under ``folder`` into ``target``; their paths relative to the site."""
    found = []
    for png in sorted(Path(folder).rglob("*.png")):
        dest = target / prefix / png.relative_to(folder)
        write_bytes(dest, png.read_bytes())
        found.append(dest.relative_to(target.parent))
    return found


def build_site(out_dir, lessons, runs, claim_rows, machine, runs_dir):
    """Write the pages into ``out_dir``; returns the paths written. ``lessons``: catalog
    lessons; ``runs``: the report's record of runs; ``claim_rows``: judged claims; ``machine``:
    a dict of what the runs ran on; ``runs_dir``: the folder the lessons ran in."""
    out = Path(out_dir)
    figures_dir = written(f"{out / 'figures'}/")  # copies of the lessons' figures: ours
    shutil.rmtree(figures_dir, ignore_errors=True)
    chapters = sorted({lesson.chapter for lesson in lessons})
    nav = _nav(chapters)
    claims_of = {}
    for row in claim_rows:
        for lesson in row["lessons"]:
            claims_of.setdefault(lesson, []).append(row)
    pages = []
    for chapter in chapters:
        parts = [
            _lesson_section(
                lesson,
                runs.get(lesson.module),
                claims_of.get(f"{chapter}.{lesson.name}", []),
                figures_dir,
                lesson.output_dir(runs_dir),
            )
            for lesson in lessons
            if lesson.chapter == chapter
        ]
        path = out / f"{chapter}.html"
        _write(path, page(chapter, "\n".join(parts), nav))
        pages.append(path)
    pages.append(_claims_page(out, claim_rows, nav))
    pages.append(_index(out, lessons, runs, claim_rows, machine, nav))
    return pages


def _last_run(run):
    """How the lesson's last run went, in words."""
    if run is None:
        return "not run yet"
    status = "ran" if run["returncode"] == 0 else f"FAILED (exit {run['returncode']})"
    quick = (
        " with --quick: numbers from a few batches, not results"
        if run["args"] == ["--quick"]
        else ""
    )
    return f"{status} on {run['finished']} in {run['seconds']:.0f} s{quick}"


def _lesson_section(lesson, run, claims, figures_dir, folder):
    """A lesson on its chapter's page: command, last run, claims, tables, figures (those in
    ``folder``, where the report ran it)."""
    command = " ".join([lesson.command, *(run["args"] if run else [])])
    links = ", ".join(
        f'<a href="claims.html#claim-{r["number"]}">claim {r["number"]}</a>' for r in claims
    )
    tables = [markdown_tables(md.read_text()) for md in sorted(folder.rglob("results.md"))]
    images = _figures(folder, figures_dir, lesson.module)
    figures = "".join(f'<p><img src="{esc(p.as_posix())}" alt="{esc(p.stem)}"></p>' for p in images)
    return (
        f'<section id="{esc(lesson.name)}"><h2>{esc(lesson.name)}</h2>'
        f"<p>{esc(lesson.summary())}</p><p><code>{esc(command)}</code> &mdash; "
        f'<span class="muted">{esc(_last_run(run))}</span></p>'
        + (f"<p>Measures {links}.</p>" if links else "")
        + "".join(tables)
        + figures
        + ("" if tables or images else '<p class="muted">no table or figure yet</p>')
        + "</section>"
    )


def _claims_page(out, rows, nav):
    body = [
        "<table><tr><th>#</th><th>claim (seed)</th><th>lessons</th><th>rule</th>"
        "<th>measured</th><th>verdict</th></tr>"
    ]
    for r in rows:
        lessons = ", ".join(
            f'<a href="{name.split(".")[0]}.html#{name.split(".")[1]}">{esc(name)}</a>'
            for name in r["lessons"]
        )
        measured = ", ".join(f"{esc(k)} {esc(_fmt(v))}" for k, v in r["measured"].items()) or esc(
            r.get("why", "")
        )
        quick = ' <span class="muted">(quick run: not evidence)</span>' if r["quick"] else ""
        body.append(
            f'<tr id="claim-{r["number"]}"><td>{r["number"]}</td><td>{esc(r["claim"])} '
            f"({esc(r['seeds'])})</td><td>{lessons}</td><td>{esc(r['rule'])}</td>"
            f'<td>{measured}</td><td class="{VERDICT_CLASS.get(r["verdict"], "muted")}">'
            f"{esc(r['verdict'])}{quick}</td></tr>"
        )
    path = out / "claims.html"
    _write(path, page("The course's claims, measured", "\n".join(body) + "</table>", nav))
    return path


def _index(out, lessons, runs, rows, machine, nav):
    machine_rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in machine.items()
    )
    chapter_rows = []
    for chapter in sorted({lesson.chapter for lesson in lessons}):
        mine = [lesson for lesson in lessons if lesson.chapter == chapter]
        ok = sum(runs.get(lesson.module, {}).get("returncode") == 0 for lesson in mine)
        chapter_rows.append(
            f'<tr><td><a href="{chapter}.html">{esc(chapter)}</a></td>'
            f"<td>{esc(mine[0].chapter_summary())}</td>"
            f"<td>{len(mine)}</td><td>{ok}</td></tr>"
        )
    body = (
        f'<p>Claims: <a href="claims.html">{esc(verdict_summary(rows)[1])}'
        f"</a></p><h2>Chapters</h2><table><tr><th>chapter</th><th>what it covers</th>"
        f"<th>lessons</th><th>ran successfully</th></tr>{''.join(chapter_rows)}</table>"
        f"<h2>Ran on</h2><table>{machine_rows}</table>"
        "<p>Reproduce: <code>python -m chapters.report</code> (each lesson with --quick) or "
        "<code>python -m chapters.report --full</code> (with its defaults).</p>"
    )
    path = out / "index.html"
    _write(path, page("paddle-course: the whole course at a glance", body, nav))
    return path


def _write(path, text):
    write_bytes(written(path), text.encode("utf-8"))


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)
