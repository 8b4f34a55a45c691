"""The course's MNIST network, under the course's module name.

    from chapters.ch02_mnist.MNIST_network import MNIST

The class lives in the library (``paddle_course.models.mnist``) so every lesson shares one
definition; its ``state_dict`` keys are the course's (``conv1.*``, ``conv2.*``, ``fc.*``).
Run this module to see the layer shapes and parameter counts.
"""

import paddle

from paddle_course.models import MNIST

__all__ = ["MNIST"]


def main():
    model = MNIST()
    paddle.summary(model, (1, 1, 28, 28))
    for name, p in model.named_parameters():
        print(f"{name:14} {str(list(p.shape)):16} {int(p.size):>6} parameters")


if __name__ == "__main__":
    main()
