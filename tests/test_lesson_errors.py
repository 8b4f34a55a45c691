"""Every lesson's entry point turns a mistake a user can fix into one line and exit code 2."""

import contextlib
import importlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from paddle_course.lesson import entry
from paddle_course.report import catalog

ROOT = Path(__file__).resolve().parents[1]
NO_DATA = {"chapters.ch01_housing.numpy_optimizers"}  # synthetic gradients: nothing to read


def lessons():
    return [lesson.module for lesson in catalog.lessons()]


def test_every_chapter_has_lessons():
    found = list(lessons())
    assert len(found) >= 32 and "chapters.ch04_vision.palm" in found


@pytest.mark.parametrize("module", sorted(set(lessons()) - NO_DATA))
def test_a_bad_data_file_gives_one_line_naming_it(module, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a dataset\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(SystemExit) as stop:
            entry(
                importlib.import_module(module).main,
                ["--data", str(notes), "--quick", "--output-dir", str(tmp_path / "out")],
            )
    assert stop.value.code == 2
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {notes}: "), lines


@pytest.mark.parametrize(
    "module",
    [
        "chapters.ch02_mnist.loss",
        "chapters.ch06_nlp.sentiment",
        "chapters.ch07_recommendation.movielens",
    ],
)
def test_an_empty_file_says_it_is_empty_whatever_its_name(module, tmp_path):
    empty = tmp_path / "download.gz"
    empty.write_bytes(b"")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(SystemExit):
            entry(
                importlib.import_module(module).main,
                ["--data", str(empty), "--quick", "--output-dir", str(tmp_path / "out")],
            )
    assert err.getvalue().strip() == f"error: {empty}: the file is empty (0 bytes)"


def test_as_a_new_user_runs_it(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes\n")
    done = subprocess.run(
        [sys.executable, "-m", "chapters.ch03_practice.schedules", "--data", "notes.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: notes.txt: unknown MNIST format")
    assert "Traceback" not in done.stderr
