import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.models import MNIST
from paddle_course.practice.finetune import freeze, param_groups, trainable


def _step(model, opt):
    x, y = paddle.randn([8, 1, 28, 28]), paddle.randint(0, 10, [8])
    F.cross_entropy(model(x), y).backward()
    grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters() if p.grad is not None}
    opt.step()
    opt.clear_grad()
    return grads


def test_frozen_parameters_do_not_change():
    paddle.seed(0)
    model = MNIST()
    assert freeze(model, ["conv1", "conv2"]) == [
        "conv1.weight",
        "conv1.bias",
        "conv2.weight",
        "conv2.bias",
    ]
    before = {n: p.numpy().copy() for n, p in model.named_parameters()}
    opt = paddle.optimizer.Adam(0.01, parameters=trainable(model))
    for _ in range(3):
        _step(model, opt)
    after = {n: p.numpy() for n, p in model.named_parameters()}
    assert all(np.array_equal(before[n], after[n]) for n in before if n.startswith("conv"))
    assert not np.array_equal(before["fc.weight"], after["fc.weight"])


def test_group_learning_rate_is_a_multiplier():
    paddle.seed(1)
    model = MNIST()
    before = {n: p.numpy().copy() for n, p in model.named_parameters()}
    opt = paddle.optimizer.SGD(0.1, parameters=param_groups(model, {"conv": 0.25}))
    grads = _step(model, opt)
    for name, p in model.named_parameters():
        rate = 0.1 * (0.25 if name.startswith("conv") else 1.0)
        np.testing.assert_allclose(
            before[name] - p.numpy(), rate * grads[name], rtol=1e-4, atol=1e-7
        )
