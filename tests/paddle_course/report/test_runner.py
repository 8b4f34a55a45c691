"""The course report's runner: every lesson in its own process, failures reported and passed,
results reused only while the lesson's code and arguments are unchanged."""

import importlib
import json
import subprocess
import sys

import pytest
from conftest import LESSON

from paddle_course.report import catalog
from paddle_course.report.runner import run_lessons, summary


def _run(tmp_path, **kw):
    said = []
    out = run_lessons(
        catalog.lessons("fakecourse"),
        tmp_path / "report/runs.json",
        tmp_path / "report/logs",
        tmp_path / "report/runs",
        root=tmp_path,
        shared=("lib",),
        say=said.append,
        **kw,
    )
    return out, said


def test_finds_chapter_packages_only_and_their_output_folders(course):
    found = catalog.lessons("fakecourse")
    assert [lesson.module for lesson in found] == [
        "fakecourse.ch01_a.first",
        "fakecourse.ch01_a.second",
        "fakecourse.ch02_b.third",
    ]
    assert str(found[2].output_dir()) == "outputs/ch02_b/third"


def test_lessons_come_in_the_order_their_chapter_lists(course):
    (course / "fakecourse" / "ch01_a" / "__init__.py").write_text('LESSONS = ("second",)\n')
    (course / "fakecourse" / "ch01_a" / "a_new_one.py").write_text("")
    found = [lesson.name for lesson in catalog.lessons("fakecourse") if lesson.chapter == "ch01_a"]
    assert found == ["second", "a_new_one", "first"]  # listed first, the others by name


def test_every_chapter_lists_its_lessons_in_the_course_order():
    """A new lesson must be placed in its chapter's ``LESSONS`` (else the report puts it last)."""
    for chapter in {lesson.chapter for lesson in catalog.lessons()}:
        listed = importlib.import_module(f"chapters.{chapter}").LESSONS
        found = [lesson.name for lesson in catalog.lessons() if lesson.chapter == chapter]
        assert list(listed) == found, f"chapters/{chapter}/__init__.py: LESSONS is not {found}"
    assert catalog.lessons()[0].name == "numpy_network"


def test_the_real_course_lists_every_chapter(course):
    modules = [lesson.module for lesson in catalog.lessons()]
    assert len(modules) >= 41 and "chapters.report" not in modules
    assert {m.split(".")[1] for m in modules} >= {
        "ch01_housing",
        "ch02_mnist",
        "ch05_detection",
        "ch07_recommendation",
    }


def test_runs_each_lesson_goes_on_after_a_failure_and_reuses_unchanged_ones(course):
    out, said = _run(course)
    assert [o.status for o in out] == ["ran", "failed", "ran"]
    assert out[1].error == "error: broken lesson"
    assert (
        course / "report/logs/fakecourse.ch01_a.first.log"
    ).read_text().strip() == "first ran with ['--quick', '--overwrite']"
    assert said[0].startswith("[1/3] fakecourse.ch01_a.first --quick  |  elapsed 0s")
    assert said[4].startswith("[3/3]") and "left" in said[4]  # estimated from the runs so far
    assert summary(out)[0] == "3 lessons: 2 ran, 0 reused, 1 failed"

    again, said = _run(course)  # unchanged: reused; the failed one runs again
    assert [o.status for o in again] == ["reused", "failed", "reused"]
    assert said[0].endswith("left")  # estimated from the recorded durations

    (course / "lib" / "util.py").write_text("X = 2\n")  # shared code changed
    assert [o.status for o in _run(course)[0]] == ["ran", "failed", "ran"]
    (course / "fakecourse/ch02_b/third.py").write_text(
        LESSON.format(chapter="ch02_b", name="third", body="print('changed')")
    )
    assert [o.status for o in _run(course)[0]] == ["reused", "failed", "ran"]  # that lesson only
    assert [o.status for o in _run(course, quick=False)[0]] == ["ran", "failed", "ran"]  # new args
    assert [o.status for o in _run(course, quick=False)[0]] == ["reused", "failed", "reused"]
    assert [o.status for o in _run(course, quick=False, rerun=True)[0]] == ["ran", "failed", "ran"]
    runs = json.loads((course / "report/runs.json").read_text())
    assert (
        runs["fakecourse.ch01_a.first"]["args"] == []
        and runs["fakecourse.ch01_a.second"]["returncode"] == 1
    )


def test_a_corrupt_record_is_reported_and_everything_runs_again(course):
    _run(course)
    (course / "report/runs.json").write_text("{not json")
    out, said = _run(course)
    assert said[0].startswith("warning: ") and "not a record of runs" in said[0]
    assert [o.status for o in out] == ["ran", "failed", "ran"]


def test_the_command_explains_itself():
    done = subprocess.run(
        [sys.executable, "-m", "chapters.report", "--help"],
        cwd=catalog.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "usage: python -m chapters.report" in done.stdout
    assert "--full" in done.stdout and "--rerun" in done.stdout


def test_lessons_run_in_the_reports_own_tree_and_never_touch_the_users(course, monkeypatch):
    """A lesson writes its default output folder relative to where it runs: run by the report,
    that is the report's ``runs/``; the user's own ``outputs/`` stays as it was."""
    monkeypatch.chdir(course)
    mine = course / "outputs/ch01_a/first/results.json"
    mine.parent.mkdir(parents=True)
    mine.write_text("the user's own run")
    (course / "fakecourse/ch01_a/first.py").write_text(
        LESSON.format(
            chapter="ch01_a",
            name="first",
            body="import pathlib; p = pathlib.Path(DEFAULTS["
            "'output_dir']); p.mkdir(parents=True); (p / 'results.json').write_text('report')",
        )
    )
    out, _ = _run(course)
    assert out[0].status == "ran"
    assert mine.read_text() == "the user's own run"
    assert (course / "report/runs/outputs/ch01_a/first/results.json").read_text() == "report"
    assert (
        catalog.lessons("fakecourse")[0].output_dir(course / "report/runs")
        == course / "report/runs/outputs/ch01_a/first"
    )


@pytest.mark.slow
def test_following_the_readme_keeps_the_main_jobs_run(tmp_path):
    """The README's order: the main job, then the report. The report reruns the main job in its
    own tree; the user's run (its metrics, checkpoints, run record) is left byte for byte, and
    the lesson commands still run afterwards without --overwrite."""

    def python(*args):
        done = subprocess.run(
            [sys.executable, "-m", *args], cwd=tmp_path, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done

    python("chapters.ch02_mnist.train", "--quick", "--no-visualdl")
    user = tmp_path / "outputs/ch02_mnist/train"
    before = {p: p.read_bytes() for p in user.rglob("*") if p.is_file()}
    python("chapters.report", "--only", "ch02_mnist.train")
    assert {p: p.read_bytes() for p in user.rglob("*") if p.is_file()} == before
    theirs = tmp_path / "outputs/report/runs/outputs/ch02_mnist/train/metrics.json"
    assert json.loads(theirs.read_text())["quick"] is True
    python("chapters.ch02_mnist.loss", "--quick")  # a lesson by hand: its folder is free
