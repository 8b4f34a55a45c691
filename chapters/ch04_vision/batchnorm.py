"""Does BatchNorm allow larger learning rates and lower the sensitivity to initialisation? (FAQ Q18)

    python -m chapters.ch04_vision.batchnorm
    python -m chapters.ch04_vision.batchnorm --train-size 50000     # every training photo

The same small VGG-style network (3x3 convs 16-16 / 32-32 / 64-64, a 2x2 max-pool after each
pair, Linear 576 -> 128 -> 10), with and without a BatchNorm2D after every conv, trained on the
same 10,000 Fashion-MNIST photos (class-balanced, of its 50,000 training photos; without the data
pack, the 5,000 embedded digits, said in one line) with plain SGD for the same budget (2 epochs),
scored on the 10,000 validation photos, over a grid of learning rates and of initial weight
scales (every conv weight of Paddle's default initialisation multiplied by the scale: the
layers BatchNorm normalises; the classifier keeps its default initialisation).
Each cell says how the run ended: its validation accuracy, or NaN when the loss became NaN or
infinite (diverged); below 20 % it stalled (10 % is chance).
"""

import numpy as np
import paddle

from paddle_course.errors import TrainingDiverged
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import QUICK_SIZES, lesson_data, train_variant
from paddle_course.lesson.results import write_tables
from paddle_course.vision import VGG
from tools.images import plot_heatmaps

DEFAULTS = dict(
    data="fashion-auto",
    train_size=10_000,  # of the 50,000: 18 runs in about 8 minutes on 2 cores
    epochs=2,
    batch_size=64,
    seed=0,
    quick=False,
    output_dir="outputs/ch04_vision/batchnorm",
)
# the grid of runs, with and without BatchNorm; sizes: None, the whole validation split
SETTINGS = dict(
    sizes=None,
    learning_rates=(0.01, 0.1, 1.0),
    scales=(0.1, 1.0, 10.0),
)
QUICK = dict(epochs=1, sizes=QUICK_SIZES, learning_rates=(0.1,), scales=(0.1, 10.0))
BLOCKS = ((16, 16), (32, 32), (64, 64))
STALLED = 0.2


def build(batch_norm, lr, scale):
    model = VGG(
        10,
        in_channels=1,
        pool_size=3,
        dropout=0.0,
        batch_norm=batch_norm,
        blocks=BLOCKS,
        hidden=128,
    )
    with paddle.no_grad():
        for p in model.parameters():
            if p.ndim == 4:  # conv weights [C_out, C_in, k, k]
                p.set_value(p * scale)
    return model, paddle.optimizer.SGD(lr, parameters=model.parameters())


def outcome(val_acc):
    if val_acc is None:
        return "diverged"
    return "stalled" if val_acc < STALLED else "trains"


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args, sizes=args.sizes)
    lrs, scales = args.learning_rates, args.scales
    results, grids = {}, {}
    for bn in (False, True):
        label = "with BatchNorm" if bn else "without BatchNorm"
        grid = np.full((len(scales), len(lrs)), np.nan)
        for i, scale in enumerate(scales):
            for j, lr in enumerate(lrs):
                name = f"{label}, lr {lr}, init x{scale}"
                try:
                    r, _ = train_variant(
                        name,
                        lambda bn=bn, lr=lr, scale=scale: build(bn, lr, scale),
                        data,
                        epochs,
                        args.batch_size,
                        args.seed,
                    )
                    grid[i, j] = r["val_acc"]
                    results[name] = {"val_acc": r["val_acc"], "train_loss": r["train_loss"]}
                except TrainingDiverged as e:
                    print(f"{name:>24}: diverged ({str(e).split(';')[0]})")
                    results[name] = {"val_acc": None, "train_loss": None}
                results[name].update(
                    batch_norm=bn,
                    lr=lr,
                    init_scale=scale,
                    outcome=outcome(results[name]["val_acc"]),
                )
        grids[label] = grid
    counts = {
        label: {
            o: sum(
                r["outcome"] == o
                for r in results.values()
                if r["batch_norm"] == (label == "with BatchNorm")
            )
            for o in ("trains", "stalled", "diverged")
        }
        for label in grids
    }
    for label, c in counts.items():
        print(
            f"{label}: {c['trains']} runs train, {c['stalled']} stall, {c['diverged']} diverge "
            f"(of {len(lrs) * len(scales)})"
        )
    out = args.output_dir
    figure = plot_heatmaps(
        grids,
        scales,
        lrs,
        f"{out}/plots/lr_init_grid.png",
        "learning rate (SGD)",
        "initial weight scale",
        title="validation accuracy (NaN: diverged)",
    )
    written = [
        *write_tables(
            out,
            {
                "runs": (results, ["batch_norm", "lr", "init_scale", "val_acc", "outcome"]),
                "summary": (counts, ["trains", "stalled", "diverged"]),
            },
            {"runs": results, "summary": counts},
            quick=args.quick,
        ),
        figure,
    ]
    print("wrote:\n" + "\n".join(f"  {w}" for w in written))
    return {"runs": results, "summary": counts}


if __name__ == "__main__":
    entry(main)
