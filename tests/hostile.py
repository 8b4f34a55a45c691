"""Every lesson and job as a hostile or clumsy user runs it: each flag at 0, negative, NaN, huge
and not a number, each file-reading flag given a file of the wrong kind, each output dir a thing
that cannot hold a run. Every case must end in one ``error:`` line and exit code 2, with no
traceback, before any work starts.

    python tests/hostile.py               # every case, in subprocesses, and a table of outcomes
    python tests/hostile.py --only seeds  # the lessons whose module contains "seeds"

The test suite runs the same cases (``test_hostile_inputs.py``), in-process where the refusal
comes from parsing, in a subprocess where reading a file could hang (a FIFO).
"""

import argparse
import importlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paddle_course.lesson import Number  # noqa: E402
from paddle_course.report import catalog  # noqa: E402

# flags that name something to read, and what kind of thing they want
FILE_FLAGS = (
    "--data",
    "--checkpoint",
    "--run",
    "--vectors",
    "--test-data",
    "--train-dir",
    "--val-dir",
    "--labels",
)
WRONG_KINDS = ("missing", "empty", "text", "junk", "empty_dir", "fifo", "loop")
BAD_OUTPUT_DIRS = ("a_file", "under_a_file", "loop", "dangling")


@dataclass(frozen=True)
class Case:
    module: str
    argv: tuple
    what: str  # "flag --lr nan", "--data: fifo", "output dir: a_file"
    parse: bool = False  # refused by the parser itself: checked in-process


class _Captured(Exception):
    def __init__(self, parser):
        self.parser = parser


def parser_of(module):
    """The argument parser a lesson or job builds, caught as it is about to parse."""
    original = argparse.ArgumentParser.parse_known_args

    def catch(self, args=None, namespace=None):
        raise _Captured(self)

    argparse.ArgumentParser.parse_known_args = catch
    try:
        importlib.import_module(module).main(["--help"])
    except _Captured as c:
        return c.parser
    finally:
        argparse.ArgumentParser.parse_known_args = original
    raise RuntimeError(f"{module} parsed nothing")


def outside(number):
    """Values a user might type that ``number`` (a cli.Number) must refuse."""
    values = ["nan", "inf", "-inf", "abc", "1e300", str(2**70)]
    if number.low is not None:
        values += [str(number.low - 1), str(number.low)] if number.above else [str(number.low - 1)]
        if number.kind is int and number.low >= 1:
            values.append("0")
    if number.high is not None:
        values.append(str(number.high * 2 + 1))
    if number.kind is int:
        values.append("2.5")
    if number.multiple:
        values.append(str(number.multiple * 3 + 1))
    bad = []
    for v in dict.fromkeys(values):
        try:
            number(v)
        except argparse.ArgumentTypeError:
            bad.append(v)
    return bad


def numeric_flags(parser):
    for action in parser._actions:
        if isinstance(action.type, Number) and action.option_strings:
            yield action.option_strings[0], action.type


def cases(only=None):
    found = []
    for lesson in catalog.lessons():
        if only and only not in lesson.module:
            continue
        parser = parser_of(lesson.module)
        flags = {a.option_strings[0] for a in parser._actions if a.option_strings}
        for flag, number in numeric_flags(parser):
            found += [
                Case(lesson.module, (flag, v), f"flag {flag} {v}", parse=True)
                for v in outside(number)
            ]
        for flag in FILE_FLAGS:
            if flag in flags:
                found += [
                    Case(lesson.module, (flag, f"@{kind}"), f"{flag}: {kind}")
                    for kind in WRONG_KINDS
                ]
        found += [
            Case(lesson.module, ("--output-dir", f"@{kind}"), f"output dir: {kind}")
            for kind in BAD_OUTPUT_DIRS
        ]
    return found


def materialise(kind, where):
    """A path of the wrong ``kind`` under ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / kind
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("my notes, not a dataset\n")
    elif kind == "junk":
        path.write_bytes(os.urandom(4096))
    elif kind in ("empty_dir",):
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        os.symlink(path, path)
    elif kind == "dangling":
        os.symlink(where / "nowhere", path)
    elif kind == "a_file":
        path.write_text("a file")
    elif kind == "under_a_file":
        (where / "file").write_text("x")
        path = where / "file" / "run"
    return path


def argv_for(case, where):
    argv = []
    for a in case.argv:
        argv.append(str(materialise(a[1:], where)) if a.startswith("@") else a)
    if "--output-dir" not in case.argv:
        argv += ["--output-dir", str(where / "out")]
    return ["--quick", *argv]


def judge(code, err):
    """``refused``: exit 2, one line that says error, no traceback; else what went wrong."""
    if code is None:
        return "hang"
    if "Traceback" in err:
        return "traceback"
    if code == 0:
        return "accepted"
    lines = [line for line in err.splitlines() if "error:" in line]
    return "refused" if code == 2 and len(lines) == 1 else f"exit {code}, {len(lines)} error lines"


def parse_case(case):
    """A value the parser must refuse: parsed in this process (no lesson runs)."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            parser_of(case.module).parse_args(list(case.argv))
            code = 0
        except SystemExit as e:
            code = e.code
    return judge(code, err.getvalue()), err.getvalue().strip().splitlines()[-1:]


def run_case(case, where, timeout=120):
    argv = argv_for(case, where)
    try:
        done = subprocess.run(
            [sys.executable, "-m", case.module, *argv],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return judge(done.returncode, done.stderr), done.stderr.strip().splitlines()[-1:]
    except subprocess.TimeoutExpired:
        return "hang", []


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", help="only the modules whose name contains this")
    p.add_argument("--json", help="write every case's outcome here")
    args = p.parse_args()
    todo = cases(args.only)
    print(f"{len(todo)} cases", flush=True)
    started = time.time()
    outcomes = [(c, *parse_case(c)) for c in todo if c.parse]  # one thread: it patches
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        runs = [c for c in todo if not c.parse]
        outcomes += pool.map(
            lambda ic: (ic[1], *run_case(ic[1], Path(tmp) / str(ic[0]))), enumerate(runs)
        )
    counts = {}
    for case, verdict, last in outcomes:
        counts[verdict] = counts.get(verdict, 0) + 1
        if verdict != "refused":
            print(f"{verdict:10} {case.module} {case.what}: {last}")
    print(json.dumps(counts), f"in {math.ceil(time.time() - started)} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {"module": c.module, "case": c.what, "verdict": v, "said": s}
                    for c, v, s in outcomes
                ],
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
