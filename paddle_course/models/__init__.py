"""Networks, named as the course names them."""

from .blocks import CBRNet, ConvBNReLU, fold
from .mnist import MLP, MNIST, LinearNet
from .transfer import load_partial

__all__ = ["MNIST", "LinearNet", "MLP", "load_partial", "CBRNet", "ConvBNReLU", "fold"]
