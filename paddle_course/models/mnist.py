"""The course's MNIST convolutional network."""

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from paddle_course.models.blocks import conv_pool_bias_relu


class MNIST(nn.Layer):
    """conv(5x5, 20) -> ReLU -> maxpool 2 -> conv(5x5, 20) -> ReLU -> maxpool 2 -> Linear(980, 10).

    Input ``[N, 1, 28, 28]``; output ``[N, 10]`` **logits**. There is no softmax layer:
    ``F.cross_entropy`` applies softmax itself, and a net that ends in ``Softmax`` (as some of the
    course's do) gets it twice and its loss cannot fall much below 1.46.

    The attribute names give the ``state_dict`` keys ``conv1.weight, conv1.bias, conv2.weight,
    conv2.bias, fc.weight, fc.bias``, the course's own, so a ``.pdparams`` saved by the course's
    code loads here. (Paddle's ``Linear`` weight is ``[in, out]``, the transpose of PyTorch's.)
    """

    def __init__(self, num_classes=10, weight_init=None, image_size=28, bias_after_pool=True):
        """``weight_init``: a ``paddle.nn.initializer`` for the three weights (default: Paddle's).
        ``image_size``: other square inputs than 28 px; the Linear layer takes 20 x (size/4)^2.
        ``bias_after_pool``: add each conv's bias after the max-pooling (the default: the same
        function, parameters and keys, 1.4-1.6x the training speed on a CPU, see
        :func:`~paddle_course.models.blocks.conv_pool_bias_relu`); ``False`` runs the course's
        order, conv with bias -> ReLU -> pool."""
        super().__init__()
        self.bias_after_pool = bias_after_pool
        attr = lambda: paddle.ParamAttr(initializer=weight_init) if weight_init else None
        self.conv1 = nn.Conv2D(1, 20, 5, stride=1, padding=2, weight_attr=attr())  # [N, 20, 28, 28]
        self.conv2 = nn.Conv2D(
            20, 20, 5, stride=1, padding=2, weight_attr=attr()
        )  # [N, 20, 14, 14]
        side = image_size // 4
        self.fc = nn.Linear(20 * side * side, num_classes, weight_attr=attr())  # 980 -> 10

    def forward(self, x):
        if self.bias_after_pool:
            x = conv_pool_bias_relu(x, self.conv1.weight, self.conv1.bias, 2)  # [N, 20, 14, 14]
            x = conv_pool_bias_relu(x, self.conv2.weight, self.conv2.bias, 2)  # [N, 20, 7, 7]
        else:
            x = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=2, stride=2)  # [N, 20, 14, 14]
            x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=2, stride=2)  # [N, 20, 7, 7]
        return self.fc(paddle.flatten(x, start_axis=1))  # [N, 10]


class LinearNet(nn.Layer):
    """One Linear(784, 10): softmax regression, the baseline every network must beat."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.fc = nn.Linear(784, num_classes)

    def forward(self, x):
        return self.fc(paddle.flatten(x, start_axis=1))


class MLP(nn.Layer):
    """784 -> hidden... -> 10 with ``activation`` ('sigmoid', 'relu' or None) between the layers.

    The course's MLP has two hidden layers of 10 units with sigmoid. With ``activation=None`` the
    stack of Linear layers is itself one linear map (a product of matrices), so it can do no
    better than :class:`LinearNet` (FAQ Q7), and its 10-unit layers even limit that map's rank.
    """

    ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, None: None}

    def __init__(
        self,
        hidden=(10, 10),
        activation="sigmoid",
        num_classes=10,
        dropout=0.0,
        dropout_mode="upscale_in_train",
        weight_init=None,
    ):
        """``dropout`` > 0 adds ``nn.Dropout(dropout, mode=dropout_mode)`` after each hidden layer;
        ``weight_init`` is a ``paddle.nn.initializer`` for the Linear weights (default Paddle's)."""
        super().__init__()
        sizes = [784, *hidden, num_classes]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            attr = paddle.ParamAttr(initializer=weight_init) if weight_init else None
            layers.append(nn.Linear(n_in, n_out, weight_attr=attr))
            if i < len(sizes) - 2:
                if self.ACTIVATIONS[activation] is not None:
                    layers.append(self.ACTIVATIONS[activation]())
                if dropout:
                    layers.append(nn.Dropout(dropout, mode=dropout_mode))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(paddle.flatten(x, start_axis=1))
