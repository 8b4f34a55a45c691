"""A small YOLOv3-style detector: the course's ``YOLOv3`` (DarkNet-53 body, three output scales)
cut down to what a CPU trains in minutes, with the same parts and names.

    input [N, C, S, S]
    conv0 (3x3, stride 1), then per stage a DownSample (3x3, stride 2) and a BasicBlock
    (1x1 halving the channels, 3x3 restoring them, plus the input: DarkNet's residual block)
        stages at strides 2, 4, 8, 16; C2 = the stride-8 features, C1 = the stride-16 ones
    P0 (stride 16): YoloDetectionBlock on C1 -> route, tip; block_out_0 (1x1 conv) on tip
    P1 (stride 8):  route -> 1x1 conv -> upsample x2, concatenated with C2 ->
                    YoloDetectionBlock -> block_out_1
    each block_out: A * (5 + C) channels, anchor a's (tx, ty, tw, th, obj, classes) at a*(5+C)

The course's detection blocks have six convs and DarkNet 52; ours two and nine (``width`` 1:
channels 8, 16, 32, 64, 128). Every conv but the outputs is conv -> BatchNorm -> LeakyReLU(0.1)
(``ConvBNLeaky``, the course's ``ConvBNLayer``), initialised Normal(0, 0.02) as the course does.

``forward`` returns one tensor ``[N, P, 5 + C]``: the raw predictions of every scale, anchor and
cell in ``yolo_box``'s order (see ``detection.yolo_loss``). One tensor rather than a list keeps
the engine's contract (a list means a main output and auxiliary ones).
"""

import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F


def _normal():
    return paddle.ParamAttr(initializer=nn.initializer.Normal(0.0, 0.02))


class ConvBNLeaky(nn.Layer):
    """conv (no bias) -> BatchNorm2D -> LeakyReLU(0.1), 'same' padding."""

    def __init__(self, ch_in, ch_out, kernel_size=3, stride=1):
        super().__init__()
        self.conv = nn.Conv2D(
            ch_in,
            ch_out,
            kernel_size,
            stride=stride,
            padding=(kernel_size - 1) // 2,
            weight_attr=_normal(),
            bias_attr=False,
        )
        self.batch_norm = nn.BatchNorm2D(ch_out)

    def forward(self, x):
        return F.leaky_relu(self.batch_norm(self.conv(x)), negative_slope=0.1)


class BasicBlock(nn.Layer):
    """DarkNet's residual block: 1x1 to half the channels, 3x3 back, plus the input."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = ConvBNLeaky(channels, channels // 2, 1)
        self.conv2 = ConvBNLeaky(channels // 2, channels, 3)

    def forward(self, x):
        return x + self.conv2(self.conv1(x))


class YoloDetectionBlock(nn.Layer):
    """``route`` (1x1, ``ch_out``) feeds the next scale; ``tip`` (3x3, 2 x ``ch_out``) feeds
    this scale's output."""

    def __init__(self, ch_in, ch_out):
        super().__init__()
        self.route = ConvBNLeaky(ch_in, ch_out, 1)
        self.tip = ConvBNLeaky(ch_out, ch_out * 2, 3)

    def forward(self, x):
        route = self.route(x)
        return route, self.tip(route)


class TinyYOLOv3(nn.Layer):
    """Two output scales (strides 16 and 8) of a
    :class:`~paddle_course.detection.anchors.HeadLayout`.

    ``objectness_prior``: the probability every anchor's objectness starts at (its output bias
    is log(p / (1 - p))); ``None`` starts all output biases at 0 as the course does, i.e. at
    0.5, so the background term of the loss starts at 0.69 per anchor.
    """

    def __init__(self, layout, in_channels=3, width=1.0, objectness_prior=None):
        super().__init__()
        if tuple(layout.strides) != (16, 8):
            raise ValueError(f"TinyYOLOv3 predicts at strides (16, 8), not {layout.strides}")
        self.layout = layout
        c = [max(4, int(round(k * width))) for k in (8, 16, 32, 64, 128)]
        self.conv0 = ConvBNLeaky(in_channels, c[0], 3)
        self.downsample = nn.LayerList([ConvBNLeaky(c[i], c[i + 1], 3, stride=2) for i in range(4)])
        self.stages = nn.LayerList([BasicBlock(c[i + 1]) for i in range(4)])
        outputs = [len(m) * layout.per_anchor for m in layout.masks]
        self.yolo_block_0 = YoloDetectionBlock(c[4], c[3])
        self.block_out_0 = self._output(c[4], outputs[0])
        self.route2_0 = ConvBNLeaky(c[3], c[2], 1)
        self.yolo_block_1 = YoloDetectionBlock(c[2] + c[3], c[2])
        self.block_out_1 = self._output(c[3], outputs[1])
        if objectness_prior is not None:
            for out in (self.block_out_0, self.block_out_1):
                bias = out.bias.numpy().reshape(-1, layout.per_anchor)  # [A, 5 + C]
                bias[:, 4] = np.log(objectness_prior / (1 - objectness_prior))
                out.bias.set_value(bias.reshape(-1))

    @staticmethod
    def _output(ch_in, ch_out):
        return nn.Conv2D(
            ch_in,
            ch_out,
            1,
            weight_attr=_normal(),
            bias_attr=paddle.ParamAttr(initializer=nn.initializer.Constant(0.0)),
        )

    def forward(self, x):
        x = self.conv0(x)
        features = []
        for down, stage in zip(self.downsample, self.stages):
            x = stage(down(x))
            features.append(x)
        c2, c1 = features[2], features[3]  # strides 8 and 16
        route, tip = self.yolo_block_0(c1)
        p0 = self.block_out_0(tip)  # [N, A*(5+C), S/16, S/16]
        route = F.interpolate(self.route2_0(route), scale_factor=2, mode="nearest")
        _, tip = self.yolo_block_1(paddle.concat([route, c2], axis=1))
        p1 = self.block_out_1(tip)  # [N, A*(5+C), S/8, S/8]
        return paddle.concat([self._flat(p0), self._flat(p1)], axis=1)

    def _flat(self, p):
        """[N, A*(5+C), H, W] -> [N, A*H*W, 5+C] (anchor, row, column order)."""
        n, _, h, w = p.shape
        e = self.layout.per_anchor
        return p.reshape([n, -1, e, h * w]).transpose([0, 1, 3, 2]).reshape([n, -1, e])
