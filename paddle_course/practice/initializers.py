"""What each ``paddle.nn.initializer`` should produce: fans and expected standard deviations.

Paddle's layouts: ``Linear.weight`` is ``[in, out]``, so fan_in = in, fan_out = out;
``Conv2D.weight`` is ``[out, in, kh, kw]``, so fan_in = in*kh*kw and fan_out = out*kh*kw.
"""

import math


def fans(shape):
    shape = list(shape)
    if len(shape) == 2:  # Linear [in, out]
        return shape[0], shape[1]
    receptive = math.prod(shape[2:])  # Conv [out, in, k, k]
    return shape[1] * receptive, shape[0] * receptive


def expected_std(name, shape, **kw):
    """The std of weights drawn by initializer ``name`` (its class name) for a weight of ``shape``;
    ``kw`` holds that initializer's arguments (std, low/high, value)."""
    fan_in, fan_out = fans(shape)
    return {
        "Constant": lambda: 0.0,
        "Normal": lambda: kw.get("std", 1.0),
        "Uniform": lambda: (kw.get("high", 1.0) - kw.get("low", -1.0)) / math.sqrt(12),
        "XavierNormal": lambda: math.sqrt(2.0 / (fan_in + fan_out)),
        "XavierUniform": lambda: math.sqrt(6.0 / (fan_in + fan_out)) / math.sqrt(3),
        "KaimingNormal": lambda: math.sqrt(2.0 / fan_in),  # gain sqrt(2), for ReLU
        "KaimingUniform": lambda: math.sqrt(6.0 / fan_in) / math.sqrt(3),
    }[name]()
