"""Run every benchmark and print one table; also written as JSON and Markdown.

    python -m benchmarks                    # from the repository root; 5-9 minutes
    python -m benchmarks --quick            # fewer steps: checks that everything runs
    python -m benchmarks --only cnn_training --repeats 5
    python -m benchmarks --docs             # and write the table into docs/speed.md

Each figure is a rate measured in this run, beside the first configuration of its benchmark
(ratio = median / the baseline's median), configurations alternated over ``--repeats`` rounds
after one warm-up round; min and max show the spread. Figures from different runs or machines
are not comparable; ratios within one run are.
"""

import argparse
import importlib
import platform
import time
from pathlib import Path

import paddle

from paddle_course.lesson import count
from paddle_course.lesson.results import write_json
from paddle_course.report.docs import BEGIN, END, replace_section, stamp
from paddle_course.report.machine import machine as run_on

DOCS = Path(__file__).resolve().parents[1] / "docs"

# modules whose main(quick, repeats) returns {group: {configuration: row}}
BENCHMARKS = ("cnn_training", "engine_overhead", "inference", "embedding_models")


def table(results):
    lines = [
        "| measured | configuration | median | min | max | ratio to baseline |",
        "|---|---|---|---|---|---|",
    ]
    for bench, rows in results.items():
        for name, r in rows.items():
            if "error" in r:
                lines.append(f"| {bench} | {name} | failed: {r['error']} | | | |")
            else:
                lines.append(
                    f"| {bench} | {name} | {r['median']:,.0f} {r['unit']} | {r['min']:,.0f} | "
                    f"{r['max']:,.0f} | {r['ratio']:.2f} |"
                )
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--only", choices=BENCHMARKS, action="append", help="run only these (repeatable)"
    )
    p.add_argument(
        "--repeats", type=count(1000), default=5, help="timed rounds per configuration (default 5)"
    )
    p.add_argument(
        "--quick", action="store_true", help="few steps: a smoke test, not a measurement"
    )
    p.add_argument("--output-dir", default="outputs/benchmarks")
    p.add_argument(
        "--docs",
        action="store_true",
        help="write the table into docs/speed.md's measured section (every benchmark, not --quick)",
    )
    args = p.parse_args(argv)
    if args.docs and (args.quick or args.only):
        p.error("--docs takes a full run of every benchmark: not with --quick or --only")
    started = time.time()
    results = {}
    for name in args.only or BENCHMARKS:
        print(f"{name} ...", flush=True)
        results.update(importlib.import_module(f"benchmarks.{name}").main(args.quick, args.repeats))
    md = table(results)
    print(md)
    machine = {
        "python": platform.python_version(),
        "paddle": paddle.__version__,
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "quick": args.quick,
        "repeats": args.repeats,
        "seconds": time.time() - started,
    }
    out = Path(args.output_dir)
    write_json(out / "results.json", {"machine": machine, "results": results})
    (out / "results.md").write_text(f"{md}\n\n{machine}\n")
    print(f"wrote:\n  {out / 'results.json'}\n  {out / 'results.md'}")
    if args.docs:
        ran_on = run_on(quick=False)
        section = "\n".join(
            [
                BEGIN,
                "",
                "## Measured",
                "",
                stamp(ran_on).replace("python -m chapters.report --full", "python -m benchmarks"),
                "",
                md,
                "",
                END,
                "",
            ]
        )
        print(f"  {replace_section(DOCS / 'speed.md', section)}")
    return results


if __name__ == "__main__":
    main()
