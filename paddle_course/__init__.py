"""paddle-course: the library behind the course's chapter scripts.

One concept per module: ``data`` (datasets, splits, transforms), ``models`` (networks),
``engine`` (the training loop, evaluation, checkpoints), ``device``, ``seed`` and ``cli``.
"""

__version__ = "0.1.0"
