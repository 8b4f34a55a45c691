"""What a chapter's training script supplies to the job (:mod:`paddle_course.lesson.job`): a
:class:`Task`, and the :class:`Context` its ``finish`` receives."""

from dataclasses import dataclass, field
from typing import Callable

import paddle.nn.functional as F

from paddle_course.engine.optimizers import build_optimizer


def default_optimizer(config, model, steps_per_epoch):
    """``--optimizer``, ``--lr`` and ``--schedule`` (constant when the task has no such flag)."""
    return build_optimizer(
        config["optimizer"],
        model.parameters(),
        config["lr"],
        config.get("schedule", "constant"),
        total_steps=steps_per_epoch * config["epochs"],
    )


@dataclass
class Task:
    """What a chapter's training script supplies.

    module           the script's module (``chapters.ch02_mnist.train``): the resume hint names
                     it, and spawned processes import it to find the task (as ``TASK``)
    description      the first line of ``--help``
    defaults         every flag's default (the common flags it names, and the task's own)
    load_data        ``config -> data`` with ``train``, ``val`` and ``test`` (None or a split
                     ``make_loader`` takes), ``source``, ``sizes()``, ``fingerprint()`` (of what
                     is trained on), ``info()`` (a dict for metrics.json), ``describe()`` (a line)
    build_model      ``(config, data) -> paddle.nn.Layer`` (the data: a vocabulary size, say);
                     called right after ``load_data``, which must create no layers (Paddle names
                     parameters by creation order, and optimizer state uses the names)
    quick            defaults that ``--quick`` overrides
    add_arguments    ``parser -> None``: the task's own flags (give them no argparse default;
                     put it in ``defaults``, so that a resume can tell them from the saved ones)
    build_optimizer  ``(config, model, steps_per_epoch) -> (optimizer, scheduler or None)``
    scheduler_step   ``"step"`` or ``"epoch"``
    loss_fn, metrics the engine's (metrics by name: ``acc``, ``binary_acc``, ``auc``, ``mae``...)
    objective        ``(config, data, model) -> (loss_fn, metrics)``, instead of the two above
                     when they depend on the data or the model (a detector's anchors)
    monitor          ``(metric, mode)`` that picks the best checkpoint; ``config["patience"]``,
                     if the task has that flag, stops early
    augment          ``config -> augment function or None`` (see ``Trainer``)
    describe         ``(config, model) -> str``: the line that presents the model and training
    finish           ``(context) -> dict``: after the best checkpoint is evaluated, with the model
                     holding it; returns entries for metrics.json (and may write figures, whose
                     paths it lists under the key ``"written"``)
    """

    module: str
    description: str
    defaults: dict
    load_data: Callable
    build_model: Callable
    quick: dict = field(default_factory=dict)
    add_arguments: Callable | None = None
    build_optimizer: Callable = default_optimizer
    scheduler_step: str = "step"
    loss_fn: Callable = F.cross_entropy
    metrics: tuple = ("acc",)
    monitor: tuple = ("val_acc", "max")
    augment: Callable | None = None
    objective: Callable | None = None
    describe: Callable | None = None
    finish: Callable | None = None
    eval_batch: int = 500

    @property
    def command(self):
        return f"python -m {self.module}"


@dataclass
class Context:
    """What :attr:`Task.finish` gets: the run as it ended, the model holding the best checkpoint."""

    config: dict
    data: object
    model: object
    out: object  # the RunFolder the job claimed
    logger: object
    place: object
    metrics: dict  # {"val": ..., "test": ...}: the best checkpoint evaluated
    history: list  # one record per epoch (train/val metrics, lr, seconds)
