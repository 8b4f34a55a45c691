"""A run's folder and its life: the one place that decides what may be written where.

Every lesson, the training job, the report and ``seeds`` write into a folder (``--output-dir``)
that this module claims for them first. The folder holds, besides what the run writes:

    run.json     what wrote the folder (command, module, pid, times), its state, and the list of
                 every file paddle-course wrote there (a name is recorded *before* its file is
                 written: after a crash a recorded name may lack its file, never the reverse)
    .lock        locked (``flock``) by the one process writing the folder; the operating system
                 releases it when that process ends, however it ends (``kill -9`` included)

What a folder holds, and what a new run may do with it:

    absent, empty  a run starts there
    foreign        it holds files paddle-course did not write: refused, naming them; nothing in it
                   is touched (a folder without run.json that is not empty is foreign)
    locked         another process is writing it: refused, naming its pid
    unfinished     a run began and did not finish (killed, crashed, disk full): a job with a
                   complete checkpoint continues it with ``--resume`` (a fresh start is refused);
                   without one, or a lesson, it starts again
    finished       kept: replaced only with ``--overwrite``

A job's folder (``checkpoints/``, ``metrics.json``, ``vdl/``, ``plots/``) is cleared of the
files it recorded, and only those, when it starts again; a lesson writes over its own files.
"""

import os
import shutil
import socket
import sys
from datetime import datetime
from pathlib import Path

from paddle_course.errors import FolderError
from paddle_course.lesson.folder_contents import inspect, names_of, old_run_hint
from paddle_course.runtime import lock
from paddle_course.runtime.atomic import is_temporary, write_json
from paddle_course.runtime.lock import LOCK
from paddle_course.runtime.manifest import FORMAT, MANIFEST, is_run_folder, read_manifest

MODES = ("fresh", "overwrite", "resume", "update")


def _now():
    return datetime.now().astimezone().isoformat(timespec="seconds")


# --- what is ours --------------------------------------------------------------------------------


# --- a run's claim on its folder -----------------------------------------------------------------


class RunFolder:
    """The folder of one run (``module`` names what writes it, e.g. ``chapters.ch02_mnist.train``).

    :meth:`check` says, without changing anything, whether a run may use the folder in ``mode``
    (``fresh``, ``overwrite``, ``resume``, or ``update``: a lesson that keeps its own runs and
    recomputes its tables, such as ``seeds``); :meth:`claim` then locks it and records the run in
    ``run.json``; :meth:`close` marks it finished (or failed) and unlocks it. As a context manager
    a claimed folder closes itself.
    """

    def __init__(self, root, module=None, command=None):
        self.root = Path(root)
        self.module = module
        self.command = command
        self.checkpoints = self.root / "checkpoints"
        self.vdl = self.root / "vdl"
        self.plots = self.root / "plots"
        self.metrics = self.root / "metrics.json"
        self.previous = None  # the Contents the claim found
        self._fd = None
        self._created = False

    # -- deciding --

    def check(self, mode, can_resume=None):
        """The folder's :class:`Contents` if a run may use it in ``mode``; else
        :class:`FolderError` naming the way out. ``can_resume()``: None, or where an unfinished
        run there can continue from (a job's complete checkpoint, in words)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        found = inspect(self.root)
        where = self.root
        if found.holder is not None and self._fd is None:
            who = "this command" if found.holder == os.getpid() else f"pid {found.holder}"
            what = (found.manifest or {}).get("command", "another run")
            raise FolderError(
                f"{where}: in use by another run ({who}: {what}); wait for it to "
                f"end, or choose another --output-dir"
            )
        manifest = found.manifest or {}
        other = manifest.get("module")
        if mode == "resume":
            if found.state in ("absent", "empty"):
                raise FolderError(
                    f"{where}: nothing to resume (no run there); start one without --resume"
                )
            if found.manifest is None:
                raise FolderError(
                    f"{where}: not a paddle-course run (no {MANIFEST})"
                    + old_run_hint(found.foreign)
                )
            if self.module and other and other != self.module:
                raise FolderError(
                    f"{where}: holds a run of {other}; resume it with python -m "
                    f"{other} --resume {where}"
                )
            return found
        if found.state == "foreign" or found.foreign:
            raise FolderError(
                f"{where}: holds files paddle-course did not write "
                f"({names_of(found.foreign)}); nothing was changed. Choose another "
                f"--output-dir, or move them away" + old_run_hint(found.foreign)
            )
        if found.finished and mode == "fresh":
            kind = f"run of {other}" if other and other != self.module else "run"
            ended = manifest.get("ended", "?")[:16].replace("T", " ")
            raise FolderError(
                f"{where}: holds a finished {kind} (ended {ended})."
                f" Pass --overwrite to replace it, or --output-dir DIR to keep it "
                f"and write elsewhere"
            )
        resumable = (
            found.state == "unfinished"
            and mode == "fresh"
            and can_resume is not None
            and (not other or other == self.module)
            and can_resume()
        )
        if resumable:
            raise FolderError(
                f"{where}: holds an unfinished run ({resumable}). Continue it with "
                f"--resume, or replace it with --overwrite, or choose another "
                f"--output-dir"
            )
        return found

    # -- claiming --

    def claim(self, mode, can_resume=None, say=print):
        """Lock the folder for this process, check it again under the lock (another run may have
        started since :meth:`check`), remove what an interrupted write left (temporaries), and
        record this run as running. Returns ``self``; :attr:`previous` is what was found."""
        self._created = not self.root.exists()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as e:
            raise FolderError(f"{self.root}: cannot write there ({e.strerror or e})") from None
        try:
            self.previous = self.check(mode, can_resume)
            self._remove_temporaries()
            self._check_writable()
            manifest = dict(
                self.previous.manifest or {},
                format=FORMAT,
                module=self.module,
                command=self.command or " ".join(sys.argv),
                state="running",
                pid=os.getpid(),
                host=socket.gethostname(),
                started=_now(),
            )
            manifest.pop("ended", None)
            manifest.pop("error", None)
            manifest.setdefault("files", [])
            manifest["files"] = [f for f in manifest["files"] if (self.root / f).exists()]
            write_json(self.root / MANIFEST, manifest)
        except (FolderError, OSError) as e:
            self._release()
            if self._created:  # a folder made only to be refused: gone again
                (self.root / LOCK).unlink(missing_ok=True)
                _remove_empty(self.root.parent, self.root)
            if isinstance(e, FolderError):
                raise
            raise FolderError(f"{self.root}: cannot write there ({e.strerror or e})") from None
        if self.previous.finished and mode == "overwrite":
            say(f"replacing the finished run in {self.root} (--overwrite)")
        elif self.previous.state == "unfinished" and mode in ("fresh", "overwrite"):
            say(
                f"starting again in {self.root}: the run there did not finish "
                f"({self.previous.manifest.get('state')})"
            )
        return self

    def close(self, error=None):
        """Mark the run finished (``error`` None) or not (``error``: what stopped it, e.g.
        ``"interrupted"``), and unlock. A folder this claim created that received no file is
        removed again, so a run refused for bad input leaves nothing behind."""
        if self._fd is None:
            return
        try:
            manifest = read_manifest(self.root) or {}
            if error is not None and self._created and not manifest.get("files"):
                for name in (MANIFEST, LOCK):
                    (self.root / name).unlink(missing_ok=True)
                self._release()
                try:
                    self.root.rmdir()
                except OSError:
                    pass
                return
            manifest.update(state="finished" if error is None else str(error), ended=_now())
            try:
                write_json(self.root / MANIFEST, manifest)
            except OSError:
                if error is None:
                    raise
                # a full disk that stopped the run stops this too: run.json still says
                # "running", which reads as unfinished once the lock is gone; the error that
                # stopped the run is the one to report
        finally:
            self._release()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        self.close(None if kind is None else _stopped(kind, error))
        return False

    # -- what the run writes --

    def clear(self):
        """Delete every file and folder this folder's runs recorded, and nothing else (a job
        starting again); sub-runs and files of others stay."""
        manifest = read_manifest(self.root) or {}
        for rel in sorted(manifest.get("files", ()), reverse=True):
            path = self.root / rel.rstrip("/")
            if rel.endswith("/") and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.is_file() or path.is_symlink():
                path.unlink()
        for rel in sorted(
            {str(Path(r).parent) for r in manifest.get("files", ())}, key=len, reverse=True
        ):
            _remove_empty(self.root, self.root / rel)
        manifest["files"] = []
        write_json(self.root / MANIFEST, manifest)

    # -- helpers --

    def _lock(self):
        try:
            self._fd = lock.acquire(self.root)
        except lock.Held as e:
            manifest = read_manifest(self.root) or {}
            who = "this command" if e.pid == str(os.getpid()) else f"pid {e.pid}"
            raise FolderError(
                f"{self.root}: in use by another run ({who}: "
                f"{manifest.get('command', 'another run')}); wait for it to "
                f"end, or choose another --output-dir"
            ) from None

    def _release(self):
        if self._fd is not None:
            fd, self._fd = self._fd, None
            lock.release(fd)

    def _remove_temporaries(self):
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in [*dirnames, *filenames]:
                if is_temporary(name):
                    path = Path(dirpath) / name
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
            dirnames[:] = [
                d for d in dirnames if not is_temporary(d) and not is_run_folder(Path(dirpath) / d)
            ]

    def _check_writable(self):
        """Every folder a run writes into must take new files: a read-only ``plots/`` would
        otherwise throw a finished lesson's work away at its very end."""
        for dirpath, dirnames, _ in os.walk(self.root):
            if not os.access(dirpath, os.W_OK | os.X_OK):
                raise FolderError(f"{dirpath}: not writable (permission denied); nothing was run")
            dirnames[:] = [d for d in dirnames if not is_run_folder(Path(dirpath) / d)]


def _remove_empty(root, path):
    path = Path(path)
    while path != root and path.is_relative_to(root):
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent


def _stopped(kind, error):
    """What run.json says of a run that ended by ``error``: a signal (``TrainingInterrupted``
    carries one) or Ctrl-C is an interruption, anything else a failure."""
    if issubclass(kind, KeyboardInterrupt) or getattr(error, "signum", None) is not None:
        return "interrupted"
    return f"failed: {error}".splitlines()[0][:300]
