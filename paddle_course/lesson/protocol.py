"""The lesson protocol: every lesson's ``main(argv)`` is decorated with :func:`lesson` and reads its
command line with :func:`lesson_parser`, which declares the lesson's defaults and what ``--quick``
changes, once; the harness applies them and claims the output folder for the lesson."""

import argparse
import contextlib
import contextvars
import functools
import sys

from paddle_course.lesson.entry import announce_quick
from paddle_course.lesson.flags import add_flags, add_run_flags, command_name
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.runtime.environment import verbosity

# The lesson being run (see :func:`lesson`): its module, the folders its parser claimed, and
# what parsing its arguments set for as long as it runs (its --verbose)
_LESSON = contextvars.ContextVar("lesson_run", default=None)
_UNSET = object()


def lesson(main):
    """Make ``main(argv)`` a lesson run: the output folder its parser reads is claimed for it
    (see :mod:`paddle_course.lesson.run_folder`: locked, checked, recorded) when the arguments are
    parsed, and closed when ``main`` returns (finished) or raises (failed or interrupted, and
    removed again if the lesson wrote nothing there). Every lesson's ``main`` is decorated so."""
    spec = main.__globals__.get("__spec__")
    module = spec.name if spec is not None else main.__module__
    if module == "__main__":  # python chapters/ch02_mnist/loss.py
        module = command_name(main.__globals__.get("__file__", "")).removeprefix("python -m ")

    @functools.wraps(main)
    def run(argv=None):
        claimed = []
        with contextlib.ExitStack() as stack:  # what parsing the arguments set (--verbose)
            token = _LESSON.set((module, claimed, stack))
            try:
                result = main(argv)
            except BaseException as e:
                for folder in reversed(claimed):
                    folder.__exit__(type(e), e, None)
                raise
            finally:
                _LESSON.reset(token)
            for folder in reversed(claimed):
                folder.close()
            return result

    run.lesson_module = module
    return run


class LessonParser(argparse.ArgumentParser):
    """A lesson's parser. Once the arguments are read, the output folder is claimed for the
    lesson (it must run under :func:`lesson`): a folder holding a finished run is refused unless
    ``--overwrite`` (the lesson then writes over its own files: nothing is deleted, so an
    argument the lesson then rejects costs nothing) or the lesson's own ``--resume`` continues
    it; a folder holding others' files or being written by another process is refused.
    ``guard=False``: the lesson keeps its runs itself and only recomputes its tables.

    ``quick``: the values ``--quick`` gives flags that are not on the command line (an explicit
    flag always wins) and settings (values without a flag, :func:`lesson_parser`'s
    ``settings``); ``--help`` shows them beside the defaults."""

    def __init__(self, *args, guard=True, quick=None, **kwargs):
        self.guard = guard
        self.quick = dict(quick or {})  # before argparse adds its own --help
        super().__init__(*args, **kwargs)

    def add_settings(self, settings):
        """Values the lesson uses that no flag sets (how many steps, which sizes): ``args.<key>``
        like a flag's, and ``--quick`` may change them; ``--help`` says how, under ``--quick``."""
        self.set_defaults(**settings)
        changed = [k for k in self.quick if k in settings]
        if not changed:
            return
        for action in self._actions:
            if action.dest == "quick":
                also = ", ".join(
                    f"{k} {_shown(self.quick[k])} (not {_shown(settings[k])})" for k in changed
                )
                action.help += f"; it also sets {also}"

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        if action.dest in self.quick and action.help:
            quick = f"{self.quick[action.dest]} with --quick"
            action.help = (
                action.help[:-1] + f"; {quick})"
                if action.help.endswith(")")
                else action.help + f" ({quick})"
            )
        return action

    def parse_known_args(self, args=None, namespace=None):
        defaults = {k: self.get_default(k) for k in self.quick}
        self.set_defaults(**{k: _UNSET for k in self.quick})
        try:
            parsed, rest = super().parse_known_args(args, namespace)
        finally:
            self.set_defaults(**defaults)
        quick = getattr(parsed, "quick", False)
        for k, value in self.quick.items():
            if getattr(parsed, k, None) is _UNSET:
                setattr(parsed, k, value if quick else defaults[k])
        if quick:
            announce_quick()
        run = _LESSON.get()
        if run is not None:
            run[2].enter_context(verbosity(getattr(parsed, "verbose", False)))
        if getattr(parsed, "output_dir", None):
            self._claim(parsed)
        return parsed, rest

    def _claim(self, parsed):
        run = _LESSON.get()
        if run is None:
            raise RuntimeError(
                f"{self.prog}: a lesson's parser claims its output folder, so "
                f"its main must be decorated with paddle_course.lesson.lesson"
            )
        module, claimed, _ = run
        if getattr(parsed, "overwrite", False):
            mode = "overwrite"
        elif not self.guard or getattr(parsed, "resume", False):
            mode = "update"
        else:
            mode = "fresh"
        folder = RunFolder(parsed.output_dir, module, command=" ".join([self.prog, *sys.argv[1:]]))
        claimed.append(folder.claim(mode))


def lesson_parser(description, defaults, guard=True, helps=None, quick=None, settings=None):
    """A parser for a lesson that does not resume: the common flags that ``defaults`` names,
    with those defaults, and ``--overwrite``; ``helps`` ({key: text}) says what a common flag
    means in this lesson where the usual words would not; ``quick`` ({key: value}) what
    ``--quick`` changes, of the flags and of the ``settings`` (values without a flag, read as
    ``args.<key>`` too). Add the lesson's own flags to it."""
    p = LessonParser(
        prog=command_name(),
        description=description,
        guard=guard,
        quick=quick,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_flags(p, defaults, suppress=False, helps=helps)
    add_run_flags(p)
    if settings:
        p.add_settings(settings)
    return p


def _shown(value):
    """A setting's value as ``--help`` shows it: a dict of sizes as ``train=512, val=128``."""
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={v}" for k, v in value.items()) + ")"
    return str(value)
