"""Convolution and pooling by hand in numpy, to check ``paddle.nn.Conv2D`` and pooling against.

Like Paddle (and PyTorch), a "convolution" layer computes a cross-correlation: the kernel is not
flipped. Shapes follow Paddle: input ``[N, C_in, H, W]``, weight ``[C_out, C_in, kH, kW]``.
"""

import numpy as np


def conv2d(x, weight, bias=None, padding=0, stride=1):
    """``out[n, o, i, j] = sum_{c, u, v} x[n, c, i*s + u, j*s + v] * weight[o, c, u, v] + bias[o]``
    over the zero-padded input; returns ``[N, C_out, H_out, W_out]`` (float64)."""
    x = np.asarray(x, dtype=np.float64)
    weight = np.asarray(weight, dtype=np.float64)
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, w = x.shape
    o, c_w, kh, kw = weight.shape
    if c != c_w:
        raise ValueError(f"the input has {c} channels, the weight expects {c_w}")
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, o, h_out, w_out))
    for u in range(kh):  # one shifted view of the input per kernel position
        for v in range(kw):
            patch = x[:, :, u : u + stride * h_out : stride, v : v + stride * w_out : stride]
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, u, v])
    if bias is not None:
        out += np.asarray(bias, dtype=np.float64).reshape(1, -1, 1, 1)
    return out


def max_pool2d(x, size=2):
    """Non-overlapping ``size`` x ``size`` max-pooling of ``[N, C, H, W]`` (H, W cut to
    multiples)."""
    n, c, h, w = x.shape
    h, w = h - h % size, w - w % size
    return x[:, :, :h, :w].reshape(n, c, h // size, size, w // size, size).max(axis=(3, 5))
