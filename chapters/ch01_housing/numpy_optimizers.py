"""SGD, Momentum, AdaGrad, RMSProp and Adam in numpy, each checked against ``paddle.optimizer``.

    python -m chapters.ch01_housing.numpy_optimizers

1. The check: every optimizer starts numpy and Paddle from the same parameters and feeds both the
   same 100 gradients (of very different sizes, which exercises the adaptive ones);
   ``max_abs_diff`` is the largest difference between the two final parameter sets. It must be at
   most 1e-5; in float64 it is 0 or a few 1e-16, because the numpy code computes what Paddle's
   kernels compute, down to where epsilon sits (outside the root in AdaGrad and Adam, inside in
   RMSProp), Adam's bias correction folded into its rate, and the float32 storage of some
   hyper-parameters.
2. The picture the course draws: the paths of the five on f(x, y) = x^2 / 20 + y^2 from (-7, 2),
   a valley 20 times steeper across than along. SGD at a large rate oscillates across the valley,
   Momentum's velocity damps the zig-zag into a swing, AdaGrad, RMSProp and Adam scale each
   coordinate's step by its own gradient history and head for the minimum. These paths come from
   real runs of both implementations (``path_max_abs_diff``).
"""

import sys

import numpy as np

from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.results import write_results
from paddle_course.numpy_nn.compare import on_function, on_gradients
from tools.images import plot_paths

DEFAULTS = dict(seed=0, quick=False, output_dir="outputs/ch01_housing/numpy_optimizers")
# the check: the course's settings (lr 0.01, momentum 0.9), Paddle's defaults otherwise
CHECK = {
    "sgd": dict(lr=0.01),
    "momentum": dict(lr=0.01, momentum=0.9),
    "adagrad": dict(lr=0.01),
    "rmsprop": dict(lr=0.01),
    "adam": dict(lr=0.01),
}
# the picture: rates that make each optimizer's character visible in 30 steps
PATHS = {
    "sgd": dict(lr=0.95),
    "momentum": dict(lr=0.1, momentum=0.9),
    "adagrad": dict(lr=1.5),
    "rmsprop": dict(lr=0.1),
    "adam": dict(lr=0.3),
}
START, TOLERANCE = (-7.0, 2.0), 1e-5


def valley(p):
    """f(x, y) = x^2 / 20 + y^2 for a length-2 tensor (Paddle) or array (numpy)."""
    return p[0] ** 2 / 20 + p[1] ** 2


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(steps=20, path_steps=10))
    p.add_argument(
        "--steps", type=count(100_000), default=100, help="steps of the check (default 100)"
    )
    p.add_argument("--path-steps", type=count(100_000), default=30, help="steps drawn (default 30)")
    args = p.parse_args(argv)
    steps, path_steps = args.steps, args.path_steps

    rng = np.random.RandomState(args.seed)
    start = rng.randn(4, 3)
    grads = [rng.randn(4, 3) * 10.0 ** rng.uniform(-3, 1) for _ in range(steps)]
    results, paths = {}, {}
    for name in CHECK:
        ours, theirs = on_gradients(name, start, grads, **CHECK[name])
        path, paddle_path = on_function(name, valley, np.array(START), path_steps, **PATHS[name])
        paths[name] = path
        results[name] = {
            "max_abs_diff": float(np.abs(ours - theirs).max()),
            "path_max_abs_diff": float(np.abs(path - paddle_path).max()),
            "check": CHECK[name],
            "path": PATHS[name],
            "final_point": path[-1].tolist(),
            "final_loss": float(valley(path[-1])),
        }
    out = args.output_dir
    written = [
        *write_results(
            out, results, ["max_abs_diff", "path_max_abs_diff", "final_loss"], quick=args.quick
        ),
        plot_paths(
            valley,
            paths,
            f"{out}/plots/paths.png",
            (-8, 8),
            (-3, 3),
            title="f(x, y) = x^2/20 + y^2 from (-7, 2)",
        ),
    ]
    print(f"numpy vs paddle.optimizer, float64, {steps} steps on the same gradients:")
    print(
        f"{'optimizer':10} {'max_abs_diff':>13} {'path diff':>10} "
        f"{'f after ' + str(path_steps):>12}"
    )
    for name, r in results.items():
        print(
            f"{name:10} {r['max_abs_diff']:13.3g} {r['path_max_abs_diff']:10.3g} "
            f"{r['final_loss']:12.4g}"
        )
    print("wrote:\n" + "\n".join(f"  {q}" for q in written))
    bad = [
        n for n, r in results.items() if max(r["max_abs_diff"], r["path_max_abs_diff"]) > TOLERANCE
    ]
    if bad:
        print(f"MISMATCH beyond {TOLERANCE}: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)
    return results


if __name__ == "__main__":
    entry(main)
