"""The whole course at a glance: run every lesson of every chapter, each in its own process.

    python -m chapters.report                 # every lesson with --quick (minutes)
    python -m chapters.report --full          # every lesson with its defaults (hours)
    python -m chapters.report --only ch02 --only ch03_practice.schedules
    python -m chapters.report --rerun         # run even the lessons whose results are current

Shows progress (lesson i of n, elapsed, an estimate of what is left), goes on when a lesson
fails and lists the failures at the end (exit code 1 then), and reuses a lesson's last run when
neither its code (its file, the library, the tools) nor its arguments changed since. Every
lesson runs in the report's own tree, ``<output-dir>/runs/outputs/<chapter>/<lesson>``: the
runs you make by hand (``outputs/<chapter>/<lesson>``) are never touched. The report keeps its
record of the runs and each lesson's log under ``--output-dir`` (default ``outputs/report``).
"""

import argparse
import importlib
import importlib.util
import json
import sys
from pathlib import Path

from paddle_course.errors import FolderError
from paddle_course.lesson.flags import add_run_flags
from paddle_course.lesson.results import write_json
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.report.catalog import lessons
from paddle_course.report.claims import judge, load_results, verdict_summary, write_claims
from paddle_course.report.docs import write_docs
from paddle_course.report.machine import machine
from paddle_course.report.runner import as_dicts, load_runs, run_lessons, summary
from paddle_course.report.site import build_site

DOCS = Path(__file__).resolve().parents[1] / "docs"  # the checkout's own


def course_claims():
    """Every chapter's claims (``chapters/<chapter>/claims.py``: beside the lessons that measure
    them), in the course's numbering."""
    found = []
    for chapter in sorted({lesson.chapter for lesson in lessons()}):
        name = f"chapters.{chapter}.claims"
        if importlib.util.find_spec(name) is not None:
            found += importlib.import_module(name).CLAIMS
    return sorted(found, key=lambda claim: claim.number)


def parser():
    p = argparse.ArgumentParser(
        prog="python -m chapters.report",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="run each lesson with its defaults (default: with --quick, in seconds each)",
    )
    p.add_argument(
        "--rerun", action="store_true", help="run every selected lesson, even if current"
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="only the lessons whose module name contains TEXT (repeatable)",
    )
    p.add_argument(
        "--docs",
        action="store_true",
        help="write the measured figures into docs/ (each chapter page's generated section, "
        "docs/claims.md): with --full, from this run; alone, from the last report run in "
        "--output-dir, running nothing, if it was a full run of every lesson that succeeded",
    )
    add_run_flags(p, overwrite=False)
    p.add_argument(
        "--output-dir",
        default="outputs/report",
        help="where the record of runs and the logs go (default outputs/report)",
    )
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    chosen = [
        lesson
        for lesson in lessons()
        if not args.only or any(t in lesson.module for t in args.only)
    ]
    if not chosen:
        parser().error(f"no lesson matches {args.only}")
    if args.docs and args.only:
        parser().error("--docs takes the figures of a full run of every lesson: not with --only")
    out = Path(args.output_dir)
    # the report's folder is its own: a second report at once is refused, and the lessons run
    # in its tree (runs/), never in the user's outputs/
    command = " ".join(["python -m chapters.report", *(sys.argv[1:] if argv is None else argv)])
    with RunFolder(out, "chapters.report", command).claim("update"):
        if args.docs and not args.full:
            return _docs_from_record(out)
        return _report(args, chosen, out)


def _docs_from_record(out):
    """docs/'s measured sections from the report's last run in ``out``, which must have been a
    full run of every lesson that succeeded (its figures, its machine and commit)."""
    try:
        record = json.loads((out / "lessons.json").read_text())
        ran_on = json.loads((out / "machine.json").read_text())
    except (OSError, ValueError):
        raise FolderError(
            f"{out}: no report run recorded there; run python -m chapters.report --full --docs"
        ) from None
    done = {r["module"] for r in record["lessons"] if r["status"] in ("ran", "reused")}
    missing = [lesson.module for lesson in lessons() if lesson.module not in done]
    if record["quick"] or missing:
        what = "a --quick run" if record["quick"] else f"{len(missing)} lesson(s) did not run"
        raise FolderError(
            f"{out}: its last report was {what}; docs/ takes a full run of every "
            f"lesson: python -m chapters.report --full --docs"
        )
    ran_on.setdefault("lesson_seconds", sum(r["seconds"] for r in record["lessons"]))
    runs_dir = out / "runs"
    output_dirs = {lesson.module: lesson.output_dir(runs_dir) for lesson in lessons()}
    claims = course_claims()
    results, runs = load_results(claims, output_dirs.__getitem__), load_runs(out / "runs.json")
    rows = [judge(c, results, runs) for c in claims]
    docs = write_docs(DOCS, lessons(), runs_dir, rows, ran_on)
    print(
        f"docs: the measured sections of {len(docs)} pages in {DOCS}, from the full run of "
        f"{ran_on['date']} (commit {ran_on.get('commit', 'unknown')})"
    )
    return []


def _report(args, chosen, out):
    runs_dir = out / "runs"
    outcomes = run_lessons(
        chosen, out / "runs.json", out / "logs", runs_dir, quick=not args.full, rerun=args.rerun
    )
    write_json(out / "lessons.json", {"quick": not args.full, "lessons": as_dicts(outcomes)})
    for line in summary(outcomes):
        print(line)
    # the claims, from every lesson's latest results (this report's or an earlier one's)
    output_dirs = {lesson.module: lesson.output_dir(runs_dir) for lesson in lessons()}
    claims = course_claims()
    results = load_results(claims, output_dirs.__getitem__)
    runs = load_runs(out / "runs.json")
    rows = [judge(c, results, runs) for c in claims]
    written = write_claims(out, rows)
    ran_on = machine(quick=not args.full)
    ran_on["lesson_seconds"] = sum(o.seconds for o in outcomes)  # a reused lesson: its last run's
    write_json(out / "machine.json", ran_on)  # what docs/'s measured sections name
    pages = build_site(out, lessons(), runs, rows, ran_on, runs_dir)
    print(f"claims: {verdict_summary(rows)[1]}")
    if args.docs:
        failed = [o.module for o in outcomes if o.status == "failed"]
        if failed:
            print(f"docs/ not written: {len(failed)} lesson(s) failed ({', '.join(failed)})")
        else:
            docs = write_docs(DOCS, lessons(), runs_dir, rows, ran_on)
            print(f"docs: the measured sections of {len(docs)} pages in {DOCS}")
    print(
        "wrote:\n"
        + "\n".join(f"  {p}" for p in (out / "lessons.json", out / "runs.json", *written))
        + f"\n  {out / 'logs'}/\n  {runs_dir}/  (every lesson's own outputs)"
        + f"\n  {pages[-1]}  (open it in a browser; {len(pages)} pages)"
    )
    return outcomes


if __name__ == "__main__":
    try:
        sys.exit(1 if any(o.status == "failed" for o in main()) else 0)
    except FolderError as e:
        sys.exit(f"error: {e}")
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: the lessons finished so far are recorded; run again to go on")
