"""The course's network: its state_dict keys, and a .pdparams saved by the course's own code."""

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle.nn import Conv2D, Linear, MaxPool2D

from chapters.ch02_mnist.MNIST_network import MNIST


class CourseMNIST(paddle.nn.Layer):
    """The network as the course's notebook writes it (layers for pooling, reshape to 980)."""

    def __init__(self):
        super().__init__()
        self.conv1 = Conv2D(in_channels=1, out_channels=20, kernel_size=5, stride=1, padding=2)
        self.max_pool1 = MaxPool2D(kernel_size=2, stride=2)
        self.conv2 = Conv2D(in_channels=20, out_channels=20, kernel_size=5, stride=1, padding=2)
        self.max_pool2 = MaxPool2D(kernel_size=2, stride=2)
        self.fc = Linear(in_features=980, out_features=10)

    def forward(self, inputs):
        x = self.max_pool1(F.relu(self.conv1(inputs)))
        x = self.max_pool2(F.relu(self.conv2(x)))
        return self.fc(paddle.reshape(x, [x.shape[0], 980]))


def test_state_dict_keys_are_the_courses():
    assert list(MNIST().state_dict()) == ["conv1.weight", "conv1.bias", "conv2.weight",
                                          "conv2.bias", "fc.weight", "fc.bias"]


def test_course_pdparams_round_trip(tmp_path):
    paddle.seed(1)
    course = CourseMNIST()
    path = str(tmp_path / "mnist.pdparams")
    paddle.save(course.state_dict(), path)          # what the course's training code writes
    ours = MNIST()
    ours.set_state_dict(paddle.load(path))
    x = paddle.randn([3, 1, 28, 28])
    course.eval(), ours.eval()
    out = ours(x)
    assert out.shape == [3, 10]                       # logits, no softmax: rows do not sum to 1
    assert np.array_equal(out.numpy(), course(x).numpy())
    assert not np.allclose(F.softmax(out).numpy().sum(1), out.numpy().sum(1))
