"""docs/'s measured sections: written from the lessons' own result files, stamped with the
machine, replacing only the generated part of a page, and the claims page beside them."""

import json

from paddle_course.report.catalog import Lesson
from paddle_course.report.docs import BEGIN, END, duration, write_docs

MACHINE = {
    "date": "2026-12-04 01:00 UTC",
    "CPU": "a CPU (x86_64, 2 cores)",
    "system": "Linux",
    "Python": "3.11.7",
    "Paddle": "3.3.1",
    "commit": "abc1234",
}


class _Lesson(Lesson):
    def output_dir(self, root="."):  # a lesson that writes where the test says
        return root / self.name


def test_a_page_gets_its_lessons_figures_and_claims_and_keeps_its_own_text(tmp_path):
    runs = tmp_path / "runs"
    (runs / "loss").mkdir(parents=True)
    (runs / "loss/results.md").write_text(
        "| variant | val_acc |\n|---|---|\n| ce | 0.91 |\n\n## Notes\n\n- why.\n"
    )
    (runs / "loss/sub").mkdir()
    (runs / "loss/sub/results.md").write_text("## a table\n\n| x | y |\n|---|---|\n| 1 | 2 |\n")
    (runs / "train").mkdir()
    (runs / "train/metrics.json").write_text(
        json.dumps(
            {
                "best": {"epoch": 3, "metric": "val_acc"},
                "history": [{}] * 4,
                "val": {
                    "acc": 0.98,
                    "loss": 0.05,
                    "samples": 500,
                    "checkpoint": "best",
                    "epoch": 3,
                },
                "test": {
                    "acc": 0.97,
                    "loss": 0.07,
                    "samples": 500,
                    "checkpoint": "best",
                    "epoch": 3,
                },
            }
        )
    )
    lessons = [
        _Lesson("chapters.ch02_x.loss", "ch02_x", "loss", None),
        _Lesson("chapters.ch02_x.train", "ch02_x", "train", None),
    ]
    rows = [
        {
            "number": 1,
            "claim": "CE beats MSE",
            "seeds": "001 Q8",
            "lessons": ["ch02_x.loss"],
            "rule": "CE > MSE",
            "measured": {"CE": 0.91},
            "verdict": "held",
            "quick": False,
        }
    ]
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "ch02_x.md"
    page.write_text("# Chapter 2\n\nProse a person wrote.\n")
    write_docs(docs, lessons, runs, rows, MACHINE)
    text = page.read_text()
    assert text.startswith("# Chapter 2\n\nProse a person wrote.\n") and BEGIN in text
    assert "commit abc1234" in text and "| ce | 0.91 |" in text
    assert "##### Notes" in text and "\n## Notes" not in text  # every heading under the lesson's
    assert "#### sub" in text and "##### a table" in text  # sub-folders' tables, headings moved
    assert "epoch 3 of 4, by val_acc" in text and "| test | 0.97 | 0.07 | 500 |" in text
    assert "| 1 | CE beats MSE (001 Q8) |" in text
    page.write_text(text.replace("Prose a person wrote.", "Prose, edited.") + "More prose.\n")
    (runs / "loss/results.md").write_text("| variant | val_acc |\n|---|---|\n| ce | 0.93 |\n")
    write_docs(docs, lessons, runs, rows, MACHINE)  # again: only the generated part changes
    again = page.read_text()
    assert "Prose, edited." in again and again.endswith("More prose.\n")
    assert "| ce | 0.93 |" in again and "| ce | 0.91 |" not in again
    assert again.count(BEGIN) == 1 and again.count(END) == 1
    claims = (docs / "claims.md").read_text()
    assert "**1 held.**" in claims and "| 1 | CE beats MSE (001 Q8) |" in claims
    assert "its lessons taking" not in claims  # a record without the run's time says none
    write_docs(docs, lessons, runs, rows, {**MACHINE, "lesson_seconds": 6725.0})
    assert "commit abc1234, its lessons taking 1 h 52 min in all." in page.read_text()


def test_the_run_time_reads_in_minutes_or_hours():
    assert duration(None) == "" and duration(29.0) == ", its lessons taking 0 min in all"
    assert duration(59 * 60 + 31) == ", its lessons taking 1 h 0 min in all"
    assert duration(2 * 3600 + 7 * 60) == ", its lessons taking 2 h 7 min in all"
