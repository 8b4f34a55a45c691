"""Network design: the course's networks for digits, their shapes, sizes and accuracy.

    python -m chapters.ch02_mnist.MNIST_network
    from chapters.ch02_mnist.MNIST_network import MNIST   # the course's CNN, named as the course

Five networks on the same data, optimizer and budget: a linear model (softmax regression); the
course's MLP 784-10-10-10 with sigmoid; the same with ReLU; the same **without activations**, which
collapses to a single linear map and so can do no better than the linear model (FAQ Q7); and the
CNN. For each: parameter count, every layer's output shape (the course's ``check_shape``, here by
forward hooks), and validation accuracy after a short training. Then FAQ Q14/Q15 in numbers: a
fully connected layer producing what ``conv1`` produces would need over 23,000 times its
parameters.
"""

import paddle

from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, ranking_note, report, train_variant
from paddle_course.models import MLP, MNIST, LinearNet
from paddle_course.practice.inspection import count_parameters, layer_outputs

__all__ = ["MNIST"]

DEFAULTS = dict(
    data="auto",
    epochs=5,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/MNIST_network",
)
NETWORKS = {
    "linear": LinearNet,
    "mlp_sigmoid": lambda: MLP((10, 10), "sigmoid"),
    "mlp_relu": lambda: MLP((10, 10), "relu"),
    "mlp_no_activation": lambda: MLP((10, 10), None),
    "cnn": MNIST,
}


def check_shape(name, model):
    print(f"{name}: {count_parameters(model)} parameters")
    for r in layer_outputs(model, paddle.zeros([1, 1, 28, 28])):
        print(f"  {r['name']:14} {r['type']:10} -> {str(r['shape']):18} {r['params']:>6} params")


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)

    for name, build in NETWORKS.items():
        check_shape(name, build())
    results = {}
    print(
        f"\ntraining each for {epochs} epochs: Adam lr {args.lr}, batch {args.batch_size}, "
        f"{len(data.train)} digits"
    )
    for name, build in NETWORKS.items():

        def variant(build=build):
            model = build()
            return model, paddle.optimizer.Adam(args.lr, parameters=model.parameters())

        results[name], model = train_variant(
            name, variant, data, epochs, args.batch_size, args.seed
        )
        results[name]["params"] = count_parameters(model)

    conv1 = MNIST().conv1
    conv_params = count_parameters(conv1)
    fc_params = 28 * 28 * (20 * 28 * 28) + 20 * 28 * 28  # [784] -> [20 x 28 x 28] fully connected
    print(
        f"\nconv1 maps [1, 28, 28] to [20, 28, 28] with {conv_params} parameters (20 kernels of "
        f"5 x 5, shared over all positions); a fully connected layer with the same output needs "
        f"{fc_params:,} ({fc_params // conv_params:,} times as many), and forgets which pixels are "
        f"neighbours."
    )
    report(
        args.output_dir,
        results,
        ("params", "val_acc", "val_loss", "train_acc", "seconds"),
        extra={"fc_vs_conv": {"conv1_params": conv_params, "equivalent_fc_params": fc_params}},
        quick=args.quick,
        notes=[
            ranking_note(
                results,
                "mlp_relu",
                "linear",
                "the course's point is that activations make a deeper net more than a linear model",
            )
        ],
    )
    return results


if __name__ == "__main__":
    entry(main)
