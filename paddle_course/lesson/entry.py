"""The command's entry point: a lesson or a job run as a command, the errors a user can cause
(:mod:`paddle_course.errors`) turned into one ``error:`` line and an exit code, here and only here,
and the lines said last (the quick-run note)."""

import contextvars
import sys

from paddle_course.errors import (
    CheckpointError,
    ConfigError,
    DataError,
    FolderError,
    RankFailed,
    TrainingDiverged,
    TrainingInterrupted,
)
from paddle_course.runtime.distributed import rank_and_size

# The lines :func:`entry` prints once the lesson has finished (the quick-run note, so that it is
# the first and the last line a user reads); None outside ``entry`` (a test calling ``main``).
_CLOSING = contextvars.ContextVar("closing_lines", default=None)


QUICK_NOTE = (
    "quick run (--quick): a few batches on a small subset, to check that everything "
    "runs; its numbers are noise, not results"
)


def announce_quick():
    """Say that this is a ``--quick`` run, now and (under :func:`entry`) as the last line; once
    per command, however many lessons or jobs it runs, and only in the first process."""
    if rank_and_size()[0] != 0:
        return
    closing = _CLOSING.get()
    if closing is not None and QUICK_NOTE in closing:
        return
    print(QUICK_NOTE, flush=True)
    if closing is not None:
        closing.append(QUICK_NOTE)


def entry(fn, argv=None, resume_command=None):
    """Run ``fn(argv)`` (a lesson's or a job's main) as a command: the errors a user can fix end
    as one line ``error: <file or flag>: <problem>`` on stderr and exit code 2 (as argparse's
    own); a diverged run or a failed process exit 1; an interrupt says what it saved and, given
    ``resume_command``, how to continue, and exits 130 (SIGINT) or 143 (SIGTERM)."""
    rank, n = rank_and_size()
    closing = _CLOSING.set([])
    try:
        result = fn(argv)
        for line in _CLOSING.get():
            print(line)
        return result
    except TrainingInterrupted as e:
        if rank == 0:
            message = f"\n{e}"
            if e.checkpoint is not None:
                message += f"; saved {e.checkpoint}."
                if resume_command:
                    again = f" --nprocs {n}" if n > 1 else ""
                    message += (
                        f"\nresume with: {resume_command} --resume "
                        f"{e.checkpoint.parent.parent}{again}"
                        + (" (or the same launch command with --resume)" if n > 1 else "")
                    )
            print(message, file=sys.stderr)
        sys.exit(e.exit_code)
    except (
        ConfigError,
        DataError,
        CheckpointError,
        FolderError,
        TrainingDiverged,
        RankFailed,
    ) as e:
        where = f"rank {rank}: " if n > 1 else ""
        print(f"error: {where}{e}", file=sys.stderr)
        sys.exit(1 if isinstance(e, (TrainingDiverged, RankFailed)) else 2)
    except OSError as e:
        # the machine, not the input: a full disk, a folder made read-only mid-run. What was
        # complete is kept (checkpoints appear whole or not at all): say where, and how to go on
        where = f"rank {rank}: " if n > 1 else ""
        name = f"{e.filename}: " if e.filename else ""
        message = f"error: {where}{name}{e.strerror or e}"
        folder = getattr(e, "resume_dir", None)  # set by the job for its run folder
        if resume_command and folder is not None:
            message += (
                f"; the run stopped, nothing complete is lost: free the space (or fix "
                f"the folder), then {resume_command} --resume {folder}"
            )
        print(message, file=sys.stderr)
        sys.exit(1)
    finally:
        _CLOSING.reset(closing)
