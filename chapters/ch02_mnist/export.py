"""From dynamic graph to a deployable model: ``paddle.jit.to_static`` and ``paddle.jit.save``.

    python -m chapters.ch02_mnist.export [--checkpoint outputs/ch02_mnist/train]

The CNN (trained briefly here, or loaded from ``--checkpoint``, e.g. the main job's best) is
converted with ``paddle.jit.to_static`` and an input spec of ``[None, 1, 28, 28]`` (any batch
size), saved with ``paddle.jit.save`` (Paddle 3.x writes ``model.json`` and ``model.pdiparams``),
loaded back with ``paddle.jit.load`` as a program that needs no Python class, and run by a Paddle
Inference predictor (``paddle_course.practice.deploy.Predictor``: IR passes and oneDNN kernels on
a CPU, the GPU when Paddle has one); the three are checked to predict the same class for every
validation digit (logits within float rounding) and timed.
"""

import paddle
import paddle.nn.functional as F

from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, trained_cnn
from paddle_course.lesson.results import write_results
from paddle_course.practice.deploy import compare_outputs_and_speed, deployments, export

DEFAULTS = dict(
    data="auto",
    epochs=2,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch02_mnist/export",
)


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1, repeats=1))
    p.add_argument(
        "--checkpoint",
        metavar="PATH",
        help="the course CNN to export instead of training one: a .pdparams, or a run "
        "of the main job (its best checkpoint)",
    )
    p.add_argument(
        "--repeats",
        type=count(1000),
        default=5,
        help="timing repeats, the fastest counts (default 5)",
    )
    args = p.parse_args(argv)
    data = lesson_data(args)
    model = trained_cnn(args, data)  # --checkpoint's weights, or trained now

    path = export(model, f"{args.output_dir}/inference/model")
    images, labels = data.val.images, data.val.labels
    results, logits = compare_outputs_and_speed(
        deployments(model, path), images, repeats=args.repeats
    )
    print(
        f"exported to {path}.json + {path}.pdiparams; reloaded with paddle.jit.load and as a "
        f"Paddle Inference predictor"
    )
    print(f"on {len(images)} validation digits, batches of 100:")
    target = paddle.to_tensor(labels)
    for name, r in results.items():
        r["val_acc"] = float((logits[name].argmax(1) == labels).mean())
        r["val_loss"] = float(F.cross_entropy(paddle.to_tensor(logits[name]), target))
        print(
            f"  {name:10} same predicted class as dygraph for all: {r['same_predictions']}; "
            f"largest logit difference {r['max_abs_diff']:.2g}; {r['seconds'] * 1e3:6.1f} ms "
            f"({r['speedup']:.2f}x dygraph); accuracy {r['val_acc']:.2%}"
        )
    same = all(r["same_predictions"] for r in results.values())
    write_results(
        args.output_dir,
        results,
        ["val_acc", "val_loss", "same_predictions", "max_abs_diff", "seconds", "speedup"],
        extra={"same_predictions": same, "path": path},
        quick=args.quick,
    )
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return {**results, "same_predictions": same}


if __name__ == "__main__":
    entry(main)
