"""Optimizers and learning rates, the course's lesson, measured on the course's CNN.

    python -m chapters.ch02_mnist.optimizers

1. A learning-rate sweep for SGD (0.0001, 0.001, 0.01, 0.1): too small barely moves in the
   budget, too large can overshoot (FAQ Q10, "学习率不是越小越好 / 不是越大越好").
2. SGD, Momentum (0.9), AdaGrad, RMSProp and Adam at the course's comparable setting, lr 0.01,
   same data, seed and number of steps. Their per-batch training losses are drawn as the
   course's ``plot(loss_list)``, in two panels (the sweep; the optimizers) on a log axis with a
   10-batch moving average over the faint measured curves.
"""

from paddle_course.engine.optimizers import OPTIMIZERS, build_optimizer
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MNIST
from tools.plot import plot_panels

DEFAULTS = dict(
    data="auto",
    train_size=20_000,  # of the 50,000: the budget of a lesson that trains many variants
    epochs=3,
    batch_size=64,
    lr=0.01,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/optimizers",
)
SWEEP = (0.0001, 0.001, 0.01, 0.1)


def notes(sweep, results, lr):
    """Where the measurements qualify the course: no rate of the sweep too large for SGD, or an
    adaptive optimizer left at chance by the shared rate."""
    said = []
    losses = {float(k): r["train_loss"] for k, r in sweep.items()}
    largest = max(losses)
    if losses[largest] == min(losses.values()):
        said.append(
            f"The sweep's largest rate, {largest:g}, reached the lowest training loss: "
            f"for SGD on this CNN no rate of the sweep is yet too large, so only the "
            f"'too small' half of the course's point shows here."
        )
    broken = [name for name, r in results.items() if r["val_acc"] < 0.15]
    if broken:
        said.append(
            f"{', '.join(broken)} stayed at chance (val_acc < 0.15) at lr {lr:g}: the "
            f"course's shared rate is too large for {'it' if len(broken) == 1 else 'them'}. "
            f"An adaptive step is divided by the running gradient size, so early on every "
            f"weight moves by about lr at once, which can push the ReLUs dead; Adam is "
            f"usually run at 1e-3."
        )
    return said


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)

    def run(name, optimizer, lr):
        def build():
            model = MNIST()
            return model, build_optimizer(optimizer, model.parameters(), lr)[0]

        return train_variant(name, build, data, epochs, args.batch_size, args.seed)[0]

    print(f"the course's CNN, {epochs} epochs, batch {args.batch_size}, {len(data.train)} digits")
    print("SGD learning-rate sweep:")
    sweep = {str(lr): run(f"sgd lr={lr}", "sgd", lr) for lr in SWEEP}
    print(f"optimizers at lr {args.lr}:")
    results = {name: run(name, name, args.lr) for name in OPTIMIZERS}

    out = args.output_dir
    # two panels (the sweep; the optimizers), log loss, smoothed: one spike of one optimizer
    # must not flatten every other curve
    plot_panels(
        {
            "SGD, learning-rate sweep": {f"lr {lr}": r["batch_losses"] for lr, r in sweep.items()},
            f"five optimizers at lr {args.lr}": {n: r["batch_losses"] for n, r in results.items()},
        },
        f"{out}/plots/loss_curves.png",
        xlabel="batch",
        ylabel="training loss",
        log=True,
        smooth=10,
        title="training loss per batch",
    )
    print(
        "SGD sweep:  "
        + "  ".join(f"lr {lr}: val_acc {r['val_acc']:.4f}" for lr, r in sweep.items())
    )
    report(
        out,
        results,
        title=f"validation accuracy, lr {args.lr}",
        extra={"lr_sweep": sweep},
        quick=args.quick,
        notes=notes(sweep, results, args.lr),
    )
    print(f"  {out}/plots/loss_curves.png")
    return {**results, "lr_sweep": sweep}


if __name__ == "__main__":
    entry(main)
