"""The Vision Transformer's attention against Paddle's, and its shapes."""

import numpy as np
import paddle
import pytest

from paddle_course.vision.vit import MultiHeadSelfAttention, ViT


@pytest.mark.parametrize("dim, heads, tokens", [(32, 4, 50), (16, 1, 3), (24, 8, 10)])
def test_our_attention_equals_paddles_with_the_same_weights(dim, heads, tokens):
    paddle.seed(dim + heads)
    ours, theirs = MultiHeadSelfAttention(dim, heads), paddle.nn.MultiHeadAttention(dim, heads)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    theirs.set_state_dict(ours.state_dict())
    theirs.eval()
    x = paddle.randn([2, tokens, dim])
    np.testing.assert_allclose(ours(x).numpy(), theirs(x, x, x).numpy(), atol=1e-5)


def test_vit_shapes_and_class_attention():
    model = ViT(num_classes=10, image_size=28, patch=4, dim=32, depth=2, heads=4)
    model.eval()
    out = model(paddle.randn([3, 1, 28, 28]))
    assert out.shape == [3, 10]
    att = model.class_attention().numpy()
    assert att.shape == (3, 7, 7) and (att > 0).all() and (att.sum(axis=(1, 2)) < 1).all()
    with pytest.raises(ValueError, match="do not tile"):
        ViT(image_size=30, patch=4)
