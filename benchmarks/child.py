"""Configurations that need a process of their own, timed round by round like the others.

Some settings are fixed for a whole process: MKL's code path is chosen at its first call
(``MKL_DEBUG_CPU_TYPE``, see ``paddle_course.runtime.environment``), and static-graph mode and
oneDNN flags are global. Such a configuration runs in a child process that builds its training once
and then, each time the parent writes ``go``, trains the same fixed steps and answers ``<images>
<seconds>``, so :func:`benchmarks.harness.compare` alternates it with the in-process ones as usual.

    python -m benchmarks.child '{"mode": "static", "steps": 40}'    # what the parent starts
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ChildFailed(RuntimeError):
    """The child process ended instead of answering; the message is its error."""


class Child:
    """A training configuration in its own process; call it to time one run."""

    def __init__(self, spec, env=None):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.child", json.dumps(spec)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )

    def __call__(self):
        try:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        answer = self.proc.stdout.readline().split()
        if len(answer) != 2:
            raise ChildFailed(self._why())
        return int(answer[0]), float(answer[1])

    def _why(self):
        """The child's own error, and the last line Paddle's C++ side logged before it."""
        self.proc.wait(timeout=60)
        self.stderr.seek(0)
        lines = [line.strip() for line in self.stderr.read().splitlines() if line.strip()]
        logged = [
            line.split("] ", 1)[-1]
            for line in lines  # glog: "W1122 08:58:34 ... x.cc:1] msg"
            if "exception" in line and line[:1] in "WEF"
        ]
        return "; ".join(([lines[-1]] if lines else ["child exited"]) + logged[-1:])

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        self.stderr.close()


def _dygraph(spec, batches):
    from benchmarks.workload import paddle_run

    return paddle_run(batches, bias_after_pool=spec.get("bias_after_pool", True))


def _static(spec, batches):
    """A static program (``paddle.static``) trained by the Executor; with ``FLAGS_use_mkldnn=1``
    in the environment Paddle places oneDNN kernels in it."""
    import numpy as np
    import paddle
    import paddle.nn.functional as F

    from paddle_course.models import MNIST

    paddle.enable_static()
    main, startup = paddle.static.Program(), paddle.static.Program()
    n = len(batches[0][0])
    with paddle.static.program_guard(main, startup):
        x = paddle.static.data("x", [n, 1, 28, 28], "float32")
        y = paddle.static.data("y", [n], "int64")
        loss = F.cross_entropy(MNIST(bias_after_pool=spec.get("bias_after_pool", True))(x), y)
        paddle.optimizer.Adam(2e-3).minimize(loss)
    exe = paddle.static.Executor(paddle.CPUPlace())
    exe.run(startup)
    feeds = [{"x": np.ascontiguousarray(a), "y": np.asarray(b)} for a, b in batches]

    def run():
        start = time.perf_counter()
        for feed in feeds:
            (value,) = exe.run(main, feed=feed, fetch_list=[loss])
        float(np.asarray(value))
        return sum(len(f["y"]) for f in feeds), time.perf_counter() - start

    return run


def main(argv=None):
    spec = json.loads((argv or sys.argv[1:])[0])
    from benchmarks import workload
    from paddle_course.data import load_mnist

    batches = workload.batches(load_mnist(), spec.get("batch", workload.BATCH), spec["steps"])
    run = (_static if spec.get("mode") == "static" else _dygraph)(spec, batches)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        items, seconds = run()
        print(items, seconds, flush=True)


if __name__ == "__main__":
    main()
