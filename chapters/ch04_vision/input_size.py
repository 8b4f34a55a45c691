"""Do larger input images give higher accuracy? (seed 004: "in general, the larger the input
image, the higher the accuracy"), measured, with its cost.

    python -m chapters.ch04_vision.input_size
    python -m chapters.ch04_vision.input_size --train-size 10000    # a fifth of the photos

"Larger" mixes two things, measured apart with the course CNN on the same real images: the
50,000 Fashion-MNIST training photos (a data pack; 10,000 validation and 10,000 test photos) for
3 epochs; without the data pack, the 5,000 embedded digits, said in one line.

1. **Detail.** Each image is reduced to s px (each pixel the mean of the area it covers) and
   enlarged back to 28 px (bilinear), for s = 7, 10, 14, 21, 28: the network and its cost are
   the same, only the detail in the image changes.
2. **Pixels.** The images given natively at 14, 28 and 56 px (56: bilinear, four times the
   pixels of 28 and no more detail) to the same CNN, whose last Linear layer grows with the
   image (20 x (s/4)^2 inputs): accuracy, multiply-accumulates per image, seconds per epoch.
   At 28 px both parts train the same network on the same images: that run is made once.
"""

import paddle

from paddle_course.data.transforms import resize
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import (
    lesson_data,
    measure,
    plot_curves,
    print_table,
    train_variant,
)
from paddle_course.lesson.results import explain, write_tables
from paddle_course.models import MNIST

DEFAULTS = dict(
    data="fashion-auto",
    train_size=None,  # all 50,000: seven runs (one at 4 x the pixels) in about 11 minutes
    epochs=3,
    batch_size=64,
    lr=0.002,
    seed=0,
    quick=False,
    output_dir="outputs/ch04_vision/input_size",
)
# the sizes (px) the images are shrunk to and blown back up from (detail), and drawn at (pixels)
SETTINGS = dict(detail=(7, 10, 14, 21, 28), pixels=(14, 28, 56))
QUICK = dict(epochs=1, detail=(7, 28), pixels=(14, 28))


def train_at(name, data, size, args, epochs):
    """The course CNN for ``size`` px inputs, trained through the engine and measured."""
    build = lambda: (
        m := MNIST(image_size=size),
        paddle.optimizer.Adam(args.lr, parameters=m.parameters()),
    )
    r, model = train_variant(name, build, data, epochs, args.batch_size, args.seed)
    return dict(r, size=size, **measure(model, r, data, [1, 1, size, size]))


def pixels_note(by_pixels, native):
    """Why more pixels did not help, when they did not: they carried no more detail."""
    native_row = by_pixels.get(f"{native} px")
    largest = max(by_pixels.values(), key=lambda r: r["size"])
    if (
        native_row is None
        or largest["size"] <= native
        or largest["val_acc"] > native_row["val_acc"]
    ):
        return None
    return (
        f"{largest['size']} px is no better than {native} px (val_acc {largest['val_acc']:.3f} "
        f"vs {native_row['val_acc']:.3f}) at {largest['mflops'] / native_row['mflops']:.1f}x "
        f"the multiply-accumulates: the images were enlarged from {native} px, which adds "
        f"pixels but no detail; the course's 'larger is better' is about images that carry "
        f"more detail when larger (the first table)."
    )


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    args = p.parse_args(argv)
    epochs = args.epochs
    base = lesson_data(args)
    native = base.train.images.shape[-1]
    detail, pixels = args.detail, args.pixels

    by_detail = {}
    for s in detail:
        data = base if s == native else base.map_images(lambda x, s=s: resize(resize(x, s), native))
        by_detail[f"{s} px of detail"] = dict(
            train_at(f"{s} px -> {native} px", data, native, args, epochs), detail=s
        )
    by_pixels = {}
    for s in pixels:
        if s == native and native in detail:  # the same data, net and seed: trained once
            run = by_detail[f"{native} px of detail"]
            by_pixels[f"{s} px"] = {k: v for k, v in run.items() if k != "detail"}
            continue
        data = base if s == native else base.map_images(lambda x, s=s: resize(x, s))
        by_pixels[f"{s} px"] = train_at(f"{s} px", data, s, args, epochs)

    # two experiments, one folder: one results.json (what marks the run finished), two tables
    out = args.output_dir
    detail_columns = print_table(by_detail, ("detail", "val_acc", "test_acc", "mflops"))
    pixel_columns = print_table(
        by_pixels, ("size", "params", "mflops", "seconds_per_epoch", "val_acc", "test_acc")
    )
    notes = explain([pixels_note(by_pixels, native)])  # under the tables it explains
    written = [
        *write_tables(
            out,
            {
                f"detail of s px, shown at {native} px": (by_detail, detail_columns),
                "the same CNN at other input sizes": (by_pixels, pixel_columns),
            },
            {"detail": by_detail, "pixels": by_pixels},
            quick=args.quick,
            notes=notes,
        ),
        plot_curves(
            by_detail,
            f"{out}/plots/detail.png",
            f"validation accuracy: detail of s px, shown at {native} px",
        ),
        plot_curves(
            by_pixels,
            f"{out}/plots/pixels.png",
            "validation accuracy: the same CNN at other input sizes",
        ),
    ]
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return {"detail": by_detail, "pixels": by_pixels}


if __name__ == "__main__":
    entry(main)
