"""The claims table: each claim judged by its rule from its lessons' results, or said why not."""

import ast
import json
from pathlib import Path

from chapters.report import course_claims
from paddle_course.report import catalog
from paddle_course.report.claims import (
    HELD,
    NO_RULE,
    NOT_HELD,
    NOT_RUN,
    PARTLY,
    Claim,
    judge,
    load_results,
    read_results,
    table,
    verdict,
    write_claims,
)

ROOT = Path(__file__).resolve().parents[3]


def _bigger(a, b):
    return verdict(a["x"] > b["x"], partly=a["x"] == b["x"]), {"a": a["x"], "b": b["x"]}


CLAIM = Claim(7, "a beats b", "001 Q1", ("ch01_a.first", "ch01_a.second"), _bigger, "a's x > b's x")


def test_a_rule_judges_from_the_lessons_results_in_the_claims_order():
    results = {"chapters.ch01_a.first": {"x": 2}, "chapters.ch01_a.second": {"x": 1}}
    row = judge(CLAIM, results)
    assert (row["verdict"], row["measured"], row["quick"]) == (HELD, {"a": 2, "b": 1}, False)
    results["chapters.ch01_a.first"]["x"] = 0
    assert judge(CLAIM, results)["verdict"] == NOT_HELD
    results["chapters.ch01_a.first"]["x"] = 1
    assert judge(CLAIM, results)["verdict"] == PARTLY


def test_what_cannot_be_judged_says_why():
    row = judge(CLAIM, {"chapters.ch01_a.first": {"x": 2}})
    assert (
        row["verdict"] == NOT_RUN and row["why"] == "not run yet: python -m chapters.ch01_a.second"
    )
    old = judge(CLAIM, {"chapters.ch01_a.first": {"y": 2}, "chapters.ch01_a.second": {"x": 1}})
    assert old["verdict"] == NOT_RUN and "run it again" in old["why"]  # results of another version
    assert judge(Claim(8, "t", "002", ("ch01_a.first",)), {})["verdict"] == NO_RULE


def test_quick_runs_are_flagged_and_the_tables_written(tmp_path):
    results = {"chapters.ch01_a.first": {"x": 2}, "chapters.ch01_a.second": {"x": 1}}
    runs = {"chapters.ch01_a.first": {"args": ["--quick"]}}
    rows = [judge(CLAIM, results, runs), judge(Claim(8, "t", "002", ("ch01_a.first",)), results)]
    md, js = write_claims(tmp_path, rows)
    text = md.read_text()
    assert "1 held, 1 no rule yet" in text and "held (quick run: not evidence)" in text
    assert (
        "| 7 | a beats b (001 Q1) | ch01_a.first, ch01_a.second | a's x > b's x | a 2, b 1 |"
        in text
    )
    saved = json.loads(js.read_text())
    assert saved["counts"]["held"] == 1 and saved["claims"][0]["quick"] is True


def test_a_lesson_that_ran_without_results_and_a_pipe_in_a_number_are_told_apart():
    runs = {"chapters.ch01_a.second": {"args": [], "returncode": 0}}
    row = judge(CLAIM, {"chapters.ch01_a.first": {"x": 2}}, runs)
    assert row["why"] == "chapters.ch01_a.second ran but wrote no results.json"
    piped = Claim(9, "a|b", "002", ("ch01_a.first",), lambda r: (HELD, {"|x|": r["x"]}), "r")
    assert "| a\\|b (002) |" in table([judge(piped, {"chapters.ch01_a.first": {"x": 1}})])


def test_results_are_read_from_each_lessons_output_folder(tmp_path):
    (tmp_path / "first" / "part").mkdir(parents=True)
    (tmp_path / "first" / "results.json").write_text('{"x": 3}')
    (tmp_path / "first" / "part" / "results.json").write_text('{"y": 4}')  # a second experiment
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "metrics.json").write_text('{"x": 1}')  # a job's metrics
    found = load_results([CLAIM], lambda m: tmp_path / m.rsplit(".", 1)[1])
    assert found == {
        "chapters.ch01_a.first": {"x": 3, "part": {"y": 4}},
        "chapters.ch01_a.second": {"x": 1},
    }
    assert read_results(tmp_path / "nothing") is None


def test_every_claim_of_the_course_names_real_lessons_and_a_number_once():
    modules = {lesson.module for lesson in catalog.lessons()}
    assert [c.number for c in course_claims()] == list(range(1, len(course_claims()) + 1)) and len(
        course_claims()
    ) >= 38
    for c in course_claims():
        assert set(c.modules) <= modules, c.number
        assert (c.rule is None) == (not c.rule_text), c.number  # a rule always says what it checks


def test_every_claim_is_judged_by_the_quick_tests_of_its_lessons():
    """A claim of one lesson is judged by that lesson's ``--quick`` test (``check_outputs``, which
    every lesson's test calls: test_readme.py holds to that); a claim of several lessons by a
    test that runs them all and calls ``judge_claims`` with each of their modules."""
    judged = []
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "judge_claims":
                judged.append({c.value for c in ast.walk(node) if isinstance(c, ast.Constant)})
    several = [c for c in course_claims() if len(c.modules) > 1]
    assert several  # the check has something to check
    unjudged = [c.number for c in several if not any(set(c.modules) <= j for j in judged)]
    assert not unjudged, f"claims of several lessons no test judges: {unjudged}"
