"""paddle-course: the library behind the course's chapter scripts.

One concept per module: ``data`` (datasets, splits, transforms), ``models`` (networks),
``engine`` (the training loop, evaluation, checkpoints), ``device``, ``seed`` and ``cli``.
Importing the package applies :mod:`paddle_course.runtime`'s process-wide settings first.
"""

from . import runtime

runtime.configure()

__version__ = "0.1.0"
