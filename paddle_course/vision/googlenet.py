"""GoogLeNet: Inception blocks (four parallel branches, concatenated) and two auxiliary heads.

The trunk is the course's: conv 7x7 x64 (stride 1, as the course writes it; the 2014 paper uses
stride 2), 3x3/2 max-pools between the stages, Inception blocks 3a-3b, 4a-4e, 5a-5b with the
paper's channel counts, global average pooling and one Linear. The course leaves out the paper's
two auxiliary classifiers; we add them as the paper has them, on the outputs of 4a and 4d:
average pooling to 4x4 (adaptive: the paper's 5x5/3 pooling of a 14x14 map), a 1x1 conv to 128
channels, Linear(2048, 1024) with ReLU, Dropout 0.7, Linear(1024, num_classes).

In training the model returns ``(main, aux1, aux2)``: the engine minimises
``loss(main) + 0.3 * (loss(aux1) + loss(aux2))`` (the paper's weight) and reports metrics on
``main``. In eval mode it returns ``main`` only; the auxiliary heads exist for training.
"""

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from paddle_course.vision.classic import scaled


class Inception(nn.Layer):
    """Four branches on the same input, concatenated along channels: 1x1 conv (``c1``); 1x1 then
    3x3 (``c2 = (reduce, out)``); 1x1 then 5x5 (``c3``); 3x3 max-pool then 1x1 (``c4``). Output
    channels ``c1 + c2[1] + c3[1] + c4``; every conv is followed by ReLU."""

    def __init__(self, c0, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2D(c0, c1, 1)
        self.p2_1 = nn.Conv2D(c0, c2[0], 1)
        self.p2_2 = nn.Conv2D(c2[0], c2[1], 3, padding=1)
        self.p3_1 = nn.Conv2D(c0, c3[0], 1)
        self.p3_2 = nn.Conv2D(c3[0], c3[1], 5, padding=2)
        self.p4_1 = nn.MaxPool2D(3, stride=1, padding=1)
        self.p4_2 = nn.Conv2D(c0, c4, 1)
        self.out_channels = c1 + c2[1] + c3[1] + c4

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return paddle.concat([p1, p2, p3, p4], axis=1)


class AuxHead(nn.Layer):
    """An auxiliary classifier: avg-pool to 4x4, 1x1 conv x128, Linear(2048, 1024), Dropout 0.7."""

    def __init__(self, c_in, num_classes, width=1.0, dropout=0.7):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2D(4)
        self.conv = nn.Conv2D(c_in, scaled(128, width), 1)
        self.fc1 = nn.Linear(scaled(128, width) * 16, scaled(1024, width))
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(scaled(1024, width), num_classes)

    def forward(self, x):
        x = F.relu(self.conv(self.pool(x)))
        x = self.drop(F.relu(self.fc1(paddle.flatten(x, 1))))
        return self.fc2(x)


# (c1, (3x3 reduce, 3x3), (5x5 reduce, 5x5), pool proj) for 3a, 3b, 4a..4e, 5a, 5b (the paper's)
BLOCKS = {
    "3a": (64, (96, 128), (16, 32), 32),
    "3b": (128, (128, 192), (32, 96), 64),
    "4a": (192, (96, 208), (16, 48), 64),
    "4b": (160, (112, 224), (24, 64), 64),
    "4c": (128, (128, 256), (24, 64), 64),
    "4d": (112, (144, 288), (32, 64), 64),
    "4e": (256, (160, 320), (32, 128), 128),
    "5a": (256, (160, 320), (32, 128), 128),
    "5b": (384, (192, 384), (48, 128), 128),
}


class GoogLeNet(nn.Layer):
    """The course's GoogLeNet with the paper's auxiliary heads (``aux=False`` leaves them out)."""

    def __init__(self, num_classes=1, in_channels=3, width=1.0, aux=True, dropout=0.4):
        super().__init__()
        w = lambda n: scaled(n, width)
        self.conv1 = nn.Conv2D(in_channels, w(64), 7, padding=3)
        self.pool1 = nn.MaxPool2D(3, stride=2, padding=1)
        self.conv2_1 = nn.Conv2D(w(64), w(64), 1)
        self.conv2_2 = nn.Conv2D(w(64), w(192), 3, padding=1)
        self.pool2 = nn.MaxPool2D(3, stride=2, padding=1)
        c = w(192)
        blocks = {}
        for name, (c1, c2, c3, c4) in BLOCKS.items():
            blocks[name] = Inception(c, w(c1), (w(c2[0]), w(c2[1])), (w(c3[0]), w(c3[1])), w(c4))
            c = blocks[name].out_channels
        self.block3_1, self.block3_2 = blocks["3a"], blocks["3b"]
        self.pool3 = nn.MaxPool2D(3, stride=2, padding=1)
        self.block4_1, self.block4_2, self.block4_3 = blocks["4a"], blocks["4b"], blocks["4c"]
        self.block4_4, self.block4_5 = blocks["4d"], blocks["4e"]
        self.pool4 = nn.MaxPool2D(3, stride=2, padding=1)
        self.block5_1, self.block5_2 = blocks["5a"], blocks["5b"]
        self.pool5 = nn.AdaptiveAvgPool2D(1)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(c, num_classes)
        self.aux = aux
        if aux:
            self.aux1 = AuxHead(blocks["4a"].out_channels, num_classes, width)
            self.aux2 = AuxHead(blocks["4d"].out_channels, num_classes, width)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2_2(F.relu(self.conv2_1(x)))))
        x = self.pool3(self.block3_2(self.block3_1(x)))
        a = self.block4_1(x)
        d = self.block4_4(self.block4_3(self.block4_2(a)))
        x = self.pool4(self.block4_5(d))
        x = self.pool5(self.block5_2(self.block5_1(x)))
        main = self.fc(self.drop(paddle.flatten(x, 1)))
        if self.aux and self.training:
            return main, self.aux1(a), self.aux2(d)
        return main
