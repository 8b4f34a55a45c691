"""Comparing variants: train each through the engine, then one table, one plot, one results file.

The lessons that compare things (networks, losses, optimizers, initializers, regularizers) all do
the same: build a model and an optimizer per variant, train them on the same data with the same
seed, and report ``val_acc``/``val_loss`` side by side. This module is that, once.
"""

import time

import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist, make_loader
from paddle_course.engine import Monitor, Progress, Trainer, evaluate
from paddle_course.engine.checkpoint import Checkpoints, load_weights
from paddle_course.lesson.flags import Budget, at_most
from paddle_course.lesson.results import explain, write_results
from paddle_course.models import MNIST
from paddle_course.practice.flops import count_flops
from paddle_course.runtime.distributed import rank_and_size
from paddle_course.runtime.seed import seed_everything

QUICK_SIZES = dict(train=512, val=128, test=128)


def lesson_data(args, sizes=None, announce=True):
    """MNIST for a lesson (``args``: its parsed arguments, or a job's config): ``--data`` split
    by ``--seed``, whole, or class-balanced subsets of ``sizes`` ({split: count}), which
    ``--quick`` makes :data:`QUICK_SIZES` when the lesson names none; then ``--train-size``
    training digits, a class-balanced subset drawn by ``--seed``. ``announce``: print the data's
    line (sizes included) once; the job prints its own."""
    get = args.get if isinstance(args, dict) else lambda key: getattr(args, key, None)
    seed = get("seed") or 0
    say = print if rank_and_size()[0] == 0 else (lambda *a: None)  # one line, not one per rank
    data = load_mnist(get("data"), seed=seed, say=say)
    train_size = get("train_size")
    if train_size and not isinstance(train_size, Budget):  # asked for: of the whole split
        at_most("--train-size", train_size, len(data.train), "the training split")
    sizes = sizes or (QUICK_SIZES if get("quick") else None)
    if sizes:
        data = data.subsets(sizes, seed)
    if train_size:
        data = data.subsets({"train": train_size}, seed)
    if announce:
        say(f"data {data.describe()}")
    return data


def loaders(data, batch_size, seed=0, eval_batch=500):
    """(train, val) loaders: training shuffled by seed, validation in order."""
    return (
        make_loader(data.train, batch_size, shuffle=True, seed=seed),
        make_loader(data.val, eval_batch),
    )


class BatchLosses:
    """A logger for the engine that keeps every training batch's loss (the course's loss_list)."""

    def __init__(self):
        self.values = []

    def scalar(self, tag, value, step):
        if tag == "train/batch_loss":
            self.values.append(float(value))


def train_variant(
    name,
    build,
    data,
    epochs,
    batch_size,
    seed=0,
    loss_fn=F.cross_entropy,
    log=print,
    keep_best=None,
    **trainer_kw,
):
    """Train one variant; ``build()`` returns ``(model, optimizer)`` or ``(model, optimizer,
    scheduler)`` and is called after seeding, so every variant starts from the same RNG state.
    Returns ``(result, model)``: the last epoch's metrics, the best validation accuracy, the
    history, every batch's loss and the time.

    ``keep_best``: a directory for the checkpoints; the returned model then holds the *best*
    epoch's parameters (by the monitor, validation loss unless given), not the last epoch's, and
    ``result["best_epoch"]`` says which it was."""
    seed_everything(seed)
    built = build()
    model, optimizer, scheduler = (*built, None)[:3]
    train_loader, val_loader = loaders(data, batch_size, seed)
    losses = BatchLosses()
    trainer = Trainer(
        model,
        optimizer,
        loss_fn=loss_fn,
        scheduler=scheduler,
        seed=seed,
        progress=Progress(enabled=False),
        logger=losses,
        log_every=1,
        monitor=trainer_kw.pop("monitor", None) or Monitor("val_loss", "min"),
        checkpoint_dir=keep_best,
        **trainer_kw,
    )
    started = time.time()
    state = trainer.fit(train_loader, val_loader, epochs)
    seconds = time.time() - started
    last = state.history[-1]
    result = {k: last[k] for k in ("train_loss", "train_acc", "val_loss", "val_acc") if k in last}
    if "val_acc" in last:
        result["best_val_acc"] = max(r["val_acc"] for r in state.history)
    result.update(
        epochs=len(state.history),
        seconds=seconds,
        history=state.history,
        batch_losses=losses.values,
        final_lr=optimizer.get_lr(),
    )
    if keep_best:
        model.set_state_dict(Checkpoints(keep_best).load("best")[0])
        result["best_epoch"] = state.monitor["best_epoch"]
    if log:
        log(
            f"{name:>24}: "
            + "  ".join(
                f"{k} {v:.4f}"
                for k, v in result.items()
                if k in ("train_loss", "val_loss", "val_acc")
            )
            + f"  ({result['seconds']:.1f}s)"
        )
    return result, model


def measure(model, result, data, input_shape):
    """What a lesson comparing networks reports beside accuracy: parameters, multiply-accumulates
    per sample for ``input_shape`` (e.g. ``[1, 1, 28, 28]``), training seconds per epoch (from
    ``result``, a :func:`train_variant` result) and accuracy on ``data.test``."""
    return {
        "params": sum(int(p.size) for p in model.parameters()),
        "mflops": count_flops(model, input_shape) / 1e6,
        "seconds_per_epoch": sum(h["seconds"] for h in result["history"]) / len(result["history"]),
        "test_acc": evaluate(model, make_loader(data.test, 500))["acc"],
    }


def ranking_note(results, ahead, behind, expected, after=""):
    """A note (:func:`paddle_course.lesson.results.explain`) for when variant ``ahead``, which the
    course ``expected`` ahead, ends below ``behind`` on val_acc; None when it does not. It says
    which of two measured reasons applies: ``ahead`` is still learning (its training loss is higher
    too), or it fits the training data better and generalises worse. ``after``: a closing
    sentence."""
    a, b = results[ahead], results[behind]
    if a["val_acc"] >= b["val_acc"]:
        return None
    curve = [h["val_acc"] for h in a.get("history", [])]
    rising = (
        ", and its validation accuracy rose in the last epoch"
        if len(curve) > 1 and curve[-1] > curve[-2]
        else ""
    )
    losses = f"training loss {a['train_loss']:.3f} vs {b['train_loss']:.3f}"
    if abs(a["train_loss"] - b["train_loss"]) <= 0.01 * b["train_loss"]:  # within 1 %
        why = f"it fits the training data no better ({losses}): at this size it gains nothing"
    elif a["train_loss"] > b["train_loss"]:
        why = (
            f"it is still learning (its training loss, {a['train_loss']:.3f}, is above "
            f"{behind}'s {b['train_loss']:.3f}{rising})"
        )
    else:
        why = f"it fits the training data better ({losses}) and generalises worse"
    return (
        f"{ahead} is below {behind} here (val_acc {a['val_acc']:.3f} vs {b['val_acc']:.3f}), "
        f"though {expected}: after {a.get('epochs', len(curve))} epochs {why}."
        + (f" {after}" if after else "")
    )


def epoch_seconds(loader, seed=0):
    """Seconds for one training epoch of the course CNN (Adam 1e-3) through the engine, reading
    ``loader``; no validation, so only reading and training are timed."""
    seed_everything(seed)
    model = MNIST()
    trainer = Trainer(
        model,
        paddle.optimizer.Adam(1e-3, parameters=model.parameters()),
        monitor=Monitor("train_loss", "min"),
        progress=Progress(enabled=False),
    )
    start = time.perf_counter()
    trainer.fit(loader, None, 1)
    return time.perf_counter() - start


def report(
    out_dir,
    results,
    columns=("val_acc", "val_loss", "train_acc", "train_loss"),
    title=None,
    extra=None,
    *,
    quick,
    notes=(),
):
    """Print the table of ``results`` (one row per variant), write results.json (with ``extra``,
    facts that are not variants, and whether ``quick`` made it) and results.md, and plot the
    variants' validation curves. ``notes``: why a number contradicts or qualifies the course
    (:func:`paddle_course.lesson.results.explain`), printed under the table and written with it."""
    columns = print_table(results, columns)
    notes = explain(notes)
    written = list(write_results(out_dir, results, columns, extra, quick=quick, notes=notes))
    figure = plot_curves(results, f"{out_dir}/plots/comparison.png", title)
    written += [figure] if figure else []
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return written


def print_table(results, columns):
    """Print one row per variant of ``results`` with the ``columns`` any of them has; returns
    those columns."""
    columns = [c for c in columns if any(c in r for r in results.values())]
    width = max(len(n) for n in results)
    print(f"{'variant':<{width}}  " + "  ".join(f"{c:>11}" for c in columns))
    for name, r in results.items():
        print(f"{name:<{width}}  " + "  ".join(_fmt(r.get(c)) for c in columns))
    return columns


def plot_curves(results, path, title=None):
    """The variants' validation accuracy (or loss, when one has no accuracy) per epoch, drawn
    at ``path``; None when no variant has a history."""
    from tools.plot import plot_comparison

    curves = {n: r["history"] for n, r in results.items() if r.get("history")}
    if not curves:
        return None
    key = "val_acc" if all("val_acc" in h[0] for h in curves.values()) else "val_loss"
    return plot_comparison(curves, path, key=key, title=title)


def _fmt(v):
    if v is None:
        return f"{'':>11}"
    return f"{v:11.4f}" if isinstance(v, float) else f"{v!s:>11}"


def trained_cnn(args, data):
    """The course CNN in eval mode for a lesson that looks at a trained one: the weights of
    ``--checkpoint`` (a run folder or a checkpoint, read without unpickling code), or trained
    now on ``data`` with Adam at ``--lr`` for ``--epochs``."""
    if args.checkpoint:
        model = MNIST()
        print(f"loaded {load_weights(model, args.checkpoint)}")
    else:
        _, model = train_variant(
            "CNN",
            lambda: (m := MNIST(), paddle.optimizer.Adam(args.lr, parameters=m.parameters())),
            data,
            args.epochs,
            args.batch_size,
            args.seed,
        )
    model.eval()
    return model
