"""Conv-BN-ReLU blocks, and folding BatchNorm into the convolution for inference.

    python -m chapters.ch03_practice.bn_fusion

1. The course CNN rebuilt from reusable ConvBNReLU blocks (``paddle_course.models.blocks``),
   trained.
2. BatchNorm in eval mode uses its running statistics, so a digit's prediction does not depend on
   the batch it comes in; in train mode it uses the batch's own statistics, and it does.
3. Folding: each BN becomes part of its conv's weight and bias (W * s, s (b - mean) + beta with
   s = gamma / sqrt(var + eps)); the folded network's outputs equal the unfolded one's
   (``max_abs_diff``) and its inference is timed against it (``speedup``, measured in one run).

The course says folding speeds inference up by about 5 %. In Paddle's dynamic graph on this CPU
it does the opposite: the folded conv needs a bias, and Paddle's conv bias add is slower than its
BatchNorm kernel. Adding the folded bias after max-pooling instead (exact here: ReLU and max-pool
commute with adding a per-channel constant; 4x fewer elements) removes most of that cost.
Where folding pays is deployment: the unfolded network exported, loaded back by ``paddle.jit.load``
and run by Paddle Inference (whose passes fold BN themselves and fuse conv, bias and ReLU into
oneDNN kernels) is timed too, every variant's predictions checked against the unfolded net's.
"""

import copy

import numpy as np
import paddle

from paddle_course.lesson import count, entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, train_variant
from paddle_course.lesson.results import explain, write_results
from paddle_course.models import CBRNet, fold
from paddle_course.models.blocks import BiasAfterPoolNet
from paddle_course.practice.deploy import compare_outputs_and_speed, deployments, export, predict

DEFAULTS = dict(
    data="auto",
    epochs=2,
    batch_size=64,
    lr=0.001,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/bn_fusion",
)


def folding_note(folded, inference):
    """Why folding slowed dygraph inference down, when it did (``folded``, ``inference``: speedups
    of the folded dygraph net and of Paddle Inference over the unfolded dygraph net)."""
    if folded >= 1:
        return None
    return (
        f"Folding made dygraph inference slower here ({folded:.2f}x), not ~5 % faster as the "
        f"course says: the folded conv needs a bias, and Paddle's CPU conv bias add is a slow "
        f"broadcast, slower than its BatchNorm kernel; Paddle Inference fuses conv, bias and "
        f"ReLU into one kernel, and runs this network {inference:.2f}x as fast."
    )


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1, repeats=3))
    p.add_argument("--repeats", type=count(1000), default=20, help="timing repeats (default 20)")
    args = p.parse_args(argv)
    data = lesson_data(args)
    _, model = train_variant(
        "CBR network",
        lambda: (m := CBRNet(), paddle.optimizer.Adam(args.lr, parameters=m.parameters())),
        data,
        args.epochs,
        args.batch_size,
        args.seed,
    )

    images = data.val.images
    model.eval()
    alone, in_batch = predict(model, images[:1]), predict(model, images[:64])[:1]
    probe = copy.deepcopy(model).train()  # a train-mode forward moves the running statistics
    alone_t, in_batch_t = predict(probe, images[:2]), predict(probe, images[:64])[:1]
    batch_effect = {
        "eval": float(np.abs(alone - in_batch).max()),
        "train": float(np.abs(alone_t[:1] - in_batch_t).max()),
    }
    print(
        f"one digit's logits alone vs inside a batch of 64: eval mode differ by "
        f"{batch_effect['eval']:.2g}, train mode by {batch_effect['train']:.3g}"
    )

    # the unfolded network exported: dygraph (the reference), jit.load, Paddle Inference
    deployed = deployments(model, export(copy.deepcopy(model), f"{args.output_dir}/inference/cbr"))
    variants = {
        "unfolded": deployed["dygraph"],
        "folded": fold(model),
        "folded_bias_after_pool": BiasAfterPoolNet(model),
        "unfolded_jit_load": deployed["jit.load"],
        "paddle_inference": deployed["predictor"],
    }
    results, logits = compare_outputs_and_speed(variants, images, batch=100, repeats=args.repeats)
    for name, r in results.items():
        r["val_acc"] = float((logits[name].argmax(1) == data.val.labels).mean())
        print(
            f"{name:24} max_abs_diff {r['max_abs_diff']:.2g}  same predictions "
            f"{r['same_predictions']!s:5}  {r['seconds'] * 1e3:7.1f} ms for {len(images)} digits  "
            f"speedup {r['speedup']:.3f}"
        )
    folded, inference = results["folded"]["speedup"], results["paddle_inference"]["speedup"]
    notes = explain([folding_note(folded, inference)])
    write_results(
        args.output_dir,
        results,
        ["max_abs_diff", "same_predictions", "seconds", "speedup", "val_acc"],
        extra={
            "max_abs_diff": results["folded"]["max_abs_diff"],
            "speedup": folded,
            "batch_effect": batch_effect,
        },
        quick=args.quick,
        notes=notes,
    )
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return results


if __name__ == "__main__":
    entry(main)
