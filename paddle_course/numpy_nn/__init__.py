"""Neural networks from scratch in numpy: the course's regression, layers with backpropagation,
softmax cross-entropy, an MLP, optimizers and gradient checks; convolution, pooling and batch
normalisation to check Paddle's layers against."""

from paddle_course.numpy_nn.batchnorm import BatchNorm
from paddle_course.numpy_nn.conv import conv2d, max_pool2d
from paddle_course.numpy_nn.gradcheck import check_layer, check_loss, numerical_gradient
from paddle_course.numpy_nn.layers import Linear, ReLU, Sigmoid
from paddle_course.numpy_nn.losses import SoftmaxCrossEntropy
from paddle_course.numpy_nn.mlp import MLP
from paddle_course.numpy_nn.optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, RMSProp
from paddle_course.numpy_nn.regression import Network, course_split, loss_surface
from paddle_course.numpy_nn.training import evaluate, fit

__all__ = [
    "Network",
    "course_split",
    "loss_surface",
    "Linear",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "MLP",
    "SGD",
    "Momentum",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "OPTIMIZERS",
    "check_layer",
    "check_loss",
    "numerical_gradient",
    "fit",
    "evaluate",
    "BatchNorm",
    "conv2d",
    "max_pool2d",
]
