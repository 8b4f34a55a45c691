"""Paddle's high-level API (``paddle.Model``) next to our engine: same net, data, seed, optimizer.

    python -m chapters.ch04_vision.high_level_api

The course also trains its classic networks with ``paddle.Model(net).prepare(optimizer, loss,
metric).fit(train, eval, epochs, batch_size)``. Here LeNet (ReLU, 10 classes) is trained both
ways on the same images (the 50,000 Fashion-MNIST training photos, a data pack; without it the
5,000 embedded digits, said in one line) with Adam at the same rate, and each final model is
evaluated on the same test images by the same function. The numbers are not bit-equal: hapi
shuffles with its own sampler and counts its accuracy per batch; the point is that both train
the same network to the same level, at a similar speed, and what else each gives:

* hapi: a one-call ``fit``/``evaluate``/``predict``, progress bars, callbacks (``EarlyStopping``,
  ``VisualDL``, ``LRScheduler``, ``ModelCheckpoint`` saving ``{epoch}.pdparams``/``.pdopt``);
* our engine: the step in the open, exact resume from the middle of an epoch (RNG states and
  data position saved), metrics summed per sample and exactly over processes, the best
  checkpoint by any metric, a clean stop on SIGINT/SIGTERM, and a NaN stop.
"""

import time

import paddle
import paddle.nn.functional as F

from paddle_course.data import ArrayDataset, make_loader
from paddle_course.engine import evaluate
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, report, train_variant
from paddle_course.runtime.seed import seed_everything
from paddle_course.vision import build_network

DEFAULTS = dict(
    data="fashion-auto",
    epochs=3,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch04_vision/high_level_api",
)


def lenet():
    return build_network(
        "lenet", num_classes=10, in_channels=1, image_size=28, lenet_activation="relu"
    )


def with_hapi(data, args, epochs):
    """``paddle.Model(...).prepare(...).fit(...)``; returns (result, the trained network)."""
    seed_everything(args.seed)
    net = lenet()
    model = paddle.Model(net)
    model.prepare(
        paddle.optimizer.Adam(args.lr, parameters=net.parameters()),
        paddle.nn.CrossEntropyLoss(),
        paddle.metric.Accuracy(),
    )
    train, val = (ArrayDataset(s.images, s.labels) for s in (data.train, data.val))
    started = time.time()
    model.fit(train, val, epochs=epochs, batch_size=args.batch_size, shuffle=True, verbose=0)
    seconds = time.time() - started
    hapi_val = model.evaluate(val, batch_size=500, verbose=0)  # hapi's own numbers
    return {
        "seconds": seconds,
        "hapi_val_acc": float(hapi_val["acc"]),
        "hapi_val_loss": float(hapi_val["loss"][0]),
    }, net


@lesson
def main(argv=None):
    args = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1)).parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    val_loader, test_loader = make_loader(data.val, 500), make_loader(data.test, 500)
    results = {}
    results["paddle.Model (hapi)"], net = with_hapi(data, args, epochs)
    ours, ours_net = train_variant(
        "our engine",
        lambda: (m := lenet(), paddle.optimizer.Adam(args.lr, parameters=m.parameters())),
        data,
        epochs,
        args.batch_size,
        args.seed,
    )
    results["our engine"] = {"seconds": ours["seconds"], "history": ours["history"]}
    for name, model in (("paddle.Model (hapi)", net), ("our engine", ours_net)):
        for split, loader in (("val", val_loader), ("test", test_loader)):
            r = evaluate(model, loader, F.cross_entropy)
            results[name].update({f"{split}_acc": r["acc"], f"{split}_loss": r["loss"]})
    report(
        args.output_dir,
        results,
        ("val_acc", "test_acc", "val_loss", "seconds", "hapi_val_acc"),
        title="our engine: validation accuracy per epoch",
        quick=args.quick,
    )
    return results


if __name__ == "__main__":
    entry(main)
