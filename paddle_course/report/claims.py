"""The course's claims, judged against what the lessons measured.

A :class:`Claim` names the lessons that measure it (``"ch02_mnist.loss"``: the module
``chapters.ch02_mnist.loss``) and a small rule: a function of those lessons' ``results.json``
(a dict per lesson, in the claim's order) returning ``(verdict, measured)``, the verdict one of
:data:`VERDICTS` and ``measured`` the numbers it looked at. The rule's one-line description is
printed beside it. A claim whose lesson has not run, or whose rule is not written yet, says so.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from paddle_course.lesson.results import write_json
from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.manifest import written

HELD, NOT_HELD, PARTLY = "held", "did not hold", "held only partly"
VERDICTS = (HELD, NOT_HELD, PARTLY)
NOT_RUN, NO_RULE = "not measured", "no rule yet"


@dataclass(frozen=True)
class Claim:
    number: int
    text: str
    seeds: str  # where the course says it: "001 Q8" (seed 001, FAQ question 8)
    lessons: tuple  # ("ch02_mnist.loss",)
    rule: Callable | None = None  # (*results) -> (verdict, {name: number})
    rule_text: str = ""  # the rule in words

    @property
    def modules(self):
        return [f"chapters.{name}" for name in self.lessons]


def verdict(condition, partly=None):
    """HELD when ``condition``, PARTLY when ``partly`` (if given), else NOT_HELD."""
    return HELD if condition else PARTLY if partly else NOT_HELD


def read_results(folder):
    """A lesson's measured results: its ``results.json`` (or a job's ``metrics.json``), plus the
    ``results.json`` of each of its sub-folders under the sub-folder's name (a lesson with two
    experiments writes one per folder); None when there is none."""
    folder = Path(folder)
    found = None
    for name in ("results.json", "metrics.json"):
        if (folder / name).is_file():
            found = json.loads((folder / name).read_text())
            break
    for sub in sorted(folder.glob("*/results.json")):
        found = found if found is not None else {}
        found.setdefault(sub.parent.name, json.loads(sub.read_text()))
    return found


def load_results(claims, output_dir_of):
    """``{module: results}`` (see :func:`read_results`) for every lesson the claims name that has
    written some; ``output_dir_of(module)`` is where that lesson writes."""
    found = {}
    for module in {m for c in claims for m in c.modules}:
        results = read_results(output_dir_of(module))
        if results is not None:
            found[module] = results
    return found


def judge(claim, results, runs=None):
    """One row of the claims table: the claim, its verdict, what was measured, and how the
    lessons ran (``runs``: the report's record, to tell a ``--quick`` run from a full one)."""
    row = {
        "number": claim.number,
        "claim": claim.text,
        "seeds": claim.seeds,
        "lessons": list(claim.lessons),
        "rule": claim.rule_text,
        "measured": {},
    }
    missing = [m for m in claim.modules if m not in results]
    if claim.rule is None:
        row.update(verdict=NO_RULE, why="the rule that would judge it is not written yet")
    elif missing:
        ran = [m for m in missing if (runs or {}).get(m, {}).get("returncode") == 0]
        why = [f"{m} ran but wrote no results.json" for m in ran]
        why += [f"not run yet: python -m {m}" for m in missing if m not in ran]
        row.update(verdict=NOT_RUN, why="; ".join(why))
    else:
        try:
            row["verdict"], row["measured"] = claim.rule(*[results[m] for m in claim.modules])
        except (KeyError, TypeError, IndexError) as e:  # a results.json of another version
            row.update(
                verdict=NOT_RUN, why=f"its results lack what the rule reads ({e!r}): run it again"
            )
    runs = runs or {}
    row["quick"] = any(runs.get(m, {}).get("args") == ["--quick"] for m in claim.modules)
    return row


def table(rows):
    """The claims as Markdown."""
    lines = [
        "| # | claim (seed) | lesson | rule | measured | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        measured = ", ".join(f"{k} {_fmt(v)}" for k, v in r["measured"].items()) or r.get("why", "")
        flag = " (quick run: not evidence)" if r["quick"] and r["verdict"] in VERDICTS else ""
        cells = (
            r["number"],
            f"{r['claim']} ({r['seeds']})",
            ", ".join(r["lessons"]),
            r["rule"],
            measured,
            r["verdict"] + flag,
        )
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def verdict_summary(rows):
    """``({verdict: count}, "25 held, 6 held only partly, ...")`` over every kind of verdict."""
    counts = {v: sum(r["verdict"] == v for r in rows) for v in (*VERDICTS, NOT_RUN, NO_RULE)}
    return counts, ", ".join(f"{n} {v}" for v, n in counts.items() if n)


def write_claims(out_dir, rows):
    """``claims.md`` and ``claims.json`` in ``out_dir``; returns their paths."""
    out = Path(out_dir)
    counts, summary = verdict_summary(rows)
    write_bytes(
        written(out / "claims.md"),
        f"# The course's claims, measured\n\n{summary}\n\n{table(rows)}\n".encode(),
    )
    write_json(out / "claims.json", {"counts": counts, "claims": rows})
    return out / "claims.md", out / "claims.json"
