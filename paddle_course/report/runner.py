"""Running every lesson, each in its own process, reusing results that are still current.

A lesson's run is recorded in a state file (JSON, written after every lesson, so an interrupt
loses nothing): its arguments, its code version (:func:`catalog.code_version`), exit code,
duration and log. The next report reuses the run when the lesson succeeded with the same
arguments and the same code; ``rerun`` runs it anyway.

Each lesson runs in the report's own tree (``runs``, its working directory there): its default
output folder ``outputs/<chapter>/<lesson>`` becomes ``<runs>/outputs/<chapter>/<lesson>``, and
so do the folders lessons read from each other (``map`` reads ``yolo``'s). A lesson run by hand
writes under the user's own ``outputs/``: the report never touches it. Quick and full runs share
the tree, so switching mode runs the lessons again.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from paddle_course.lesson.results import write_json
from paddle_course.report.catalog import ROOT, SHARED_CODE, code_version
from paddle_course.runtime.manifest import written


@dataclass
class Outcome:
    module: str
    status: str  # "ran", "reused" or "failed"
    seconds: float
    args: list
    log: str
    error: str = ""


def _clock(seconds):
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}m{s:02d}s" if m else f"{s}s"


def _last_line(path):
    lines = [
        line.strip() for line in Path(path).read_text(errors="replace").splitlines() if line.strip()
    ]
    return lines[-1][:300] if lines else "no output"


def run_lessons(
    lessons,
    state_path,
    logs_dir,
    runs,
    quick=True,
    rerun=False,
    python=sys.executable,
    root=ROOT,
    shared=SHARED_CODE,
    say=print,
):
    """Run (or reuse) each lesson in the folder ``runs``; returns an :class:`Outcome` per
    lesson, in order."""
    state_path, logs_dir, runs = Path(state_path), Path(logs_dir), Path(runs).absolute()
    written(f"{logs_dir}/")
    logs_dir.mkdir(parents=True, exist_ok=True)
    runs.mkdir(parents=True, exist_ok=True)
    state = load_runs(state_path, say)
    args = ["--quick"] if quick else []
    versions = {lesson.module: code_version(lesson, root, shared) for lesson in lessons}

    def current(lesson):  # its last run still stands: reuse it
        previous = state.get(lesson.module)
        return (
            not rerun
            and previous is not None
            and previous["returncode"] == 0
            and previous["args"] == args
            and previous["code"] == versions[lesson.module]
        )

    # the lessons of this checkout (``root``), run from the report's tree
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(Path(root).absolute()), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    )
    outcomes, started, this_run = [], time.perf_counter(), []
    for i, lesson in enumerate(lessons, 1):
        previous = state.get(lesson.module)
        elapsed = time.perf_counter() - started
        left = _estimate(
            [lesson for lesson in lessons[i - 1 :] if not current(lesson)], state, args, this_run
        )
        say(
            f"[{i}/{len(lessons)}] {lesson.module} {'--quick' if quick else '(defaults)'}  |  "
            f"elapsed {_clock(elapsed)}" + (f", about {_clock(left)} left" if left else "")
        )
        if current(lesson):
            outcomes.append(
                Outcome(lesson.module, "reused", previous["seconds"], args, previous["log"])
            )
            say(f"    reused: unchanged since {previous['finished']}")
            continue
        log = logs_dir / f"{lesson.module}.log"
        t0 = time.perf_counter()
        with open(log, "w") as f:
            # the report runs a lesson only when its last results are stale (or --rerun):
            # replacing them is what was asked for
            code = subprocess.run(
                [python, "-m", lesson.module, *args, "--overwrite"],
                cwd=runs,
                env=env,
                stdout=f,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            ).returncode
        seconds = time.perf_counter() - t0
        this_run.append(seconds)
        state[lesson.module] = {
            "args": args,
            "code": versions[lesson.module],
            "returncode": code,
            "seconds": seconds,
            "log": str(log),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        write_json(state_path, state)
        if code == 0:
            outcomes.append(Outcome(lesson.module, "ran", seconds, args, str(log)))
            say(f"    done in {_clock(seconds)}")
        else:
            error = _last_line(log)
            outcomes.append(Outcome(lesson.module, "failed", seconds, args, str(log), error))
            say(f"    FAILED (exit {code}) in {_clock(seconds)}: {error}\n    log: {log}")
    return outcomes


def load_runs(path, say=print):
    """The recorded runs ``{module: {"args", "code", "returncode", ...}}``; a missing file is
    none, an unreadable one is reported and ignored (its lessons just run again)."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text())
        if isinstance(state, dict):
            return state
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass
    say(f"warning: {path} is not a record of runs (corrupt?); every lesson runs again")
    return {}


def _estimate(remaining, state, args, this_run):
    """Seconds the lessons still to run should take: each one's last duration with these
    arguments, else the mean of this report's runs so far (None before anything is known)."""
    guess = sum(this_run) / len(this_run) if this_run else None
    total = 0.0
    for lesson in remaining:
        previous = state.get(lesson.module)
        if previous and previous["args"] == args:
            total += previous["seconds"]
        elif guess is not None:
            total += guess
        else:
            return None
    return total


def summary(outcomes):
    """Counts per status and the failures, as lines."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ran", "reused", "failed")}
    lines = [
        f"{len(outcomes)} lessons: {counts['ran']} ran, {counts['reused']} reused, "
        f"{counts['failed']} failed"
    ]
    lines += [
        f"  failed: {o.module}: {o.error}  (log {o.log})" for o in outcomes if o.status == "failed"
    ]
    return lines


def as_dicts(outcomes):
    return [asdict(o) for o in outcomes]
