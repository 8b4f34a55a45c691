"""LeNet, AlexNet and VGG-16 as the course builds them, for any input size and number of classes.

At full size (``width=1``) and 224 x 224 x 3 input they are the course's networks, layer for
layer and with its attribute names (so its ``.pdparams`` keys). Two knobs let the same
architectures train on a CPU on small images:

* ``width`` multiplies every channel count and hidden size (``width=1/8``: VGG's 64..512
  channels become 8..64);
* ``pool_size``: AlexNet and VGG average-pool their last feature map to ``pool_size`` x
  ``pool_size`` before the classifier (``nn.AdaptiveAvgPool2D``; 7 at 224 px is the identity), so
  their classifier does not depend on the input size. LeNet keeps the course's flatten (its
  first Linear grows with the image: 300,000 inputs at 224 px), which is part of its lesson.

All return logits (no softmax: the loss applies it), ``[N, num_classes]``; with one class, one
logit for ``binary_cross_entropy_with_logits``, as the course's fundus classifier.
"""

import paddle
import paddle.nn as nn
import paddle.nn.functional as F


def scaled(channels, width):
    """``channels * width``, at least 1."""
    return max(1, int(round(channels * width)))


class LeNet(nn.Layer):
    """conv 5x5 x6 -> act -> pool 2 -> conv 5x5 x16 -> act -> pool 2 -> conv 4x4 x120 -> act ->
    Linear(120 x s x s, 64) -> act -> Linear(64, num_classes); ``activation`` sigmoid as in the
    course (LeCun's 1998 network used squashing functions), or relu.

    ``image_size`` fixes the first Linear's input: s = ((image_size - 4) // 2 - 4) // 2 - 3, so
    28 px gives 120 inputs and 224 px gives 120 x 50 x 50 = 300,000.
    """

    def __init__(self, num_classes=1, in_channels=3, image_size=224, activation="sigmoid"):
        super().__init__()
        self.act = {"sigmoid": F.sigmoid, "relu": F.relu}[activation]
        self.conv1 = nn.Conv2D(in_channels, 6, 5)
        self.max_pool1 = nn.MaxPool2D(2, 2)
        self.conv2 = nn.Conv2D(6, 16, 5)
        self.max_pool2 = nn.MaxPool2D(2, 2)
        self.conv3 = nn.Conv2D(16, 120, 4)
        s = ((image_size - 4) // 2 - 4) // 2 - 3
        if s < 1:
            raise ValueError(f"LeNet needs images of at least 18 px, got {image_size}")
        self.fc1 = nn.Linear(120 * s * s, 64)
        self.fc2 = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.max_pool1(self.act(self.conv1(x)))
        x = self.max_pool2(self.act(self.conv2(x)))
        x = self.act(self.conv3(x))
        x = self.act(self.fc1(paddle.flatten(x, 1)))
        return self.fc2(x)


class AlexNet(nn.Layer):
    """Five convs (11x11 stride 4, 5x5, three 3x3) with ReLU and three max-pools, then two
    Linear(4096) layers with Dropout 0.5 and the output layer: the course's version (96-256-384-
    384-256 channels, 2x2 pools: 256 x 7 x 7 = 12,544 features at 224 px)."""

    def __init__(self, num_classes=1, in_channels=3, width=1.0, pool_size=7, dropout=0.5):
        super().__init__()
        c = [scaled(n, width) for n in (96, 256, 384, 384, 256)]
        hidden = scaled(4096, width)
        self.conv1 = nn.Conv2D(in_channels, c[0], 11, stride=4, padding=5)
        self.max_pool1 = nn.MaxPool2D(2, 2)
        self.conv2 = nn.Conv2D(c[0], c[1], 5, padding=2)
        self.max_pool2 = nn.MaxPool2D(2, 2)
        self.conv3 = nn.Conv2D(c[1], c[2], 3, padding=1)
        self.conv4 = nn.Conv2D(c[2], c[3], 3, padding=1)
        self.conv5 = nn.Conv2D(c[3], c[4], 3, padding=1)
        self.max_pool5 = nn.MaxPool2D(2, 2)
        self.pool = nn.AdaptiveAvgPool2D(pool_size)
        self.fc1 = nn.Linear(c[4] * pool_size * pool_size, hidden)
        self.drop1 = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, hidden)
        self.drop2 = nn.Dropout(dropout)
        self.fc3 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.max_pool1(F.relu(self.conv1(x)))
        x = self.max_pool2(F.relu(self.conv2(x)))
        x = F.relu(self.conv4(F.relu(self.conv3(x))))
        x = self.pool(self.max_pool5(F.relu(self.conv5(x))))
        x = self.drop1(F.relu(self.fc1(paddle.flatten(x, 1))))
        x = self.drop2(F.relu(self.fc2(x)))
        return self.fc3(x)


VGG16_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))


class VGG(nn.Layer):
    """VGG-16: five blocks of 3x3 convs (2, 2, 3, 3, 3 of them, 64 to 512 channels), each followed
    by a 2x2 max-pool, then Linear(512 x 7 x 7, 4096) -> ReLU -> Dropout -> Linear(4096, 4096) ->
    ReLU -> Dropout -> Linear(4096, num_classes). Conv names ``conv1_1`` ... ``conv5_3`` as the
    course's. ``batch_norm`` puts a BatchNorm2D after every conv (VGG-16-BN), for the lesson on BN;
    ``blocks`` (channels per conv, per block) and ``hidden`` make smaller VGG-style networks.
    """

    def __init__(
        self,
        num_classes=1,
        in_channels=3,
        width=1.0,
        pool_size=7,
        dropout=0.5,
        batch_norm=False,
        blocks=VGG16_BLOCKS,
        hidden=4096,
    ):
        super().__init__()
        self.layers = []  # (conv, bn or None), or None for a max-pool
        c_in = in_channels
        for b, block in enumerate(blocks, start=1):
            for i, c in enumerate(block, start=1):
                c_out = scaled(c, width)
                conv = self.add_sublayer(f"conv{b}_{i}", nn.Conv2D(c_in, c_out, 3, padding=1))
                bn = self.add_sublayer(f"bn{b}_{i}", nn.BatchNorm2D(c_out)) if batch_norm else None
                self.layers.append((conv, bn))
                c_in = c_out
            self.layers.append(None)  # a 2x2 max-pool ends each block
        hidden = scaled(hidden, width)
        self.pool = nn.AdaptiveAvgPool2D(pool_size)
        self.fc1 = nn.Sequential(nn.Linear(c_in * pool_size * pool_size, hidden), nn.ReLU())
        self.dropout1 = nn.Dropout(dropout)
        self.fc2 = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU())
        self.dropout2 = nn.Dropout(dropout)
        self.fc3 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        for layer in self.layers:
            if layer is None:
                x = F.max_pool2d(x, 2, 2)
            else:
                conv, bn = layer
                x = F.relu(bn(conv(x)) if bn is not None else conv(x))
        x = paddle.flatten(self.pool(x), 1)
        x = self.dropout1(self.fc1(x))
        x = self.dropout2(self.fc2(x))
        return self.fc3(x)
