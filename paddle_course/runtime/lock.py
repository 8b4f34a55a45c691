"""One process at a time: an exclusive, advisory lock on a file (``flock``; a byte-range lock
on Windows). The operating system releases it when the process ends, however it ends (``kill
-9`` included), so a crashed run never leaves a folder locked."""

import os
from pathlib import Path

LOCK = ".lock"  # the lock file in the folder it guards


class Held(Exception):
    """The lock is held by another process: ``pid`` is what it wrote in the lock file (a number,
    or "?")."""

    def __init__(self, pid):
        self.pid = pid
        super().__init__(f"locked by pid {pid}")


try:
    import fcntl

    def try_lock(fd, shared=False):
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def unlock(fd):
        fcntl.flock(fd, fcntl.LOCK_UN)
except ImportError:  # Windows: a byte-range lock does the same
    import msvcrt

    def try_lock(fd, shared=False):
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def unlock(fd):
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def holder(root):
    """The pid of the process holding the lock of folder ``root``, or None when nobody holds it."""
    path = Path(root) / LOCK
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if try_lock(fd, shared=True):
            unlock(fd)
            return None
        text = os.read(fd, 64).decode(errors="replace").strip()
        return int(text) if text.isdigit() else -1
    finally:
        os.close(fd)


def acquire(root):
    """Lock folder ``root`` for this process (its pid written in the lock file) and return the
    open descriptor, kept for as long as the lock is held; raise :class:`Held` when another
    process holds it."""
    path = Path(root) / LOCK
    for _ in range(3):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not try_lock(fd):
            text = os.read(fd, 64).decode(errors="replace").strip()
            os.close(fd)
            raise Held(text or "?")
        # the lock file may have been removed and created anew between open and lock
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)
    raise OSError(f"could not lock {path}: it keeps being replaced")


def release(fd):
    """Unlock and close what :func:`acquire` returned."""
    try:
        unlock(fd)
    finally:
        os.close(fd)
