"""paddle-course: the library behind the course's lessons (``chapters/``).

Its folders are its layers, lowest first; a module imports only from its own layer or a lower
one (``docs/DESIGN.md`` has the rules, ``tests/test_architecture.py`` holds the code to them):

    errors.py        the errors a user can cause; only the entry point maps them to exit codes
    runtime/         the process and its platform: environment settings, device, ranks, seeds,
                     files written safely and recorded in their run's manifest
    data/, models/, numpy_nn/
                     the shared building blocks: MNIST, housing, loaders, splits, packs,
                     transforms; the course's MNIST networks and CNN blocks; numpy networks
    engine/          the training loop, evaluation, metrics, checkpoints, optimizers, schedules
    practice/        the practice kit: looking inside a network, FLOPs, deployment, fine-tuning,
                     initializers
    vision/, detection/, text/, recommendation/
                     one package per domain of the course (chapters 4 to 7)
    lesson/          the lesson harness: flags, the run folder, the job, comparisons, results
    report/          runs every lesson and judges the course's claims

Importing the package applies :mod:`paddle_course.runtime.environment` first (before Paddle
computes anything).
"""

from paddle_course.runtime import environment

environment.configure()

__version__ = "0.1.0"
