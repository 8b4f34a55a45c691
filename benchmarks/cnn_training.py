"""Training speed of the course CNN (images/s): Paddle's configurations, and PyTorch beside them.

Every configuration trains the same network (conv 5x5 20 -> ReLU -> pool -> conv 5x5 20 -> ReLU
-> pool -> Linear 980 -> 10) with Adam on the same real digits (the embedded MNIST, batches held
in memory, so reading is not measured), a fixed number of steps per timed run:

    before: course order, MKL default path   what this course ran before (the baseline): the conv
                                 bias added before pooling, and MKL choosing its kernels by CPU
                                 vendor (in a child process with MKL_DEBUG_CPU_TYPE empty)
    course order                 the conv bias before pooling, MKL's AVX2 path
                                 (paddle_course.runtime.environment)
    default                      MNIST() as every lesson trains it: bias after pooling, to an
                                 expanded copy (the same function, the same keys)
    to_static                    paddle.jit.to_static on the default model
    static graph (+ oneDNN)      a paddle.static program run by the Executor, in a child process;
                                 FLAGS_use_mkldnn=1 asks for Paddle's oneDNN kernels
    2 threads                    paddle.base.core.set_num_threads(2) (import paddle sets 1)
    batch 256                    four times the main job's batch
    torch, 1 / 2 threads         PyTorch's CPU build (only when ``torch`` is installed; never a
                                 requirement of the project: pip install torch==2.13.0)

``python -m benchmarks.cnn_training --profile`` prints where a step's time goes, per operator,
in Paddle (default model) and in PyTorch: what the ratios above come from.
"""

import importlib.util
import time

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist
from paddle_course.models import MNIST

from .child import Child
from .harness import compare
from .workload import BATCH, batches, paddle_run, torch_course_cnn


def torch_run(batches, threads):
    import torch

    torch.manual_seed(0)
    model = torch_course_cnn()
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    tensors = [
        (torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.asarray(y)))
        for x, y in batches
    ]

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
    """``(configs, children)``: the children are processes to close after the comparison."""
    data = load_mnist()
    steps = 8 if quick else 40
    small, large = batches(data, BATCH, steps), batches(data, 4 * BATCH, steps // 4)
    children = {
        "before: course order, MKL default path (baseline)": Child(
            {"bias_after_pool": False, "steps": steps}, env={"MKL_DEBUG_CPU_TYPE": ""}
        ),
        "static graph (Executor)": Child({"mode": "static", "steps": steps}),
        "static graph + oneDNN (FLAGS_use_mkldnn=1)": Child(
            {"mode": "static", "steps": steps}, env={"FLAGS_use_mkldnn": "1"}
        ),
    }
    names = list(children)
    out = {
        names[0]: children[names[0]],
        "course order (bias before pool)": paddle_run(small),
        "default (bias after pool, expanded)": paddle_run(small, bias_after_pool=True),
        "to_static": paddle_run(small, bias_after_pool=True, static=True),
        names[1]: children[names[1]],
        names[2]: children[names[2]],
        "2 threads": paddle_run(small, bias_after_pool=True, threads=2),
        "batch 256": paddle_run(large, bias_after_pool=True),
    }
    if importlib.util.find_spec("torch") is not None:
        out["torch, 1 thread"] = torch_run(small, 1)
        out["torch, 2 threads"] = torch_run(small, 2)
    return out, children.values()


def main(quick=False, repeats=5):
    runs, children = configs(quick)
    try:
        return {"course CNN training": compare(runs, repeats=repeats, unit="images/s")}
    finally:
        for child in children:
            child.close()


def profile(steps=20):
    """Print per-operator time of ``steps`` training steps (batch 64): Paddle's default model,
    then PyTorch when installed."""
    import paddle.profiler as profiler

    steps_data = batches(load_mnist(), BATCH, steps + 5)
    run = paddle_run(steps_data[:5], bias_after_pool=True)
    run()  # warm-up
    tensors = [(paddle.to_tensor(x), paddle.to_tensor(y)) for x, y in batches[5:]]
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    # on_trace_ready: no Chrome trace files written to ./profiler_log (the default); summary only
    prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU], on_trace_ready=lambda p: None)
    prof.start()
    for x, y in tensors:
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.clear_grad()
        prof.step()
    prof.stop()
    print(f"Paddle {paddle.__version__}, {steps} steps of batch {BATCH}:")
    prof.summary(
        sorted_by=profiler.SortedKeys.CPUTotal,
        op_detail=False,
        thread_sep=False,
        time_unit="ms",
        views=profiler.SummaryView.OperatorView,
    )
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    torch.set_num_threads(1)
    run = torch_run(batches, 1)
    run()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as tprof:
        run()
    print(f"PyTorch {torch.__version__}, {steps + 5} steps of batch {BATCH}:")
    print(tprof.key_averages().table(sort_by="cpu_time_total", row_limit=14))


if __name__ == "__main__":
    import sys

    if "--profile" not in sys.argv[1:]:
        sys.exit(
            "usage: python -m benchmarks.cnn_training --profile"
            "   (the tables: python -m benchmarks)"
        )
    profile()
