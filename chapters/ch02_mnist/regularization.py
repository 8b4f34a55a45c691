"""Regularisation against overfitting: L2, L1, Dropout and early stopping, measured.

    python -m chapters.ch02_mnist.regularization

The setup overfits on purpose: 500 training digits and a wide MLP (784-512-512-10, ReLU, 400k
parameters) trained well past the point where it has memorised them; the train/validation gap
shows it. Then, one at a time, on the same data and seed:

- ``l2``: ``weight_decay=paddle.regularizer.L2Decay(coeff)``, adding coeff * w to each gradient
  (with Adam this is the classic coupled L2, not AdamW's decoupled decay);
- ``l1``: ``L1Decay(coeff)``, adding coeff * sign(w): it pushes weights to exactly zero, so the
  share of near-zero weights (|w| < 1e-3) grows;
- ``dropout_upscale`` / ``dropout_downscale``: ``nn.Dropout(0.5)`` in Paddle's two modes.
  'upscale_in_train' (the default, PyTorch's) scales kept activations by 1/(1-p) while training
  and does nothing in eval; 'downscale_in_infer' keeps them as they are while training and
  multiplies by (1-p) in eval. Same expected activation, different place for the scaling;
- ``early_stopping``: stop when validation loss has not improved for ``--patience`` epochs.
"""

import numpy as np
import paddle

from paddle_course.engine import Monitor
from paddle_course.lesson import count, entry, lesson, lesson_parser, positive
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MLP
from paddle_course.runtime.seed import seed_everything

DEFAULTS = dict(
    data="auto",
    train_size=500,
    epochs=60,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/regularization",
)


def near_zero_share(model, tol=1e-3):
    w = np.concatenate([p.numpy().ravel() for n, p in model.named_parameters() if "weight" in n])
    return float(np.mean(np.abs(w) < tol))


def dropout_behaviour(seed):
    """A Dropout(0.5) layer on a vector of ones, in train and eval mode, for both modes; its
    masks drawn after ``seed_everything(seed)``, so the same seed repeats them."""
    seed_everything(seed)
    out = {}
    for mode in ("upscale_in_train", "downscale_in_infer"):
        layer = paddle.nn.Dropout(0.5, mode=mode)
        # 2-D: Paddle's downscale_in_infer eval kernel rejects 1-D input
        ones = paddle.ones([100, 100])
        layer.train()
        t = layer(ones).numpy()
        layer.eval()
        e = layer(ones).numpy()
        out[mode] = {
            "train_values": np.unique(np.round(t, 4)).tolist(),
            "train_mean": float(t.mean()),
            "eval_values": np.unique(np.round(e, 4)).tolist(),
        }
        print(
            f"Dropout(0.5, mode='{mode}'): train mode gives {out[mode]['train_values']} "
            f"(mean {t.mean():.3f}), eval mode gives {out[mode]['eval_values']}"
        )
    return out


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=5))
    p.add_argument(
        "--l2", type=positive(10.0), default=1e-3, help="L2Decay coefficient (default 1e-3)"
    )
    p.add_argument(
        "--l1", type=positive(10.0), default=1e-4, help="L1Decay coefficient (default 1e-4)"
    )
    p.add_argument(
        "--patience",
        type=count(1000),
        default=5,
        help="early-stopping patience in epochs (default 5)",
    )
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)  # --train-size digits: few enough to overfit
    extra = {"dropout_behaviour": dropout_behaviour(args.seed)}

    def build(decay=None, **mlp):
        def make():
            model = MLP((512, 512), "relu", **mlp)
            return model, paddle.optimizer.Adam(
                args.lr, parameters=model.parameters(), weight_decay=decay
            )

        return make

    variants = {
        "none": (build(), {}),
        "l2": (build(paddle.regularizer.L2Decay(args.l2)), {}),
        "l1": (build(paddle.regularizer.L1Decay(args.l1)), {}),
        "dropout_upscale": (build(dropout=0.5, dropout_mode="upscale_in_train"), {}),
        "dropout_downscale": (build(dropout=0.5, dropout_mode="downscale_in_infer"), {}),
        "early_stopping": (
            build(),
            {"monitor": Monitor("val_loss", "min", patience=args.patience)},
        ),
    }
    print(
        f"MLP 784-512-512-10 on {len(data.train)} digits, Adam lr {args.lr}, up to {epochs} epochs:"
    )
    results = {}
    for name, (make, kw) in variants.items():
        results[name], model = train_variant(
            name, make, data, epochs, args.batch_size, args.seed, **kw
        )
        results[name]["gap"] = results[name]["train_acc"] - results[name]["val_acc"]
        results[name]["near_zero_weights"] = near_zero_share(model)
    es = results["early_stopping"]
    print(
        f"early stopping ran {es['epochs']} of {epochs} epochs; the run without it ended at "
        f"val_loss {results['none']['val_loss']:.4f}, early stopping at {es['val_loss']:.4f}"
    )
    print(
        f"near-zero weights (|w| < 1e-3): none {results['none']['near_zero_weights']:.1%}, "
        f"l1 {results['l1']['near_zero_weights']:.1%}"
    )
    report(
        args.output_dir,
        results,
        ("train_acc", "val_acc", "gap", "val_loss", "near_zero_weights", "epochs"),
        extra=extra,
        quick=args.quick,
        notes=[l2_note(results, args.l2)],
    )
    return results


def l2_note(results, coeff):
    """What L2 did when the accuracy gap does not show it."""
    none, l2 = results["none"], results["l2"]
    if l2["gap"] < none["gap"]:
        return None
    lower = l2["val_loss"] < none["val_loss"]
    return (
        f"L2 at {coeff:g} left the train-validation accuracy gap at {l2['gap']:.3f} "
        f"(without it {none['gap']:.3f}; training accuracy {l2['train_acc']:.3f} and "
        f"{none['train_acc']:.3f})"
        + (
            f", but lowered the validation loss from {none['val_loss']:.3f} to "
            f"{l2['val_loss']:.3f}: smaller weights make less confident predictions, which "
            "accuracy alone does not show."
            if lower
            else ": at this coefficient, with Adam (which rescales the added coeff x w with every "
            "other gradient), the decay is too weak to matter here."
        )
    )


if __name__ == "__main__":
    entry(main)
