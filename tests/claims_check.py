"""The course's claims judged on what a test's ``--quick`` runs just wrote: each claim whose
lessons all ran must reach a verdict (any verdict: a quick run's numbers are noise). A renamed
``results.json`` key turns a verdict into "not measured", and fails here, in the lesson's test."""

from chapters.report import course_claims
from paddle_course.report.claims import VERDICTS, judge, read_results


def judge_claims(outputs):
    """Judge every claim whose lessons are all in ``outputs`` ({module: the folder its run
    wrote}); returns the rows, each with a verdict."""
    rows = []
    for claim in course_claims():
        if not set(claim.modules) <= set(outputs):
            continue
        results = {m: found for m in claim.modules if (found := read_results(outputs[m]))}
        row = judge(claim, results)
        assert row["verdict"] in VERDICTS, (
            f"claim {claim.number} ({', '.join(claim.lessons)}) could not be judged on the "
            f"results just written: {row.get('why')}"
        )
        rows.append(row)
    return rows
