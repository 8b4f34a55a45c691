"""Convolution, pooling and batch normalisation by hand equal Paddle's layers."""

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from paddle_course.numpy_nn import BatchNorm, conv2d, max_pool2d


@pytest.mark.parametrize("padding, stride", [(0, 1), (1, 1), (2, 2), ((1, 0), 1)])
def test_conv2d_by_hand_equals_paddle(padding, stride):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 9, 8)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 5)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    ours = conv2d(x, w, b, padding=padding, stride=stride)
    theirs = F.conv2d(
        paddle.to_tensor(x),
        paddle.to_tensor(w),
        paddle.to_tensor(b),
        stride=stride,
        padding=padding,
    ).numpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_max_pool_by_hand_equals_paddle():
    x = np.random.default_rng(1).normal(size=(2, 3, 8, 6)).astype(np.float32)
    np.testing.assert_array_equal(max_pool2d(x, 2), F.max_pool2d(paddle.to_tensor(x), 2).numpy())


@pytest.mark.parametrize("shape", [(16, 4), (6, 3, 5, 4)], ids=["1d", "2d"])
def test_batchnorm_by_hand_equals_paddle_in_both_modes(shape):
    rng = np.random.default_rng(2)
    layer = paddle.nn.BatchNorm1D(shape[1]) if len(shape) == 2 else paddle.nn.BatchNorm2D(shape[1])
    ours = BatchNorm(shape[1])
    for _ in range(4):
        x = rng.normal(2.0, 3.0, size=shape).astype(np.float32)
        np.testing.assert_allclose(ours(x), layer(paddle.to_tensor(x)).numpy(), atol=2e-6)
    np.testing.assert_allclose(ours.running_mean, layer._mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.running_var, layer._variance.numpy(), atol=1e-5)
    layer.eval()
    ours.training = False
    x = rng.normal(2.0, 3.0, size=shape).astype(np.float32)
    np.testing.assert_allclose(ours(x), layer(paddle.to_tensor(x)).numpy(), atol=2e-6)


def test_paddle_updates_the_running_variance_with_the_biased_batch_variance():
    x = np.random.default_rng(3).normal(size=(5, 2)).astype(np.float32)
    layer = paddle.nn.BatchNorm1D(2)
    layer(paddle.to_tensor(x))
    np.testing.assert_allclose(layer._variance.numpy(), 0.9 + 0.1 * x.var(0), rtol=1e-6)
    assert not np.allclose(layer._variance.numpy(), 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-3)
