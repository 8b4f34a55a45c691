"""Layers with hand-written backpropagation.

Every layer has ``forward(x)`` (which caches what its backward needs) and ``backward(grad)``,
which takes dL/d(output) and returns dL/d(input), storing dL/d(parameter) in ``self.grads``.
Shapes: ``x`` is ``[N, features]``. ``Linear.W`` is ``[in, out]``, the layout of Paddle's
``Linear.weight`` (PyTorch stores the transpose).
"""

import numpy as np


class Layer:
    def __init__(self):
        self.params, self.grads = {}, {}

    def __call__(self, x):
        return self.forward(x)


class Linear(Layer):
    """y = x @ W + b."""

    def __init__(self, n_in, n_out, rng):
        super().__init__()
        # Xavier-uniform, Paddle's default for Linear weights; biases start at 0
        limit = np.sqrt(6.0 / (n_in + n_out))
        self.params = {"W": rng.uniform(-limit, limit, (n_in, n_out)), "b": np.zeros(n_out)}

    def forward(self, x):
        self.x = x  # [N, in]
        return x @ self.params["W"] + self.params["b"]  # [N, out]

    def backward(self, grad):  # grad: [N, out]
        self.grads = {
            "W": self.x.T @ grad,  # [in, out]
            "b": grad.sum(axis=0),
        }  # [out]
        return grad @ self.params["W"].T  # [N, in]


class Sigmoid(Layer):
    """y = 1 / (1 + exp(-x)); dy/dx = y (1 - y), at most 1/4: why deep sigmoid nets' gradients
    vanish."""

    def forward(self, x):
        # split by sign so that exp never overflows
        e = np.exp(-np.abs(x))
        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return self.y

    def backward(self, grad):
        return grad * self.y * (1 - self.y)


class ReLU(Layer):
    """y = max(x, 0); dy/dx = 1 where x > 0, else 0."""

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask
