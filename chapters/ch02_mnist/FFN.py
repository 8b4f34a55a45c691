"""The course's network table, as its repackaged chapter 2 ran it: five fully connected nets.

    python -m chapters.ch02_mnist.FFN              # the table twice, then the probe
    python -m chapters.ch02_mnist.FFN --no-probe   # the table only

The repackaged chapter trains five feed-forward nets (FFN) with SGD at lr 0.1, batch 32, for 10
epochs, and reports each one's validation accuracy after the last epoch: 784-500-10 with sigmoid
(at lr 0.1 and at lr 1.0), 784-500-10 with ReLU, 784-512-256-10 with ReLU, and the same with
``L2Decay(5e-4)``. Its nets end in ``nn.Softmax`` and are fed to ``F.cross_entropy``, which applies
softmax again: the loss then compares the labels with softmax(probabilities), whose largest value
is e / (e + 9) = 0.232, so the training loss cannot fall below ln(e + 9) - 1 = 1.461 however well
the net classifies, and every gradient is damped by the second softmax.

The table is trained twice on the same split (the first 50,000 training digits, validation on the
other 10,000, inputs in [-1, 1]): as the course ran it (the double softmax) and corrected (the
logits fed to the loss), with the course's figures beside both and each run's training loss beside
that floor. Then the probe: for the two rows whose course figure a plain reproduction misses (the
sigmoid at lr 0.1 and the 512-256 ReLU net), one change at a time that could explain the course's
lower figure: its inputs in [0, 1], its Trainer's ``L2Decay(5e-4)`` on every row, weights drawn
from ``Normal(0, 0.01)``, validation accuracy as the mean of per-batch accuracies. It measures which
of them, if any, brings the row to the course's figure.
"""

import math

import numpy as np
import paddle
import paddle.nn as nn

from paddle_course.data import make_loader
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, print_table, report, train_variant
from paddle_course.models import MLP

DEFAULTS = dict(
    data="auto",
    epochs=10,
    batch_size=32,
    lr=0.1,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/FFN",
)
# the course's rows: (hidden sizes, activation, lr multiple of --lr, L2 coefficient), its figure
ROWS = {
    "784-500-10 sigmoid": ((500,), "sigmoid", 1.0, 0.0, 0.8503),
    "784-500-10 sigmoid, lr x10": ((500,), "sigmoid", 10.0, 0.0, 0.9587),
    "784-500-10 relu": ((500,), "relu", 1.0, 0.0, 0.9618),
    "784-512-256-10 relu": ((512, 256), "relu", 1.0, 0.0, 0.9710),
    "784-512-256-10 relu, L2 5e-4": ((512, 256), "relu", 1.0, 5e-4, 0.9718),
}
PROBED = ("784-500-10 sigmoid", "784-512-256-10 relu")  # the rows a plain reproduction misses
FLOOR = math.log(math.e + 9) - 1  # the double softmax's lowest loss: 1.4612 nats
REPRODUCED = 0.005  # a row within half a point of the course's figure reproduces it


def ffn(hidden, activation, double_softmax, weight_init=None):
    """The course's FFN; ``double_softmax``: ending in ``nn.Softmax``, as the course's does (the
    loss then applies softmax a second time)."""
    net = MLP(hidden, activation, weight_init=weight_init)
    return nn.Sequential(net, nn.Softmax()) if double_softmax else net


def batch_mean_accuracy(model, split, batch_size):
    """Validation accuracy as the mean of per-batch accuracies (a short last batch weighs as
    much as a full one), as a loop that averages ``paddle.metric.accuracy`` per batch does."""
    model.eval()
    accs = []
    with paddle.no_grad():
        for x, y in make_loader(split, batch_size):
            accs.append(float((model(x).argmax(-1) == y.reshape([-1])).astype("float32").mean()))
    return float(np.mean(accs))


def train_row(name, row, data, args, double_softmax, l2=None, weight_init=None):
    hidden, activation, lr_times, coeff, _ = row
    coeff = coeff if l2 is None else l2

    def build():
        model = ffn(hidden, activation, double_softmax, weight_init)
        decay = paddle.regularizer.L2Decay(coeff) if coeff else None
        opt = paddle.optimizer.SGD(
            args.lr * lr_times, parameters=model.parameters(), weight_decay=decay
        )
        return model, opt

    return train_variant(name, build, data, args.epochs, args.batch_size, args.seed)


def table(data, args, double_softmax):
    title = "as the course ran it (double softmax)" if double_softmax else "corrected (logits)"
    print(f"\n{title}: SGD lr {args.lr}, batch {args.batch_size}, {args.epochs} epochs")
    results = {}
    for name, row in ROWS.items():
        results[name], _ = train_row(name, row, data, args, double_softmax)
        results[name]["course_val_acc"] = row[-1]
    return results


def probe(data, args):
    """Each probed row, double softmax, with one of the course's possible differences."""
    unit = data.map_images(lambda x: (x + 1) / 2)  # [-1, 1] -> [0, 1]
    changes = {  # change: (the data, keyword arguments of train_row)
        "inputs in [0, 1]": (unit, {}),
        "L2Decay(5e-4) on every row": (data, dict(l2=5e-4)),
        "weights Normal(0, 0.01)": (data, dict(weight_init=nn.initializer.Normal(0.0, 0.01))),
    }
    results = {}
    for row_name in PROBED:
        row = ROWS[row_name]
        for change, (changed, kw) in changes.items():
            name = f"{row_name}; {change}"
            results[name], _ = train_row(name, row, changed, args, True, **kw)
            results[name]["course_val_acc"] = row[-1]
        name = f"{row_name}; val acc as a mean of batches"
        result, model = train_row(name, row, data, args, True)
        result["val_acc"] = batch_mean_accuracy(model, data.val, args.batch_size)
        result["course_val_acc"] = row[-1]
        results[name] = result
    return results


def verdicts(course, corrected, probed):
    """Notes: the floor, and for each probed row which change (if any) reaches its figure."""
    floor_hits = [n for n, r in course.items() if r["train_loss"] < FLOOR + 0.05]
    notes = [
        f"with the double softmax the training loss cannot fall below {FLOOR:.4f}; it ended at "
        + ", ".join(f"{r['train_loss']:.3f}" for r in course.values())
        + f" ({len(floor_hits)} of {len(course)} within 0.05 of the floor); corrected, at "
        + ", ".join(f"{r['train_loss']:.3f}" for r in corrected.values())
    ]
    for name, fixed in corrected.items():
        if fixed["val_acc"] < course[name]["val_acc"]:
            notes.append(
                f"{name}: corrected, it does worse ({fixed['val_acc']:.2%} vs "
                f"{course[name]['val_acc']:.2%}, training loss {fixed['train_loss']:.3f}): the "
                f"second softmax damped the gradients enough for this learning rate; without it "
                f"the rate is too large"
            )
    for row_name in PROBED if probed else ():
        target = ROWS[row_name][-1]
        plain = course[row_name]["val_acc"]
        found = {
            n.split("; ")[1]: r["val_acc"]
            for n, r in probed.items()
            if n.startswith(row_name + "; ")
        }
        best, acc = min(found.items(), key=lambda kv: abs(kv[1] - target))
        head = f"{row_name}: the course reports {target:.2%}, the plain reproduction {plain:.2%}"
        if abs(plain - target) <= REPRODUCED:
            notes.append(f"{head}: reproduced (within {REPRODUCED * 100:.1f} points) as it is")
        elif abs(acc - target) < abs(plain - target) / 2:
            notes.append(f"{head}; {best} gives {acc:.2%}, which closes more than half of the gap")
        else:
            notes.append(
                f"{head}; no single change explains it (the closest, {best}, gives {acc:.2%})"
            )
    return notes


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    p.add_argument(
        "--no-probe", action="store_true", help="train the table only (the probe: 8 more runs)"
    )
    args = p.parse_args(argv)
    data = lesson_data(args)
    course = table(data, args, double_softmax=True)
    corrected = table(data, args, double_softmax=False)
    probed = {} if args.no_probe else probe(data, args)
    print("\nthe table: the course's figure, then ours as it ran it and corrected")
    rows = {
        name: {
            "course": ROWS[name][-1],
            "double_softmax": course[name]["val_acc"],
            "corrected": corrected[name]["val_acc"],
            "loss_double": course[name]["train_loss"],
            "loss_corrected": corrected[name]["train_loss"],
        }
        for name in ROWS
    }
    print_table(rows, ("course", "double_softmax", "corrected", "loss_double", "loss_corrected"))
    results = {
        # (no "|" in a name: results.md is a markdown table)
        **{f"double softmax: {n}": r for n, r in course.items()},
        **{f"corrected: {n}": r for n, r in corrected.items()},
        **{f"probe: {n}": r for n, r in probed.items()},
    }
    report(
        args.output_dir,
        results,
        ("course_val_acc", "val_acc", "train_loss", "seconds"),
        extra={"table": rows, "loss_floor": FLOOR, "data": data.info()},
        quick=args.quick,
        notes=verdicts(course, corrected, probed),
    )
    return {"table": rows, "probe": probed}


if __name__ == "__main__":
    entry(main)
