"""Learning-rate schedules, the LR range test, and Adam vs tuned SGD, measured on the CNN.

    python -m chapters.ch03_practice.schedules

1. Seven schedules for SGD with momentum 0.9 from the same base rate, same data and budget:
   constant; ``StepDecay`` (halve every epoch); ``MultiStepDecay`` (x0.3 at epochs 1 and 2);
   ``ExponentialDecay`` (x0.6 per epoch); linear warm-up over half an epoch then cosine annealing
   to 0 (stepped every batch); ``ReduceOnPlateau`` fed the validation loss at each epoch end;
   and a per-epoch ``LambdaDecay`` 1 / (1 + epoch). Their curves are drawn from the schedulers.
   In a 3-epoch run the validation loss still falls by a quarter or more each epoch, so a
   plateau rule with the usual small threshold never fires; here it halves the rate when the
   loss improved by less than 35 % (the table says whether it reduced).
2. The LR range test: the rate grows geometrically while the loss is watched; the suggestion is a
   tenth of the rate at the lowest loss, and the weights are restored afterwards.
3. Karpathy's "Adam at 3e-4 is safe" against SGD + momentum at the rate the range test found.
4. SWATS-style switch: Adam (1e-3) for the first half of the epochs, then SGD + momentum at the
   range test's rate for the rest (the switch point and rate are printed).
"""

import paddle
from paddle.optimizer import lr as L

from paddle_course.data import make_loader
from paddle_course.engine import Monitor, Progress, Trainer
from paddle_course.engine.schedules import lr_curve, lr_range_test
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import lesson_data, loaders, report, train_variant
from paddle_course.models import MNIST
from paddle_course.runtime.seed import seed_everything
from tools.plot import plot_comparison, plot_lr_range

DEFAULTS = dict(
    data="auto",
    train_size=20_000,  # of the 50,000: the budget of a lesson that trains many variants
    epochs=3,
    batch_size=64,
    lr=0.02,
    seed=0,
    quick=False,
    output_dir="outputs/ch03_practice/schedules",
)


def schedules(base, epochs, steps_per_epoch):
    """name -> (make scheduler, step per 'epoch' or 'step')."""
    warm = steps_per_epoch // 2
    return {
        "constant": (None, "epoch"),
        "step": (lambda: L.StepDecay(base, step_size=1, gamma=0.5), "epoch"),
        "multistep": (lambda: L.MultiStepDecay(base, milestones=[1, 2], gamma=0.3), "epoch"),
        "exponential": (lambda: L.ExponentialDecay(base, gamma=0.6), "epoch"),
        "warmup_cosine": (
            lambda: L.LinearWarmup(
                L.CosineAnnealingDecay(base, T_max=epochs * steps_per_epoch - warm), warm, 0.0, base
            ),
            "step",
        ),
        "plateau": (
            lambda: L.ReduceOnPlateau(base, mode="min", factor=0.5, patience=0, threshold=0.35),
            "epoch",
        ),
        "lambda": (lambda: L.LambdaDecay(base, lambda e: 1 / (1 + e)), "epoch"),
    }


@lesson
def main(argv=None):
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        quick=dict(epochs=2, range_test_steps=40),
        settings=dict(range_test_steps=100),  # batches of the LR range test
    )
    args = p.parse_args(argv)
    out = args.output_dir
    epochs = args.epochs
    data = lesson_data(args)
    steps = len(make_loader(data.train, args.batch_size))
    momentum = lambda lr, params: paddle.optimizer.Momentum(lr, momentum=0.9, parameters=params)

    results, curves = {}, {}
    for name, (make, every) in schedules(args.lr, epochs, steps).items():

        def build(make=make):
            model, sched = MNIST(), make() if make else None
            return model, momentum(sched if sched else args.lr, model.parameters()), sched

        results[name], _ = train_variant(
            name, build, data, epochs, args.batch_size, args.seed, scheduler_step=every
        )
        lrs = [r["lr"] for r in results[name]["history"]]
        results[name]["lr_by_epoch"] = lrs
        if make and name != "plateau":
            curve = lr_curve(make(), epochs * (steps if every == "step" else 1))
            curves[name] = curve if every == "step" else [c for c in curve for _ in range(steps)]
        else:
            curves[name] = [lr for lr in lrs for _ in range(steps)]
    plateau = results["plateau"]["lr_by_epoch"] + [results["plateau"]["final_lr"]]
    print(
        f"ReduceOnPlateau rates by epoch, then after training: {plateau}; reduced "
        f"{min(plateau) < plateau[0]}"
    )

    seed_everything(args.seed)
    rates, losses, suggestion = lr_range_test(
        MNIST(),
        lambda params: momentum(1e-5, params),
        make_loader(data.train, args.batch_size, True, args.seed),
        steps=args.range_test_steps,
    )
    print(f"LR range test: lowest loss at {suggestion * 10:.3g}, suggested rate {suggestion:.3g}")

    results["adam_3e-4"], _ = train_variant(
        "adam 3e-4",
        lambda: (m := MNIST(), paddle.optimizer.Adam(3e-4, parameters=m.parameters())),
        data,
        epochs,
        args.batch_size,
        args.seed,
    )
    results["sgd_momentum_found"], _ = train_variant(
        f"sgd+momentum {suggestion:.3g}",
        lambda: (m := MNIST(), momentum(suggestion, m.parameters())),
        data,
        epochs,
        args.batch_size,
        args.seed,
    )

    switch = max(1, epochs // 2)
    seed_everything(args.seed)
    model = MNIST()
    train_loader, val_loader = loaders(data, args.batch_size, args.seed)
    state = None
    for optimizer, until in (
        (paddle.optimizer.Adam(1e-3, parameters=model.parameters()), switch),
        (momentum(suggestion, model.parameters()), epochs),
    ):
        trainer = Trainer(
            model,
            optimizer,
            seed=args.seed,
            progress=Progress(enabled=False),
            monitor=Monitor("val_loss", "min"),
        )
        state = trainer.fit(train_loader, val_loader, until, state)
    last = state.history[-1]
    results["adam_then_sgd"] = {
        "val_acc": last["val_acc"],
        "val_loss": last["val_loss"],
        "train_loss": last["train_loss"],
        "history": state.history,
        "switch_epoch": switch,
        "sgd_lr": suggestion,
    }
    print(
        f"{'adam_then_sgd':>24}: Adam 1e-3 for {switch} epoch(s), then SGD+momentum at "
        f"{suggestion:.3g}: val_acc {last['val_acc']:.4f}"
    )

    written = [
        plot_comparison(
            curves,
            f"{out}/plots/lr_curves.png",
            key="lr",
            title="learning rate per batch",
            xlabel="batch",
        ),
        plot_lr_range(rates, losses, suggestion, f"{out}/plots/lr_range_test.png"),
    ]
    report(
        out,
        results,
        ("val_acc", "val_loss", "train_loss"),
        extra={
            "lr_range_test": {"rates": rates, "losses": losses, "suggestion": suggestion},
            "plateau_reduced": min(plateau) < plateau[0],
        },
        quick=args.quick,
    )
    print("\n".join(f"  {w}" for w in written))
    return results


if __name__ == "__main__":
    entry(main)
