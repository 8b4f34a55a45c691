"""The training workload the CNN benchmarks share (the parent process and its children time the
same steps): the course CNN's first MNIST batches, trained with Adam as every lesson trains it."""

import time

import paddle
import paddle.nn.functional as F

from paddle_course.models import MNIST

BATCH = 64


def batches(data, batch, steps):
    """The first ``steps`` batches of ``batch`` training digits of ``data``, as numpy pairs."""
    images = data.train.images[: batch * steps]
    labels = data.train.labels[: batch * steps]
    return [(images[i : i + batch], labels[i : i + batch]) for i in range(0, len(images), batch)]


def paddle_run(batches, bias_after_pool=False, static=False, threads=1):
    """Dygraph training of ``MNIST(bias_after_pool)`` on ``batches``; ``static``: to_static."""
    paddle.seed(0)
    model = MNIST(bias_after_pool=bias_after_pool)
    net = paddle.jit.to_static(model, full_graph=True) if static else model
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    tensors = [(paddle.to_tensor(x), paddle.to_tensor(y)) for x, y in batches]

    def run():
        paddle.base.core.set_num_threads(threads)
        try:
            start = time.perf_counter()
            for x, y in tensors:
                loss = F.cross_entropy(net(x), y)
                loss.backward()
                opt.step()
                opt.clear_grad()
            float(loss)  # wait for the last step
            return sum(len(x) for x, _ in tensors), time.perf_counter() - start
        finally:
            paddle.base.core.set_num_threads(1)

    return run


def torch_course_cnn():
    """The course CNN in PyTorch, layer for layer, for the comparisons (torch is imported here
    only: it is never a requirement)."""
    import torch.nn as tnn

    return tnn.Sequential(
        tnn.Conv2d(1, 20, 5, padding=2),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Conv2d(20, 20, 5, padding=2),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Flatten(),
        tnn.Linear(980, 10),
    )
