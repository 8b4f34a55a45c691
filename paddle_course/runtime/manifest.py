"""A run's manifest, ``run.json``: what wrote the run folder, its state, and every file
paddle-course wrote there. :func:`written` records a file in it *before* the file is written (so
after a crash a recorded name may lack its file, never the reverse); every layer that writes into
a run folder (checkpoints, figures, VisualDL logs, results) calls it. The folder's life (claiming,
checking, finishing it) is :mod:`paddle_course.lesson.run_folder`'s."""

import json
import os
from pathlib import Path

from paddle_course.runtime.atomic import write_json

MANIFEST = "run.json"
FORMAT = "paddle-course-run/1"


def read_manifest(root):
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def is_run_folder(path):
    return (path / MANIFEST).is_file() and read_manifest(path) is not None


def written(path):
    """Record ``path`` in the ``run.json`` of the run folder this process is writing that holds
    it, before the file is written; returns ``path``. A path ending in ``/`` records a folder a
    library writes whole (VisualDL's logs, ``paddle.jit.save``'s files). Outside such a folder
    (the user's cache, say) nothing is recorded."""
    is_dir = str(path).endswith(("/", os.sep))
    given = Path(path)
    path = Path(os.path.abspath(path))
    for folder in path.parents:
        if (folder / MANIFEST).is_file():
            manifest = read_manifest(folder)
            if (
                manifest is None
                or manifest.get("pid") != os.getpid()
                or manifest.get("state") != "running"
            ):
                return given
            rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            if rel not in manifest["files"]:
                manifest["files"].append(rel)
                write_json(folder / MANIFEST, manifest)
            return given
    return given
