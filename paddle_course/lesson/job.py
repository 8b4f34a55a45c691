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
code (:func:`paddle_course.lesson.cli.entry`).
"""

import contextlib
import importlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import paddle.nn.functional as F

from paddle_course.data import make_loader
from paddle_course.engine import Monitor, Trainer, evaluate
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.engine.optimizers import build_optimizer
from paddle_course.engine.state import position
from paddle_course.engine.trainer import format_metrics
from paddle_course.errors import ConfigError
from paddle_course.lesson.cli import announce_quick, entry, resolve_config, run_dir, training_parser
from paddle_course.lesson.run_folder import RunFolder, inspect, written
from paddle_course.runtime.atomic import write_json
from paddle_course.runtime.device import select_device
from paddle_course.runtime.distributed import barrier, setup, shard, spawn, world_size, wrap
from paddle_course.runtime.seed import seed_everything
from tools.plot import plot_history
from tools.vdl import VisualDLLogger


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
    out: RunFolder
    logger: object
    place: object
    metrics: dict  # {"val": ..., "test": ...}: the best checkpoint evaluated
    history: list  # one record per epoch (train/val metrics, lr, seconds)


@dataclass
class Args:
    """A job's command line, read: the run's config and how it uses its folder."""

    config: dict
    mode: str  # fresh, overwrite or resume (see paddle_course.lesson.run_folder)
    saved: dict | None = None  # the state.json of the checkpoint being resumed


def parse_args(task, argv=None):
    """The flags given, the task's defaults, and a resumed run's config (:class:`Args`)."""
    p = training_parser(task.description, task.defaults)
    if task.add_arguments:
        task.add_arguments(p)
    explicit = vars(p.parse_args(argv))
    resume = explicit.get("resume")
    if (
        isinstance(resume, str)
        and "output_dir" in explicit
        and Path(explicit["output_dir"]).absolute() != Path(resume).absolute()
    ):
        raise ConfigError(
            f"--resume {resume} and --output-dir {explicit['output_dir']} name two "
            f"folders; a run continues where it is: give one of them"
        )
    root = run_dir(explicit, task.defaults)
    mode = "resume" if resume else "overwrite" if explicit.get("overwrite") else "fresh"
    saved = None
    if resume:
        RunFolder(root, task.module).check("resume")  # ours, this job's, not being written
        saved = Checkpoints(Path(root) / "checkpoints").read_state("last")
    config = resolve_config(explicit, task.defaults, task.quick, saved and saved["config"])
    config["output_dir"] = str(root)
    if saved:
        done = saved["train_state"]["epoch"] + (1 if saved["train_state"]["step_in_epoch"] else 0)
        if config["epochs"] < done:
            raise ConfigError(
                f"--epochs {config['epochs']}: the run in {root} has already "
                f"trained {done} epoch(s); give --epochs {done} or more, or leave "
                f"it out to finish the run as configured"
            )
    return Args(config, mode, saved)


def main(task, argv=None):
    """Run the job: in this process, or (``--nprocs N`` outside a launcher) in N spawned ones."""
    args = parse_args(task, argv)
    config = args.config
    if config.get("nprocs", 1) > 1 and world_size() == 1:
        # refuse a folder now, in one line, rather than in every spawned process
        RunFolder(config["output_dir"], task.module).check(args.mode, _can_resume(config))
        return spawn(_worker, (task.module, argv), config["nprocs"], config["device"])
    return run(task, argv)


def cli(task, argv=None):
    """The script's entry point: :func:`main` with errors turned into a message and exit code."""
    return entry(lambda a: main(task, a), argv, resume_command=task.command)


def _worker(module, argv):
    """One spawned process: import the script's task and run it."""
    task = importlib.import_module(module).TASK
    entry(lambda a: run(task, a), argv, resume_command=task.command)


def _can_resume(config):
    """For :meth:`RunFolder.check`: where the run in the output dir stopped, or None when it has
    no complete checkpoint."""

    def where():
        state = Checkpoints(Path(config["output_dir"]) / "checkpoints").read_state("last")
        if state is None:
            return None
        ts = state["train_state"]
        return position(
            ts["epoch"], ts["step_in_epoch"], state["config"]["epochs"], ts["global_step"]
        )

    return where


def run(task, argv=None):
    args = parse_args(task, argv)
    config, resuming = args.config, args.saved is not None
    place = setup()
    say = print if place.is_main else (lambda *a, **k: None)
    if config.get("quick"):
        announce_quick()  # first and last line (under cli.entry), in rank 0 only
    out = RunFolder(
        config["output_dir"],
        task.module,
        command=" ".join([task.command, *(sys.argv[1:] if argv is None else argv)]),
    )
    out.check(args.mode, _can_resume(config))  # every rank, before any work: refused alike
    if args.mode == "resume" and not resuming:
        say(
            f"nothing complete to resume in {out.root} (it stopped before its first "
            f"checkpoint): starting it from the beginning"
        )
    device = select_device(config["device"])
    seed_everything(config["seed"])
    data = task.load_data(config)
    model = task.build_model(config, data)  # the first layers created: see Task.build_model
    loss_fn, metrics = (
        task.objective(config, data, model) if task.objective else (task.loss_fn, task.metrics)
    )
    fingerprint = data.fingerprint()
    if resuming and config.get("data_fingerprint") != fingerprint:
        raise ConfigError(
            f"the data ({data.source}) is not the data the run in {out.root} was "
            f"trained on (its content differs); resume with the same --data"
        )
    config.update(
        data_fingerprint=fingerprint,
        world_size=place.world_size,
        global_batch_size=config["batch_size"] * place.world_size,
    )
    barrier()
    # rank 0 writes the folder, under its lock, for as long as the run lasts
    claim = (
        out.claim(args.mode, _can_resume(config), say)
        if place.is_main
        else contextlib.nullcontext()
    )
    try:
        with claim:
            if place.is_main and not resuming and out.previous.state != "absent":
                out.clear()  # starting again: what this job wrote there before, and only that
            say(f"device {device}  |  data {data.describe()}")
            return _train(task, config, data, model, (loss_fn, metrics), out, place, resuming)
    except OSError as e:
        e.resume_dir = out.root  # cli.entry: how to continue after a full disk
        raise


def _train(task, config, data, model, objective, out, place, resuming):
    """Train in the claimed folder ``out``, evaluate the best checkpoint, write the results."""
    say = print if place.is_main else (lambda *a, **k: None)
    loss_fn, metrics = objective
    barrier()
    loaders = {
        "train": make_loader(
            data.train,
            config["batch_size"],
            shuffle=True,
            seed=config["seed"],
            num_workers=config["num_workers"],
            num_replicas=place.world_size,
            rank=place.rank,
        )
    }
    for split in ("val", "test"):
        if getattr(data, split, None) is not None:
            loaders[split] = make_loader(shard(getattr(data, split), place), task.eval_batch)
    optimizer, scheduler = task.build_optimizer(config, model, len(loaders["train"]))
    say(
        f"{type(model).__name__}, {sum(int(p.size) for p in model.parameters()):,} parameters  |  "
        + (f"{task.describe(config, model)}  |  " if task.describe else "")
        + f"batch {config['batch_size']} x {place.world_size} process(es) = global batch "
        f"{config['global_batch_size']}  |  {config['epochs']} epochs"
    )

    net = wrap(model, place)  # DataParallel on several processes; its state_dict is model's
    augment = task.augment(config) if task.augment else None
    trainer = Trainer(
        net,
        optimizer,
        loss_fn=loss_fn,
        metrics=metrics,
        scheduler=scheduler,
        scheduler_step=task.scheduler_step,
        augment=augment,
        seed=config["seed"],
        monitor=Monitor(*task.monitor, config.get("patience")),
        checkpoint_dir=out.checkpoints,
        config=config,
        rank=place.rank,
        world_size=place.world_size,
        is_main=place.is_main,
        on_epoch_end=lambda s: _write_metrics(out, _metrics(task, config, data, s)),
    )
    state = trainer.resume(out.checkpoints) if resuming else None
    if state is not None and (state.epoch >= config["epochs"] or state.stopped_early):
        say(
            f"the run in {out.root} is already complete ({state.epoch} epochs); "
            f"pass a larger --epochs to train further"
        )
    elif state is not None:
        say(
            f"resuming {out.root}: it stopped "
            f"{position(state.epoch, state.step_in_epoch, config['epochs'], state.global_step)}"
        )
    logger = (
        VisualDLLogger(
            out.vdl,
            enabled=not config["no_visualdl"],
            resume_step=state.global_step if state else None,
        )
        if place.is_main
        else None
    )
    trainer.logger = logger
    started = time.time()
    try:
        state = trainer.fit(loaders["train"], loaders.get("val"), config["epochs"], state)
        barrier()  # rank 0 has finished writing the checkpoints the others now read
        results = _evaluate_best(trainer, model, out, loaders, place, say)
        extra = {}
        if task.finish:
            extra = (
                task.finish(
                    Context(config, data, model, out, logger, place, results, state.history)
                )
                or {}
            )
    finally:
        if logger:
            logger.close()
    written_files = extra.pop("written", [])
    metrics = _metrics(task, config, data, state, seconds=time.time() - started, **results, **extra)
    if not place.is_main:
        return metrics
    files = [
        _write_metrics(out, metrics),
        plot_history(state.history, out.plots / "history.png"),
        *written_files,
    ]
    say("wrote:")
    for path in files:
        say(f"  {path}")
    index = Checkpoints(out.checkpoints).index()
    for which in ("best", "last") if index["best"] != index["last"] else ("best",):
        both = " and last" if index["best"] == index["last"] else ""
        say(
            f"  {out.checkpoints / index[which]}/   the {which}{both} checkpoint "
            f"(index: {out.checkpoints / 'index.json'})"
        )
    if logger.enabled:
        say(f"  {out.vdl}/   view: visualdl --logdir {out.vdl} --host 127.0.0.1 -L en")
    return metrics


def _write_metrics(out, metrics):
    return write_json(written(out.metrics), metrics)


def _evaluate_best(trainer, model, out, loaders, place, say):
    """The best checkpoint (by the monitored validation metric), not whatever the last epoch
    left, is what the run reports: loaded into ``model`` and evaluated on the val and test
    splits (each sample once over all ranks)."""
    params, _, best_state = Checkpoints(out.checkpoints).load("best")
    model.set_state_dict(params)
    best_epoch = best_state["train_state"]["monitor"]["best_epoch"]
    percent = {k for k, m in trainer.metrics.items() if m.percent}
    results = {}
    for split in ("val", "test"):
        if split not in loaders:
            continue
        r = evaluate(
            trainer.model,
            loaders[split],
            trainer.loss_fn,
            trainer.metrics,
            distributed=place.world_size > 1,
        )
        # how far one sample moves a percentage: on 500 digits one is 0.2 %, so two runs (other
        # seeds, other CPUs) differing by a few tenths differ by a digit or two
        grain = f" (one sample = {1 / r['samples']:.2%})" if percent and r["samples"] else ""
        say(
            f"{split} (best checkpoint, epoch {best_epoch}): "
            f"{format_metrics({k: v for k, v in r.items() if k != 'samples'}, percent)}  "
            f"on {r['samples']} samples{grain}"
        )
        results[split] = dict(r, checkpoint="best", epoch=best_epoch)
    return results


def _metrics(task, config, data, state, **extra):
    return {
        "quick": bool(config.get("quick")),
        "config": config,
        "data": data.info(),
        "history": state.history,
        "best": {
            "metric": task.monitor[0],
            "value": state.monitor["best"],
            "epoch": state.monitor["best_epoch"],
        },
        "stopped_early": state.stopped_early,
        **extra,
    }


def finished_run(task, root, argv=(), train=True, say=print):
    """``metrics.json`` of the finished run of ``task`` in ``root`` (a lesson that uses a trained
    model: ``map``, ``recommend``). A folder holding no run gets one first, trained with ``argv``
    (unless not ``train``: a folder the user named, where a typo must not start a new run); an
    unfinished run, or another job's, is refused, naming the command that continues it."""
    found = inspect(root)
    if found.state in ("absent", "empty") and not train:
        raise ConfigError(
            f"--run {root}: no run there; train one with {task.command} "
            f"--output-dir {root}, or leave --run out"
        )
    if found.state in ("absent", "empty"):
        say(f"no trained model in {root}: training one there first ({task.command})")
        run(task, ["--output-dir", str(root), *argv])
        found = inspect(root)
    module = (found.manifest or {}).get("module")
    if found.state != "finished" or module != task.module:
        what = f"a run of {module}" if module and module != task.module else "no finished run"
        hint = (
            f"; continue it with {task.command} --resume {root}"
            if found.state == "unfinished" and module == task.module
            else ""
        )
        raise ConfigError(f"{root}: holds {what} of {task.module}{hint}")
    return json.loads((Path(root) / "metrics.json").read_text())
