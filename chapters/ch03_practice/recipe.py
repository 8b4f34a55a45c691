"""Karpathy's recipe for training neural networks, as checks that run.

    python -m chapters.ch03_practice.recipe

1. Fix the seed: two runs with the same seed end with bit-identical parameters.
2. Check the loss at initialisation: with 10 balanced classes and small random logits the softmax
   is near uniform, so the cross-entropy starts near -ln(1/10) = ln 10 = 2.3026. Far above it,
   the initial logits are too confident (bad init or scale); far below, something leaks.
3. Overfit one batch: a network that cannot drive the loss on 32 fixed digits to near zero has a
   bug (wrong labels, a frozen layer, a broken loss) before it has a generalisation problem.
"""

import math

import numpy as np
import paddle

from paddle_course.data import make_loader
from paddle_course.engine import Monitor, evaluate
from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, train_variant
from paddle_course.lesson.results import write_tables
from paddle_course.models import MNIST
from paddle_course.runtime.seed import seed_everything

DEFAULTS = dict(
    data="auto",
    epochs=1,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/recipe",
)


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(overfit_steps=60))
    p.add_argument(
        "--overfit-steps",
        type=count(100_000),
        default=150,
        help="steps on the single batch (default 150)",
    )
    args = p.parse_args(argv)
    data = lesson_data(args)
    adam = lambda lr: lambda: (m := MNIST(), paddle.optimizer.Adam(lr, parameters=m.parameters()))

    # 1. same seed, same result
    finals = []
    for _ in range(2):
        _, model = train_variant(
            "", adam(args.lr), data, args.epochs, args.batch_size, args.seed, log=None
        )
        finals.append([p.numpy() for p in model.parameters()])
    identical = all(np.array_equal(a, b) for a, b in zip(*finals))
    print(f"two runs with seed {args.seed}: parameters bit-identical: {identical}")

    # 2. the loss at initialisation, and what a small last layer does to it
    val_loader = make_loader(data.val, 500)
    seed_everything(args.seed)
    model = MNIST()
    initial = evaluate(model, val_loader)["loss"]
    with paddle.no_grad():
        logits_std = float(model(paddle.to_tensor(data.val.images)).numpy().std())
        model.fc.weight.set_value(paddle.scale(model.fc.weight, 0.01))
    small_head = evaluate(model, val_loader)["loss"]
    print(
        f"loss at initialisation {initial:.4f} (initial logits' std {logits_std:.2f}); ln(10) = "
        f"{math.log(10):.4f} for 10 balanced classes"
    )
    if initial > 1.1 * math.log(10):
        print(
            f"  above ln 10: the initial logits are too spread, the network starts confidently "
            f"wrong; with the last layer's weights scaled by 0.01 it starts at {small_head:.4f}"
        )

    # 3. overfit a single batch of 32 digits
    one = type(data)(
        data.train.subset(32, args.seed),
        data.train.subset(32, args.seed),
        data.test,
        data.source,
        data.scale,
    )
    steps = args.overfit_steps
    result, _ = train_variant(
        "one batch",
        adam(args.lr),
        one,
        steps,
        32,
        args.seed,
        log=None,
        monitor=Monitor("train_loss", "min"),
    )
    curve = [r["train_loss"] for r in result["history"]]
    print(
        f"one batch of 32, {steps} steps: loss {curve[0]:.4f} -> {curve[-1]:.4f} "
        f"(accuracy on it {result['train_acc']:.0%})"
    )

    results = {
        "identical_runs": identical,
        "initial_loss": initial,
        "ln_10": math.log(10),
        "initial_logits_std": logits_std,
        "initial_loss_small_last_layer": small_head,
        "overfit_batch_loss": curve[-1],
        "overfit_batch_curve": curve,
    }
    checks = {
        "two runs with one seed are identical": identical,
        "loss at initialisation": initial,
        "ln 10": math.log(10),
        "loss at init, last layer x 0.01": small_head,
        f"one batch of 32, loss after {steps} steps": curve[-1],
    }
    paths = write_tables(
        args.output_dir,
        {"the checks": ({name: {"measured": v} for name, v in checks.items()}, ["measured"])},
        results,
        quick=args.quick,
    )
    print("wrote:\n" + "\n".join(f"  {q}" for q in paths))
    return results


if __name__ == "__main__":
    entry(main)
