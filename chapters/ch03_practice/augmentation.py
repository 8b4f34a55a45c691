"""Data augmentation: which transforms keep a digit a digit, and what they buy with little data.

    python -m chapters.ch03_practice.augmentation

1. The transforms (``paddle_course.data.transforms``: batch operations on the device, seeded by
   a numpy generator) on real digits, in one grid.
2. Label validity: two CNNs, one trained on plain digits and one with random affine moves,
   classify the validation digits after each transform. A drop for the plain CNN alone means it
   was not invariant to that change (shifts, scalings): the augmented one recovers, the label is
   still right. A drop for both means the label itself is gone: a mirrored 2 or 7 is not a 2 or 7
   (the table lists the digits that survive a left-right flip), so flipping is a wrong
   augmentation for digits.
3. With scarce data (300 training digits) the same CNN trains with and without random affine
   moves for the same number of epochs.
"""

import numpy as np
import paddle

from paddle_course.data.transforms import (
    BrightnessContrast,
    Flip,
    GaussianBlur,
    GaussianNoise,
    RandomAffine,
)
from paddle_course.lesson import at_most, count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.models import MNIST
from tools.images import plot_digits

DEFAULTS = dict(
    data="auto",
    epochs=2,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/augmentation",
)
TRANSFORMS = {
    "none": lambda x, rng: x,
    "flip_left_right": Flip(axis=3),
    "flip_up_down": Flip(axis=2),
    "rotate_15": RandomAffine(degrees=15, translate=0, scale=0),
    "shift_scale": RandomAffine(degrees=0, translate=0.1, scale=0.15),
    "brightness_contrast": BrightnessContrast(),
    "blur": GaussianBlur(sigma=1.0),
    "noise": GaussianNoise(std=0.3),
}


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1, scarce_epochs=2))
    p.add_argument(
        "--scarce", type=count(), default=300, help="training digits for part 3 (default 300)"
    )
    p.add_argument(
        "--scarce-epochs",
        type=count(100_000),
        default=30,
        help="epochs of part 3's training on the scarce digits (default 30)",
    )
    args = p.parse_args(argv)
    out = args.output_dir
    data = lesson_data(args)
    at_most("--scarce", args.scarce, len(data.train), "the training split")
    adam = lambda: (m := MNIST(), paddle.optimizer.Adam(args.lr, parameters=m.parameters()))

    first = [int(np.flatnonzero(data.val.labels == d)[0]) for d in range(8)]  # digits 0-7
    sample = paddle.to_tensor(data.val.images[first])
    grid, titles = [], []
    for name, t in TRANSFORMS.items():
        grid += list(t(sample, np.random.default_rng(args.seed)).numpy()[:, 0])
        titles += [name if i == 0 else "" for i in range(8)]
    figure = plot_digits(np.array(grid), titles, f"{out}/plots/transforms.png", cols=8)

    epochs = args.epochs
    models = {
        k: train_variant(f"CNN, {k}", adam, data, epochs, args.batch_size, args.seed, augment=aug)[
            1
        ].eval()
        for k, aug in (("plain", None), ("augmented", RandomAffine()))
    }
    images, labels = paddle.to_tensor(data.val.images), data.val.labels
    results = {}
    print(
        f"{'transform':20} {'plain CNN':>10} {'augmented CNN':>14}"
        "   digits the augmented CNN keeps (>= 80 %)"
    )
    for name, t in TRANSFORMS.items():
        moved = t(images, np.random.default_rng(args.seed))
        r = {}
        for kind, model in models.items():
            with paddle.no_grad():
                logits = model(moved)
                loss = float(paddle.nn.functional.cross_entropy(logits, paddle.to_tensor(labels)))
            pred = logits.numpy().argmax(1)
            suffix = "" if kind == "plain" else "_augmented_model"
            r.update(
                {
                    f"val_acc{suffix}": float((pred == labels).mean()),
                    f"val_loss{suffix}": loss,
                    f"per_digit_acc{suffix}": [
                        float((pred[labels == d] == d).mean()) for d in range(10)
                    ],
                }
            )
        results[name] = r
        kept = [d for d in range(10) if r["per_digit_acc_augmented_model"][d] >= 0.8]
        print(f"{name:20} {r['val_acc']:10.3f} {r['val_acc_augmented_model']:14.3f}   {kept}")

    scarce = type(data)(
        data.train.subset(args.scarce, args.seed), data.val, data.test, data.source, data.scale
    )
    epochs = args.scarce_epochs
    print(f"\n{args.scarce} training digits, {epochs} epochs:")
    for name, augment in (("scarce_plain", None), ("scarce_augmented", RandomAffine())):
        results[name], _ = train_variant(
            name, adam, scarce, epochs, args.batch_size, args.seed, augment=augment
        )
    report(out, results, ("val_acc", "val_acc_augmented_model", "val_loss"), quick=args.quick)
    print(f"  {figure}")
    return results


if __name__ == "__main__":
    entry(main)
