"""The course's lessons, as the report finds them: every module of every chapter package.

A lesson is ``chapters.<chapter>.<lesson>`` (a module of a package under ``chapters/``); its
``DEFAULTS["output_dir"]`` (or its job's), under the folder it runs in, is where it writes
``results.json`` and its figures.
Its *code version* is a SHA-256 of its own file and of every file of the library (but the
report's own package) and the plotting tools, so a change anywhere a lesson could depend on
counts as a change of the lesson (a lesson's imports are not traced: a stale result costs more
than a rerun).
"""

import hashlib
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_CODE = ("paddle_course", "tools")  # what every lesson may use
NOT_LESSON_CODE = (Path("paddle_course") / "report",)  # the report's own code: no lesson uses it
CLAIMS_MODULE = "claims"  # a chapter's claims and their rules, beside its lessons: not a lesson


@dataclass(frozen=True)
class Lesson:
    module: str  # chapters.ch02_mnist.loss
    chapter: str  # ch02_mnist
    name: str  # loss
    path: Path  # the module's file

    @property
    def command(self):
        return f"python -m {self.module}"

    def summary(self):
        """The first sentence of the lesson's docstring (what it shows); imports the lesson."""
        doc = (importlib.import_module(self.module).__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    def chapter_summary(self):
        """The chapter package's docstring, on one line."""
        doc = (importlib.import_module(self.module.rsplit(".", 1)[0]).__doc__ or "").strip()
        return " ".join(doc.split())

    def output_dir(self, root="."):
        """Where the lesson writes with its defaults when run in the folder ``root`` (the
        report runs every lesson in its own tree, ``<report>/runs``). Imports the lesson: run in
        the report's process only for pages, never for training."""
        module = importlib.import_module(self.module)
        defaults = getattr(module, "DEFAULTS", None) or module.TASK.defaults
        return Path(root) / defaults["output_dir"]


def lessons(package="chapters"):
    """Every lesson of every chapter: chapters in name order, lessons in the order of the
    chapter's ``LESSONS`` (the course's), any lesson it does not list after them by name."""
    root = importlib.import_module(package)
    found = []
    for chapter in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if not chapter.ispkg:  # chapters/report.py is not a chapter
            continue
        sub = importlib.import_module(f"{package}.{chapter.name}")
        order = {name: i for i, name in enumerate(getattr(sub, "LESSONS", ()))}
        for lesson in sorted(
            pkgutil.iter_modules(sub.__path__),
            key=lambda m: (order.get(m.name, len(order)), m.name.lower()),
        ):
            if lesson.ispkg or lesson.name.startswith("_") or lesson.name == CLAIMS_MODULE:
                continue
            path = Path(sub.__path__[0]) / f"{lesson.name}.py"
            found.append(
                Lesson(f"{package}.{chapter.name}.{lesson.name}", chapter.name, lesson.name, path)
            )
    return found


def _files(root, names):
    skip = [root / p for p in NOT_LESSON_CODE]
    for name in names:
        yield from sorted(
            p
            for p in (root / name).rglob("*.py")
            if "__pycache__" not in p.parts and not any(p.is_relative_to(s) for s in skip)
        )


def code_version(lesson, root=ROOT, shared=SHARED_CODE):
    """SHA-256 of the lesson's file and of the shared code (paths and contents)."""
    h = hashlib.sha256()
    root = Path(root)
    for path in [lesson.path, *_files(root, shared)]:
        path = Path(path)
        h.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        h.update(Path(path).read_bytes())
    return h.hexdigest()
