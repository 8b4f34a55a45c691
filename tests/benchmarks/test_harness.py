"""The benchmark harness's bookkeeping (no timing is asserted: speed lives in benchmarks/)."""

import pytest

from benchmarks.__main__ import table
from benchmarks.harness import compare


def test_compare_alternates_rounds_and_reports_ratios_to_the_first():
    calls = []

    def run(name, rate):
        def f():
            calls.append(name)
            return rate, 1.0  # `rate` items in one second

        return f

    out = compare(
        {"base": run("base", 100), "fast": run("fast", 250), "slow": run("slow", 50)}, repeats=3
    )
    assert out["fast"]["ratio"] == pytest.approx(2.5) and out["slow"]["ratio"] == pytest.approx(0.5)
    assert out["base"]["runs"] == 3 and len(calls) == 4 * 3  # one warm-up round, untimed
    # each round starts with another configuration
    assert [calls[i * 3] for i in range(4)] == ["base", "fast", "slow", "base"]


def test_a_failing_configuration_is_reported_and_the_others_measured():
    def broken():
        raise RuntimeError("no such kernel\nsecond line")

    out = compare({"base": lambda: (10, 1.0), "broken": broken}, repeats=2)
    assert out["broken"] == {"error": "RuntimeError: no such kernel"}
    assert out["base"]["median"] == 10
    assert "failed: RuntimeError: no such kernel" in table({"b": out})


def test_a_child_process_configuration_answers_each_round_and_reports_its_error():
    from benchmarks.child import Child, ChildFailed

    child = Child({"steps": 2, "batch": 8, "bias_after_pool": False})
    try:
        assert [child()[0] for _ in range(2)] == [16, 16]  # 2 steps of 8 images per call
    finally:
        child.close()
    broken = Child({"steps": "two"})  # the child cannot start
    try:
        with pytest.raises(ChildFailed, match="TypeError"):
            broken()
    finally:
        broken.close()


def test_docs_take_a_full_run_of_every_benchmark(capsys):
    from benchmarks.__main__ import main

    for argv in (["--docs", "--quick"], ["--docs", "--only", "inference"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert "--docs takes a full run of every benchmark" in capsys.readouterr().err
