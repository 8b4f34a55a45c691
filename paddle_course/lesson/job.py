"""One training job for every chapter: a chapter says *what* to train (a :class:`Task`), this
module does the rest, the same way everywhere.

    TASK = Task(module="chapters.ch02_mnist.train", ...)
    if __name__ == "__main__":
        cli(TASK)

What the job does (docs/DESIGN.md §2): the common flags and the task's own; ``--resume`` checks
(the saved config wins, contradicting flags are refused, the data must be the same by content);
``--nprocs N`` (spawn) or ``paddle.distributed.launch`` with one code path; the output dir
(an unfinished run is never overwritten); the engine's training with best/last checkpoints,
VisualDL and a clean stop on a signal; then the *best* checkpoint evaluated on the validation
split (and on the test split when there is one), ``metrics.json``, the history plot, and
whatever the task adds (:attr:`Task.finish`). Errors a user can fix end as one line and an exit
code (:func:`paddle_course.lesson.entry.entry`).
"""

import contextlib
import importlib
import json
import sys
import time
from pathlib import Path

from paddle_course.data import make_loader
from paddle_course.engine import Monitor, Trainer
from paddle_course.engine.state import position
from paddle_course.errors import ConfigError
from paddle_course.lesson.entry import announce_quick, entry
from paddle_course.lesson.folder_contents import inspect
from paddle_course.lesson.job_config import can_resume, parse_args
from paddle_course.lesson.job_results import (
    evaluate_best,
    metrics_record,
    say_written,
    write_metrics,
)
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.lesson.task import Context
from paddle_course.runtime.device import select_device
from paddle_course.runtime.distributed import (
    barrier,
    same_on_every_rank,
    setup,
    shard,
    spawn,
    world_size,
    wrap,
)
from paddle_course.runtime.environment import verbosity
from paddle_course.runtime.seed import seed_everything
from tools.plot import plot_history
from tools.vdl import VisualDLLogger


def main(task, argv=None):
    """Run the job: in this process, or (``--nprocs N`` outside a launcher) in N spawned ones."""
    args = parse_args(task, argv)
    config = args.config
    if config.get("nprocs", 1) > 1 and world_size() == 1:
        # refuse a folder now, in one line, rather than in every spawned process
        RunFolder(config["output_dir"], task.module).check(args.mode, can_resume(config))
        return spawn(_worker, (task.module, argv), config["nprocs"], config["device"])
    return run(task, argv)


def cli(task, argv=None):
    """The script's entry point: :func:`main` with errors turned into a message and exit code."""
    return entry(lambda a: main(task, a), argv, resume_command=task.command)


def _worker(module, argv):
    """One spawned process: import the script's task and run it."""
    task = importlib.import_module(module).TASK
    entry(lambda a: run(task, a), argv, resume_command=task.command)


def run(task, argv=None, **overrides):
    """Run the job in this process (one rank of several, or the only one). ``overrides``: config
    values given as if on the command line (``seed=3, quick=True``), the way a lesson that runs
    the job passes them; with overrides and no ``argv``, no command line is read."""
    if argv is None and overrides:
        argv = []
    args = parse_args(task, argv, overrides)
    with verbosity(args.config.get("verbose")):
        return _run(task, args, argv, overrides)


def _run(task, args, argv, overrides):
    config, resuming = args.config, args.saved is not None
    place = setup()
    say = print if place.is_main else (lambda *a, **k: None)
    if config.get("quick"):
        announce_quick()  # first and last line (under entry), in rank 0 only
    given = sys.argv[1:] if argv is None else [*argv, *as_flags(overrides)]
    out = RunFolder(config["output_dir"], task.module, command=" ".join([task.command, *given]))
    out.check(args.mode, can_resume(config))  # every rank, before any work: refused alike
    if args.mode == "resume" and not resuming:
        say(
            f"nothing complete to resume in {out.root} (it stopped before its first "
            f"checkpoint): starting it from the beginning"
        )
    device, data, model, objective = _prepare(task, config, out, place, resuming)
    barrier()
    # rank 0 writes the folder, under its lock, for as long as the run lasts
    claim = (
        out.claim(args.mode, can_resume(config), say) if place.is_main else contextlib.nullcontext()
    )
    try:
        with claim:
            if place.is_main and not resuming and out.previous.state != "absent":
                out.clear()  # starting again: what this job wrote there before, and only that
            say(f"device {device}  |  data {data.describe()}")
            return _train(task, config, data, model, objective, out, place, resuming)
    except OSError as e:
        e.resume_dir = out.root  # entry(): how to continue after a full disk
        raise


def _prepare(task, config, out, place, resuming):
    """The device, the data, the model and its objective, before the folder is claimed (so bad
    data is refused without touching it); a resumed run must get the data it was trained on."""
    device = select_device(config["device"])
    seed_everything(config["seed"])
    data = task.load_data(config)
    model = task.build_model(config, data)  # the first layers created: see Task.build_model
    objective = (
        task.objective(config, data, model) if task.objective else (task.loss_fn, task.metrics)
    )
    fingerprint = data.fingerprint()
    if resuming and config.get("data_fingerprint") != fingerprint:
        raise ConfigError(
            f"the data ({data.source}) is not the data the run in {out.root} was "
            f"trained on (its content differs); resume with the same --data"
        )
    if getattr(data, "chosen", None):  # --data auto: what it found, so that --resume reads it
        config["data"], config["data_fallback"] = data.chosen, data.fallback
    elif resuming and config.get("data_fallback"):
        data.fallback = config["data_fallback"]  # why the run started on these digits
    config.update(
        data_fingerprint=fingerprint,
        world_size=place.world_size,
        global_batch_size=config["batch_size"] * place.world_size,
    )
    return device, data, model, objective


def _train(task, config, data, model, objective, out, place, resuming):
    """Train in the claimed folder ``out``, evaluate the best checkpoint, write the results."""
    say = print if place.is_main else (lambda *a, **k: None)
    barrier()
    loaders = _loaders(task, config, data, place)
    trainer = _trainer(task, config, data, model, objective, out, place, len(loaders["train"]))
    say(
        f"{type(model).__name__}, {sum(int(p.size) for p in model.parameters()):,} parameters  |  "
        + (f"{task.describe(config, model)}  |  " if task.describe else "")
        + f"batch {config['batch_size']} x {place.world_size} process(es) = global batch "
        f"{config['global_batch_size']}  |  {config['epochs']} epochs"
    )
    state = trainer.resume(out.checkpoints) if resuming else None
    if state is not None and (state.epoch >= config["epochs"] or state.stopped_early):
        say(
            f"the run in {out.root} is already complete ({state.epoch} epochs); "
            f"pass a larger --epochs to train further"
        )
    elif state is not None:
        stopped = position(state.epoch, state.step_in_epoch, config["epochs"], state.global_step)
        say(f"resuming {out.root}: it stopped {stopped}")
    logger = None
    if place.is_main:
        resume_step = state.global_step if state else None
        logger = VisualDLLogger(out.vdl, not config["no_visualdl"], resume_step=resume_step)
    trainer.logger = logger
    started = time.time()
    try:
        state = trainer.fit(loaders["train"], loaders.get("val"), config["epochs"], state)
        extra = {}
        if place.world_size > 1:  # the all-reduce keeps the replicas equal to the last bit
            extra["replicas_identical"] = same_on_every_rank(parameter_bytes(model))
        barrier()  # rank 0 has finished writing the checkpoints the others now read
        results = evaluate_best(trainer, model, out, loaders, place, say)
        if task.finish:
            context = Context(config, data, model, out, logger, place, results, state.history)
            extra.update(task.finish(context) or {})
    finally:
        if logger:
            logger.close()
    figures = extra.pop("written", [])
    metrics = metrics_record(
        task, config, data, state, seconds=time.time() - started, **results, **extra
    )
    if place.is_main:
        files = [
            write_metrics(out, metrics),
            plot_history(state.history, out.plots / "history.png"),
        ]
        say_written(out, [*files, *figures], logger.enabled, say)
    return metrics


def parameter_bytes(model):
    """The trained parameters' bytes, in order. Buffers are left out: BatchNorm's running
    statistics are each rank's own (DataParallel averages gradients, not buffers)."""
    return b"".join(p.numpy().tobytes() for p in model.parameters())


def _loaders(task, config, data, place):
    """The training loader (this rank's shard, shuffled by seed and epoch) and the evaluation
    loaders (each rank a shard, so that every sample counts once)."""
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
    return loaders


def _trainer(task, config, data, model, objective, out, place, steps_per_epoch):
    loss_fn, metrics = objective
    optimizer, scheduler = task.build_optimizer(config, model, steps_per_epoch)
    return Trainer(
        wrap(model, place),  # DataParallel on several processes; its state_dict is model's
        optimizer,
        loss_fn=loss_fn,
        metrics=metrics,
        scheduler=scheduler,
        scheduler_step=task.scheduler_step,
        augment=task.augment(config) if task.augment else None,
        seed=config["seed"],
        monitor=Monitor(*task.monitor, config.get("patience")),
        checkpoint_dir=out.checkpoints,
        config=config,
        place=place,
        on_epoch_end=lambda s: write_metrics(out, metrics_record(task, config, data, s)),
    )


def finished_run(task, root, train=True, say=print, **overrides):
    """``metrics.json`` of the finished run of ``task`` in ``root`` (a lesson that uses a trained
    model: ``map``, ``recommend``). A folder holding no run gets one first, trained with the
    ``overrides`` (unless not ``train``: a folder the user named, where a typo must not start a
    new run); an unfinished run, or another job's, is refused, naming the command that continues
    it."""
    found = inspect(root)
    if found.state in ("absent", "empty") and not train:
        raise ConfigError(
            f"--run {root}: no run there; train one with {task.command} "
            f"--output-dir {root}, or leave --run out"
        )
    if found.state in ("absent", "empty"):
        say(f"no trained model in {root}: training one there first ({task.command})")
        run(task, output_dir=str(root), **overrides)
        found = inspect(root)
    module = (found.manifest or {}).get("module")
    if not found.finished or module != task.module:
        what = f"a run of {module}" if module and module != task.module else "no finished run"
        hint = (
            f"; continue it with {task.command} --resume {root}"
            if found.state == "unfinished" and module == task.module
            else ""
        )
        raise ConfigError(f"{root}: holds {what} of {task.module}{hint}")
    return json.loads((Path(root) / "metrics.json").read_text())


def as_flags(overrides):
    """``overrides`` as the flags that give them (``{"seed": 3, "quick": True}`` -> ``--seed 3
    --quick``), for the command a run's manifest records."""
    flags = []
    for key, value in overrides.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        flags += [flag] if value is True else [flag, str(value)]
    return flags
