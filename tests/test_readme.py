"""README.md, the chapter pages of docs/ and every lesson's --help tell the truth about the code.

Each lesson's parser is taken as the lesson builds it (its ``main`` is stopped at the moment it
parses, so nothing trains): its flags must be the ones its chapter page's table lists, and its
help must say what the lesson measures and explain every flag. What each lesson writes is checked
against that table by the lesson's own --quick test (``readme_contract.check_outputs``). The
README stays a front door: short, its links alive, its chapter table naming every lesson.
"""

import argparse
import importlib
import re
from pathlib import Path

import pytest
from readme_contract import COMMON, job_flags
from readme_contract import lessons as readme_lessons

from paddle_course.report import catalog

ROOT = Path(__file__).resolve().parents[1]
MODULES = [lesson.module for lesson in catalog.lessons()]


class _Parsed(Exception):
    pass


def lesson_parser(module, monkeypatch):
    """The parser ``module``'s main builds, caught when it starts parsing."""
    caught = []

    def stop(self, args=None, namespace=None):
        caught.append(self)
        raise _Parsed

    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", stop)
    monkeypatch.setattr("sys.argv", [str(ROOT / (module.replace(".", "/") + ".py"))])
    with pytest.raises(_Parsed):
        importlib.import_module(module).main([])
    return caught[0]


def options(parser):
    return {
        a.option_strings[-1] if a.option_strings[0] == "-h" else a.option_strings[0]: a
        for a in parser._actions
        if a.option_strings
    }


def test_readme_has_a_row_for_every_lesson_and_no_other():
    assert set(readme_lessons()) == set(MODULES)
    assert {"--epochs", "--nprocs", "--resume", "--optimizer"} <= job_flags()


def test_every_lesson_s_outputs_are_checked_against_readme_by_its_quick_test():
    tests = "".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    unchecked = [m for m in MODULES if f'check_outputs("{m}"' not in tests]
    assert not unchecked, f"no --quick test checks these lessons' files against docs/: {unchecked}"


def test_the_readme_is_a_front_door_with_live_links():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 200
    first = text.split("\n## ", 1)[0]  # the two commands come before any section
    assert "pip install -r requirements.txt && python -m chapters.ch02_mnist.train" in first
    assert "pip install -r requirements.txt && python -m pytest -q" in first
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert links and all((ROOT / link).exists() for link in links), links
    anchors = re.findall(r"\]\(#([^)]+)\)", text)
    headings = {h.lower().replace(" ", "-") for h in re.findall(r"^## (.+)$", text, flags=re.M)}
    assert anchors and set(anchors) <= headings, (anchors, headings)
    named = set(re.findall(r"`(\w+)`", text.split("## The chapters", 1)[1].split("\n## ", 1)[0]))
    assert {m.rsplit(".", 1)[1] for m in MODULES} <= named, "a lesson the chapter table omits"


@pytest.mark.parametrize("module", MODULES)
def test_readme_lists_the_lesson_s_flags(module, monkeypatch):
    flags = set(options(lesson_parser(module, monkeypatch)))
    assert COMMON <= flags, f"{module} lacks {COMMON - flags}"
    assert flags - COMMON == readme_lessons()[module]["flags"] - COMMON


@pytest.mark.parametrize("module", MODULES)
def test_help_says_what_the_lesson_measures_and_explains_every_flag(module, monkeypatch):
    parser = lesson_parser(module, monkeypatch)
    doc = importlib.import_module(module).__doc__
    assert parser.description == doc.split("\n\n")[0]
    assert parser.prog == f"python -m {module}"
    several = "--nprocs" in options(parser)
    for flag, action in options(parser).items():
        text = action.help or ""
        assert re.sub(r"\(default[^)]*\)", "", text).strip(), f"{module} {flag}: no explanation"
        if not several:
            assert "per-process" not in text and "each process" not in text, (module, flag)
        # a flag that takes a value says what it is when not given
        default = action.default
        if default is argparse.SUPPRESS:  # the job's parser: see defaults
            default = getattr(importlib.import_module(module), "DEFAULTS", {}).get(
                action.dest, None
            )
        if action.nargs != 0 and default is not None and default is not False and flag != "--help":
            assert "default" in text, f"{module} {flag}: help does not give its default"
