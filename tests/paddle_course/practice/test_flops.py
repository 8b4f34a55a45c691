"""The multiply-accumulate counter by closed form; resizing and padding digits."""

import numpy as np

from paddle_course.data.transforms import pad, resize
from paddle_course.models import MNIST
from paddle_course.practice.flops import count_flops
from paddle_course.vision import VGG


def test_flops_of_the_course_cnn_by_closed_form():
    conv1 = 28 * 28 * 20 * (1 * 5 * 5 + 1)  # output elements x (inputs per output + bias)
    conv2 = 14 * 14 * 20 * (20 * 5 * 5 + 1)
    fc = 10 * 980
    assert count_flops(MNIST(), [1, 1, 28, 28]) == conv1 + conv2 + fc == 2_381_400


def test_flops_count_batchnorm_and_adaptive_pooling_and_leave_the_mode():
    model = VGG(10, in_channels=1, pool_size=1, batch_norm=True, blocks=((4,),), hidden=8)
    model.train()
    conv = 8 * 8 * 4 * (9 + 1)
    bn = 2 * 4 * 8 * 8
    pool = (4 * 4 + 1) * 4  # 4x4 window averaged to 1x1, 4 channels
    fc = 8 * 4 + 8 * 8 + 10 * 8
    assert count_flops(model, [1, 1, 8, 8]) == conv + bn + pool + fc
    assert model.training  # restored after counting in eval mode


def test_resize_down_averages_areas_and_up_interpolates():
    x = np.random.default_rng(0).random((3, 1, 28, 28)).astype(np.float32)
    small = resize(x, 7)
    np.testing.assert_allclose(small, x.reshape(3, 1, 7, 4, 7, 4).mean(axis=(3, 5)), atol=1e-6)
    big = resize(x, 56)
    assert big.shape == (3, 1, 56, 56)
    assert x.min() - 1e-6 <= big.min() and big.max() <= x.max() + 1e-6  # no overshoot
    np.testing.assert_allclose(resize(np.full((1, 1, 28, 28), 0.3, np.float32), 56), 0.3, atol=1e-6)


def test_pad_centres_the_digit_on_the_background():
    x = np.ones((2, 1, 28, 28), np.float32)
    out = pad(x, 32)
    assert out.shape == (2, 1, 32, 32)
    np.testing.assert_array_equal(out[:, :, 2:30, 2:30], x)
    assert (out[:, :, :2] == -1).all() and (out[:, :, :, 30:] == -1).all()


def test_attention_counts_its_matrix_products():
    from paddle_course.vision.vit import MultiHeadSelfAttention

    layer = MultiHeadSelfAttention(32, 4)
    projections = 4 * 7 * 32 * 32  # q, k, v, out: 7 tokens x 32 -> 32
    products = 2 * 7 * 7 * 32  # Q K^T and weights x V, summed over heads
    assert count_flops(layer, [1, 7, 32]) == projections + products
