"""Deploying a trained network: export a static program and run it with Paddle Inference."""

import time
from pathlib import Path

import numpy as np
import paddle
from paddle import inference
from paddle.static import InputSpec

from paddle_course.runtime.manifest import written


def export(model, path, input_shape=(None, 1, 28, 28)):
    """``paddle.jit.save`` of ``model`` (in eval mode) for inputs of ``input_shape``; Paddle 3.x
    writes ``path.json`` (the program) and ``path.pdiparams`` (the weights)."""
    model.eval()
    written(f"{Path(path).parent}/")  # jit.save writes several files there: all the run's
    static = paddle.jit.to_static(
        model, input_spec=[InputSpec(list(input_shape), "float32", "x")], full_graph=True
    )
    paddle.jit.save(static, path)
    return path


class Predictor:
    """A Paddle Inference predictor for a model saved by :func:`export`: call it with a float32
    numpy batch, get the numpy output (logits for the course's networks).

    On CPU: IR optimisation on (its passes fold conv + BN, fuse conv + bias + ReLU), oneDNN
    kernels on, ``threads`` math threads (1: the course's measured setting). On a GPU (``device``
    ``"gpu"`` or ``"gpu:N"``; default: Paddle's current device, so a script that chose the GPU
    with :func:`paddle_course.runtime.device.select_device` gets it): the same passes, GPU
    kernels, an initial 256 MB memory pool that grows as needed. (The GPU branch is untested here:
    no GPU.)"""

    def __init__(self, path, device=None, threads=1):
        config = inference.Config(f"{path}.json", f"{path}.pdiparams")
        device = device or paddle.get_device()
        config.switch_ir_optim(True)
        if device.startswith("gpu"):
            config.enable_use_gpu(256, int(device.partition(":")[2] or 0))
        else:
            config.disable_gpu()
            config.enable_onednn()
            config.set_cpu_math_library_num_threads(threads)
        config.disable_glog_info()
        self.device = device
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def __call__(self, images):
        self.input.copy_from_cpu(np.ascontiguousarray(images, dtype=np.float32))
        self.predictor.run()
        return self.output.copy_to_cpu()


def deployments(model, path):
    """The three ways to run ``model`` once it is exported to ``path`` (by :func:`export`): the
    dynamic-graph layer itself, the saved program loaded back by ``paddle.jit.load`` (no Python
    class needed), and a Paddle Inference :class:`Predictor`."""
    loaded = paddle.jit.load(path)
    loaded.eval()
    model.eval()
    return {"dygraph": model, "jit.load": loaded, "predictor": Predictor(path)}


def predict(net, images, batch=100):
    """Outputs (numpy) of a layer, loaded program or :class:`Predictor` for ``images`` [N, ...]."""
    chunks = [images[k : k + batch] for k in range(0, len(images), batch)]
    if isinstance(net, Predictor):
        return np.concatenate([net(c) for c in chunks])
    with paddle.no_grad():
        return np.concatenate([net(paddle.to_tensor(c)).numpy() for c in chunks])


def best_time(net, images, batch=100, repeats=5):
    """Fastest of ``repeats`` passes over ``images`` in batches of ``batch`` (seconds), after
    one untimed pass (a program compiles, a predictor allocates, on its first call)."""
    chunks = [images[k : k + batch] for k in range(0, len(images), batch)]
    if not isinstance(net, Predictor):
        chunks = [paddle.to_tensor(c) for c in chunks]
    times = []
    with paddle.no_grad():
        for r in range(repeats + 1):
            start = time.perf_counter()
            for c in chunks:
                net(c)
            if r:
                times.append(time.perf_counter() - start)
    return min(times)


def compare_outputs_and_speed(variants, images, batch=100, repeats=5):
    """Per variant (the first is the reference): ``max_abs_diff`` of its outputs from the
    reference's, ``same_predictions`` (the same argmax for every image), ``seconds`` for all
    ``images`` and ``speedup`` over the reference."""
    names = list(variants)
    outputs = {n: predict(variants[n], images, batch) for n in names}
    ref = outputs[names[0]]
    results = {}
    for n in names:
        results[n] = {
            "max_abs_diff": float(np.abs(outputs[n] - ref).max()),
            "same_predictions": bool(np.array_equal(outputs[n].argmax(1), ref.argmax(1))),
            "seconds": best_time(variants[n], images, batch, repeats),
        }
    for r in results.values():
        r["speedup"] = results[names[0]]["seconds"] / r["seconds"]
    return results, outputs
