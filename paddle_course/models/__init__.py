"""Networks, named as the course names them."""

from .mnist import MLP, MNIST, LinearNet

__all__ = ["MNIST", "LinearNet", "MLP"]
