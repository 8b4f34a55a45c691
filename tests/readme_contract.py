"""What the docs say each lesson takes and writes, read from the chapter pages' lesson tables
(``docs/<chapter>.md``, above their generated section), so that tests can hold the code to it
(test_readme.py: the flags against each lesson's parser; every lesson's ``--quick`` test: the
files against what the run left, and the claims it measures judged on the results it wrote,
with :func:`check_outputs`).

A lesson table row reads ``| `lesson` | flags | writes |``: the flags besides the ones every
lesson takes (``COMMON``; "the job's flags" stands for the table docs/DESIGN.md gives once), and
what the lesson writes in its output dir: files, ``folder/``s, and ``plots/<name>.png`` (other
quoted words in that cell, such as a lesson's name, are prose).
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from claims_check import judge_claims

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DESIGN = DOCS / "DESIGN.md"
GENERATED = "<!-- measured:"  # where a chapter page's generated section begins
COMMON = {"--quick", "--output-dir", "--overwrite", "--verbose", "--help"}
QUICK_MD_START = "> **Quick run** (`--quick`)"
_ROW = re.compile(r"^\| `(\w+)` \| (.*) \| (.*) \|$")


def _ticked(text):
    return re.findall(r"`([^`]+)`", text)


@lru_cache(maxsize=None)
def job_flags():
    """The flags docs/DESIGN.md lists once as "the job's flags" (every script trained through
    the job): the first column of its table."""
    text = DESIGN.read_text()
    start = text.index("**The job's flags**")
    table = text[start : text.index("\n\n", text.index("|---", start))]
    cells = [re.split(r"(?<!\\)\|", row)[1] for row in table.splitlines()[2:]]  # \| is no edge
    return frozenset(f.split()[0] for cell in cells for f in _ticked(cell) if f.startswith("--"))


def chapter_pages():
    """``{chapter: docs page}`` for every chapter package."""
    chapters = sorted(p.name for p in (ROOT / "chapters").iterdir() if p.name[:2] == "ch")
    return {c: DOCS / f"{c}.md" for c in chapters}


@lru_cache(maxsize=None)
def lessons():
    """``{module: {"flags": set, "writes": set}}`` from the chapter pages' lesson tables."""
    found = {}
    for chapter, page in chapter_pages().items():
        if not page.is_file():
            continue
        for line in page.read_text().split(GENERATED, 1)[0].splitlines():
            row = _ROW.match(line)
            if not row:
                continue
            name, flags, writes = row.groups()
            module = f"chapters.{chapter}.{name}"
            assert module not in found, f"{page.name} lists {module} twice"
            found[module] = {
                "flags": {f.split()[0] for f in _ticked(flags) if f.startswith("--")}
                | (set(job_flags()) if "the job's flags" in flags else set()),
                "writes": {w for w in _ticked(writes) if "." in w or w.endswith("/")},
            }
    return found


# every run folder's own bookkeeping (docs/running.md: "Every output folder"), not listed per lesson
BOOKKEEPING = {"run.json", ".lock"}


def written(out):
    """What a run left in ``out``, named as the docs name it: files and ``folder/``s at the top,
    and the figures in ``plots/``; not the folder's bookkeeping (``run.json``, ``.lock``), which
    every run folder has."""
    out = Path(out)
    names = set()
    for p in out.iterdir():
        if p.name in BOOKKEEPING:
            continue
        if p.name == "plots":
            names |= {f"plots/{f.name}" for f in p.iterdir()}
        else:
            names.add(f"{p.name}/" if p.is_dir() else p.name)
    return names


def check_outputs(module, out, without=()):
    """A ``--quick`` run of ``module`` into ``out`` wrote what its docs page says it writes (less
    ``without``: what the test's own flags turn off, such as ``vdl/`` with ``--no-visualdl``),
    and says everywhere that it was a quick run: ``"quick": true`` in every results.json and
    metrics.json it wrote, the quick note at the top of every results.md."""
    listed = lessons().get(module)
    assert listed is not None, f"no docs/ chapter page has a row for {module}"
    assert written(out) == listed["writes"] - set(without), (
        f"{module}: docs/ says it writes {sorted(listed['writes'] - set(without))}, "
        f"the run wrote {sorted(written(out))}"
    )
    out = Path(out)
    records = [
        *out.glob("results.json"),
        *out.glob("*/results.json"),
        *out.glob("metrics.json"),
        *out.glob("*/metrics.json"),
    ]
    assert records, f"{module} wrote no results.json or metrics.json"
    for path in records:
        assert json.loads(path.read_text()).get("quick") is True, f'{path}: no "quick": true'
    for path in [*out.glob("results.md"), *out.glob("*/results.md")]:
        assert path.read_text().startswith(QUICK_MD_START), f"{path}: no quick-run note on top"
    judge_claims({module: out})  # the claims this lesson measures alone reach a verdict
