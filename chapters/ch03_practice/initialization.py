"""Initialisation: Xavier vs Kaiming for sigmoid, tanh and ReLU deep networks, measured.

    python -m chapters.ch03_practice.initialization

A deep MLP (6 hidden layers of 256) with each activation, its Linear weights drawn by
``XavierNormal`` (std sqrt(2 / (fan_in + fan_out)), derived for activations linear around 0, like
tanh) or ``KaimingNormal`` (std sqrt(2 / fan_in), derived for ReLU, which zeroes half its inputs).
At initialisation, on one batch: the std of each hidden layer's output (does the signal keep its
scale through the depth?) and the norm of each Linear layer's weight gradient (does the gradient
reach the first layers?). Sigmoid's derivative is at most 1/4, so every sigmoid layer multiplies
the gradient by at most 1/4 on its way back (FAQ Q17). Then each network trains for the same
budget (SGD with momentum) and its validation accuracy shows what the statistics predicted.
"""

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle.nn import initializer as I

from paddle_course.data import make_loader
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MLP
from paddle_course.practice.inspection import gradient_norms, layer_outputs
from paddle_course.runtime.seed import seed_everything

DEFAULTS = dict(
    data="auto",
    epochs=5,
    batch_size=64,
    lr=0.01,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/initialization",
)
DEPTH, WIDTH = 6, 256


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    x, y = next(iter(make_loader(data.train, 256, shuffle=True, seed=args.seed)))  # all classes
    grid = np.linspace(-6, 6, 1201)
    sig_max = float(
        np.max(
            F.sigmoid(paddle.to_tensor(grid)).numpy()
            * (1 - F.sigmoid(paddle.to_tensor(grid)).numpy())
        )
    )
    print(f"largest derivative of sigmoid on [-6, 6]: {sig_max:.4f} (at 0; bound 1/4)")

    results = {}
    for activation in ("sigmoid", "tanh", "relu"):
        for init in ("XavierNormal", "KaimingNormal"):
            name = f"{activation}_{init}"
            build_model = lambda a=activation, i=init: MLP(
                (WIDTH,) * DEPTH, a, weight_init=getattr(I, i)()
            )
            seed_everything(args.seed)
            model = build_model()
            acts = [r["std"] for r in layer_outputs(model, x) if r["type"] != "Linear"]
            grads = list(gradient_norms(model, F.cross_entropy, x, y).values())
            results[name], _ = train_variant(
                name,
                lambda build_model=build_model: (
                    m := build_model(),
                    paddle.optimizer.Momentum(args.lr, momentum=0.9, parameters=m.parameters()),
                ),
                data,
                epochs,
                args.batch_size,
                args.seed,
            )
            results[name].update(
                first_activation_std=acts[0],
                last_activation_std=acts[-1],
                first_over_last_gradient=grads[0] / grads[-1],
                activation_std_by_layer=acts,
                gradient_norm_by_layer=grads,
            )
    print(
        "\nat initialisation (hidden-layer output std first -> last; weight-gradient norm, "
        "first layer / last layer):"
    )
    for name, r in results.items():
        print(
            f"  {name:22} std {r['first_activation_std']:.3f} -> {r['last_activation_std']:.3f}   "
            f"gradient first/last {r['first_over_last_gradient']:.2g}"
        )
    report(
        args.output_dir,
        results,
        (
            "val_acc",
            "val_loss",
            "first_activation_std",
            "last_activation_std",
            "first_over_last_gradient",
        ),
        extra={"sigmoid_derivative_max": sig_max},
        quick=args.quick,
    )
    return results


if __name__ == "__main__":
    entry(main)
