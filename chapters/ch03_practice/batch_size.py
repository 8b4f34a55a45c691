"""Batch size: time per epoch, gradient noise, accuracy, and the linear scaling rule.

    python -m chapters.ch03_practice.batch_size

For batch sizes from 16 to 256, on the course CNN:
- time per epoch (bigger batches use the CPU better, up to a point);
- gradient noise at initialisation: the mean squared distance between a mini-batch gradient and
  the full-data gradient, which falls as 1/B for independent samples (FAQ Q3: too small a batch
  gives a noisy direction, too large costs memory and time for little gain);
- accuracy after the same number of epochs (so larger batches take fewer steps), with SGD at one
  fixed rate, and with the **linear scaling rule**, rate proportional to batch size
  (0.05 x B / 64);
- and whether powers of two are faster than their neighbours (48, 96 vs 32, 64, 128).
"""

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import make_loader
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import epoch_seconds, lesson_data, report, train_variant
from paddle_course.models import MNIST
from paddle_course.practice.inspection import gradients
from paddle_course.runtime.seed import seed_everything

DEFAULTS = dict(
    data="auto",
    train_size=20_000,  # of the 50,000: the budget of a lesson that trains many variants
    epochs=2,
    lr=0.05,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/batch_size",
)
SIZES, TIMED = (16, 32, 64, 128, 256), (32, 48, 64, 96, 128)


def gradient_noise(data, sizes, seed, draws=8):
    seed_everything(seed)
    model = MNIST()
    flat = lambda g: np.concatenate([v.ravel() for v in g.values()])
    x, y = paddle.to_tensor(data.train.images), paddle.to_tensor(data.train.labels)
    full = flat(gradients(model, F.cross_entropy, x, y))
    rng = np.random.default_rng(seed)
    noise = {}
    for b in sizes:
        dev = [
            np.sum((flat(gradients(model, F.cross_entropy, x[idx], y[idx])) - full) ** 2)
            for idx in (
                paddle.to_tensor(rng.choice(len(y), b, replace=False)) for _ in range(draws)
            )
        ]
        noise[b] = float(np.mean(dev))
    return noise


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)

    noise = gradient_noise(data, SIZES, args.seed)
    print(
        "gradient noise at initialisation, E|g_B - g|^2:  "
        + "  ".join(f"B={b}: {v:.3g}" for b, v in noise.items())
        + "   (x B: "
        + " ".join(f"{v * b:.3g}" for b, v in noise.items())
        + ")"
    )
    results = {}
    for b in SIZES:
        for rule, lr in (("fixed", args.lr), ("linear", args.lr * b / 64)):
            name = f"B={b} {rule} lr"
            sgd = lambda lr=lr: (m := MNIST(), paddle.optimizer.SGD(lr, parameters=m.parameters()))
            results[name], _ = train_variant(name, sgd, data, epochs, b, args.seed)
            results[name].update(
                batch=b,
                lr=lr,
                epoch_seconds=results[name]["seconds"] / epochs,
                gradient_noise=noise[b],
            )
    timing = {
        b: epoch_seconds(make_loader(data.train, b, shuffle=True, seed=args.seed), args.seed)
        for b in TIMED
    }
    print("seconds per training epoch: " + "  ".join(f"B={b}: {t:.2f}" for b, t in timing.items()))
    report(
        args.output_dir,
        results,
        ("batch", "lr", "val_acc", "val_loss", "epoch_seconds", "gradient_noise"),
        extra={
            "gradient_noise": {str(b): v for b, v in noise.items()},
            "epoch_seconds_by_batch": {str(b): t for b, t in timing.items()},
        },
        quick=args.quick,
        notes=[scaling_note(results)],
    )
    return results


def scaling_note(results):
    """Why the linear scaling rule lost, where it did: without the warm-up it comes with."""
    lost = [
        (r["batch"], r["lr"], r["val_acc"], results[f"B={r['batch']} fixed lr"]["val_acc"])
        for name, r in results.items()
        if name.endswith("linear lr")
        and r["batch"] > 64
        and r["val_acc"] < results[f"B={r['batch']} fixed lr"]["val_acc"]
    ]
    if not lost:
        return None
    b, lr, scaled, fixed = lost[-1]
    what = "diverged to chance" if scaled < 0.15 else "fell behind"
    return (
        f"The linearly scaled rate {what} at B={b} (lr {lr:g}: val_acc {scaled:.3f}, against "
        f"{fixed:.3f} at the fixed rate): the rule, as Goyal et al. (2017) state it, starts "
        f"with a few epochs of warm-up from a small rate; without one, the large rate's first "
        f"steps from a random initialisation overshoot."
    )


if __name__ == "__main__":
    entry(main)
