"""The course's optimizers in numpy, with ``paddle.optimizer``'s hyper-parameters and formulas.

Each optimizer updates a list of numpy parameter arrays **in place** from a list of gradients of
the same shapes, and keeps its state per parameter (by position). ``g`` is the gradient, ``p`` the
parameter, ``lr`` the learning rate. Defaults are Paddle 3.x's; where Paddle's formula differs from
a textbook's (or PyTorch's), the docstring says so. The lesson ``numpy_optimizers`` and the tests
check every one against Paddle step by step.
"""

import numpy as np


def as_float32(x):
    """``x`` rounded to float32, as Paddle 3.3 stores some optimizers' hyper-parameters (measured
    against it: Momentum's momentum; RMSProp's rho, epsilon and momentum; AdaGrad's epsilon; the
    learning rates stay float64). With float64 parameters, skipping this rounding makes Momentum
    (0.8) drift ~1e-6 from Paddle in 100 steps; with it the two agree to the last bit."""
    return float(np.float32(x))


class Optimizer:
    def __init__(self, lr):
        self.lr = lr
        self.state = {}

    def _slot(self, i, name, like):
        """Per-parameter state array ``name`` of parameter ``i``, created as zeros."""
        return self.state.setdefault((i, name), np.zeros_like(like))

    def step(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            self.update(i, p, g)

    def update(self, i, p, g):
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * g"""

    def update(self, i, p, g):
        p -= self.lr * g


class Momentum(Optimizer):
    """v = momentum * v + g;  p -= lr * v   (Nesterov: p -= lr * (g + momentum * v)).

    Paddle (like PyTorch) accumulates the raw gradient and multiplies by ``lr`` at the update; the
    "(1 - momentum) * g" form of some textbooks is not what it computes."""

    def __init__(self, lr, momentum=0.9, use_nesterov=False):
        super().__init__(lr)
        self.momentum, self.use_nesterov = as_float32(momentum), use_nesterov

    def update(self, i, p, g):
        v = self._slot(i, "velocity", p)
        v *= self.momentum
        v += g
        p -= self.lr * (g + self.momentum * v if self.use_nesterov else v)


class AdaGrad(Optimizer):
    """s += g**2;  p -= lr * g / (sqrt(s) + epsilon)   (epsilon outside the root; Paddle 1e-6)."""

    def __init__(self, lr, epsilon=1e-6, initial_accumulator_value=0.0):
        super().__init__(lr)
        self.epsilon, self.initial = as_float32(epsilon), initial_accumulator_value

    def update(self, i, p, g):
        s = self.state.setdefault((i, "moment"), np.full_like(p, self.initial))
        s += g * g
        p -= self.lr * g / (np.sqrt(s) + self.epsilon)


class RMSProp(Optimizer):
    """r = rho * r + (1 - rho) * g**2;  v = momentum * v + lr * g / sqrt(r + epsilon);  p -= v.

    Paddle puts epsilon **inside** the square root (PyTorch adds it outside) and defaults to
    rho 0.95, epsilon 1e-6. ``centered`` subtracts the squared running mean of g under the root."""

    def __init__(self, lr, rho=0.95, epsilon=1e-6, momentum=0.0, centered=False):
        super().__init__(lr)
        self.rho, self.epsilon = as_float32(rho), as_float32(epsilon)
        self.momentum, self.centered = as_float32(momentum), centered

    def update(self, i, p, g):
        r = self._slot(i, "mean_square", p)
        r *= self.rho
        r += (1 - self.rho) * g * g
        denom = r
        if self.centered:
            m = self._slot(i, "mean_grad", p)
            m *= self.rho
            m += (1 - self.rho) * g
            denom = r - m * m
        v = self._slot(i, "moment", p)
        v *= self.momentum
        v += self.lr * g / np.sqrt(denom + self.epsilon)
        p -= v


class Adam(Optimizer):
    """m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g**2;  with t the step number,
    p -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon * sqrt(1 - b2**t)).

    That is the bias-corrected update m_hat / (sqrt(v_hat) + epsilon), folded into the rate the
    way Paddle's kernel computes it (epsilon scaled by sqrt(1 - b2**t)), so the two agree
    exactly."""

    def __init__(self, lr, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def update(self, i, p, g):
        m, v = self._slot(i, "moment1", p), self._slot(i, "moment2", p)
        t = self.state[(i, "t")] = self.state.get((i, "t"), 0) + 1
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        c1, c2 = 1 - self.beta1**t, np.sqrt(1 - self.beta2**t)
        p -= self.lr * c2 / c1 * m / (np.sqrt(v) + self.epsilon * c2)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}
