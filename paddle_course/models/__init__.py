"""Networks, named as the course names them."""

from .mnist import MNIST

__all__ = ["MNIST"]
