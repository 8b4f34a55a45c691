"""The Transformer in vision (FAQ Q20): a small ViT next to the course CNN, and what it attends to.

    python -m chapters.ch04_vision.vit

A Vision Transformer written out (``paddle_course.vision.vit``: 4 x 4 px patches, a class token,
learned position embeddings, 2 pre-norm blocks of 4-head self-attention and a GELU MLP) with
about as many parameters as the course CNN (19.7 k vs 20.4 k), trained on the same images with
the same optimizer and budget: the 50,000 Fashion-MNIST training photos (a data pack; without it
the 5,000 embedded digits, said in one line), 5 epochs. Our attention layer is checked against
``paddle.nn.MultiHeadAttention`` with the same weights; then the class token's attention over
the 7 x 7 patches of a few validation images is drawn on top of them. "A module with global
context": every patch can attend to every other from the first layer on, where a 5 x 5 conv
sees 5 x 5 pixels.
"""

import numpy as np
import paddle

from paddle_course.data.transforms import resize
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, measure, report, train_variant
from paddle_course.models import MNIST
from paddle_course.vision.vit import MultiHeadSelfAttention, ViT
from tools.images import plot_images

DEFAULTS = dict(
    data="fashion-auto",
    epochs=5,
    batch_size=64,
    lr=0.002,
    seed=0,
    quick=False,
    output_dir="outputs/ch04_vision/vit",
)


def attention_equals_paddles(seed):
    """Largest difference between our attention and ``paddle.nn.MultiHeadAttention`` given the
    same weights (loaded by name) on the same random tokens."""
    paddle.seed(seed)
    ours, theirs = MultiHeadSelfAttention(32, 4), paddle.nn.MultiHeadAttention(32, 4)
    theirs.set_state_dict(ours.state_dict())
    theirs.eval()
    x = paddle.randn([4, 50, 32])
    return float((ours(x) - theirs(x, x, x)).abs().max())


def attention_maps(model, digits, labels):
    """Each digit beside the class token's attention (upsampled to 28 px), for a figure."""
    model.eval()
    with paddle.no_grad():
        predicted = model(paddle.to_tensor(digits)).argmax(-1).numpy()
    maps = resize(model.class_attention().numpy()[:, None], digits.shape[-1])[:, 0]
    panels = {}
    for i, (digit, att) in enumerate(zip(digits[:, 0], maps)):
        grey = (digit + 1) / 2  # [-1, 1] -> [0, 1]
        heat = (att - att.min()) / (att.max() - att.min() + 1e-12)
        panels[f"{labels[i]} (predicted {predicted[i]})"] = np.stack([grey] * 3, -1)
        panels[f"{labels[i]}: attention"] = np.stack(
            [0.35 * grey + 0.65 * heat, 0.35 * grey, 0.35 * grey * (1 - heat)], -1
        )
    return panels


@lesson
def main(argv=None):
    args = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=1)).parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    diff = attention_equals_paddles(args.seed)
    print(
        f"our multi-head attention vs paddle.nn.MultiHeadAttention, same weights: max |diff| "
        f"{diff:.1e}"
    )
    adam = lambda m: paddle.optimizer.Adam(args.lr, parameters=m.parameters())
    results, models = {}, {}
    for name, make in (("cnn", MNIST), ("vit", ViT)):
        results[name], models[name] = train_variant(
            name, lambda make=make: (m := make(), adam(m)), data, epochs, args.batch_size, args.seed
        )
        results[name].update(measure(models[name], results[name], data, [1, 1, 28, 28]))
    shown = np.random.default_rng(args.seed).choice(len(data.val), 6, replace=False)
    figure = plot_images(
        attention_maps(models["vit"], data.val.images[shown], data.val.labels[shown]),
        f"{args.output_dir}/plots/attention.png",
        cols=4,
    )
    report(
        args.output_dir,
        results,
        ("params", "mflops", "seconds_per_epoch", "val_acc", "test_acc", "train_loss"),
        title="validation accuracy per epoch: CNN vs ViT",
        extra={"attention_max_abs_diff": diff},
        quick=args.quick,
    )
    print(f"  {figure}")
    return {**results, "attention_max_abs_diff": diff}


if __name__ == "__main__":
    entry(main)
