"""From dynamic graph to a deployable model: ``paddle.jit.to_static`` and ``paddle.jit.save``.

    python -m chapters.ch02_mnist.export [--checkpoint outputs/ch02_mnist/train/checkpoints/best.pdparams]

The CNN (trained briefly here, or loaded from ``--checkpoint``, e.g. the main job's best) is
converted with ``paddle.jit.to_static`` and an input spec of ``[None, 1, 28, 28]`` (any batch
size), saved with ``paddle.jit.save`` (Paddle 3.x writes ``model.json`` and ``model.pdiparams``),
loaded back with ``paddle.jit.load`` as a program that needs no Python class, and checked: its
predictions on the validation split equal the dynamic-graph model's, and both are timed.
"""

import time

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.cli import entry, lesson_parser
from paddle_course.deploy import export
from paddle_course.experiment import lesson_data, train_variant
from paddle_course.models import MNIST
from paddle_course.run import write_results

DEFAULTS = dict(data=None, epochs=2, batch_size=64, lr=0.001, seed=0, quick=False,
                output_dir="outputs/ch02_mnist/export")


def predict(model, images, batch=500):
    with paddle.no_grad():
        return np.concatenate([model(paddle.to_tensor(images[k:k + batch])).numpy()
                               for k in range(0, len(images), batch)])


def timed(model, images, repeats):
    predict(model, images[:500])                       # warm-up (the static program compiles)
    start = time.perf_counter()
    for _ in range(repeats):
        predict(model, images)
    return (time.perf_counter() - start) / repeats


def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS)
    p.add_argument("--checkpoint", help="a .pdparams of the course CNN to export instead of training")
    p.add_argument("--repeats", type=int, default=5, help="timing repeats (default 5)")
    args = p.parse_args(argv)
    data = lesson_data(args.data, args.seed, args.quick)
    if args.checkpoint:
        model = MNIST()
        model.set_state_dict(paddle.load(args.checkpoint))
    else:
        epochs = 1 if args.quick else args.epochs
        _, model = train_variant("CNN", lambda: (m := MNIST(), paddle.optimizer.Adam(
            args.lr, parameters=m.parameters())), data, epochs, args.batch_size, args.seed)
    model.eval()

    path = export(model, f"{args.output_dir}/inference/model")
    loaded = paddle.jit.load(path)
    loaded.eval()

    images = data.val.images
    dygraph, exported = predict(model, images), predict(loaded, images)
    same = bool(np.array_equal(dygraph.argmax(1), exported.argmax(1)))
    diff = float(np.abs(dygraph - exported).max())
    repeats = 1 if args.quick else args.repeats
    t_dy, t_st = timed(model, images, repeats), timed(loaded, images, repeats)
    acc = float((exported.argmax(1) == data.val.labels).mean())
    print(f"exported to {path}.json + {path}.pdiparams; reloaded with paddle.jit.load")
    print(f"on {len(images)} validation digits: same predicted class for all: {same}; largest logit "
          f"difference {diff:.3g}; accuracy {acc:.2%}")
    print(f"time for the split: dynamic graph {t_dy * 1e3:.1f} ms, exported program "
          f"{t_st * 1e3:.1f} ms ({t_dy / t_st:.2f}x)")
    labels = paddle.to_tensor(data.val.labels)
    scores = lambda logits: {"val_acc": float((logits.argmax(1) == data.val.labels).mean()),
                             "val_loss": float(F.cross_entropy(paddle.to_tensor(logits), labels))}
    results = {"dygraph": {"seconds": t_dy, **scores(dygraph)},
               "exported": {"seconds": t_st, **scores(exported)}}
    write_results(args.output_dir, results, ["val_acc", "val_loss", "seconds"],
                  extra={"same_predictions": same, "max_abs_logit_diff": diff, "path": path})
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return {**results, "same_predictions": same, "max_abs_logit_diff": diff}


if __name__ == "__main__":
    entry(main)
