"""Choosing the device: CPU first, GPU when there is one. Nothing hard-codes ``gpu:0``."""

import paddle

from paddle_course.errors import ConfigError


def gpu_available():
    return paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0


def select_device(name="auto"):
    """Set Paddle's device from ``auto`` / ``cpu`` / ``gpu`` and return what was set.

    ``gpu`` means "this process's GPU": under ``paddle.distributed.launch`` Paddle maps it to the
    card assigned to the rank, so one flag serves 1 or N processes.
    """
    if name not in ("auto", "cpu", "gpu"):
        raise ValueError(f"unknown device {name!r}: use auto, cpu or gpu")
    if name == "gpu" and not gpu_available():
        raise ConfigError(
            "--device gpu was asked for, but this Paddle build "
            + (
                "sees no GPU"
                if paddle.device.is_compiled_with_cuda()
                else "has no CUDA support (install requirements-gpu.txt)"
            )
        )
    device = "gpu" if name == "gpu" or (name == "auto" and gpu_available()) else "cpu"
    paddle.set_device(device)
    return paddle.get_device()
