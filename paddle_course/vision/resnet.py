"""ResNet as the course builds it (``ConvBNLayer``, ``BottleneckBlock``), for depths 18 to 152.

Every stage starts with a block that may halve the size (stride 2, on the 3x3 conv as in
"ResNet v1.5" and in Paddle's ``paddle.vision.models``) and change the channels; a 1x1
``ConvBNLayer`` then brings the input to the block's output shape (``short``), otherwise the
input is added as it is. Depths 50/101/152 use bottleneck blocks (1x1 -> 3x3 -> 1x1 x4
channels), 18/34 basic blocks (3x3 -> 3x3). :func:`paddle_names` maps our parameter names to
those of ``paddle.vision.models.resnetNN``, so their weights load into ours (a test checks both
give equal outputs).
"""

import math

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from paddle_course.vision.classic import scaled

DEPTHS = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}


class ConvBNLayer(nn.Layer):
    """conv (no bias: BN's beta replaces it) -> BatchNorm2D -> optional ReLU; 'same' padding."""

    def __init__(self, num_channels, num_filters, filter_size, stride=1, act=None):
        super().__init__()
        self._conv = nn.Conv2D(
            num_channels,
            num_filters,
            filter_size,
            stride=stride,
            padding=(filter_size - 1) // 2,
            bias_attr=False,
        )
        self._batch_norm = nn.BatchNorm2D(num_filters)
        self.act = act

    def forward(self, x):
        y = self._batch_norm(self._conv(x))
        return F.relu(y) if self.act == "relu" else y


class BottleneckBlock(nn.Layer):
    """1x1 (``num_filters``) -> 3x3 (stride) -> 1x1 (4 x ``num_filters``), plus the shortcut."""

    expansion = 4

    def __init__(self, num_channels, num_filters, stride, shortcut=True):
        super().__init__()
        self.conv0 = ConvBNLayer(num_channels, num_filters, 1, act="relu")
        self.conv1 = ConvBNLayer(num_filters, num_filters, 3, stride=stride, act="relu")
        self.conv2 = ConvBNLayer(num_filters, num_filters * 4, 1)
        if not shortcut:
            self.short = ConvBNLayer(num_channels, num_filters * 4, 1, stride=stride)
        self.shortcut = shortcut
        self._num_channels_out = num_filters * 4

    def forward(self, x):
        y = self.conv2(self.conv1(self.conv0(x)))
        return F.relu(y + (x if self.shortcut else self.short(x)))


class BasicBlock(nn.Layer):
    """3x3 (stride) -> 3x3, plus the shortcut (ResNet-18/34)."""

    expansion = 1

    def __init__(self, num_channels, num_filters, stride, shortcut=True):
        super().__init__()
        self.conv0 = ConvBNLayer(num_channels, num_filters, 3, stride=stride, act="relu")
        self.conv1 = ConvBNLayer(num_filters, num_filters, 3)
        if not shortcut:
            self.short = ConvBNLayer(num_channels, num_filters, 1, stride=stride)
        self.shortcut = shortcut
        self._num_channels_out = num_filters

    def forward(self, x):
        y = self.conv1(self.conv0(x))
        return F.relu(y + (x if self.shortcut else self.short(x)))


class ResNet(nn.Layer):
    """conv 7x7/2 x64 -> max-pool 3x3/2 -> four stages of blocks (64, 128, 256, 512 filters) ->
    global average pooling -> Linear(num_classes). ``layers``: 18, 34, 50, 101 or 152."""

    def __init__(self, layers=50, num_classes=1, in_channels=3, width=1.0):
        super().__init__()
        if layers not in DEPTHS:
            raise ValueError(f"supported depths are {sorted(DEPTHS)}, not {layers}")
        kind, depth = DEPTHS[layers]
        block = BottleneckBlock if kind == "bottleneck" else BasicBlock
        self.conv = ConvBNLayer(in_channels, scaled(64, width), 7, stride=2, act="relu")
        self.pool2d_max = nn.MaxPool2D(3, stride=2, padding=1)
        self.bottleneck_block_list = []
        c = scaled(64, width)
        for stage, n in enumerate(depth):
            filters = scaled((64, 128, 256, 512)[stage], width)
            for i in range(n):
                stride = 2 if i == 0 and stage != 0 else 1
                b = self.add_sublayer(
                    f"bb_{stage}_{i}",
                    block(
                        c, filters, stride, shortcut=stride == 1 and c == filters * block.expansion
                    ),
                )
                c = b._num_channels_out
                self.bottleneck_block_list.append(b)
        self.pool2d_avg = nn.AdaptiveAvgPool2D(1)
        stdv = 1.0 / math.sqrt(c)  # the course's initialisation of the last layer
        self.out = nn.Linear(
            c,
            num_classes,
            weight_attr=paddle.ParamAttr(initializer=nn.initializer.Uniform(-stdv, stdv)),
        )

    def forward(self, x):
        y = self.pool2d_max(self.conv(x))
        for b in self.bottleneck_block_list:
            y = b(y)
        return self.out(paddle.flatten(self.pool2d_avg(y), 1))


def paddle_names(model):
    """``{our parameter name: paddle.vision.models.resnetNN's name}`` for every entry of
    ``model.state_dict()`` (weights, BN statistics)."""
    bn = {"weight": "weight", "bias": "bias", "_mean": "_mean", "_variance": "_variance"}

    def conv_bn(ours, conv, norm):
        out = {f"{ours}._conv.weight": f"{conv}.weight"}
        out.update({f"{ours}._batch_norm.{k}": f"{norm}.{v}" for k, v in bn.items()})
        return out

    names = conv_bn("conv", "conv1", "bn1")
    for key in model.state_dict():
        if key.startswith("bb_"):
            stage, i = (int(n) for n in key.split(".")[0][3:].split("_"))
            prefix, theirs = f"bb_{stage}_{i}", f"layer{stage + 1}.{i}"
            for j in range(3):
                names.update(
                    conv_bn(f"{prefix}.conv{j}", f"{theirs}.conv{j + 1}", f"{theirs}.bn{j + 1}")
                )
            names.update(
                conv_bn(f"{prefix}.short", f"{theirs}.downsample.0", f"{theirs}.downsample.1")
            )
    names.update({"out.weight": "fc.weight", "out.bias": "fc.bias"})
    return {k: names[k] for k in model.state_dict()}
