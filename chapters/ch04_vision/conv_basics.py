"""Convolution, pooling and batch normalisation from first principles, each checked against Paddle.

    python -m chapters.ch04_vision.conv_basics

1. Filters on real photos (scikit-image's ``camera`` and ``retina.jpg``, a fundus photograph):
   a 5x5 mean filter, the course's 3x3 edge detector ([-1]*8 around 8) and its black-and-white
   boundary detector ([1, 0, -1]), each computed by hand in numpy and by ``nn.Conv2D`` with the
   same weights set through ``ParamAttr(initializer=Assign(...))``: the outputs are equal.
2. Pooling and small shifts (FAQ Q16): real digits shifted by 1, 2 and 3 pixels; how much the
   maps of a trained conv layer change, before and after 2x2 max-pooling.
3. Batch normalisation by hand (``numpy_nn.BatchNorm``) against ``BatchNorm1D``/``BatchNorm2D``:
   training mode (batch statistics, running averages with momentum 0.9 as the weight of the old
   value), evaluation mode (running statistics): equal; and what each mode makes of a sample
   placed in two different batches.
"""

import numpy as np
import paddle
import paddle.nn as nn

from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, train_variant
from paddle_course.lesson.results import write_tables
from paddle_course.models import MNIST
from paddle_course.numpy_nn import BatchNorm, conv2d, max_pool2d
from paddle_course.vision.photos import photo
from tools.images import plot_images
from tools.plot import plot_bars, plot_comparison

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch04_vision/conv_basics")
# every pixel of the two photos (camera, retina) or every few; the digits a shift moves; BN's steps
SETTINGS = dict(photo_strides=(1, 1), shifted_digits=500, bn_steps=20)
QUICK = dict(photo_strides=(4, 8), shifted_digits=100, bn_steps=5)

KERNELS = {
    "mean_5x5": np.full((5, 5), 1 / 25),
    "edges_3x3": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float64),
    "boundary_1x3": np.array([[1, 0, -1]], dtype=np.float64),
}


def paddle_conv(image, kernel):
    """``nn.Conv2D`` whose weight is ``kernel`` (repeated over the image's channels, summed as the
    course's colour edge detector does), set by ``ParamAttr(initializer=Assign(...))``; 'same'
    padding for odd kernels. ``image`` [C, H, W] -> [H, W]."""
    c = image.shape[0]
    weight = np.repeat(kernel[None, None], c, axis=1).astype(np.float32)  # [1, C, kh, kw]
    conv = nn.Conv2D(
        c,
        1,
        kernel.shape,
        padding=(kernel.shape[0] // 2, kernel.shape[1] // 2),
        weight_attr=paddle.ParamAttr(initializer=nn.initializer.Assign(weight)),
        bias_attr=False,
    )
    with paddle.no_grad():
        return conv(paddle.to_tensor(image[None].astype(np.float32))).numpy()[0, 0]


def by_hand(image, kernel):
    weight = np.repeat(kernel[None, None], image.shape[0], axis=1)
    return conv2d(image[None], weight, padding=(kernel.shape[0] // 2, kernel.shape[1] // 2))[0, 0]


def filters(strides, out):
    """Each kernel by hand and by Conv2D on real photos: the largest difference, and a figure."""
    camera = photo("camera").astype(np.float64)[None]  # [1, 512, 512]
    retina = photo("retina").astype(np.float64).transpose(2, 0, 1)  # [3, H, W]
    (a, b) = strides
    camera, retina = camera[:, ::a, ::a], retina[:, ::b, ::b]
    black_white = (camera > camera.mean()) * 255.0  # the course's 0/255
    cases = {
        "camera mean_5x5": (camera, "mean_5x5"),
        "camera edges_3x3": (camera, "edges_3x3"),
        "camera black/white boundary_1x3": (black_white, "boundary_1x3"),
        "retina (RGB) edges_3x3": (retina, "edges_3x3"),
        "retina (RGB) mean_5x5": (retina, "mean_5x5"),
    }
    rows, panels = (
        {},
        {
            "camera": camera[0],
            "camera black/white": black_white[0],
            "retina": retina.transpose(1, 2, 0) / 255,
        },
    )
    for name, (image, kernel) in cases.items():
        ours, theirs = by_hand(image, KERNELS[kernel]), paddle_conv(image, KERNELS[kernel])
        scale = np.abs(ours).max()
        rows[name] = {
            "max_abs_diff": float(np.abs(ours - theirs).max()),
            "output_scale": scale,
            "shape": list(ours.shape),
        }
        print(
            f"{name:>34}: numpy vs Conv2D max |diff| {rows[name]['max_abs_diff']:.2e} "
            f"(outputs up to {scale:.0f}; float32 rounding)"
        )
        panels[name] = np.abs(theirs) if kernel != "mean_5x5" else theirs
    return rows, plot_images(panels, f"{out}/plots/filters.png", cols=4)


def shift_right(x, pixels, background=-1.0):
    """Digits ``[N, 1, 28, 28]`` moved ``pixels`` to the right, the left edge filled with
    background."""
    moved = np.full_like(x, background)
    moved[..., pixels:] = x[..., :-pixels]
    return moved


def pooling(data, digits, seed, out):
    """How much a trained conv layer's maps change when digits move, with and without pooling."""
    _, model = train_variant(
        "CNN for its conv1",
        lambda: (m := MNIST(), paddle.optimizer.Adam(1e-3, parameters=m.parameters())),
        data,
        1,
        64,
        seed,
    )
    x = data.val.images[:digits]
    conv = lambda v: np.maximum(model.conv1(paddle.to_tensor(v)).numpy(), 0)  # conv1 + ReLU
    base = conv(x)
    maps = {
        "conv": lambda a: a,
        "conv + maxpool 2x2": lambda a: max_pool2d(a, 2),
        "conv + maxpool 4x4": lambda a: max_pool2d(a, 4),
    }
    rows = {}
    for s in (1, 2, 3):
        moved = conv(shift_right(x, s))
        for name, f in maps.items():
            a, b = f(base), f(moved)
            # among the outputs that fire in either map (ReLU zeros stay zeros, trivially)
            active = (a > 0) | (b > 0)
            unchanged = np.abs(a - b) <= 1e-3 * np.abs(a).max()
            rows.setdefault(name, {})[f"shift_{s}px"] = {
                "relative_change": float(np.linalg.norm(b - a) / np.linalg.norm(a)),
                "unchanged_share": float(unchanged[active].mean()),
            }
    for name, r in rows.items():
        print(
            f"{name:>20}: relative change of the maps for a shift of 1/2/3 px: "
            + " / ".join(f"{v['relative_change']:.3f}" for v in r.values())
            + "   unchanged share of the active outputs: "
            + " / ".join(f"{v['unchanged_share']:.1%}" for v in r.values())
        )
    figure = plot_bars(
        {
            f"{s} px": {n: (rows[n][f"shift_{s}px"]["relative_change"], None) for n in rows}
            for s in (1, 2, 3)
        },
        f"{out}/plots/pooling_shift.png",
        "relative change of the maps",
        "conv maps vs pooled maps when the digit moves",
        xlabel="shift of the digit (pixels)",
    )
    return rows, figure


def batchnorm(seed, out, steps=20):
    """numpy BatchNorm vs Paddle's, 1D and 2D, in both modes; a sample in two batches."""
    rng = np.random.default_rng(seed)
    results, curves = {}, {}
    for name, shape, layer in (
        ("BatchNorm1D", (16, 4), nn.BatchNorm1D(4)),
        ("BatchNorm2D", (8, 3, 5, 5), nn.BatchNorm2D(3)),
    ):
        ours = BatchNorm(shape[1])
        diffs, running = [], []
        layer.train()
        for _ in range(steps):  # training mode: batch statistics, running averages
            x = rng.normal(3.0, 2.0, size=shape).astype(np.float32)
            diffs.append(np.abs(layer(paddle.to_tensor(x)).numpy() - ours(x)).max())
            running.append(float(layer._mean.numpy()[0]))
        stats = max(
            np.abs(layer._mean.numpy() - ours.running_mean).max(),
            np.abs(layer._variance.numpy() - ours.running_var).max(),
        )
        layer.eval()
        ours.training = False
        x = rng.normal(3.0, 2.0, size=shape).astype(np.float32)
        eval_diff = np.abs(layer(paddle.to_tensor(x)).numpy() - ours(x)).max()
        # one sample, two different batch companions
        other = rng.normal(-1.0, 0.5, size=shape).astype(np.float32)
        other[0] = x[0]
        mode_effect = {}
        for mode in ("train", "eval"):
            layer.train() if mode == "train" else layer.eval()
            a, b = (layer(paddle.to_tensor(v)).numpy()[0] for v in (x, other))
            mode_effect[mode] = float(np.abs(a - b).max())
        results[name] = {
            "train_max_abs_diff": float(max(diffs)),
            "running_stats_max_abs_diff": float(stats),
            "eval_max_abs_diff": float(eval_diff),
            "same_sample_other_batch_train": mode_effect["train"],
            "same_sample_other_batch_eval": mode_effect["eval"],
        }
        curves[f"{name} running mean (channel 0)"] = running
        print(
            f"{name}: by hand vs Paddle, train {max(diffs):.1e}, running mean/var {stats:.1e}, "
            f"eval {eval_diff:.1e}; the same sample in another batch moves by "
            f"{mode_effect['train']:.3f} in train mode, {mode_effect['eval']:.1e} in eval mode"
        )
    curves["the data's mean (3.0)"] = [3.0] * steps
    figure = plot_comparison(
        curves,
        f"{out}/plots/bn_running_mean.png",
        key="running mean",
        title="running mean, momentum 0.9 (weight of the old value)",
        xlabel="training step",
    )
    return results, figure


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    args = p.parse_args(argv)
    out = args.output_dir
    paddle.seed(args.seed)
    data = lesson_data(args)
    filter_rows, f1 = filters(args.photo_strides, out)
    pooling_rows, f2 = pooling(data, args.shifted_digits, args.seed, out)
    bn_rows, f3 = batchnorm(args.seed, out, steps=args.bn_steps)
    results = {"filters": filter_rows, "pooling": pooling_rows, "batchnorm": bn_rows}
    pooled = {f"{name}, {shift}": v for name, r in pooling_rows.items() for shift, v in r.items()}
    tables = {
        "filters: numpy by hand vs Conv2D": (filter_rows, ["max_abs_diff", "output_scale"]),
        "pooling: digits moved right": (pooled, ["relative_change", "unchanged_share"]),
        "batch normalisation: by hand vs Paddle": (bn_rows, list(next(iter(bn_rows.values())))),
    }
    written = [*write_tables(out, tables, results, quick=args.quick), f1, f2, f3]
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return results


if __name__ == "__main__":
    entry(main)
