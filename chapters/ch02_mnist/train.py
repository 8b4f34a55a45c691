"""The main job: train the course's MNIST CNN and evaluate its best checkpoint on the test split.

    python -m chapters.ch02_mnist.train                    # embedded real MNIST, a few minutes
    python -m chapters.ch02_mnist.train --quick            # seconds: a smoke test
    python -m chapters.ch02_mnist.train --data mnist.json.gz
    python -m chapters.ch02_mnist.train --resume           # continue an interrupted run
    python -m chapters.ch02_mnist.train --nprocs 2         # data parallel, paddle.distributed.spawn
    python -m paddle.distributed.launch --nproc_per_node 2 chapters/ch02_mnist/train.py

Defaults were chosen by measuring validation accuracy on the embedded digits (README.md has the
numbers): Adam at 2e-3 with a cosine decay per step, batch 64, small random affine moves of the
training digits. Outputs go to ``outputs/ch02_mnist/train`` (see ``paddle_course.run``).
"""

import sys
import time

import paddle.distributed as dist


from chapters.ch02_mnist.MNIST_network import MNIST
from paddle_course.cli import ConfigError, resolve_config, run_dir, training_parser
from paddle_course.data import DataError, make_loader
from paddle_course.data.transforms import RandomAffine
from paddle_course.device import select_device
from paddle_course.distributed import RankFailed, barrier, setup, shard, spawn, world_size, wrap
from paddle_course.engine import (CheckpointError, Monitor, Trainer, TrainingDiverged,
                                  TrainingInterrupted, checkpoint, evaluate)
from paddle_course.experiment import lesson_data
from paddle_course.optim import SCHEDULES, build_optimizer
from paddle_course.run import RunDir
from paddle_course.seed import seed_everything
from tools.plot import plot_history
from tools.vdl import VisualDLLogger

DEFAULTS = dict(data=None, epochs=30, batch_size=64, lr=0.002, optimizer="adam", seed=0,
                output_dir="outputs/ch02_mnist/train", device="auto", num_workers=0, nprocs=1,
                quick=False, no_visualdl=False, schedule="cosine", no_augment=False, patience=None)
QUICK = dict(epochs=1)
EVAL_BATCH = 500


def parse_args(argv=None):
    p = training_parser(__doc__.split("\n\n")[0], DEFAULTS)
    p.add_argument("--schedule", choices=SCHEDULES, help=f"(default {DEFAULTS['schedule']})")
    p.add_argument("--no-augment", action="store_true",
                   help="train on the digits as they are (default: small random affine moves)")
    p.add_argument("--patience", type=int,
                   help="stop early after this many epochs without a better val_acc (default off)")
    explicit = vars(p.parse_args(argv))
    root = run_dir(explicit, DEFAULTS)
    saved = None
    if explicit.get("resume"):
        state = checkpoint.read_state(RunDir(root).checkpoints, "last")
        if state is None:
            raise ConfigError(f"nothing to resume: no checkpoint in {RunDir(root).checkpoints}")
        saved = state["config"]
    config = resolve_config(explicit, DEFAULTS, QUICK, saved)
    config["output_dir"] = str(root)
    return config, saved is not None


def main(argv=None):
    """Run the job: in this process, or (``--nprocs N`` outside a launcher) in N spawned ones."""
    config, _ = parse_args(argv)
    if config["nprocs"] > 1 and world_size() == 1:
        return spawn(worker, (argv,), config["nprocs"], config["device"])
    return run(argv)


def run(argv=None):
    config, resuming = parse_args(argv)
    place = setup()
    say = print if place.is_main else (lambda *a, **k: None)
    out = RunDir(config["output_dir"])
    device = select_device(config["device"])
    seed_everything(config["seed"])
    # Build the model before anything else creates layers: Paddle names parameters by creation
    # order (conv2d_0.w_0 ...), and the optimizer state is keyed by those names.
    model = MNIST()
    data = lesson_data(config["data"], config["seed"], config["quick"])   # --quick: small subsets
    fingerprint = data.fingerprint()
    if resuming and config.get("data_fingerprint") != fingerprint:
        raise ConfigError(f"the data ({data.source}) is not the data the run in {out.root} was "
                          f"trained on (its content differs); resume with the same --data")
    config.update(data_fingerprint=fingerprint, world_size=place.world_size,
                  global_batch_size=config["batch_size"] * place.world_size)
    if not resuming:
        out.prepare_fresh(clear=False)   # every rank checks, so every rank refuses alike
        barrier()
        if place.is_main:
            out.prepare_fresh()
    barrier()

    train_loader = make_loader(data.train, config["batch_size"], shuffle=True, seed=config["seed"],
                               num_workers=config["num_workers"], num_replicas=place.world_size,
                               rank=place.rank)
    val_loader = make_loader(shard(data.val, place), EVAL_BATCH)
    test_loader = make_loader(shard(data.test, place), EVAL_BATCH)
    steps = len(train_loader) * config["epochs"]
    optimizer, scheduler = build_optimizer(config["optimizer"], model.parameters(), config["lr"],
                                           config["schedule"], total_steps=steps)

    say(f"device {device}  |  data {data.source}: "
        + ", ".join(f"{k} {v}" for k, v in data.sizes().items()) + f"  |  pixels {data.scale}")
    say(f"MNIST CNN, {sum(int(p.size) for p in model.parameters())} parameters  |  "
        f"{config['optimizer']} lr {config['lr']} ({config['schedule']})  |  batch "
        f"{config['batch_size']} x {place.world_size} process(es) = global batch "
        f"{config['global_batch_size']}  |  {config['epochs']} epochs  |  "
        f"augment {'off' if config['no_augment'] else 'on'}")

    net = wrap(model, place)     # DataParallel on several processes; its state_dict is model's
    trainer = Trainer(net, optimizer, scheduler=scheduler, scheduler_step="step",
                      augment=None if config["no_augment"] else RandomAffine(),
                      seed=config["seed"], monitor=Monitor("val_acc", "max", config["patience"]),
                      checkpoint_dir=out.checkpoints, config=config, rank=place.rank,
                      world_size=place.world_size, is_main=place.is_main,
                      on_epoch_end=lambda s: out.write_metrics(_metrics(config, data, s)))
    state = trainer.resume(out.checkpoints) if resuming else None
    if state is not None and (state.epoch >= config["epochs"] or state.stopped_early):
        say(f"the run in {out.root} is already complete ({state.epoch} epochs); "
            f"pass a larger --epochs to train further")
    elif state is not None:
        say(f"resuming {out.root} at epoch {state.epoch + 1}, batch {state.step_in_epoch} "
            f"(global step {state.global_step})")
    logger = (VisualDLLogger(out.vdl, enabled=not config["no_visualdl"],
                             resume_step=state.global_step if state else None)
              if place.is_main else None)
    trainer.logger = logger
    started = time.time()
    try:
        state = trainer.fit(train_loader, val_loader, config["epochs"], state)
    finally:
        if logger:
            logger.close()
    barrier()     # rank 0 has finished writing the checkpoints the others now read

    # Evaluate the best checkpoint (by validation accuracy), not whatever the last epoch left.
    params, _, best_state = checkpoint.load(out.checkpoints, "best")
    model.set_state_dict(params)
    test = evaluate(net, test_loader, distributed=place.world_size > 1)
    test.update(checkpoint="best", epoch=best_state["train_state"]["monitor"]["best_epoch"])
    metrics = _metrics(config, data, state, test=test, seconds=time.time() - started)
    if not place.is_main:
        return metrics
    written = [out.write_metrics(metrics),
               plot_history(state.history, out.plots / "history.png")]
    say(f"test (best checkpoint, epoch {test['epoch']}): loss {test['loss']:.4f}  "
        f"acc {test['acc']:.2%}  on {test['samples']} samples")
    say("wrote:")
    for path in [*written, out.checkpoints / "best.pdparams", out.checkpoints / "last.pdparams"]:
        say(f"  {path}")
    if logger.enabled:
        say(f"  {out.vdl}/   view: visualdl --logdir {out.vdl} --host 127.0.0.1 -L en")
    return metrics


def _metrics(config, data, state, test=None, seconds=None):
    out = {"config": config,
           "data": {"source": data.source, "scale": data.scale, "sizes": data.sizes()},
           "history": state.history,
           "best": {"metric": "val_acc", "value": state.monitor["best"],
                    "epoch": state.monitor["best_epoch"]},
           "stopped_early": state.stopped_early}
    if test is not None:
        out["test"] = test
    if seconds is not None:
        out["seconds"] = seconds
    return out


def worker(argv):
    """One spawned process: errors a user can fix become a message and an exit code."""
    handle(run, argv)


def cli(argv=None):
    handle(main, argv)


def handle(fn, argv):
    """Run ``fn(argv)``; turn the errors a user can fix into a message and an exit code."""
    rank, n = (dist.get_rank(), world_size()) if world_size() > 1 else (0, 1)
    try:
        fn(argv)
    except TrainingInterrupted as e:
        if rank == 0:
            again = f" --nprocs {n}" if n > 1 else ""
            print(f"\n{e}; saved {e.checkpoint}.\nresume with: python -m chapters.ch02_mnist.train "
                  f"--resume {e.checkpoint.parent.parent}{again}"
                  + (" (or the same launch command with --resume)" if n > 1 else ""),
                  file=sys.stderr)
        sys.exit(e.exit_code)
    except (ConfigError, DataError, CheckpointError, FileExistsError, TrainingDiverged,
            RankFailed) as e:
        where = f"rank {rank}: " if world_size() > 1 else ""
        print(f"error: {where}{e}", file=sys.stderr)
        sys.exit(1 if isinstance(e, (TrainingDiverged, RankFailed)) else 2)


if __name__ == "__main__":
    cli()
