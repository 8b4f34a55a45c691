"""Fine-tuning: pretrain on digits 0-4, then learn digits 5-9 from a few examples.

    python -m chapters.ch03_practice.finetune

The course CNN is pretrained on the digits 0-4 (with its usual 10-way head). The new task, the
digits 5-9, gets only ``--per-class`` training examples of each and a new 5-way head, and is
learned four ways for the same number of epochs:

- ``scratch``: a fresh network;
- ``frozen_backbone``: conv1/conv2 loaded from the pretrained network and frozen
  (``stop_gradient``), only the new head trains;
- ``full_finetune``: everything loaded, everything trains at the same rate;
- ``per_layer_lr``: everything loaded, the backbone trains at a tenth of the head's rate. In
  Paddle a parameter group's ``learning_rate`` is a *multiplier* of the optimizer's rate:
  ``{"params": backbone, "learning_rate": 0.1}`` with ``Adam(1e-3)`` is 1e-4 (measured below).

Loading the pretrained weights into the 5-way model skips the old head (its shape differs); the
skipped keys are printed.
"""

import numpy as np
import paddle

from paddle_course.data import Split
from paddle_course.lesson import at_most, count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MNIST, load_partial
from paddle_course.practice.finetune import freeze, param_groups, trainable

DEFAULTS = dict(
    data="auto",
    epochs=10,
    batch_size=32,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/finetune",
)


def digits(split, keep, offset=0):
    mask = np.isin(split.labels, keep)
    return Split(split.images[mask], split.labels[mask] - offset)


def measured_rates(base=1e-3, multiplier=0.1):
    """One SGD step with the backbone in a group of ``learning_rate=multiplier``: the rate each
    group really got, as (parameter change) / gradient."""
    paddle.seed(0)
    model = MNIST(num_classes=5)
    before = {n: p.numpy().copy() for n, p in model.named_parameters()}
    opt = paddle.optimizer.SGD(base, parameters=param_groups(model, {"conv": multiplier}))
    x, y = paddle.randn([8, 1, 28, 28]), paddle.randint(0, 5, [8])
    paddle.nn.functional.cross_entropy(model(x), y).backward()
    grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    opt.step()
    rate = lambda n: float(
        np.median(
            (before[n] - dict(model.named_parameters())[n].numpy())[grads[n] != 0]
            / grads[n][grads[n] != 0]
        )
    )
    return {"backbone": rate("conv1.weight"), "head": rate("fc.weight")}


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=2, pretrain_epochs=1))
    p.add_argument(
        "--per-class", type=count(), default=20, help="examples of each new digit (default 20)"
    )
    p.add_argument(
        "--pretrain-epochs",
        type=count(100_000),
        default=2,
        help="epochs of pretraining on digits 0-4 (default 2)",
    )
    args = p.parse_args(argv)
    epochs, pre_epochs = args.epochs, args.pretrain_epochs
    data = lesson_data(args)
    old = type(data)(
        digits(data.train, range(5)), digits(data.val, range(5)), data.test, data.source, data.scale
    )
    new_train = digits(data.train, range(5, 10), offset=5)
    at_most(
        "--per-class",
        args.per_class,
        int(np.bincount(new_train.labels, minlength=5).min()),
        "the training split's rarest digit of 5-9",
    )
    new = type(data)(
        new_train.subset(5 * args.per_class, args.seed),
        digits(data.val, range(5, 10), 5),
        data.test,
        data.source,
        data.scale,
    )
    adam = lambda params: paddle.optimizer.Adam(args.lr, parameters=params)

    print(f"pretraining on {len(old.train)} digits 0-4 for {pre_epochs} epochs")
    _, pretrained = train_variant(
        "pretrained 0-4",
        lambda: (m := MNIST(), adam(m.parameters())),
        old,
        pre_epochs,
        64,
        args.seed,
    )
    state = {k: v.numpy() for k, v in pretrained.state_dict().items()}
    report_keys = {}

    def loaded():
        model = MNIST(num_classes=5)
        report_keys["loaded"], report_keys["skipped"] = load_partial(model, state)
        return model

    def frozen():
        model = loaded()
        freeze(model, ["conv1", "conv2"])
        return model, adam(trainable(model))

    def per_layer():
        model = loaded()
        return model, adam(param_groups(model, {"conv": 0.1}))

    variants = {
        "scratch": lambda: (m := MNIST(num_classes=5), adam(m.parameters())),
        "frozen_backbone": frozen,
        "full_finetune": lambda: (m := loaded(), adam(m.parameters())),
        "per_layer_lr": per_layer,
    }
    print(f"\ndigits 5-9 from {len(new.train)} examples ({args.per_class} each), {epochs} epochs:")
    results = {}
    for name, build in variants.items():
        results[name], model = train_variant(name, build, new, epochs, args.batch_size, args.seed)
        if name == "frozen_backbone":
            results[name]["backbone_changed_by"] = max(
                float(np.abs(model.state_dict()[k].numpy() - state[k]).max())
                for k in ("conv1.weight", "conv2.weight")
            )
    print(f"loaded {report_keys['loaded']}; skipped {report_keys['skipped']}")
    rates = measured_rates()
    print(
        f"parameter group learning_rate=0.1 with SGD(1e-3): the backbone moved at "
        f"{rates['backbone']:.3g}, the head at {rates['head']:.3g} (a multiplier, not a rate)"
    )
    print(
        "frozen backbone moved by "
        f"{results['frozen_backbone']['backbone_changed_by']} during training"
    )
    report(
        args.output_dir,
        results,
        ("val_acc", "val_loss", "train_acc"),
        extra={
            "checkpoint_keys": report_keys,
            "new_task_examples": len(new.train),
            "group_rates_measured": rates,
        },
        quick=args.quick,
    )
    return results


if __name__ == "__main__":
    entry(main)
