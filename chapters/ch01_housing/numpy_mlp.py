"""A multi-layer network in numpy with hand-written backpropagation, trained on real MNIST digits.

    python -m chapters.ch01_housing.numpy_mlp [--hidden 256] [--activation relu|sigmoid]

The embedded digits (4,000 train / 500 validation) flattened to 784 values; Linear -> activation
-> Linear, softmax cross-entropy, mini-batch SGD. Before training, each layer type's backward pass
is checked against finite differences: the relative errors printed should be around 1e-7 or
smaller; a wrong backward shows up as an error near 1.

Pixels: the loaders give [-1, 1]; this lesson shifts them to [0, 1], so that the background (most
of every image) is 0 and adds nothing to the first layer's sums (over seeds, [0, 1] trained at
least as well as [-1, 1] here: docs/ch01_housing.md has the report's figures).
"""

import numpy as np

from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data
from paddle_course.lesson.results import write_tables
from paddle_course.numpy_nn import (
    MLP,
    SGD,
    Linear,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    check_layer,
    check_loss,
    fit,
)
from tools.plot import plot_history, plot_panels

DEFAULTS = dict(
    data=None,
    epochs=20,
    batch_size=64,
    lr=0.1,
    seed=0,
    quick=False,
    output_dir="outputs/ch01_housing/numpy_mlp",
)


def gradient_checks(seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(6, 5)
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU's inputs away from its kink at 0
    checks = {
        "Linear": check_layer(Linear(5, 4, rng), x),
        "Sigmoid": check_layer(Sigmoid(), x),
        "ReLU": check_layer(ReLU(), x),
        "SoftmaxCrossEntropy": {
            "logits": check_loss(SoftmaxCrossEntropy(), rng.randn(6, 10), rng.randint(0, 10, 6))
        },
    }
    for name, errors in checks.items():
        print(
            f"gradient check {name:20} " + "  ".join(f"d/d{k} {v:.1e}" for k, v in errors.items())
        )
    return checks


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    p.add_argument("--hidden", type=count(1 << 16), default=256, help="hidden units (default 256)")
    p.add_argument(
        "--activation",
        choices=("relu", "sigmoid"),
        default="relu",
        help="the hidden layer's activation (default relu)",
    )
    args = p.parse_args(argv)
    epochs = args.epochs
    out = args.output_dir

    checks = gradient_checks(args.seed)
    data = lesson_data(args)  # --quick: class-balanced subsets
    flat = lambda s: ((s.images.reshape(len(s), -1).astype(np.float64) + 1) / 2, s.labels)  # [0, 1]
    model = MLP([784, args.hidden, 10], args.activation, seed=args.seed)
    print(
        f"MLP 784-{args.hidden}-10 ({args.activation}), SGD lr {args.lr}, batch {args.batch_size}, "
        f"{epochs} epochs on {len(data.train)} digits"
    )
    history, batch_losses = fit(
        model,
        SGD(args.lr),
        flat(data.train),
        flat(data.val),
        epochs,
        args.batch_size,
        seed=args.seed,
    )
    results = {
        "config": dict(vars(args), epochs=epochs),
        "gradient_check": checks,
        "history": history,
        "val_acc": history[-1]["val_acc"],
        "val_loss": history[-1]["val_loss"],
    }
    last = {k: v for k, v in history[-1].items() if k != "epoch"}
    paths = [
        *write_tables(
            out,
            {
                f"the numpy MLP after {epochs} epochs": (
                    {f"784-{args.hidden}-10, {args.activation}": last},
                    list(last),
                )
            },
            results,
            quick=args.quick,
        ),
        # per-batch losses are noisy: drawn faintly, with their 50-batch moving average
        plot_panels(
            {"training loss per batch": {"numpy MLP": batch_losses}},
            f"{out}/plots/batch_loss.png",
            "batch",
            "cross-entropy loss",
            smooth=50,
        ),
        plot_history(history, f"{out}/plots/history.png"),
    ]
    print(f"validation accuracy {history[-1]['val_acc']:.2%}")
    print("wrote:\n" + "\n".join(f"  {q}" for q in paths))
    return results


if __name__ == "__main__":
    entry(main)
