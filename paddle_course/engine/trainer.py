"""The training loop every lesson reuses.

The step is the course's, in the open: forward, loss, ``backward()``, ``step()``, ``clear_grad()``.
Around it the :class:`Trainer` adds what a run needs to be trusted: per-sample metrics, validation
each epoch, best/last checkpoints, exact resume (also from the middle of an epoch), early
stopping, a clean stop on SIGINT/SIGTERM, and a stop with a clear message when the loss is NaN.
"""

import math
import signal
import time
from pathlib import Path

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.engine.evaluate import evaluate, split_batch
from paddle_course.engine.interrupt import StopRequest
from paddle_course.engine.metrics import Meter, metric_set
from paddle_course.engine.monitor import Monitor
from paddle_course.engine.progress import Progress, epoch_summary
from paddle_course.engine.resume import resume
from paddle_course.engine.rng import capture_rng
from paddle_course.engine.state import TrainState
from paddle_course.errors import TrainingDiverged, TrainingInterrupted
from paddle_course.runtime.distributed import Place, any_rank


class Trainer:
    """Trains ``model`` with ``optimizer``.

    Batches are ``(*inputs, target)`` and the model is called as ``model(*inputs)``. A model may
    return several outputs in training, ``(main, aux1, aux2, ...)`` (GoogLeNet's auxiliary
    classifiers): the loss minimised is ``loss(main) + aux_weight * sum(loss(aux_i))``, while the
    reported ``train_loss`` and every metric are those of the main output, comparable with the
    validation numbers (in eval mode such a model returns its main output only).

    scheduler        an ``paddle.optimizer.lr.LRScheduler`` (the one the optimizer was built with)
    scheduler_step   ``"step"`` (after every batch) or ``"epoch"``; ``ReduceOnPlateau`` is fed the
                     monitored metric at each epoch end
    augment          ``augment(images, rng) -> images`` applied to the first input of training
                     batches; ``rng`` is a numpy Generator seeded by (seed, epoch, batch), so
                     augmentation needs no saved state to be reproduced on resume. One with
                     ``with_target = True`` is called ``augment(images, target, rng)`` and
                     returns both (a detector's boxes follow its flipped images)
    monitor          a :class:`Monitor`: picks the ``best`` checkpoint, and stops early if it has
                     a patience
    checkpoint_dir   where ``best``/``last`` go; ``None`` writes no checkpoint
    logger           has ``scalar(tag, value, step)`` (see ``tools.vdl``), or ``None``
    config           a JSON-able dict saved in every checkpoint, to check a resume against
    save_every       also write ``last`` every N optimizer steps (0: only at epoch ends and on
                     a signal)
    metrics          names (``"acc"``, ``"binary_acc"``, ``"auc"``, ``"mae"``, ``"rmse"``) or
                     ``{name: Metric}`` (see ``engine.metrics``), reported as ``train_<name>`` and
                     ``val_<name>``; ``()`` for the loss only (a regression)
    aux_weight       weight of each auxiliary output's loss (0.3, as in GoogLeNet)
    place            this process's place (rank, world size) in a data-parallel run (``model``
                     is then wrapped in ``paddle.DataParallel``); metrics and evaluation are
                     summed over the ranks, and only rank 0 prints, logs and writes checkpoints
    """

    def __init__(
        self,
        model,
        optimizer,
        *,
        loss_fn=F.cross_entropy,
        scheduler=None,
        scheduler_step="epoch",
        augment=None,
        seed=0,
        monitor=None,
        checkpoint_dir=None,
        logger=None,
        progress=None,
        config=None,
        save_every=0,
        log_every=10,
        place=None,
        on_epoch_end=None,
        metrics=("acc",),
        aux_weight=0.3,
    ):
        if scheduler_step not in ("step", "epoch"):
            raise ValueError(f"scheduler_step must be 'step' or 'epoch', not {scheduler_step!r}")
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.scheduler, self.scheduler_step = scheduler, scheduler_step
        self.augment, self.seed = augment, seed
        place = place or Place()  # one process
        self.rank, self.world_size, self.is_main = place.rank, place.world_size, place.is_main
        self.monitor = monitor or Monitor()
        self.checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir and self.is_main else None
        self.logger = logger if self.is_main else None
        self.progress = progress or Progress(enabled=self.is_main)
        self.config = config or {}
        self.save_every, self.log_every = save_every, log_every
        self.on_epoch_end = on_epoch_end
        self.metrics, self.aux_weight = metric_set(metrics), aux_weight
        self.train_metrics = {k: m for k, m in self.metrics.items() if m.on_train}

    # --- one step ------------------------------------------------------------------------------

    def train_step(self, inputs, target):
        """One optimizer step on a batch; returns (mean loss of the main output, main output)."""
        outputs = self.model(*inputs)  # e.g. [N, 10] logits, or (main, aux...)
        main, aux = (
            (outputs[0], outputs[1:]) if isinstance(outputs, (tuple, list)) else (outputs, ())
        )
        loss = self.loss_fn(main, target)  # scalar: mean over the batch
        total = loss
        for extra in aux:  # auxiliary heads push the early layers
            total = total + self.aux_weight * self.loss_fn(extra, target)
        total_value = float(total)
        if not math.isfinite(total_value):
            raise TrainingDiverged(f"the training loss is {total_value}")
        total.backward()  # gradients into each parameter's .grad
        self.optimizer.step()  # update the parameters
        self.optimizer.clear_grad()  # Paddle accumulates gradients otherwise
        return (float(loss) if aux else total_value), main

    # --- the loop ------------------------------------------------------------------------------

    def fit(self, train_loader, val_loader, epochs, state=None):
        """Train until ``epochs`` epochs are done (or early stopping); returns the final state.

        ``state`` continues a run (see :meth:`resume`). ``train_loader.batch_sampler`` must be an
        :class:`~paddle_course.data.EpochBatchSampler`, whose order the loop selects every epoch.
        """
        if val_loader is None and self.monitor.metric.startswith("val_"):
            raise ValueError(
                f"the monitor watches {self.monitor.metric!r} but there is no "
                f"validation loader; pass one, or monitor a train_ metric"
            )
        watchable = [f"train_{m}" for m in ("loss", *self.train_metrics)] + [
            f"val_{m}" for m in ("loss", *self.metrics)
        ]
        if self.monitor.metric not in watchable:
            raise ValueError(
                f"the monitor watches {self.monitor.metric!r}, which this run does "
                f"not compute; choose from {', '.join(watchable)}"
            )
        state = state or TrainState()
        if state.monitor:
            self.monitor.set_state_dict(state.monitor)
        else:
            self.monitor.reset()
        sampler = train_loader.batch_sampler
        with StopRequest() as stop:
            while state.epoch < epochs and not state.stopped_early:
                self._train_epoch(train_loader, sampler, epochs, state, stop)
                self._end_epoch(val_loader, epochs, state)
                if self._stop_requested(stop):  # arrived during validation: `last` is written
                    raise TrainingInterrupted(stop.signum or signal.SIGTERM, self._last())
        return state

    def _train_epoch(self, loader, sampler, epochs, state, stop):
        epoch = state.epoch
        sampler.set_epoch(epoch, start_batch=state.step_in_epoch)
        running = Meter.from_state_dict(self.train_metrics, state.running)
        started = time.time() - state.running.get("seconds", 0.0)
        self.model.train()
        self.progress.start_epoch(epoch, epochs, total=len(sampler), done=state.step_in_epoch)
        for batch in loader:
            inputs, target = split_batch(batch)
            if self.augment is not None:
                # drawn for the whole global batch, each rank taking its part: N processes
                # augment exactly as one process with the N-times larger batch does
                rng = np.random.default_rng([self.seed, epoch, state.step_in_epoch, 0])
                part = {"part": (self.rank, self.world_size)} if self.world_size > 1 else {}
                if getattr(self.augment, "with_target", False):  # boxes move with images
                    inputs[0], target = self.augment(inputs[0], target, rng, **part)
                else:
                    inputs[0] = self.augment(inputs[0], rng, **part)
            try:
                loss, outputs = self.train_step(inputs, target)
            except TrainingDiverged as e:
                self.progress.end_epoch()
                raise TrainingDiverged(
                    f"{e} at epoch {epoch + 1}, batch {state.step_in_epoch + 1} (global step "
                    f"{state.global_step + 1}); stopped before updating the parameters with it. "
                    f"Lower the learning rate. " + self._last_good()
                ) from None
            running.update(loss, outputs, target)
            state.step_in_epoch += 1
            state.global_step += 1
            lr = self.optimizer.get_lr()  # the rate this batch was trained with
            if self.scheduler is not None and self.scheduler_step == "step":
                self.scheduler.step()
            state.running = dict(running.state_dict(), seconds=time.time() - started, lr=lr)
            if self.progress.enabled:
                self.progress.update(running.values(), self._percent)
            if self.logger and state.global_step % self.log_every == 0:
                self.logger.scalar("train/batch_loss", loss, state.global_step)
            if self._stop_requested(stop):
                self.progress.end_epoch()
                self.save(state)
                raise TrainingInterrupted(stop.signum or signal.SIGTERM, self._last())
            if self.save_every and state.global_step % self.save_every == 0:
                self.save(state)
        self.progress.end_epoch()

    def _stop_requested(self, stop):
        """A signal seen here or, in a distributed run, by any rank (all ranks must stop after
        the same step, or the others would wait forever in the next all-reduce)."""
        if self.world_size > 1:
            return any_rank(stop.signum is not None)
        return stop.signum is not None

    def _end_epoch(self, val_loader, epochs, state):
        train = Meter.from_state_dict(self.train_metrics, state.running).reduced()  # over ranks
        record = {"epoch": state.epoch + 1, "step": state.global_step}
        record.update({f"train_{k}": v for k, v in train.values().items()})
        if val_loader is not None:
            val = evaluate(
                self.model, val_loader, self.loss_fn, self.metrics, distributed=self.world_size > 1
            )
            record.update({f"val_{k}": v for k, v in val.items() if k != "samples"})
        record["lr"] = state.running.get("lr", self.optimizer.get_lr())  # of the epoch's last batch
        record["seconds"] = state.running.get("seconds", 0.0)
        state.history.append(record)
        state.epoch += 1
        state.step_in_epoch, state.running = 0, {}
        if self.scheduler is not None and self.scheduler_step == "epoch":
            if isinstance(self.scheduler, paddle.optimizer.lr.ReduceOnPlateau):
                self.scheduler.step(record[self.monitor.metric])
            else:
                self.scheduler.step()
        improved = self.monitor.update(record, record["epoch"])
        state.monitor = self.monitor.state_dict()
        state.stopped_early = self.monitor.should_stop
        if self.logger:  # logged before the checkpoint: a resume from it has them all
            for split in ("train", "val"):
                for m in ("loss", *self.metrics):
                    if f"{split}_{m}" in record:
                        self.logger.scalar(
                            f"{split}/{m}", record[f"{split}_{m}"], state.global_step
                        )
            self.logger.scalar("lr", record["lr"], state.global_step)
        self.save(state, best=improved)  # `last`, and `best` in the same step when it improved
        self.progress.summary(epoch_summary(record, epochs, improved, self._percent))
        if state.stopped_early:
            self.progress.summary(
                f"early stopping: {self.monitor.metric} has not improved for "
                f"{self.monitor.bad_epochs} epochs (best "
                f"{self.monitor.best:.4f} at epoch {self.monitor.best_epoch})"
            )
        if self.on_epoch_end is not None and self.is_main:
            self.on_epoch_end(state)

    # --- checkpoints ---------------------------------------------------------------------------

    def save(self, state, best=False):
        """Write a checkpoint of the model, optimizer, RNGs and ``state`` as ``last`` (and
        ``best``); returns its folder."""
        if self.checkpoint_dir is None:
            return None
        if self.logger is not None and hasattr(self.logger, "flush"):
            self.logger.flush()  # what was logged up to this step is on disk before it
        return Checkpoints(self.checkpoint_dir).save(
            self.model,
            self.optimizer,
            {
                "train_state": state.state_dict(),
                "rng": capture_rng(),
                "config": self.config,
                "world_size": self.world_size,
            },
            best=best,
        )

    def resume(self, directory):
        """Load the last complete checkpoint in ``directory`` into the model, optimizer and RNGs
        (see :func:`paddle_course.engine.resume.resume`); returns the :class:`TrainState` to pass
        to :meth:`fit`."""
        return resume(directory, self.model, self.optimizer, self.world_size, self.is_main)

    @property
    def _percent(self):
        """Names of the metrics shown as percentages."""
        return {k for k, m in self.metrics.items() if m.percent}

    def _last(self):
        """The folder of the last complete checkpoint, or None."""
        return Checkpoints(self.checkpoint_dir).path("last") if self.checkpoint_dir else None

    def _last_good(self):
        last = self._last()
        if last is not None:
            return f"The last good checkpoint is {last}."
        return "No checkpoint was written before it."
