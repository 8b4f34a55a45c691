"""Process-wide settings that must be made before Paddle computes anything; ``paddle_course``
applies them when it is imported, so every lesson, test and spawned worker gets the same ones.

**MKL's code path on AMD CPUs.** Paddle's CPU build does its convolutions as im2col + MKL's
``sgemm`` (and its ``matmul`` with MKL too). MKL picks its kernels by CPU *vendor*, not by what
the CPU can do: on an AMD CPU it runs the generic SSE2 path, even when the CPU has AVX2 and FMA.
Measured on this course's 2-core AMD EPYC: ``[20, 500] x [500, 12544]`` took 15.3 ms in Paddle
against 4.4 ms with the AVX2 path (numpy's OpenBLAS: 4.5 ms), and training the course CNN went
from ~480 to ~690 images/s. The MKL that Paddle 3.3 ships (``libmklml_intel``) still honours
``MKL_DEBUG_CPU_TYPE=5`` ("use the AVX2 path"), read at MKL's first call, so setting it here,
after ``import paddle`` but before any computation, works. It is the path an Intel CPU takes
anyway: the same arithmetic as there, not an approximation. We set it only when the CPU reports
AVX2 and FMA (else that path would crash) and the user has not set the variable themselves.
``python -m benchmarks`` measures it (a child process without it is the baseline).

**Third-party noise, kept off the console** (``--verbose`` on any command shows everything).
Known-harmless messages, each filtered by exactly what it is, never by a blanket filter:
``import paddle`` warns "No ccache found ... recompiling all source files may be required"
(about compiling C++ extensions, which the course never does), once per process;
``paddle.distributed.spawn`` on a CPU warns that it trains "under CPUONLY mode by using GLOO"
(the job prints its device and process count itself); a BatchNorm layer in training warns
"we now always track global mean and variance" (what BatchNorm does); and Paddle's
C++ side logs INFO lines through glog ("New Executor is Running", "Retry to connect" while
distributed ranks meet). ``GLOG_minloglevel=1`` drops glog's INFO level only: Paddle's C++
warnings and errors still print, and so does every Python warning but those named here. Both
must be in place before Paddle is imported: ``chapters/__init__`` imports this package first.
"""

import contextlib
import contextvars
import os
import sys
import warnings

MKL_CPU_TYPE = "MKL_DEBUG_CPU_TYPE"
AVX2 = "5"


def cpu_info(path="/proc/cpuinfo"):
    """``(vendor, flags)`` of the first CPU in ``path`` (Linux), ``(None, set())`` elsewhere."""
    vendor, flags = None, set()
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "vendor_id" and vendor is None:
                    vendor = value.strip()
                elif key == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return vendor, flags


def cpu_model(path="/proc/cpuinfo"):
    """The first CPU's model name ("AMD EPYC ..."), or None where it cannot be read."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return None


def mkl_avx2_wanted(vendor, flags, environ):
    """True when MKL would otherwise take its slow path on a CPU that has AVX2 and FMA."""
    return (
        MKL_CPU_TYPE not in environ
        and vendor not in (None, "GenuineIntel")
        and {"avx2", "fma"} <= flags
    )


VERBOSE = "--verbose"
GLOG_LEVEL = "GLOG_minloglevel"
HARMLESS = (
    # paddle/utils/cpp_extension: about building C++ extensions, which no lesson does
    r"No ccache found",
    # paddle/distributed/spawn, on a CPU: that gloo carries the all-reduce (the job prints the
    # device and the number of processes itself)
    r"Your model will be trained under CPUONLY mode",
    # paddle/nn/layer/norm.py, on every BatchNorm forward in training: a notice that it updates
    # its running statistics, which is what BatchNorm does (PyTorch's default too)
    r"When training, we now always track global mean and variance",
)
# --verbose as the running command parsed it (None: not parsed yet; then sys.argv says)
_VERBOSE = contextvars.ContextVar("verbose", default=None)


def verbose():
    """Whether this command shows every third-party message: its parsed ``--verbose`` (so
    ``main(["--verbose"])`` is verbose), or before its arguments are parsed, whether
    ``--verbose`` is among the process's."""
    parsed = _VERBOSE.get()
    return VERBOSE in sys.argv if parsed is None else parsed


@contextlib.contextmanager
def verbosity(on):
    """Within: the command's parsed ``--verbose``, the filters of :data:`HARMLESS` lifted when
    it is on (they come back after). glog's INFO lines follow only a ``--verbose`` on the
    command line: glog reads its level once, when Paddle is imported."""
    token = _VERBOSE.set(bool(on))
    try:
        with warnings.catch_warnings():
            if on:
                for message in HARMLESS:
                    warnings.filterwarnings("default", message=message, category=UserWarning)
            yield
    finally:
        _VERBOSE.reset(token)


def quiet(environ, argv):
    """Filter the known-harmless third-party messages above, unless ``--verbose`` is among the
    command's arguments or the user set glog's level; returns the names it set."""
    if VERBOSE in argv:
        return []
    for message in HARMLESS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    if GLOG_LEVEL in environ:
        return []
    environ[GLOG_LEVEL] = "1"  # glog: INFO off; WARNING, ERROR, FATAL still shown
    return [GLOG_LEVEL]


def configure(environ=os.environ, cpuinfo="/proc/cpuinfo", argv=None):
    """Apply the settings above to ``environ``; returns the names it set."""
    names = quiet(environ, sys.argv if argv is None else argv)
    vendor, flags = cpu_info(cpuinfo)
    if mkl_avx2_wanted(vendor, flags, environ):
        environ[MKL_CPU_TYPE] = AVX2
        names.append(MKL_CPU_TYPE)
    return names
