"""The course's first network: Boston housing regression in numpy, by gradient descent.

    python -m chapters.ch01_housing.numpy_network              # full-batch GD, the course's numbers
    python -m chapters.ch01_housing.numpy_network --mode sgd   # mini-batch SGD, shuffled per epoch

Data exactly as the course prepares it: the 506 x 14 table, the first 80 % of rows for training
(no shuffle), every column (the target too) min-max normalised with the training rows' statistics.
The printed loss is the mean squared error; the gradient is that of half of it (see
``paddle_course.numpy_nn.regression``). With the defaults (GD, 1000 iterations, lr 0.01, seed 0)
the printed losses are the course notebook's, digit for digit: iter 9 5.143394325795511, iter 999
0.17513006784373505. The course's SGD cell does not seed its weights, so its SGD numbers cannot be
reproduced; ours are seeded and repeatable.
"""

import numpy as np

from paddle_course.data import load_housing
from paddle_course.lesson import MAX_BATCH, count, entry, lesson, lesson_parser, positive
from paddle_course.lesson.results import explain, write_tables
from paddle_course.numpy_nn import Network, course_split, loss_surface
from tools.images import plot_surface
from tools.plot import plot_comparison

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch01_housing/numpy_network")
SETTINGS = dict(surface_step=1.0)  # the loss surface's grid step over w5 and w9
QUICK = dict(iterations=100, epochs=5, surface_step=8.0)  # iterations: GD's, epochs: SGD's
MODES = {"gd": dict(iterations=1000, lr=0.01), "sgd": dict(epochs=50, batch_size=100, lr=0.1)}


def least_squares(x, y, tx, ty):
    """The linear fit with the least training loss (numpy's lstsq), and its losses."""
    A = np.c_[x, np.ones(len(x))]
    w = np.linalg.lstsq(A, y, rcond=None)[0]
    mse = lambda a, t: float(np.mean((np.c_[a, np.ones(len(a))] @ w - t) ** 2))
    return {"train_loss": mse(x, y), "test_loss": mse(tx, ty)}


def rising_test_loss_note(test_curve, losses, fit, lr, y, ty):
    """Why the test loss can rise while the training loss falls: GD is still on its way."""
    best = int(np.argmin(test_curve))
    if test_curve[-1] <= 1.2 * test_curve[best]:
        return None
    return (
        f"The test loss was lowest at iteration {best} ({test_curve[best]:.3f}) and is "
        f"{test_curve[-1]:.3f} now, while the training loss kept falling. Not overfitting: "
        f"the least-squares fit, where gradient descent ends, has a test loss of "
        f"{fit['test_loss']:.3f}. At lr {lr:g} from random weights GD is still far from it "
        f"(training loss {losses[-1]:.3f} vs {fit['train_loss']:.3f}), and on the way its "
        f"errors on the test rows first fell, then rose: those rows are the file's last 20 %, "
        f"not a random sample, and cheaper (mean normalised price {float(ty.mean()):.2f} "
        f"against {float(y.mean()):.2f} in training)."
    )


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    p.add_argument(
        "--mode",
        choices=MODES,
        default="gd",
        help="gd: full-batch gradient descent, the course's first version (default); "
        "sgd: mini-batches, shuffled every epoch",
    )
    p.add_argument("--iterations", type=count(10**7), help="GD iterations (default 1000)")
    p.add_argument("--epochs", type=count(100_000), help="SGD epochs (default 50)")
    p.add_argument("--batch-size", type=count(MAX_BATCH), help="SGD batch size (default 100)")
    p.add_argument(
        "--lr", type=positive(100.0), help="learning rate (default: 0.01 for gd, 0.1 for sgd)"
    )
    args = p.parse_args(argv)
    cfg = dict(MODES[args.mode])
    cfg.update({k: v for k, v in vars(args).items() if k in cfg and v is not None})
    out = args.output_dir

    train, test, _ = course_split(load_housing(args.data))
    x, y = train[:, :-1], train[:, -1:]
    print(
        f"training rows {len(train)}, test rows {len(test)}; first training row normalised:\n"
        f"  x {np.round(x[0], 8)}\n  y {y[0]}"
    )
    print(
        "loss printed: mean squared error, sum((z - y)^2) / N; gradient followed: that of half of "
        "it, sum((z - y) x) / N (the course's L = 1/(2N) sum (y - z)^2)"
    )
    net = Network(13, seed=args.seed)
    tx, ty = test[:, :-1], test[:, -1:]
    test_curve = []  # GD: the test loss at every iteration, beside the training loss
    if args.mode == "gd":
        losses = net.train(
            x,
            y,
            iterations=cfg["iterations"],
            eta=cfg["lr"],
            each=lambda n: test_curve.append(n.loss(n.forward(tx), ty)),
        )
    else:
        losses = net.train_sgd(
            train, num_epochs=cfg["epochs"], batch_size=cfg["batch_size"], eta=cfg["lr"]
        )
    test_loss = net.loss(net.forward(tx), ty)
    print(
        f"final training loss {losses[-1]:.6f}, test loss {test_loss:.6f} "
        f"(mean squared error on the normalised target)"
    )
    # where gradient descent is going: the least-squares fit of the training rows
    fit = least_squares(x, y, tx, ty)
    print(
        f"the least-squares fit (where GD converges): training loss {fit['train_loss']:.6f}, "
        f"test loss {fit['test_loss']:.6f}"
    )
    notes = explain(
        [test_curve and rising_test_loss_note(test_curve, losses, fit, cfg["lr"], y, ty)]
    )

    # the course's figure: the loss over w5 and w9 with the other weights at their initial values
    w5, w9, surface = loss_surface(
        Network(13, seed=args.seed), x, y, values=np.arange(-160.0, 160.0, args.surface_step)
    )
    results = {
        "mode": args.mode,
        "config": dict(cfg, seed=args.seed, data=args.data),
        "losses": losses,
        "final_train_loss": losses[-1],
        "test_loss": test_loss,
        "test_losses": test_curve,
        "least_squares": fit,
        "w": net.w[:, 0].tolist(),
        "b": float(net.b),
    }
    table = {
        "final training loss": {"MSE": losses[-1]},
        "test loss": {"MSE": test_loss},
        "least-squares fit, training loss": {"MSE": fit["train_loss"]},
        "least-squares fit, test loss": {"MSE": fit["test_loss"]},
    }
    paths = [
        *write_tables(
            out,
            {f"{args.mode}, {len(losses)} steps (normalised prices)": (table, ["MSE"])},
            results,
            quick=args.quick,
            notes=notes,
        ),
        plot_comparison(
            {"training": losses, **({"test": test_curve} if test_curve else {})},
            f"{out}/plots/loss.png",
            key="loss",
            title=f"loss ({args.mode})",
            xlabel="iteration" if args.mode == "gd" else "batch",
            ylabel="loss (MSE, normalised prices)",
        ),
        plot_surface(w5, w9, surface, f"{out}/plots/loss_surface_w5_w9.png", "w5", "w9"),
    ]
    print("wrote:\n" + "\n".join(f"  {q}" for q in paths))
    return results


if __name__ == "__main__":
    entry(main)
