"""What a measurement ran on: the CPU, the system, Python, Paddle, and the checkout's commit, for
the report's pages and the measured sections of docs/."""

import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from paddle_course.runtime.environment import cpu_info, cpu_model


def machine(quick):
    """What the lessons (or the benchmarks) ran on; ``quick``: whether with ``--quick``."""
    import paddle

    vendor, _ = cpu_info()
    model = cpu_model() or vendor or "model unknown"
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "--quick (numbers from a few batches)" if quick else "defaults (--full)",
        "CPU": f"{model} ({platform.machine()}, {os.cpu_count()} cores)",
        "system": platform.platform(),
        "Python": platform.python_version(),
        "Paddle": paddle.__version__,
        "commit": commit(),
    }


def commit():
    """The checkout's commit (short), with "+ changes" when its files differ from it; "unknown"
    outside a git checkout."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + changes" if dirty.strip() else "")
