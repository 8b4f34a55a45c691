"""Neural networks from scratch in numpy: the course's regression, layers with backpropagation,
softmax cross-entropy, an MLP, optimizers and gradient checks; convolution, pooling and batch
normalisation to check Paddle's layers against."""

from .batchnorm import BatchNorm
from .conv import conv2d, max_pool2d
from .gradcheck import check_layer, check_loss, numerical_gradient
from .layers import Linear, ReLU, Sigmoid
from .losses import SoftmaxCrossEntropy
from .mlp import MLP
from .optimizers import OPTIMIZERS, AdaGrad, Adam, Momentum, RMSProp, SGD
from .regression import Network, course_split, loss_surface
from .training import evaluate, fit

__all__ = ["Network", "course_split", "loss_surface", "Linear", "ReLU", "Sigmoid",
           "SoftmaxCrossEntropy", "MLP", "SGD", "Momentum", "AdaGrad", "RMSProp", "Adam",
           "OPTIMIZERS", "check_layer", "check_loss", "numerical_gradient", "fit", "evaluate",
           "BatchNorm", "conv2d", "max_pool2d"]
