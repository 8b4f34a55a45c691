"""The classic networks: Paddle's own models as oracles, shapes at any size, auxiliary heads."""

import numpy as np
import paddle
import paddle.vision.models as pvm
import pytest

from paddle_course.vision import VGG, AlexNet, GoogLeNet, LeNet, ResNet
from paddle_course.vision.resnet import paddle_names


def count(model):
    return sum(int(p.size) for p in model.parameters())


def lazy(build):
    """The model with its parameters created but not initialised (counting needs no values)."""
    with paddle.LazyGuard():
        return build()


@pytest.mark.parametrize("depth", [18, 34, 50, 101, 152])
def test_resnet_parameter_counts_equal_paddle_vision(depth):
    ours, theirs = (
        lazy(lambda: ResNet(depth, num_classes=1000)),
        lazy(getattr(pvm, f"resnet{depth}")),
    )
    assert count(ours) == count(theirs)
    assert len(ours.state_dict()) == len(theirs.state_dict())  # BN statistics too


def test_vgg16_parameter_counts_equal_paddle_vision():
    assert count(lazy(lambda: VGG(num_classes=1000))) == count(lazy(pvm.vgg16)) == 138_357_544
    assert count(lazy(lambda: VGG(num_classes=1000, batch_norm=True))) == count(
        lazy(lambda: pvm.vgg16(batch_norm=True))
    )


def test_resnet50_with_paddles_weights_gives_paddles_outputs():
    paddle.seed(1)
    ours, theirs = ResNet(50, num_classes=10), pvm.resnet50(num_classes=10)
    weights = theirs.state_dict()
    for p in weights.values():  # random, and not the initial ones: BN statistics too
        p.set_value(paddle.randn(p.shape) * 0.1 + (1.0 if p.name.endswith("_variance") else 0.0))
    ours.set_state_dict({k: weights[v] for k, v in paddle_names(ours).items()})
    ours.eval(), theirs.eval()
    x = paddle.randn([2, 3, 64, 64])
    np.testing.assert_array_equal(ours(x).numpy(), theirs(x).numpy())


def test_the_courses_lenet_sizes():
    assert lazy(LeNet).fc1.weight.shape == [300_000, 64]  # the course's 300000 at 224 px
    assert LeNet(image_size=28, in_channels=1).fc1.weight.shape == [120, 64]
    with pytest.raises(ValueError, match="at least 18 px"):
        LeNet(image_size=16)


@pytest.mark.parametrize(
    "build",
    [
        lambda: LeNet(10, in_channels=1, image_size=32, activation="relu"),
        lambda: AlexNet(10, in_channels=1, width=1 / 8, pool_size=1),
        lambda: VGG(10, in_channels=1, width=1 / 8, pool_size=1),
        lambda: GoogLeNet(10, in_channels=1, width=1 / 8),
        lambda: ResNet(18, 10, in_channels=1, width=1 / 4),
    ],
    ids=["lenet", "alexnet", "vgg", "googlenet", "resnet18"],
)
def test_small_versions_run_on_digits(build):
    model = build()
    model.eval()
    assert model(paddle.randn([3, 1, 32, 32])).shape == [3, 10]


def test_googlenet_returns_auxiliary_outputs_in_training_only():
    model = GoogLeNet(5, in_channels=1, width=1 / 8)
    x = paddle.randn([2, 1, 32, 32])
    model.train()
    assert [o.shape for o in model(x)] == [[2, 5]] * 3
    model.eval()
    assert model(x).shape == [2, 5]
    assert GoogLeNet(5, width=1 / 8, aux=False)(paddle.randn([2, 3, 32, 32])).shape == [2, 5]


@pytest.mark.slow
@pytest.mark.parametrize(
    "build",
    [
        lambda: LeNet(1),
        lambda: AlexNet(1),
        lambda: VGG(1),
        lambda: GoogLeNet(1),
        lambda: ResNet(50, 1),
    ],
    ids=["lenet", "alexnet", "vgg16", "googlenet", "resnet50"],
)
def test_full_size_forward_at_224(build):
    model = build()
    model.eval()
    with paddle.no_grad():
        assert model(paddle.randn([1, 3, 224, 224])).shape == [1, 1]
