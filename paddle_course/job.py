"""One training job for every chapter: a chapter says *what* to train (a :class:`Task`), this
module does the rest, the same way everywhere.

    TASK = Task(module="chapters.ch02_mnist.train", ...)
    if __name__ == "__main__":
        cli(TASK)

What the job does (DESIGN.md §2): the common flags and the task's own; ``--resume`` checks
(the saved config wins, contradicting flags are refused, the data must be the same by content);
``--nprocs N`` (spawn) or ``paddle.distributed.launch`` with one code path; the output dir
(an unfinished run is never overwritten); the engine's training with best/last checkpoints,
VisualDL and a clean stop on a signal; then the *best* checkpoint evaluated on the validation
split (and on the test split when there is one), ``metrics.json``, the history plot, and
whatever the task adds (:attr:`Task.finish`). Errors a user can fix end as one line and an exit
code (:func:`paddle_course.cli.entry`).
"""

import importlib
import time
from dataclasses import dataclass, field
from typing import Callable

import paddle.nn.functional as F

from .cli import (ConfigError, announce_quick, entry, resolve_config, run_dir,
                  training_parser)
from .data import make_loader
from .device import select_device
from .distributed import barrier, setup, shard, spawn, world_size, wrap
from .engine import Monitor, Trainer, checkpoint, evaluate
from .engine.trainer import format_metrics
from .optim import build_optimizer
from .run import RunDir, position
from .seed import seed_everything
from tools.plot import plot_history
from tools.vdl import VisualDLLogger


def default_optimizer(config, model, steps_per_epoch):
    """``--optimizer``, ``--lr`` and ``--schedule`` (constant when the task has no such flag)."""
    return build_optimizer(config["optimizer"], model.parameters(), config["lr"],
                           config.get("schedule", "constant"),
                           total_steps=steps_per_epoch * config["epochs"])


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
    out: RunDir
    logger: object
    place: object
    metrics: dict               # {"val": ..., "test": ...}: the best checkpoint evaluated
    history: list               # one record per epoch (train/val metrics, lr, seconds)


def parse_args(task, argv=None):
    """``(config, resuming)``: the flags given, the task's defaults, and a resumed run's config."""
    p = training_parser(task.description, task.defaults)
    if task.add_arguments:
        task.add_arguments(p)
    explicit = vars(p.parse_args(argv))
    root = run_dir(explicit, task.defaults)
    saved = None
    if explicit.get("resume"):
        state = checkpoint.read_state(RunDir(root).checkpoints, "last")
        if state is None:
            raise ConfigError(f"nothing to resume: no checkpoint in {RunDir(root).checkpoints}")
        saved = state["config"]
    config = resolve_config(explicit, task.defaults, task.quick, saved)
    config["output_dir"] = str(root)
    return config, saved is not None


def main(task, argv=None):
    """Run the job: in this process, or (``--nprocs N`` outside a launcher) in N spawned ones."""
    config, _ = parse_args(task, argv)
    if config.get("nprocs", 1) > 1 and world_size() == 1:
        return spawn(_worker, (task.module, argv), config["nprocs"], config["device"])
    return run(task, argv)


def cli(task, argv=None):
    """The script's entry point: :func:`main` with errors turned into a message and exit code."""
    return entry(lambda a: main(task, a), argv, resume_command=task.command)


def _worker(module, argv):
    """One spawned process: import the script's task and run it."""
    task = importlib.import_module(module).TASK
    entry(lambda a: run(task, a), argv, resume_command=task.command)


def run(task, argv=None):
    config, resuming = parse_args(task, argv)
    place = setup()
    say = print if place.is_main else (lambda *a, **k: None)
    if config.get("quick"):
        announce_quick()              # first and last line (under cli.entry), in rank 0 only
    out = RunDir(config["output_dir"])
    device = select_device(config["device"])
    seed_everything(config["seed"])
    data = task.load_data(config)
    model = task.build_model(config, data)      # the first layers created: see Task.build_model
    loss_fn, metrics = (task.objective(config, data, model) if task.objective
                        else (task.loss_fn, task.metrics))
    fingerprint = data.fingerprint()
    if resuming and config.get("data_fingerprint") != fingerprint:
        raise ConfigError(f"the data ({data.source}) is not the data the run in {out.root} was "
                          f"trained on (its content differs); resume with the same --data")
    config.update(data_fingerprint=fingerprint, world_size=place.world_size,
                  global_batch_size=config["batch_size"] * place.world_size)
    if not resuming:
        overwrite = config.get("overwrite", False)
        out.prepare_fresh(clear=False, overwrite=overwrite)   # every rank checks and refuses alike
        barrier()
        if place.is_main:
            out.prepare_fresh(overwrite=overwrite)
    barrier()

    loaders = {"train": make_loader(data.train, config["batch_size"], shuffle=True,
                                    seed=config["seed"], num_workers=config["num_workers"],
                                    num_replicas=place.world_size, rank=place.rank)}
    for split in ("val", "test"):
        if getattr(data, split, None) is not None:
            loaders[split] = make_loader(shard(getattr(data, split), place), task.eval_batch)
    optimizer, scheduler = task.build_optimizer(config, model, len(loaders["train"]))

    say(f"device {device}  |  data {data.describe()}")
    say(f"{type(model).__name__}, {sum(int(p.size) for p in model.parameters()):,} parameters  |  "
        + (f"{task.describe(config, model)}  |  " if task.describe else "")
        + f"batch {config['batch_size']} x {place.world_size} process(es) = global batch "
        f"{config['global_batch_size']}  |  {config['epochs']} epochs")

    net = wrap(model, place)     # DataParallel on several processes; its state_dict is model's
    augment = task.augment(config) if task.augment else None
    trainer = Trainer(net, optimizer, loss_fn=loss_fn, metrics=metrics,
                      scheduler=scheduler, scheduler_step=task.scheduler_step, augment=augment,
                      seed=config["seed"], monitor=Monitor(*task.monitor, config.get("patience")),
                      checkpoint_dir=out.checkpoints, config=config, rank=place.rank,
                      world_size=place.world_size, is_main=place.is_main,
                      on_epoch_end=lambda s: out.write_metrics(_metrics(task, config, data, s)))
    state = trainer.resume(out.checkpoints) if resuming else None
    if state is not None and (state.epoch >= config["epochs"] or state.stopped_early):
        say(f"the run in {out.root} is already complete ({state.epoch} epochs); "
            f"pass a larger --epochs to train further")
    elif state is not None:
        say(f"resuming {out.root}: it stopped "
            f"{position(state.epoch, state.step_in_epoch, config['epochs'], state.global_step)}")
    logger = (VisualDLLogger(out.vdl, enabled=not config["no_visualdl"],
                             resume_step=state.global_step if state else None)
              if place.is_main else None)
    trainer.logger = logger
    started = time.time()
    try:
        state = trainer.fit(loaders["train"], loaders.get("val"), config["epochs"], state)
        barrier()     # rank 0 has finished writing the checkpoints the others now read
        results = _evaluate_best(trainer, model, out, loaders, place, say)
        extra = {}
        if task.finish:
            extra = task.finish(Context(config, data, model, out, logger, place, results,
                                        state.history)) or {}
    finally:
        if logger:
            logger.close()
    written = extra.pop("written", [])
    metrics = _metrics(task, config, data, state, seconds=time.time() - started, **results, **extra)
    if not place.is_main:
        return metrics
    written = [out.write_metrics(metrics), plot_history(state.history, out.plots / "history.png"),
               *written]
    say("wrote:")
    for path in [*written, out.checkpoints / "best.pdparams", out.checkpoints / "last.pdparams"]:
        say(f"  {path}")
    if logger.enabled:
        say(f"  {out.vdl}/   view: visualdl --logdir {out.vdl} --host 127.0.0.1 -L en")
    return metrics


def _evaluate_best(trainer, model, out, loaders, place, say):
    """The best checkpoint (by the monitored validation metric), not whatever the last epoch
    left, is what the run reports: loaded into ``model`` and evaluated on the val and test
    splits (each sample once over all ranks)."""
    params, _, best_state = checkpoint.load(out.checkpoints, "best")
    model.set_state_dict(params)
    best_epoch = best_state["train_state"]["monitor"]["best_epoch"]
    percent = {k for k, m in trainer.metrics.items() if m.percent}
    results = {}
    for split in ("val", "test"):
        if split not in loaders:
            continue
        r = evaluate(trainer.model, loaders[split], trainer.loss_fn, trainer.metrics,
                     distributed=place.world_size > 1)
        # how far one sample moves a percentage: on 500 digits one is 0.2 %, so two runs (other
        # seeds, other CPUs) differing by a few tenths differ by a digit or two
        grain = f" (one sample = {1 / r['samples']:.2%})" if percent and r["samples"] else ""
        say(f"{split} (best checkpoint, epoch {best_epoch}): "
            f"{format_metrics({k: v for k, v in r.items() if k != 'samples'}, percent)}  "
            f"on {r['samples']} samples{grain}")
        results[split] = dict(r, checkpoint="best", epoch=best_epoch)
    return results


def _metrics(task, config, data, state, **extra):
    return {"quick": bool(config.get("quick")), "config": config, "data": data.info(),
            "history": state.history,
            "best": {"metric": task.monitor[0], "value": state.monitor["best"],
                     "epoch": state.monitor["best_epoch"]},
            "stopped_early": state.stopped_early, **extra}
