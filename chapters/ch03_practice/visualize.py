"""Looking at what the CNN learned: first-layer kernels and each conv layer's feature maps.

    python -m chapters.ch03_practice.visualize [--checkpoint outputs/ch02_mnist/train]

The 20 kernels of conv1 (5 x 5 each) after training look like small stroke and edge detectors;
the feature maps (after ReLU) of conv1 (20 x 28 x 28) and conv2 (20 x 14 x 14) show which parts of
a digit each kernel responds to. The same grids go to VisualDL's image view.

Look at the frame around many conv1 maps: ``padding=2`` pads with zeros, which on the [-1, 1]
pixel scale is mid-grey, not background (-1), so the first layer sees an edge all around the
image. Padding with the background value, or pixels on [0, 1], would remove it.
"""

import numpy as np
import paddle

from paddle_course.errors import ConfigError
from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, trained_cnn
from paddle_course.lesson.results import write_tables
from paddle_course.practice.inspection import capture
from tools.images import plot_digits, tile
from tools.vdl import VisualDLLogger

DEFAULTS = dict(
    data="auto",
    epochs=2,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    no_visualdl=False,
    output_dir="outputs/ch03_practice/visualize",
)


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1))
    p.add_argument(
        "--checkpoint",
        metavar="PATH",
        help="the course CNN to look into: a .pdparams, or a run of the main job (its "
        "best checkpoint); default: train one briefly",
    )
    p.add_argument(
        "--index", type=count(low=0), default=0, help="which validation digit to show (default 0)"
    )
    args = p.parse_args(argv)
    out = args.output_dir
    data = lesson_data(args)
    if args.index >= len(data.val):
        raise ConfigError(
            f"--index {args.index}: there are {len(data.val)} validation digits; "
            f"give 0 to {len(data.val) - 1}"
        )
    model = trained_cnn(args, data)  # --checkpoint's weights, or trained now

    kernels = model.conv1.weight.numpy()[:, 0]  # [20, 5, 5]
    digit = data.val.images[args.index : args.index + 1]  # [1, 1, 28, 28]
    maps = {k: np.maximum(v[0], 0) for k, v in capture(model, paddle.to_tensor(digit)).items()}
    written = [
        plot_digits(
            kernels,
            [f"k{i}" for i in range(len(kernels))],
            f"{out}/plots/conv1_kernels.png",
            cols=10,
        ),
        plot_digits(
            digit[:, 0], [f"label {data.val.labels[args.index]}"], f"{out}/plots/digit.png", cols=1
        ),
    ]
    for name, m in maps.items():
        written.append(
            plot_digits(
                m,
                [f"{name}[{i}]" for i in range(len(m))],
                f"{out}/plots/{name}_feature_maps.png",
                cols=10,
            )
        )
        print(
            f"{name}: {m.shape[0]} feature maps of {m.shape[1]} x {m.shape[2]}; share of zeros "
            f"after ReLU {np.mean(m == 0):.0%}"
        )
    logger = VisualDLLogger(f"{out}/vdl", enabled=not args.no_visualdl)
    logger.image("conv1/kernels", tile(kernels, cols=10), 0)
    logger.image("input/digit", tile(digit[:, 0], cols=1), 0)
    for name, m in maps.items():
        logger.image(f"{name}/feature_maps", tile(m, cols=10), 0)
    logger.close()
    results = {
        "kernels": list(kernels.shape),
        "feature_maps": {k: list(v.shape) for k, v in maps.items()},
        "zero_share": {k: float(np.mean(v == 0)) for k, v in maps.items()},
    }
    written += write_tables(
        out,
        {
            "what conv1 and conv2 compute on one digit": (
                {
                    name: {
                        "maps": m.shape[0],
                        "size": f"{m.shape[1]} x {m.shape[2]}",
                        "share of zeros after ReLU": float(np.mean(m == 0)),
                    }
                    for name, m in maps.items()
                },
                ["maps", "size", "share of zeros after ReLU"],
            )
        },
        results,
        quick=args.quick,
    )
    print("wrote:\n" + "\n".join(f"  {w}" for w in written))
    if logger.enabled:
        print(f"  {out}/vdl/   view: visualdl --logdir {out}/vdl --host 127.0.0.1 -L en")
    return results


if __name__ == "__main__":
    entry(main)
