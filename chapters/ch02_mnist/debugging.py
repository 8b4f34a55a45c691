"""Training debugging, the course's lesson: look at what the network computes while it learns.

    python -m chapters.ch02_mnist.debugging

1. Accuracy next to the loss, and the validation split evaluated every epoch (the engine's summary
   lines): the loss alone does not say how many digits are right.
2. ``check_shape`` / ``check_content``: every layer's output shape and statistics (mean, std,
   share of exact zeros), by forward hooks rather than print statements in forward. (The CNN's
   ReLU and pooling are function calls, not layers, so hooks see conv1, conv2 and fc.)
3. Vanishing gradients, numerically: per-layer gradient norms of a deep MLP (8 hidden layers) at
   initialisation, with sigmoid and with ReLU. Sigmoid's derivative is at most 1/4, so the
   gradient shrinks layer after layer on its way back to the first ones (FAQ Q17).
4. VisualDL: loss/accuracy/learning-rate scalars (the engine's), weight and gradient histograms of
   every layer each epoch, and a grid of misclassified validation digits.
"""

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import make_loader
from paddle_course.engine import Monitor, Trainer, evaluate
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, loaders
from paddle_course.lesson.results import write_tables
from paddle_course.models import MLP, MNIST
from paddle_course.practice.inspection import gradient_norms, gradients, layer_outputs
from paddle_course.runtime.seed import seed_everything
from tools.images import plot_digits, tile
from tools.vdl import VisualDLLogger

DEFAULTS = dict(
    data="auto",
    epochs=3,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    no_visualdl=False,
    output_dir="outputs/ch02_mnist/debugging",
)


def vanishing_gradients(x, y, seed):
    out = {}
    for activation in ("sigmoid", "relu"):
        seed_everything(seed)
        norms = gradient_norms(MLP((64,) * 8, activation), F.cross_entropy, x, y)
        out[activation] = list(norms.values())
    print("gradient norm per Linear layer at initialisation (input side first):")
    for activation, norms in out.items():
        print(
            f"  {activation:8} "
            + " ".join(f"{n:.1e}" for n in norms)
            + f"   first/last {norms[0] / norms[-1]:.1e}"
        )
    return out


def misclassified(model, split, limit=32):
    model.eval()
    with paddle.no_grad():
        pred = paddle.argmax(model(paddle.to_tensor(split.images)), axis=1).numpy()
    wrong = np.flatnonzero(pred != split.labels)[:limit]
    return (
        split.images[wrong, 0],
        [f"{split.labels[i]} -> {pred[i]}" for i in wrong],
        len(np.flatnonzero(pred != split.labels)),
    )


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    epochs = args.epochs
    out = args.output_dir
    data = lesson_data(args)
    batch = next(iter(make_loader(data.train, args.batch_size, shuffle=True, seed=args.seed)))

    seed_everything(args.seed)
    model = MNIST()
    print("per-layer outputs for one batch (check_shape / check_content):")
    for r in layer_outputs(model, batch[0]):
        print(
            f"  {r['name']:6} {r['type']:8} {str(r['shape']):18} mean {r['mean']:+.4f} "
            f"std {r['std']:.4f} zeros {r['zeros']:.1%}"
        )
    grads = vanishing_gradients(*batch, args.seed)

    logger = VisualDLLogger(f"{out}/vdl", enabled=not args.no_visualdl)

    def histograms(state):
        for name, param in model.named_parameters():
            logger.histogram(f"weights/{name}", param.numpy().ravel(), state.global_step)
        for name, grad in gradients(model, F.cross_entropy, *batch).items():
            logger.histogram(f"grads/{name}", grad.ravel(), state.global_step)

    train_loader, val_loader = loaders(data, args.batch_size, args.seed)
    trainer = Trainer(
        model,
        paddle.optimizer.Adam(args.lr, parameters=model.parameters()),
        monitor=Monitor("val_acc", "max"),
        logger=logger,
        on_epoch_end=histograms,
    )
    state = trainer.fit(train_loader, val_loader, epochs)
    images, titles, n_wrong = misclassified(model, data.val)
    logger.image("val/misclassified", tile(images), state.global_step)
    logger.close()
    val = evaluate(model, make_loader(data.val, 500))
    print(f"{n_wrong} of {len(data.val)} validation digits misclassified (label -> predicted)")
    layers = [f"layer {i + 1}" for i in range(len(grads["sigmoid"]))]
    tables = {
        "gradient norm per Linear layer at initialisation (input side first)": (
            {activation: dict(zip(layers, norms)) for activation, norms in grads.items()},
            layers,
        ),
        "after training": (
            {"validation": {"acc": val["acc"], "loss": val["loss"], "misclassified": n_wrong}},
            ["acc", "loss", "misclassified"],
        ),
    }
    written = [
        *write_tables(
            out,
            tables,
            {
                "history": state.history,
                "val_acc": val["acc"],
                "val_loss": val["loss"],
                "misclassified": n_wrong,
                "gradient_norms_at_init": grads,
            },
            quick=args.quick,
        ),
        plot_digits(images, titles, f"{out}/plots/misclassified.png"),
    ]
    print("wrote:\n" + "\n".join(f"  {w}" for w in written))
    if logger.enabled:
        print(f"  {out}/vdl/   view: visualdl --logdir {out}/vdl --host 127.0.0.1 -L en")
    return {"val_acc": val["acc"], "gradient_norms_at_init": grads}


if __name__ == "__main__":
    entry(main)
