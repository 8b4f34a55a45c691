"""Counting a network's multiply-accumulates per image, by ``paddle.flops``'s rules.

``paddle.flops`` (Paddle 3.3) fails with NumPy >= 2.4: it converts one-element tensors with
``int()``, which NumPy now refuses. This counts the same way with forward hooks: a convolution
costs ``output elements x (input channels / groups x kernel size + 1 if it has a bias)``, a
Linear layer ``output elements x input features``, a BatchNorm in eval mode 2 per element, an
adaptive average pool ``(window + 1)`` per output element; activations, dropout and pooling done
with ``paddle.nn.functional`` cost nothing here, as there (they are small next to the convs). A
layer may count its own extra work with a method ``extra_flops(inputs, output)``.
"""

import numpy as np
import paddle
import paddle.nn as nn

from paddle_course.practice.inspection import layer_by_layer


def _conv(layer, inputs, output):
    kernel = int(np.prod(layer.weight.shape[2:]))
    per_output = inputs[0].shape[1] // layer._groups * kernel + (layer.bias is not None)
    return int(output.numel()) * per_output


def _linear(layer, inputs, output):
    return int(output.numel()) * layer.weight.shape[0]


def _batch_norm(layer, inputs, output):
    return 2 * int(inputs[0].numel())


def _adaptive_avg_pool(layer, inputs, output):
    window = int(np.prod(np.array(inputs[0].shape[2:]) // np.array(output.shape[2:])))
    return (window + 1) * int(output.numel())


RULES = {
    nn.Conv2D: _conv,
    nn.Linear: _linear,
    nn.BatchNorm2D: _batch_norm,
    nn.BatchNorm1D: _batch_norm,
    nn.AdaptiveAvgPool2D: _adaptive_avg_pool,
}


def _rule(layer):
    """How ``layer`` is counted: by its type, or by its own ``extra_flops(inputs, output)`` (a
    layer whose work is not all in counted sublayers, e.g. attention's matrix products)."""
    return RULES.get(type(layer)) or getattr(type(layer), "extra_flops", None)


def count_flops(model, input_shape):
    """Multiply-accumulates of one forward pass of ``model`` (in eval mode) on a zero input of
    ``input_shape`` (e.g. ``[1, 3, 224, 224]``)."""
    total = [0]

    def counter(rule):  # one hook per layer, bound to that layer's rule
        def hook(layer, inputs, output):
            total[0] += rule(layer, inputs, output)

        return hook

    hooks = [
        layer.register_forward_post_hook(counter(rule))
        for layer in model.sublayers(include_self=True)
        if (rule := _rule(layer))
    ]
    was_training = model.training
    model.eval()
    try:
        with paddle.no_grad(), layer_by_layer(model):  # hooks need each layer's forward
            model(paddle.zeros(input_shape))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return total[0]
