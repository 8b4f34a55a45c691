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
"""

import os

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
    return (MKL_CPU_TYPE not in environ and vendor not in (None, "GenuineIntel")
            and {"avx2", "fma"} <= flags)


def configure(environ=os.environ, cpuinfo="/proc/cpuinfo"):
    """Apply the settings above to ``environ``; returns the names it set."""
    vendor, flags = cpu_info(cpuinfo)
    if mkl_avx2_wanted(vendor, flags, environ):
        environ[MKL_CPU_TYPE] = AVX2
        return [MKL_CPU_TYPE]
    return []
