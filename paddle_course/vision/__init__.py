"""Chapter 4's library: the classic networks (LeNet to ResNet, a ViT), PALM fundus photos,
scikit-image's photos."""

from paddle_course.vision.classic import VGG, AlexNet, LeNet
from paddle_course.vision.googlenet import GoogLeNet, Inception
from paddle_course.vision.resnet import BottleneckBlock, ConvBNLayer, ResNet
from paddle_course.vision.zoo import NETWORKS, build_network

__all__ = [
    "LeNet",
    "AlexNet",
    "VGG",
    "GoogLeNet",
    "Inception",
    "ResNet",
    "ConvBNLayer",
    "BottleneckBlock",
    "NETWORKS",
    "build_network",
]
