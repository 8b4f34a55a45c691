"""The user's cache directory for files the course writes or fetches once and then reuses."""

import os
from pathlib import Path


def cache_dir():
    """``$XDG_CACHE_HOME/paddle-course``, by default ``~/.cache/paddle-course``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paddle-course"
