"""Inference speed (images/s) of the exported course CNN and CBR network: Paddle's dygraph, the
``jit.save``d program loaded back with ``paddle.jit.load``, and a Paddle Inference predictor
(``paddle_course.practice.deploy.Predictor``: IR optimisation and oneDNN on, one thread), at
batch 1 and batch 256, with the same network in PyTorch (eval mode, no_grad, one thread) when
installed. Weights are untrained: speed does not depend on their values. Each group's outputs are
checked equal (within float tolerance) before it is timed."""

import tempfile
import time

import numpy as np
import paddle

from paddle_course.models import MNIST, CBRNet
from paddle_course.practice.deploy import Predictor, export

from .harness import compare
from .workload import torch_course_cnn


def _paddle(fn):
    def call(x):
        with paddle.no_grad():
            return fn(paddle.to_tensor(x)).numpy()

    return call


def _torch_net(name):
    import torch.nn as tnn

    if name == "course CNN":
        return torch_course_cnn().eval()
    return tnn.Sequential(
        tnn.Conv2d(1, 20, 5, padding=2, bias=False),
        tnn.BatchNorm2d(20),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Conv2d(20, 20, 5, padding=2, bias=False),
        tnn.BatchNorm2d(20),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Flatten(),
        tnn.Linear(980, 10),
    ).eval()


def _torch(name, model):
    """The same network in PyTorch with the Paddle model's weights (Linear transposed)."""
    import torch

    net = _torch_net(name)
    # the two state_dicts list the same tensors in the same order (Paddle keeps BN's running
    # mean and variance among its parameters; PyTorch adds a batch counter we skip)
    theirs = [k for k in net.state_dict() if not k.endswith("num_batches_tracked")]
    ours = list(model.state_dict().values())
    state = {
        k: torch.from_numpy(v.numpy().T.copy() if len(v.shape) == 2 else v.numpy())
        for k, v in zip(theirs, ours, strict=True)
    }
    net.load_state_dict(state, strict=False)

    def call(x):
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                return net(torch.from_numpy(np.ascontiguousarray(x))).numpy()
        finally:
            torch.set_num_threads(previous)

    return call


def _run(fn, batches):
    def run():
        start = time.perf_counter()
        for b in batches:
            fn(b)
        return sum(len(b) for b in batches), time.perf_counter() - start

    return run


def main(quick=False, repeats=5):
    rng = np.random.default_rng(0)
    groups = {}
    with tempfile.TemporaryDirectory() as d:
        for name, build in (("course CNN", MNIST), ("CBR network", CBRNet)):
            paddle.seed(0)
            model = build()
            model.eval()
            path = export(model, f"{d}/{name.replace(' ', '_')}")
            loaded = paddle.jit.load(path)
            loaded.eval()
            variants = {
                "dygraph (baseline)": _paddle(model),
                "jit.load": _paddle(loaded),
                "Paddle Inference predictor": Predictor(path),
            }
            try:
                variants["torch"] = _torch(name, model)
            except ImportError:
                pass
            probe = rng.normal(size=(8, 1, 28, 28)).astype("float32")
            reference = variants["dygraph (baseline)"](probe)
            for v, fn in variants.items():
                diff = float(np.abs(fn(probe) - reference).max())
                if diff > 1e-3:
                    raise AssertionError(f"{name}: {v} differs from dygraph by {diff}")
            for batch, count in ((1, 50 if quick else 300), (256, 2 if quick else 8)):
                batches = [
                    rng.normal(size=(batch, 1, 28, 28)).astype("float32") for _ in range(count)
                ]
                groups[f"inference, {name}, batch {batch}"] = compare(
                    {v: _run(fn, batches) for v, fn in variants.items()},
                    repeats=repeats,
                    unit="images/s",
                )
    return groups
