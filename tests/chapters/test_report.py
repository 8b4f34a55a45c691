"""The report's --docs: docs/'s figures come from a full run of every lesson, never a quick one."""

import json

import pytest

from chapters import report
from paddle_course.errors import FolderError
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.report.catalog import lessons
from paddle_course.report.docs import BEGIN
from paddle_course.runtime.manifest import written


def _record(out, quick, skip=0):
    """What a report run leaves in its folder: its record of the lessons, the machine, the runs."""
    chosen = lessons()[skip:]
    machine = {
        "date": "2026-12-04 02:00 UTC",
        "CPU": "a CPU",
        "system": "Linux",
        "Python": "3.11",
        "Paddle": "3.3.1",
        "commit": "abc1234",
    }
    files = {
        "lessons.json": {
            "quick": quick,
            "lessons": [{"module": x.module, "status": "ran", "seconds": 60.0} for x in chosen],
        },
        "machine.json": machine,
        "runs.json": {
            x.module: {"args": ["--quick"] if quick else [], "returncode": 0} for x in chosen
        },
    }
    with RunFolder(out, "chapters.report").claim("update"):  # a run folder, as the report's
        for name, content in files.items():
            written(out / name).write_text(json.dumps(content))


def test_docs_are_written_only_from_a_full_run_of_every_lesson(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DOCS", tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/ch01_housing.md").write_text("# Chapter 1\n\nProse.\n")
    _record(tmp_path / "quick", quick=True)
    with pytest.raises(FolderError, match="a --quick run"):
        report.main(["--docs", "--output-dir", str(tmp_path / "quick")])
    _record(tmp_path / "some", quick=False, skip=1)
    with pytest.raises(FolderError, match="1 lesson"):
        report.main(["--docs", "--output-dir", str(tmp_path / "some")])
    assert not (tmp_path / "docs/claims.md").exists()
    _record(tmp_path / "full", quick=False)
    report.main(["--docs", "--output-dir", str(tmp_path / "full")])
    page = (tmp_path / "docs/ch01_housing.md").read_text()
    assert page.startswith("# Chapter 1\n\nProse.\n") and BEGIN in page and "commit abc1234" in page
    assert (tmp_path / "docs/ch07_recommendation.md").is_file()
    claims = (tmp_path / "docs/claims.md").read_text()
    assert "38 not measured" in claims  # no lesson left results in this record: none judged
    n = len(lessons())  # a minute each: the run's time, from the record
    assert n < 60 and f"its lessons taking {n} min in all" in claims
    with pytest.raises(SystemExit):
        report.main(["--docs", "--only", "ch02", "--output-dir", str(tmp_path / "full")])
