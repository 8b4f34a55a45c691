"""Save and resume, the course's lesson, made exact.

    python -m chapters.ch02_mnist.resume

As the course: ``paddle.seed(1024)``, Momentum with a ``PolynomialDecay`` from 0.01 to 0.001,
batch 32, 3 epochs, and after every epoch the model and optimizer saved as
``checkpoint/mnist_epoch{i}.pdparams`` and ``.pdopt``. The course also sets
``set_global_initializer(Uniform(), Constant())``: Uniform's default range is [-1, 1], far too
wide for this CNN, which then does not learn at all (its loss settles at ln 10 and its
accuracy at chance). ``--course-init`` reproduces that; by default the layers keep Paddle's
initializers. Then:

1. resume from ``mnist_epoch0`` (the state after the first epoch): rebuild, ``set_state_dict`` of
   both files, train epochs 2 and 3. Its per-batch losses are **equal** to the uninterrupted
   run's, because everything the rest of the run depends on is restored: the parameters, the
   momentum buffers and the learning-rate schedule (in ``.pdopt``), and the data order, which here
   is a function of (seed, epoch) instead of whatever state a shuffle had reached. The course could
   only say the resumed losses were "about the same".
2. resume again but skip the ``.pdopt``: the momentum buffers restart at zero and the schedule at
   0.01, and the printed differences show what that file carried.
"""

import paddle
from paddle.nn import initializer as I

from paddle_course.engine import Monitor, Trainer, TrainState
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.compare import BatchLosses, lesson_data, loaders
from paddle_course.lesson.results import write_results
from paddle_course.models import MNIST
from paddle_course.runtime.manifest import written
from paddle_course.runtime.seed import seed_everything

DEFAULTS = dict(
    data="auto",
    epochs=3,
    batch_size=32,
    seed=1024,
    quick=False,
    output_dir="outputs/ch02_mnist/resume",
)


def build(total_steps, seed, course_init=False):
    seed_everything(seed)
    try:
        if course_init:
            I.set_global_initializer(I.Uniform(), I.Constant())  # as the course: U(-1, 1)
        model = MNIST()
    finally:
        I.set_global_initializer(None)  # not for the layers of others
    lr = paddle.optimizer.lr.PolynomialDecay(
        learning_rate=0.01, decay_steps=total_steps, end_lr=0.001
    )
    opt = paddle.optimizer.Momentum(learning_rate=lr, momentum=0.9, parameters=model.parameters())
    return model, opt, lr


def run(data, args, epochs, start=None, load_opt=True, save_dir=None):
    """Train to ``epochs``; ``start`` = i resumes from checkpoint/mnist_epoch{i}.

    A ``.pdopt`` is keyed by names that Paddle numbers in creation order, for the parameters
    (conv2d_0.w_0) and for the optimizer's buffers made at its first step (..._velocity_0). A
    second model in the same process would get other numbers and not match the file; each run
    therefore works in a fresh name scope, as a new process would."""
    with paddle.utils.unique_name.guard():
        return _run(data, args, epochs, start, load_opt, save_dir)


def _run(data, args, epochs, start, load_opt, save_dir):
    train_loader, val_loader = loaders(data, args.batch_size, args.seed)
    model, opt, lr = build(len(train_loader) * epochs, args.seed, args.course_init)
    state = None
    if start is not None:
        prefix = f"{args.output_dir}/checkpoint/mnist_epoch{start}"
        model.set_state_dict(paddle.load(prefix + ".pdparams"))
        if load_opt:
            opt.set_state_dict(paddle.load(prefix + ".pdopt"))
        state = TrainState(epoch=start + 1, global_step=(start + 1) * len(train_loader))

    def save(state):  # the course's per-epoch files: epoch i is the i-th finished, from 0
        prefix = f"{save_dir}/mnist_epoch{state.epoch - 1}"
        # (recorded as this lesson's files; the epoch-0 pair, written by this very run, is what
        # the resumed runs load back)
        paddle.save(model.state_dict(), str(written(prefix + ".pdparams")))
        paddle.save(opt.state_dict(), str(written(prefix + ".pdopt")))

    losses = BatchLosses()
    trainer = Trainer(
        model,
        opt,
        scheduler=lr,
        scheduler_step="step",
        seed=args.seed,
        monitor=Monitor("val_acc", "max"),
        logger=losses,
        log_every=1,
        on_epoch_end=save if save_dir else None,
    )
    state = trainer.fit(train_loader, val_loader, epochs, state)
    last = state.history[-1]
    return {
        "val_acc": last["val_acc"],
        "val_loss": last["val_loss"],
        "train_loss": last["train_loss"],
        "batch_losses": losses.values,
    }


@lesson
def main(argv=None):
    p = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS, quick=dict(epochs=2))
    p.add_argument(
        "--course-init",
        action="store_true",
        help="the course's set_global_initializer(Uniform(), Constant()) (does not learn)",
    )
    args = p.parse_args(argv)
    epochs = args.epochs
    data = lesson_data(args)
    ckpt = f"{args.output_dir}/checkpoint"

    print(f"uninterrupted: {epochs} epochs, saving {ckpt}/mnist_epoch{{i}}.pdparams/.pdopt")
    full = run(data, args, epochs, save_dir=ckpt)
    print("resumed from mnist_epoch0 (.pdparams + .pdopt):")
    resumed = run(data, args, epochs, start=0)
    print("resumed from mnist_epoch0 without the .pdopt:")
    no_opt = run(data, args, epochs, start=0, load_opt=False)

    tail = full["batch_losses"][-len(resumed["batch_losses"]) :]
    diff = lambda r: max(abs(a - b) for a, b in zip(tail, r["batch_losses"]))
    equal = tail == resumed["batch_losses"]
    print(
        f"resumed batch losses equal to the uninterrupted run's: {equal} "
        f"(largest difference {diff(resumed):.3g} over {len(tail)} batches)"
    )
    print(
        f"without the .pdopt: largest batch-loss difference {diff(no_opt):.3g}; final val_acc "
        f"{no_opt['val_acc']:.4f} vs {full['val_acc']:.4f}"
    )
    results = {"uninterrupted": full, "resumed": resumed, "resumed_without_pdopt": no_opt}
    for r in results.values():
        r["max_loss_diff_vs_uninterrupted"] = diff(r) if r is not full else 0.0
    write_results(
        args.output_dir,
        results,
        ["val_acc", "val_loss", "max_loss_diff_vs_uninterrupted"],
        extra={"resumed_losses_equal": equal},
        quick=args.quick,
    )
    print(f"wrote:\n  {args.output_dir}/results.json\n  {args.output_dir}/results.md")
    return {**results, "resumed_losses_equal": equal}


if __name__ == "__main__":
    entry(main)
