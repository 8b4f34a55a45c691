"""The same housing regression in Paddle: ``Linear(13, 1)``, SGD, the engine, save and predict.

    python -m chapters.ch01_housing.paddle_regressor

As the course: SGD at lr 0.01, 10 epochs, batch 10, mean squared error. Data as in
``numpy_network``: first 80 % of rows for training, min-max normalised with the training rows'
statistics. (The course's Paddle notebook normalises with (x - mean) / (max - min) instead; the
two chapters disagree, and we keep one rule, min-max, for both.)

Then the model is saved as ``LR_model.pdparams``, loaded into a fresh model, and asked the price of
a test house (the course's ``idx = -10``), de-normalised to $1000s next to the true price. Last, it
shows why test data is normalised with the **training** statistics (FAQ Q1): normalised with their
own statistics, the same houses get other predictions and the error grows; and a house's
prediction would depend on which other houses were normalised with it.
"""

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import load_housing, make_loader
from paddle_course.engine import Monitor, Trainer, evaluate
from paddle_course.errors import ConfigError
from paddle_course.lesson import Number, entry, lesson, lesson_parser
from paddle_course.lesson.results import write_tables
from paddle_course.numpy_nn import course_split
from paddle_course.runtime.manifest import written
from paddle_course.runtime.seed import seed_everything
from tools.plot import plot_history

DEFAULTS = dict(
    data=None,
    epochs=10,
    batch_size=10,
    lr=0.01,
    seed=0,
    quick=False,
    output_dir="outputs/ch01_housing/paddle_regressor",
)


class Regressor(paddle.nn.Layer):
    def __init__(self):
        super().__init__()
        self.fc = paddle.nn.Linear(in_features=13, out_features=1)

    def forward(self, x):  # [N, 13] -> [N, 1]
        return self.fc(x)


def predict(model, x):
    model.eval()
    with paddle.no_grad():
        return model(paddle.to_tensor(x.astype("float32"))).numpy()[:, 0]


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=2))
    p.add_argument(
        "--example",
        type=Number(int),
        default=-10,
        help="index of the test house to predict, "
        "negative from the end (default -10: the course's example)",
    )
    args = p.parse_args(argv)
    epochs = args.epochs
    out = args.output_dir
    seed_everything(args.seed)
    model = Regressor()

    table = load_housing(args.data)
    train, test, (maximums, minimums) = course_split(table)
    if not -len(test) <= args.example < len(test):
        raise ConfigError(
            f"--example {args.example}: there are {len(test)} test houses; give "
            f"0 to {len(test) - 1}, or -1 to -{len(test)} from the end"
        )
    offset = len(train)
    as_xy = lambda rows: (rows[:, :-1].astype("float32"), rows[:, -1:].astype("float32"))
    train_loader = make_loader(as_xy(train), args.batch_size, shuffle=True, seed=args.seed)
    test_loader = make_loader(as_xy(test), len(test))

    opt = paddle.optimizer.SGD(learning_rate=args.lr, parameters=model.parameters())
    trainer = Trainer(
        model,
        opt,
        loss_fn=F.mse_loss,
        metrics=(),
        monitor=Monitor("train_loss", "min"),
        checkpoint_dir=f"{out}/checkpoints",
    )
    state = trainer.fit(train_loader, None, epochs)
    test_mse = evaluate(model, test_loader, F.mse_loss, metrics=())["loss"]
    print(f"test loss {test_mse:.6f} (mean squared error on the normalised price)")

    # save the parameters the course's way, then predict with a fresh model that loads them
    path = f"{out}/LR_model.pdparams"
    paddle.save(model.state_dict(), str(written(path)))
    fresh = Regressor()
    fresh.set_state_dict(paddle.load(path))
    price = lambda v: v * (maximums[-1] - minimums[-1]) + minimums[-1]  # normalised -> $1000s
    one = test[args.example]
    predicted, true = (
        float(price(predict(fresh, one[None, :-1])[0])),
        float(table[offset:][args.example, -1]),
    )
    print(
        f"test house {args.example}: predicted {predicted:.2f}, true {true:.2f} "
        "(median price, $1000s)"
    )

    # why training statistics: normalise the test houses with their own min/max instead
    raw_x, raw_y = table[offset:, :-1], table[offset:, -1]
    rmse = lambda pred: float(np.sqrt(np.mean((price(pred) - raw_y) ** 2)))
    own = (raw_x - raw_x.min(axis=0)) / np.maximum(raw_x.max(axis=0) - raw_x.min(axis=0), 1e-12)
    rmse_train_stats, rmse_own_stats = rmse(predict(fresh, test[:, :-1])), rmse(predict(fresh, own))
    print(
        f"test RMSE in $1000s: {rmse_train_stats:.2f} with the training statistics, "
        f"{rmse_own_stats:.2f} with the test rows' own"
    )
    # ... and per batch: the same house, normalised with two different batches of houses
    house = len(raw_x) + args.example if args.example < 0 else args.example
    batches = [np.r_[house, np.arange(0, 9)], np.r_[house, np.arange(len(raw_x) - 9, len(raw_x))]]
    by_batch = []
    for rows in batches:
        bx = raw_x[rows]
        norm = (bx - bx.min(axis=0)) / np.maximum(bx.max(axis=0) - bx.min(axis=0), 1e-12)
        by_batch.append(float(price(predict(fresh, norm[:1])[0])))
    print(
        f"the same house normalised with two different batches: predicted {by_batch[0]:.2f} "
        f"and {by_batch[1]:.2f}; with the training statistics it is always {predicted:.2f}"
    )

    results = {
        "config": dict(vars(args), epochs=epochs),
        "history": state.history,
        "test_mse_normalized": test_mse,
        "example": {"index": args.example, "predicted": predicted, "true": true},
        "test_rmse": {"train_stats": rmse_train_stats, "own_stats": rmse_own_stats},
        "same_house_by_batch": by_batch,
    }
    tables = {
        "test RMSE (in $1000s) by the statistics the test set is scaled with": (
            {
                "the training set's": {"RMSE": rmse_train_stats},
                "the test set's own": {"RMSE": rmse_own_stats},
            },
            ["RMSE"],
        ),
        f"test house {args.example}": (
            {
                "price (in $1000s)": {
                    "predicted": predicted,
                    "true": true,
                    "batch A": by_batch[0],
                    "batch B": by_batch[1],
                }
            },
            ["predicted", "true", "batch A", "batch B"],
        ),
    }
    paths = [
        *write_tables(out, tables, results, quick=args.quick),
        path,
        plot_history(state.history, f"{out}/plots/history.png"),
    ]
    print("wrote:\n" + "\n".join(f"  {q}" for q in paths))
    return results


if __name__ == "__main__":
    entry(main)
