"""Run a numpy optimizer and its ``paddle.optimizer`` twin side by side.

Both work in float64, so that what is compared is the algorithm, not float32 rounding.
"""

import numpy as np
import paddle

from paddle_course.numpy_nn.optimizers import OPTIMIZERS

# our name -> Paddle's class; the hyper-parameter keywords are the same on both sides
PADDLE_CLASSES = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}


def _parameter(value):
    value = np.asarray(value, dtype=np.float64)
    return paddle.create_parameter(
        list(value.shape), "float64", default_initializer=paddle.nn.initializer.Assign(value)
    )


def twins(name, start, lr, **hp):
    """``(numpy_param, numpy_opt, paddle_param, paddle_opt)`` from the same starting value."""
    p = _parameter(start)
    return (
        np.array(start, dtype=np.float64),
        OPTIMIZERS[name](lr, **hp),
        p,
        getattr(paddle.optimizer, PADDLE_CLASSES[name])(learning_rate=lr, parameters=[p], **hp),
    )


def on_gradients(name, start, grads, lr, **hp):
    """Feed both the same gradient sequence; return their final parameters."""
    q, ours, p, theirs = twins(name, start, lr, **hp)
    for g in grads:
        (p * paddle.to_tensor(g)).sum().backward()  # makes p.grad exactly g
        theirs.step()
        theirs.clear_grad()
        ours.step([q], [g])
    return q, p.numpy()


def on_function(name, f, start, steps, lr, **hp):
    """Minimise ``f(tensor) -> scalar tensor`` from ``start`` with both optimizers, each taking
    the gradient at its own point. Returns both paths, ``[steps + 1, len(start)]``."""
    q, ours, p, theirs = twins(name, start, lr, **hp)
    ours_path, theirs_path = [q.copy()], [p.numpy().copy()]
    for _ in range(steps):
        f(p).backward()
        theirs.step()
        theirs.clear_grad()
        ours.step([q], [gradient(f, q)])
        ours_path.append(q.copy())
        theirs_path.append(p.numpy().copy())
    return np.array(ours_path), np.array(theirs_path)


def gradient(f, point):
    """d f / d point at a numpy ``point``, by Paddle's autograd (the numpy optimizer only needs a
    gradient; where it comes from is not what is being compared)."""
    x = paddle.to_tensor(point, stop_gradient=False)
    f(x).backward()
    return x.grad.numpy()
