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
    assert list(MNIST().state_dict()) == [
        "conv1.weight",
        "conv1.bias",
        "conv2.weight",
        "conv2.bias",
        "fc.weight",
        "fc.bias",
    ]


def test_course_pdparams_round_trip(tmp_path):
    paddle.seed(1)
    course = CourseMNIST()
    path = str(tmp_path / "mnist.pdparams")
    paddle.save(course.state_dict(), path)  # what the course's training code writes
    ours = MNIST()
    ours.set_state_dict(paddle.load(path))
    x = paddle.randn([3, 1, 28, 28])
    course.eval(), ours.eval()
    out = ours(x)
    assert out.shape == [3, 10]  # logits, no softmax: rows do not sum to 1
    assert np.array_equal(out.numpy(), course(x).numpy())
    assert not np.allclose(F.softmax(out).numpy().sum(1), out.numpy().sum(1))


def test_bias_after_pool_is_the_same_function_with_the_same_keys():
    paddle.seed(3)
    plain = MNIST(bias_after_pool=False)  # the course's order: conv + bias, ReLU, pool
    fast = MNIST()  # the default
    assert list(fast.state_dict()) == list(plain.state_dict())
    fast.set_state_dict(plain.state_dict())
    x = paddle.randn([16, 1, 28, 28])
    a, b = plain(x), fast(x)
    assert np.array_equal(a.numpy(), b.numpy())  # bit for bit: max(z + b) = max(z) + b
    labels = paddle.to_tensor(np.arange(16) % 10)
    grads = []
    for net in (plain, fast):
        F.cross_entropy(net(x), labels).backward()
        grads.append({k: p.grad.numpy().copy() for k, p in net.named_parameters()})
        net.clear_gradients()
    for k in grads[0]:  # the bias gradient sums the same terms in another order: rounding only
        scale = np.abs(grads[0][k]).max()
        assert np.abs(grads[0][k] - grads[1][k]).max() <= 1e-5 * scale, k
    assert np.abs(grads[0]["conv1.bias"]).max() > 1e-4


def test_hooks_see_every_layer_of_the_fast_course_cnn():
    from paddle_course.practice.flops import count_flops
    from paddle_course.practice.inspection import capture, layer_outputs

    paddle.seed(0)
    fast, plain = MNIST(), MNIST(bias_after_pool=False)
    plain.set_state_dict(fast.state_dict())
    x = paddle.randn([2, 1, 28, 28])
    got, want = capture(fast, x), capture(plain, x)
    assert list(got) == ["conv1", "conv2"] and all(np.array_equal(got[k], want[k]) for k in want)
    assert [r["shape"] for r in layer_outputs(fast, x)] == [
        [2, 20, 28, 28],
        [2, 20, 14, 14],
        [2, 10],
    ]
    assert count_flops(fast, [1, 1, 28, 28]) == count_flops(plain, [1, 1, 28, 28]) > 0
    assert fast.bias_after_pool  # the fast path is back afterwards
