"""The networks several chapters share: the course's MNIST models and the CNN blocks."""

from paddle_course.models.blocks import CBRNet, ConvBNReLU, fold
from paddle_course.models.mnist import MLP, MNIST, LinearNet
from paddle_course.models.transfer import load_partial

__all__ = ["MNIST", "LinearNet", "MLP", "load_partial", "CBRNet", "ConvBNReLU", "fold"]
