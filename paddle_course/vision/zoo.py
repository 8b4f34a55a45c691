"""The classic networks by name, sized for an input: what ``--model`` picks in chapter 4."""

from paddle_course.vision.classic import VGG, AlexNet, LeNet
from paddle_course.vision.googlenet import GoogLeNet
from paddle_course.vision.resnet import ResNet

NETWORKS = ("lenet", "alexnet", "vgg", "googlenet", "resnet")


def build_network(
    name,
    num_classes=1,
    in_channels=3,
    image_size=224,
    width=1.0,
    lenet_activation="sigmoid",
    resnet_depth=50,
):
    """One of :data:`NETWORKS` for ``image_size`` px inputs. AlexNet and VGG pool their last
    feature map to what their convs leave of the image (7 x 7 at 224 px, 1 x 1 at 32 px), so the
    adaptive pooling is the identity and the classifier is no bigger than it needs to be. LeNet
    has no width (it is tiny); its activation is the course's sigmoid unless told otherwise."""
    pool = max(1, image_size // 32)
    if name == "lenet":
        return LeNet(num_classes, in_channels, image_size, activation=lenet_activation)
    if name == "alexnet":
        return AlexNet(num_classes, in_channels, width, pool_size=pool)
    if name == "vgg":
        return VGG(num_classes, in_channels, width, pool_size=pool)
    if name == "googlenet":
        return GoogLeNet(num_classes, in_channels, width)
    if name == "resnet":
        return ResNet(resnet_depth, num_classes, in_channels, width)
    raise ValueError(f"unknown network {name!r}; choose from {', '.join(NETWORKS)}")
