"""Conv-BN-ReLU blocks, and folding BatchNorm into the convolution for inference.

In eval mode BatchNorm is a per-channel affine map with fixed numbers:
    bn(z) = gamma * (z - mean) / sqrt(var + eps) + beta = s * z + (beta - s * mean),
    s = gamma / sqrt(var + eps)
and a convolution is linear, so the two fold into one convolution with weight W * s (per output
channel) and bias s * (b - mean) + beta. (Paddle's BatchNorm ``momentum`` is the weight of the old
running value, 0.9 by default; PyTorch's 0.1 means the same.)
"""

import copy

import paddle
import paddle.nn as nn
import paddle.nn.functional as F


def conv_pool_bias_relu(x, weight, bias, padding):
    """relu(maxpool2(conv(x)) + bias), equal bit for bit to maxpool2(relu(conv(x) + bias)).

    Adding a per-channel constant commutes with the max (float rounding is monotonic) and ReLU
    is monotonic, so the bias can come after the pooling, on a 4x smaller tensor. And it is added
    to an explicitly expanded copy: Paddle's CPU ``add`` with broadcasting (``[N, C, H, W] +
    [1, C, 1, 1]``) is ~10x slower than ``expand`` followed by a same-shape add (docs/DESIGN.md
    §5; PyTorch broadcasts at full speed). Same values, same sums: the output is
    unchanged; the bias gradient sums the same numbers in another order (within 1e-5).
    """
    z = F.max_pool2d(F.conv2d(x, weight, None, padding=padding), kernel_size=2, stride=2)
    return F.relu(z + bias.reshape([1, -1, 1, 1]).expand_as(z))


class ConvBNReLU(nn.Layer):
    """conv (no bias: BN's beta does its job) -> BatchNorm -> ReLU."""

    def __init__(self, c_in, c_out, kernel_size, padding=0):
        super().__init__()
        self.conv = nn.Conv2D(c_in, c_out, kernel_size, padding=padding, bias_attr=False)
        self.bn = nn.BatchNorm2D(c_out)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class CBRNet(nn.Layer):
    """The course CNN built from :class:`ConvBNReLU` blocks: [N, 1, 28, 28] -> [N, 10] logits."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.block1 = ConvBNReLU(1, 20, 5, padding=2)
        self.block2 = ConvBNReLU(20, 20, 5, padding=2)
        self.fc = nn.Linear(980, num_classes)

    def forward(self, x):
        x = F.max_pool2d(self.block1(x), 2, 2)
        x = F.max_pool2d(self.block2(x), 2, 2)
        return self.fc(paddle.flatten(x, 1))


def folded_weights(conv, bn):
    """(weight, bias) of the convolution equal to ``bn(conv(x))`` in eval mode."""
    scale = bn.weight / paddle.sqrt(bn._variance + bn._epsilon)  # [C_out]
    bias = conv.bias if conv.bias is not None else paddle.zeros_like(bn._mean)
    return conv.weight * scale.reshape([-1, 1, 1, 1]), (bias - bn._mean) * scale + bn.bias


class FoldedConvReLU(nn.Layer):
    """A ConvBNReLU with its BN folded into the conv's weight and bias."""

    def __init__(self, block):
        super().__init__()
        w, b = folded_weights(block.conv, block.bn)
        self.conv = nn.Conv2D(
            block.conv._in_channels,
            block.conv._out_channels,
            block.conv._kernel_size,
            padding=block.conv._padding,
        )
        self.conv.weight.set_value(w)
        self.conv.bias.set_value(b)

    def forward(self, x):
        return F.relu(self.conv(x))


def fold(model):
    """A copy of a :class:`CBRNet` (in eval mode) with every BN folded into its conv."""
    folded = copy.deepcopy(model)
    folded.block1, folded.block2 = FoldedConvReLU(model.block1), FoldedConvReLU(model.block2)
    return folded.eval()


class BiasAfterPoolNet(nn.Layer):
    """Folded, with each conv's bias added after max-pooling instead of before ReLU.

    Exact for conv -> ReLU -> max-pool: adding a per-channel constant commutes with ReLU
    (monotone) and with the max, so relu(pool(z) + b) = pool(relu(z + b)); the bias is then added
    to a 4x smaller tensor, and the convolution runs without a bias, which is faster in Paddle on
    CPU than its bias add (see :func:`conv_pool_bias_relu`)."""

    def __init__(self, model):
        super().__init__()
        self.w1, self.b1 = folded_weights(model.block1.conv, model.block1.bn)
        self.w2, self.b2 = folded_weights(model.block2.conv, model.block2.bn)
        self.fc = copy.deepcopy(model.fc)

    def forward(self, x):
        for w, b in ((self.w1, self.b1), (self.w2, self.b2)):
            x = conv_pool_bias_relu(x, w, b, padding=2)
        return self.fc(paddle.flatten(x, 1))
