"""The whole course at a glance: run every lesson of every chapter, each in its own process.

    python -m chapters.report                 # every lesson with --quick (minutes)
    python -m chapters.report --full          # every lesson with its defaults (about an hour)
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
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from paddle_course.errors import FolderError
from paddle_course.lesson.flags import add_run_flags
from paddle_course.lesson.results import write_json
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.report.catalog import lessons
from paddle_course.report.claims import judge, load_results, verdict_summary, write_claims
from paddle_course.report.runner import as_dicts, load_runs, run_lessons, summary
from paddle_course.report.site import build_site
from paddle_course.runtime.environment import cpu_info, cpu_model


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
    out = Path(args.output_dir)
    # the report's folder is its own: a second report at once is refused, and the lessons run
    # in its tree (runs/), never in the user's outputs/
    command = " ".join(["python -m chapters.report", *(sys.argv[1:] if argv is None else argv)])
    with RunFolder(out, "chapters.report", command).claim("update"):
        return _report(args, chosen, out)


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
    write_json(out / "machine.json", ran_on)  # what docs/'s measured sections name
    pages = build_site(out, lessons(), runs, rows, ran_on, runs_dir)
    print(f"claims: {verdict_summary(rows)[1]}")
    print(
        "wrote:\n"
        + "\n".join(f"  {p}" for p in (out / "lessons.json", out / "runs.json", *written))
        + f"\n  {out / 'logs'}/\n  {runs_dir}/  (every lesson's own outputs)"
        + f"\n  {pages[-1]}  (open it in a browser; {len(pages)} pages)"
    )
    return outcomes


def machine(quick):
    """What the lessons ran on, for the pages."""
    import paddle

    vendor, _ = cpu_info()
    model = cpu_model() or vendor or "model unknown"
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "--quick (numbers from a few batches)" if quick else "defaults (--full)",
        "CPU": f"{model} ({platform.machine()}, {os.cpu_count()} cores)",
        "system": platform.platform(),
        "Python": platform.python_version(),
        "Paddle": paddle.__version__,
        "commit": commit(),
    }


def commit():
    """The checkout's commit (short), with "+ changes" when its files differ from it; "unknown"
    outside a git checkout."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + changes" if dirty.strip() else "")


if __name__ == "__main__":
    try:
        sys.exit(1 if any(o.status == "failed" for o in main()) else 0)
    except FolderError as e:
        sys.exit(f"error: {e}")
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: the lessons finished so far are recorded; run again to go on")
