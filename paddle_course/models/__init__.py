"""Networks, named as the course names them."""

from .blocks import CBRNet, ConvBNReLU, fold
from .classic import VGG, AlexNet, LeNet
from .googlenet import GoogLeNet, Inception
from .mnist import MLP, MNIST, LinearNet
from .resnet import BottleneckBlock, ConvBNLayer, ResNet
from .transfer import load_partial
from .zoo import NETWORKS, build_network

__all__ = ["MNIST", "LinearNet", "MLP", "load_partial", "CBRNet", "ConvBNReLU", "fold", "LeNet",
           "AlexNet", "VGG", "GoogLeNet", "Inception", "ResNet", "ConvBNLayer", "BottleneckBlock",
           "NETWORKS", "build_network"]
