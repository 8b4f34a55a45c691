"""A fault-injection harness that needs no internals: a command killed at its K-th write.

A command (``python -m MODULE ARGS``) runs in a child process that watches its own writes under
one folder through Python's audit hooks (``sys.addaudithook``): opening a file for writing, a
rename (``os.rename``/``os.replace``), creating or removing a folder, removing a file. At the K-th
such write it kills itself with SIGKILL, in one of two ways:

    before   the write never happens (the kill comes at the audit event, before the operation)
    torn     a file opened for writing gets half of the bytes written to it, then the kill (at
             the next write event: what a crash in the middle of writing leaves); for a rename or
             a removal, the kill comes right after it

SIGKILL cannot be caught: no handler, no ``finally``, no ``atexit`` runs, as after a power cut
(minus the page cache). The children are forked from a server that has imported Paddle and the
command's module once (so each run costs its training, not Paddle's import); the server runs
nothing itself. A run that is not killed reports how many write events it made.
"""

import json
import subprocess
import sys
from pathlib import Path

SERVER = r"""
import json, os, runpy, signal, sys
module = sys.argv[1]
import paddle_course  # noqa: F401  (the process-wide settings, as chapters/__init__ applies them)
__import__(module)                     # imported once; each child runs it as __main__

def watch(root, kill_at, mode, counter):
    root = os.path.abspath(root) + os.sep
    state = {"n": 0, "pending": None}

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def hook(event, args):
        if event not in ("open", "os.rename", "os.mkdir", "os.rmdir", "os.remove"):
            return
        if state["pending"] is not None:          # "torn": the write before this one
            path, size = state["pending"]
            try:
                now = os.path.getsize(path)
                os.truncate(path, size + (now - size) // 2)
            except OSError:
                pass
            die()
        path = args[0]
        if not isinstance(path, (str, bytes)):
            return
        path = os.path.abspath(os.fsdecode(path))
        if not (path + os.sep).startswith(root):
            return
        if event == "open":
            mode_, flags = args[1], args[2] or 0
            writes = (flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)) or (
                mode_ and any(c in mode_ for c in "wax+"))
            if not writes:
                return
        if event == "os.mkdir" and os.path.exists(path):   # exist_ok: changes nothing
            return
        state["n"] += 1
        with open(counter, "a") as f:              # outside the watched folder
            f.write(f"{event} {os.path.relpath(path, root)}\n")
        if state["n"] == kill_at:
            if mode == "before":
                die()
            if event == "open":
                state["pending"] = (path, os.path.getsize(path) if os.path.exists(path) else 0)
            else:
                state["armed"] = True
        elif state.get("armed"):
            die()                                  # "torn" for a rename/removal: just after it

    sys.addaudithook(hook)

for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.chdir(job["cwd"])
        out = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        if job["kill_at"]:
            watch(job["root"], job["kill_at"], job["mode"], job["counter"])
        else:
            watch(job["root"], 0, "count", job["counter"])
        sys.argv = [module.replace(".", "/") + ".py", *job["argv"]]
        del sys.modules[module]           # run as python -m runs it: fresh, as __main__
        code = 0
        try:
            runpy.run_module(module, run_name="__main__")
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class Runner:
    """Runs ``module`` with arguments in forked children, each possibly killed at a write."""

    def __init__(self, module, workdir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, module],
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=self.workdir,
        )
        self.n = 0

    def run(self, argv, root, kill_at=None, mode="before"):
        """``(exit status, output, writes)``: the status is ``-9`` for a kill; ``writes`` lists
        the write events seen (``"open metrics.json"``, ``"os.rename ..."``), in order."""
        self.n += 1
        log, counter = self.workdir / f"{self.n}.log", self.workdir / f"{self.n}.count"
        self.proc.stdin.write(
            json.dumps(
                {
                    "argv": [str(a) for a in argv],
                    "root": str(root),
                    "kill_at": kill_at,
                    "mode": mode,
                    "cwd": str(self.workdir),
                    "log": str(log),
                    "counter": str(counter),
                }
            )
            + "\n"
        )
        self.proc.stdin.flush()
        status = json.loads(self.proc.stdout.readline())["status"]
        writes = counter.read_text().splitlines() if counter.exists() else []
        return status, log.read_text(errors="replace"), writes

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def resume_as_advised(runner, argv, root):
    """After a kill: the same command again, then what it says to do (``--resume``), as a user
    would; returns the list of ``(status, output)`` of the commands run. At most two."""
    done = []
    status, output, _ = runner.run(argv, root)
    done.append((status, output))
    if status == 2 and "--resume" in output and "unfinished run" in output:
        status, output, _ = runner.run([*argv, "--resume"], root)
        done.append((status, output))
    return done
