"""What a job reports when its training ends: the best checkpoint (not the last epoch) evaluated on
the validation and test splits, ``metrics.json``, and the list of what it wrote."""

from paddle_course.engine import evaluate
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.engine.progress import format_metrics
from paddle_course.runtime.atomic import write_json
from paddle_course.runtime.manifest import written


def say_written(out, files, logged, say):
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
    if logged:
        say(f"  {out.vdl}/   view: visualdl --logdir {out.vdl} --host 127.0.0.1 -L en")


def write_metrics(out, metrics):
    return write_json(written(out.metrics), metrics)


def evaluate_best(trainer, model, out, loaders, place, say):
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


def metrics_record(task, config, data, state, **extra):
    """What ``metrics.json`` holds: the config, the data, every epoch's record, the best epoch,
    and ``extra`` (the evaluations, the task's own entries)."""
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
