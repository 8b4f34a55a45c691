"""Parameter initialisation with ``paddle.ParamAttr``, checked against the formulas.

    python -m chapters.ch02_mnist.initializers

1. ``named_parameters()`` and ``state_dict().keys()`` of the CNN, as the course prints them.
2. Seven initializers, each given to the CNN's weights with
   ``weight_attr=ParamAttr(initializer=..)``:
   the measured std of a large layer next to the formula's (Xavier: sqrt(2 / (fan_in + fan_out)),
   Kaiming: sqrt(2 / fan_in), ...), then a short training of the CNN from each.
3. ``Constant``: every filter starts equal, gets the same gradient and stays equal (symmetry); the
   number of distinct conv1 filters after training says it.
4. Two traps: ``set_global_initializer`` changes every layer created afterwards (so it is reset
   here), and ``XavierUniform(param)`` does nothing to ``param``: the initializer must be
   *called* on it, ``XavierUniform()(param)``.
5. Starting from a trained checkpoint: the CNN trained on digits, loaded into a CNN with another
   head (even vs odd, 2 outputs) with the mismatched keys reported, against the same model from
   scratch.
"""

import numpy as np
import paddle
from paddle.nn import initializer as I

from paddle_course.data import Split
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MNIST, load_partial
from paddle_course.practice.initializers import expected_std

DEFAULTS = dict(
    data="auto",
    train_size=20_000,  # of the 50,000: the budget of a lesson that trains many variants
    epochs=2,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/initializers",
)
INITIALIZERS = {
    "Constant": (lambda: I.Constant(0.01), {}),
    "Normal": (lambda: I.Normal(0.0, 0.02), dict(std=0.02)),
    "Uniform": (lambda: I.Uniform(-0.05, 0.05), dict(low=-0.05, high=0.05)),
    "XavierNormal": (I.XavierNormal, {}),
    "XavierUniform": (I.XavierUniform, {}),
    "KaimingNormal": (I.KaimingNormal, {}),
    "KaimingUniform": (I.KaimingUniform, {}),
}


def distinct_filters(weight, rel_tol=1e-2):
    """How many different filters a conv weight [out, in, k, k] holds: filters within ``rel_tol``
    x the largest |weight| of one already counted are the same one. Not bit equality: MKL's AVX2
    GEMM computes the last output rows in another kernel than the first ones, so two of twenty
    identically started filters drift 0.2-0.3 % (of the largest weight) away from the other 18
    in a few steps and stay there; differently started ones differ by their whole size."""
    kept = []
    filters = weight.numpy().reshape(weight.shape[0], -1)
    tol = rel_tol * np.abs(filters).max()
    for f in filters:
        if all(np.abs(f - k).max() > tol for k in kept):
            kept.append(f)
    return len(kept)


@lesson
def main(argv=None):
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        quick=dict(epochs=1, task_epochs=1),
        settings=dict(task_epochs=5),  # epochs on the parity task, fine-tuned from the digits
    )
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    adam = lambda m: paddle.optimizer.Adam(args.lr, parameters=m.parameters())

    model = MNIST()
    print("named_parameters():")
    for name, param in model.named_parameters():
        print(f"  {name:14} {param.name:16} {list(param.shape)}")
    print(f"state_dict().keys(): {list(model.state_dict().keys())}")

    # first the whole table of standard deviations, then the training runs (one line each)
    stds = {}
    print(f"\n{'initializer':15} {'measured std':>12} {'formula':>9}   (Linear(784, 512) weight)")
    for name, (make, kw) in INITIALIZERS.items():
        paddle.seed(args.seed)
        big = paddle.nn.Linear(784, 512, weight_attr=paddle.ParamAttr(initializer=make()))
        w = big.weight.numpy()
        stds[name] = dict(
            measured_std=float(w.std()), expected_std=expected_std(name, w.shape, **kw)
        )
        print(f"{name:15} {stds[name]['measured_std']:12.5f} {stds[name]['expected_std']:9.5f}")
    print(f"\nthe course's CNN with each initializer, {epochs} epoch(s):")
    results = {}
    for name, (make, _) in INITIALIZERS.items():
        results[name], trained = train_variant(
            f"CNN, {name}",
            lambda make=make: (m := MNIST(weight_init=make()), adam(m)),
            data,
            epochs,
            args.batch_size,
            args.seed,
        )
        results[name].update(
            **stds[name], distinct_conv1_filters=distinct_filters(trained.conv1.weight)
        )
    print(
        f"distinct conv1 filters after training: Constant "
        f"{results['Constant']['distinct_conv1_filters']} of 20, XavierNormal "
        f"{results['XavierNormal']['distinct_conv1_filters']} of 20"
    )

    # the two traps
    try:
        I.set_global_initializer(I.Constant(0.5), I.Constant(0.0))
        globally = float(paddle.nn.Linear(3, 3).weight.numpy().mean())
    finally:
        I.set_global_initializer(None)  # never leak into whatever comes next
    layer = paddle.nn.Linear(784, 512, weight_attr=paddle.ParamAttr(initializer=I.Constant(0.0)))
    I.XavierUniform(layer.weight)  # a constructor call: fan_in=layer.weight, no effect
    after_constructor = float(layer.weight.numpy().std())
    I.XavierUniform()(layer.weight)  # the call that initialises
    after_call = float(layer.weight.numpy().std())
    print(
        f"set_global_initializer(Constant(0.5)): a new Linear's weights are all "
        f"{globally:.2f} (reset afterwards); XavierUniform(param) leaves std "
        f"{after_constructor:.4f}, XavierUniform()(param) gives {after_call:.4f}"
    )

    # from a trained checkpoint vs from scratch, on a new task with a new head
    parity = lambda s: Split(s.images, s.labels % 2)
    task = type(data)(
        parity(data.train), parity(data.val), parity(data.test), data.source, data.scale
    )
    small = type(data)(
        task.train.subset(min(200, len(task.train)), args.seed),
        task.val,
        task.test,
        data.source,
        data.scale,
    )
    task_epochs = args.task_epochs
    _, digits_cnn = train_variant(
        "CNN on digits",
        lambda: (m := MNIST(), adam(m)),
        data,
        epochs,
        args.batch_size,
        args.seed,
        log=None,
    )
    state = digits_cnn.state_dict()
    skipped_report = {}

    def from_checkpoint():
        m = MNIST(num_classes=2)
        loaded, skipped = load_partial(m, state)
        skipped_report.update(loaded=loaded, skipped=skipped)
        return m, adam(m)

    print(f"\neven vs odd from {len(small.train)} digits, {task_epochs} epochs:")
    results["parity_from_checkpoint"], _ = train_variant(
        "from the digits CNN", from_checkpoint, small, task_epochs, args.batch_size, args.seed
    )
    results["parity_from_scratch"], _ = train_variant(
        "from scratch",
        lambda: (m := MNIST(num_classes=2), adam(m)),
        small,
        task_epochs,
        args.batch_size,
        args.seed,
    )
    print(f"  loaded {skipped_report['loaded']}; skipped {skipped_report['skipped']}")
    report(
        args.output_dir,
        results,
        ("val_acc", "val_loss", "measured_std", "expected_std", "distinct_conv1_filters"),
        extra={
            "traps": {
                "global_initializer_weight": globally,
                "std_after_constructor_call": after_constructor,
                "std_after_initializer_call": after_call,
            },
            "checkpoint_keys": skipped_report,
        },
        quick=args.quick,
    )
    return results


if __name__ == "__main__":
    entry(main)
