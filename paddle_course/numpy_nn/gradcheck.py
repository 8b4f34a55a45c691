"""Finite-difference gradient checks: does a hand-written backward compute the true gradient?"""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """d f / d x by central differences, one element of ``x`` at a time (``x`` is changed and
    restored in place). ``f()`` returns a scalar."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_layer(layer, x, seed=0):
    """Max relative error between ``layer``'s backward and finite differences, for its input and
    each parameter. The scalar checked is ``sum(forward(x) * r)`` for a fixed random ``r``, whose
    gradient with respect to the output is ``r``."""
    r = np.random.RandomState(seed).randn(*layer.forward(x).shape)
    layer.forward(x)
    errors = {
        "input": relative_error(
            layer.backward(r), numerical_gradient(lambda: float((layer.forward(x) * r).sum()), x)
        )
    }
    analytic = {k: g.copy() for k, g in layer.grads.items()}
    for name, p in layer.params.items():
        errors[name] = relative_error(
            analytic[name], numerical_gradient(lambda: float((layer.forward(x) * r).sum()), p)
        )
    return errors


def check_loss(loss, logits, labels):
    """Max relative error of ``loss.backward()`` (dL/dlogits) against finite differences."""
    loss.forward(logits, labels)
    analytic = loss.backward()
    return relative_error(
        analytic, numerical_gradient(lambda: float(loss.forward(logits, labels)), logits)
    )
