"""Loss functions: why digits are classified with softmax cross-entropy, not regressed with MSE.

    python -m chapters.ch02_mnist.loss

1. ``regression_mse``: the digit as a number, ``Linear(784, 1)`` trained with mean squared error,
   the prediction rounded to the nearest digit. ``classification_ce``: ``Linear(784, 10)`` trained
   with softmax cross-entropy, the prediction the most probable class. Same data, optimizer and
   budget. Regression treats "predicted 2 for a 9" as 7 times worse than "3 for a 2", and must
   put every class on one line (FAQ Q8); the course's
   "回归任务的损失函数难以在分类任务上取得较好精度".
2. Cross-entropy by hand: -ln p of the true class; for p = 0.6 and 0.1 that is 0.51 and 2.30
   (FAQ Q9), printed next to ``paddle.nn.functional.cross_entropy``.
3. The double-softmax mistake: a model that ends in ``Softmax`` fed to ``F.cross_entropy``, which
   applies softmax again. Its outputs are probabilities in [0, 1], so the best it can reach is
   softmax([1, 0, ..., 0]) on the true class: a loss floor of ln(1 + 9/e) = 1.4612.
"""

import math

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.engine import Accuracy
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import LinearNet

DEFAULTS = dict(
    data="auto",
    epochs=10,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/loss",
)


def digit_mse(outputs, labels):
    """MSE between the single output [N, 1] and the digit's value."""
    return F.mse_loss(outputs[:, 0], labels.astype("float32"))


def rounded_hits(outputs, labels):
    """Correct when the output rounds to the digit (clipped to 0..9)."""
    return int((paddle.clip(paddle.round(outputs[:, 0]), 0, 9).astype("int64") == labels).sum())


class EndsInSoftmax(paddle.nn.Layer):
    """The mistake: a network whose last layer is Softmax, fed to F.cross_entropy."""

    def __init__(self):
        super().__init__()
        self.net = LinearNet()

    def forward(self, x):
        return F.softmax(self.net(x))


def cross_entropy_by_hand():
    rows = {}
    for p in (0.6, 0.1):
        # a distribution with p on the true class (2) and the rest spread evenly
        probs = np.full((1, 10), (1 - p) / 9)
        probs[0, 2] = p
        paddle_ce = float(F.cross_entropy(paddle.to_tensor(np.log(probs)), paddle.to_tensor([2])))
        rows[f"p={p}"] = {"by_hand": -math.log(p), "paddle": paddle_ce}
        print(
            f"cross-entropy of p = {p} on the true class: -ln p = {-math.log(p):.4f}; "
            f"F.cross_entropy = {paddle_ce:.4f}"
        )
    return rows


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=2))
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    adam = lambda model: paddle.optimizer.Adam(args.lr, parameters=model.parameters())
    variants = {
        "regression_mse": (
            lambda: (
                m := paddle.nn.Sequential(paddle.nn.Flatten(), paddle.nn.Linear(784, 1)),
                adam(m),
            ),
            digit_mse,
            {"acc": Accuracy(rounded_hits)},
        ),
        "classification_ce": (lambda: (m := LinearNet(), adam(m)), F.cross_entropy, ["acc"]),
        "double_softmax": (lambda: (m := EndsInSoftmax(), adam(m)), F.cross_entropy, ["acc"]),
    }
    print(f"{epochs} epochs each, Adam lr {args.lr}, batch {args.batch_size}:")
    results = {}
    for name, (build, loss_fn, metrics) in variants.items():
        results[name], _ = train_variant(
            name, build, data, epochs, args.batch_size, args.seed, loss_fn=loss_fn, metrics=metrics
        )
    floor = math.log(1 + 9 / math.e)
    lowest = min(r["train_loss"] for r in results["double_softmax"]["history"])
    print(
        f"double softmax: lowest training loss {lowest:.4f}; the floor is ln(1 + 9/e) = "
        f"{floor:.4f} (classification_ce reached {results['classification_ce']['train_loss']:.4f})"
    )
    extra = {
        "cross_entropy_by_hand": cross_entropy_by_hand(),
        "double_softmax_floor": {"theory": floor, "lowest_train_loss": lowest},
    }
    report(args.output_dir, results, extra=extra, quick=args.quick)
    return {**results, **extra}


if __name__ == "__main__":
    entry(main)
