"""The errors a user can cause, in one place: every layer raises them, and only the command's
entry point (:func:`paddle_course.lesson.entry.entry`) turns them into one ``error:`` line and
an exit code. Each message names what to fix (a flag, a file, a folder) and how."""

import signal


class ConfigError(ValueError):
    """Command-line values that contradict each other, the data, or the run being resumed."""


class DataError(ValueError):
    """A dataset file is missing, unreadable or not what its format promises.

    The message always names the file (or directory) and the problem, so a user can fix it
    without reading a traceback.
    """

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class FolderError(ValueError):
    """A folder a run cannot use as asked; the message names it and the way out."""


class CheckpointError(RuntimeError):
    """A checkpoint is missing, damaged, or does not fit the model / run being resumed."""


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; parameters were not updated with it."""


class RankFailed(RuntimeError):
    """A process of a spawned run failed; the message holds its error."""


class TrainingInterrupted(Exception):
    """Raised by the training loop after it saved its state in response to a signal."""

    def __init__(self, signum, checkpoint=None):
        self.signum = signum
        self.checkpoint = checkpoint
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self):
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM
