"""Validation schemes: hold-out, K-fold and bootstrap, the same model evaluated each way.

    python -m chapters.ch03_practice.validation

The training and validation digits together are the pool (all 60,000 of MNIST's training file,
or 4,500 of the embedded digits); the test digits are kept aside to see how well each scheme's
estimate predicts accuracy on unseen data. The model is an MLP (784-128-10, ReLU, Adam,
5 epochs), fast enough to be trained once per fold or resample.

- hold-out: one stratified split of the pool (validation as large as the data's own), one model,
  one number;
- K-fold (K = 5, shuffled by seed, the remainder spread over the folds): five models, each
  validated on the fold it did not see; mean ± std over folds;
- bootstrap (B = 5): each model trains on as many digits as the pool holds, drawn with
  replacement, and is evaluated on the ~37 % never drawn (out of bag); mean ± std over resamples.
"""

import time

import numpy as np
import paddle

from paddle_course.data import Split, bootstrap, kfold, make_loader, stratified_split
from paddle_course.engine import evaluate
from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MLP
from tools.plot import plot_bars

DEFAULTS = dict(
    data="auto",
    epochs=5,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/validation",
)


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1, k=2, resamples=2))
    p.add_argument("--k", type=count(100, low=2), default=5, help="folds (default 5)")
    p.add_argument(
        "--resamples", type=count(1000), default=5, help="bootstrap resamples (default 5)"
    )
    args = p.parse_args(argv)
    epochs, k, resamples = args.epochs, args.k, args.resamples
    data = lesson_data(args)
    pool = Split(
        np.concatenate([data.train.images, data.val.images]),
        np.concatenate([data.train.labels, data.val.labels]),
    )
    test_loader = make_loader(data.test, 500)
    build = lambda: (
        m := MLP((128,), "relu"),
        paddle.optimizer.Adam(args.lr, parameters=m.parameters()),
    )

    def fit(train_idx, val_idx):
        split = type(data)(
            Split(pool.images[train_idx], pool.labels[train_idx]),
            Split(pool.images[val_idx], pool.labels[val_idx]),
            data.test,
            data.source,
            data.scale,
        )
        r, model = train_variant("", build, split, epochs, args.batch_size, args.seed, log=None)
        return r["val_acc"], r["val_loss"], evaluate(model, test_loader)["acc"]

    schemes = {
        "holdout": [
            stratified_split(pool.labels, [len(pool) - len(data.val), len(data.val)], args.seed)
        ],
        "kfold": kfold(len(pool), k, args.seed),
        "bootstrap": [bootstrap(len(pool), args.seed + i) for i in range(resamples)],
    }
    results = {}
    for name, splits in schemes.items():
        started = time.time()
        scores = np.array([fit(tr, va) for tr, va in splits])  # [models, 3]
        results[name] = {
            "val_acc": float(scores[:, 0].mean()),
            "val_acc_std": float(scores[:, 0].std()),
            "val_loss": float(scores[:, 1].mean()),
            "test_acc": float(scores[:, 2].mean()),
            "models": len(splits),
            "estimate_minus_test": float(scores[:, 0].mean() - scores[:, 2].mean()),
            "seconds": time.time() - started,
        }
        r = results[name]
        print(
            f"{name:9}: estimate {r['val_acc']:.4f} ± {r['val_acc_std']:.4f} from {r['models']} "
            f"model(s); those models on the test digits {r['test_acc']:.4f}"
        )
    report(
        args.output_dir,
        results,
        ("val_acc", "val_acc_std", "test_acc", "estimate_minus_test", "models", "seconds"),
        quick=args.quick,
    )
    bars = plot_bars(
        {
            n: {"estimate": (r["val_acc"], r["val_acc_std"]), "test": (r["test_acc"], None)}
            for n, r in results.items()
        },
        f"{args.output_dir}/plots/estimates.png",
        "accuracy (fraction correct)",
        "validation estimate vs test accuracy (error bar: std over folds or resamples)",
        xlabel="validation scheme",
    )
    print(f"  {bars}")
    return results


if __name__ == "__main__":
    entry(main)
