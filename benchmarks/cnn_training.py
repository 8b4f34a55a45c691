"""Training speed of the course CNN (images/s): Paddle's configurations, and PyTorch beside them.

Every configuration trains the same network (conv 5x5 20 -> ReLU -> pool -> conv 5x5 20 -> ReLU
-> pool -> Linear 980 -> 10) with Adam on the same real digits (the embedded MNIST, batches held
in memory, so reading is not measured), a fixed number of steps per timed run:

    paddle dygraph             the course's MNIST as the main job trains it (the baseline)
    + bias after pool          the same function and keys, the conv bias added after pooling
    to_static (+ bias after)   paddle.jit.to_static on the same model
    2 threads                  paddle.base.core.set_num_threads(2) (import paddle sets 1)
    batch 256                  four times the main job's batch
    torch, 1 / 2 threads       PyTorch's CPU build (only when ``torch`` is installed; never a
                               requirement of the project: pip install torch==2.13.0)
"""

import importlib.util
import time

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist
from paddle_course.models import MNIST

from .harness import compare

BATCH = 64


def _batches(data, batch, steps):
    images = data.train.images[:batch * steps]
    labels = data.train.labels[:batch * steps]
    return [(images[i:i + batch], labels[i:i + batch]) for i in range(0, len(images), batch)]


def paddle_run(batches, bias_after_pool=False, static=False, threads=1):
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
            float(loss)                              # wait for the last step
            return sum(len(x) for x, _ in tensors), time.perf_counter() - start
        finally:
            paddle.base.core.set_num_threads(1)
    return run


def torch_run(batches, threads):
    import torch
    import torch.nn as tnn

    torch.manual_seed(0)
    model = tnn.Sequential(tnn.Conv2d(1, 20, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
                           tnn.Conv2d(20, 20, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
                           tnn.Flatten(), tnn.Linear(980, 10))
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    tensors = [(torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.asarray(y))) for x, y in batches]

    def run():
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            start = time.perf_counter()
            for x, y in tensors:
                loss = torch.nn.functional.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                opt.zero_grad()
            float(loss.detach())
            return sum(len(x) for x, _ in tensors), time.perf_counter() - start
        finally:
            torch.set_num_threads(previous)
    return run


def configs(quick=False):
    data = load_mnist()
    steps = 8 if quick else 40
    small, large = _batches(data, BATCH, steps), _batches(data, 4 * BATCH, steps // 4)
    out = {
        "paddle dygraph, batch 64 (baseline)": paddle_run(small),
        "paddle dygraph, bias after pool": paddle_run(small, bias_after_pool=True),
        "paddle to_static": paddle_run(small, static=True),
        "paddle to_static, bias after pool": paddle_run(small, bias_after_pool=True, static=True),
        "paddle dygraph, 2 threads": paddle_run(small, threads=2),
        "paddle dygraph, bias after pool, 2 threads": paddle_run(small, bias_after_pool=True, threads=2),
        "paddle dygraph, batch 256": paddle_run(large),
        "paddle dygraph, bias after pool, batch 256": paddle_run(large, bias_after_pool=True),
    }
    if importlib.util.find_spec("torch") is None:
        return out
    out["torch, 1 thread"] = torch_run(small, 1)
    out["torch, 2 threads"] = torch_run(small, 2)
    return out


def main(quick=False, repeats=5):
    return {"course CNN training": compare(configs(quick), repeats=repeats, unit="images/s")}
