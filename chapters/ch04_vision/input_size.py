"""Do larger input images give higher accuracy? (seed 004: "in general, the larger the input
image, the higher the accuracy"), measured with its cost.

    python -m chapters.ch04_vision.input_size

The same network (``GlobalPoolCNN``: the same 16 k parameters at every size, thanks to global
average pooling) trained on the same real digits at several resolutions: shrunk from 28 px to 7,
14 and 21 px (each pixel the mean of the area it covers), as they are (28), and enlarged to 56 px
(bilinear: four times the pixels, no new information). For each: validation and test accuracy,
multiply-accumulates per image and seconds per epoch.
"""

import numpy as np
import paddle

from paddle_course.cli import entry, lesson_parser
from paddle_course.data import make_loader
from paddle_course.data.transforms import resize
from paddle_course.engine import evaluate
from paddle_course.experiment import lesson_data, report, train_variant
from paddle_course.flops import count_flops
from paddle_course.models import GlobalPoolCNN

DEFAULTS = dict(data=None, epochs=3, batch_size=64, lr=0.002, seed=0, quick=False,
                output_dir="outputs/ch04_vision/input_size")
SIZES = (7, 14, 21, 28, 56)


def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS)
    p.add_argument("--sizes", type=int, nargs="+",
                   help=f"resolutions in pixels (default {' '.join(map(str, SIZES))}; with "
                        f"--quick 7 14 28)")
    args = p.parse_args(argv)
    sizes = args.sizes or ((7, 14, 28) if args.quick else SIZES)
    epochs = 1 if args.quick else args.epochs
    base = lesson_data(args.data, args.seed, args.quick)
    results = {}
    for size in sizes:
        data = base if size == base.train.images.shape[-1] else base.map_images(
            lambda x, size=size: resize(x, size))
        build = lambda: (m := GlobalPoolCNN(), paddle.optimizer.Adam(args.lr,
                                                                      parameters=m.parameters()))
        r, model = train_variant(f"{size} px", build, data, epochs, args.batch_size, args.seed)
        r.update(size=size, mflops=count_flops(model, [1, 1, size, size]) / 1e6,
                 seconds_per_epoch=float(np.mean([h["seconds"] for h in r["history"]])),
                 test_acc=evaluate(model, make_loader(data.test, 500))["acc"])
        results[f"{size} px"] = r
    report(args.output_dir, results, ("size", "mflops", "seconds_per_epoch", "val_acc", "test_acc"),
           title="validation accuracy per epoch, by input size")
    return results


if __name__ == "__main__":
    entry(main)
