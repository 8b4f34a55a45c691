"""Timing that a noisy machine does not decide: configurations alternated, repeated, summarised.

A benchmark is a dict ``{name: run}`` where ``run()`` does a fixed amount of work once and
returns ``(items, seconds)`` (images trained, say, and the time they took). :func:`compare`
calls every configuration once per round, in an order rotated each round (so a slow minute of
the machine hits each configuration in turn), after one untimed warm-up round, and reports per
configuration the median, min and max of items/s, and each median as a ratio to the first
configuration's (the baseline) measured in the same run.
"""

import statistics


def compare(configs, repeats=3, warmup=True, unit="items/s"):
    """``{name: {"median", "min", "max", "ratio", "unit", "runs"}}`` (or ``{"error": ...}`` for a
    configuration that failed: the others are still measured)."""
    names = list(configs)
    rates = {n: [] for n in names}
    errors = {}
    for r in range(int(warmup) + repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for n in order:
            if n in errors:
                continue
            try:
                items, seconds = configs[n]()
            except Exception as e:  # one broken configuration must not end the suite
                errors[n] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
                continue
            if r >= int(warmup):
                rates[n].append(items / seconds)
    base = statistics.median(rates[names[0]]) if rates[names[0]] else None
    out = {}
    for n in names:
        if n in errors:
            out[n] = {"error": errors[n]}
            continue
        median = statistics.median(rates[n])
        out[n] = {
            "median": median,
            "min": min(rates[n]),
            "max": max(rates[n]),
            "unit": unit,
            "ratio": median / base if base else None,
            "runs": len(rates[n]),
        }
    return out
