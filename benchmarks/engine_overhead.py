"""Epoch time of the engine vs a bare Paddle loop over the same data (the engine's overhead),
and of reading vs computing: the bare loop fed by the real loader vs the same batches from memory.

Both train the course CNN on the embedded 4,000 training digits, batch 64, Adam, no augmentation,
and validate on the 500 validation digits each epoch. The bare loop is the course's: forward, loss,
backward, step, clear_grad, and a float(loss) per batch (the engine reads the loss every step for
its metrics and NaN check, so the bare loop does too). The engine adds per-sample metrics, the
sampler, progress, and writing last/best checkpoints each epoch. Reported as training images/s
(one epoch per timed run, validation included).

Reading vs compute (training only, no validation): the same bare loop over batches already in
memory as tensors (the baseline: pure compute), over the real ``DataLoader`` (synchronous, and
with one worker process reading ahead), and with the main job's augmentation (``RandomAffine``,
random rotations/shifts/scalings drawn per batch) applied to each batch.
"""

import tempfile
import time

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist, make_loader
from paddle_course.data.transforms import RandomAffine
from paddle_course.engine import Progress, Trainer, evaluate
from paddle_course.models import MNIST

from .harness import compare


def engine(train_loader, val_loader, directory):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    trainer = Trainer(model, opt, checkpoint_dir=directory, progress=Progress(enabled=False))
    state = [None]

    def run():
        start = time.perf_counter()
        done = state[0].epoch if state[0] else 0
        state[0] = trainer.fit(train_loader, val_loader, done + 1, state[0])
        return len(train_loader.dataset), time.perf_counter() - start

    return run


def bare(batches, augment=None, val_loader=None):
    """The course's bare loop: one epoch from ``batches`` (a loader, or a list of tensors in
    memory), optionally augmented, then validation on ``val_loader`` if given."""
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    rng = np.random.default_rng(0)
    epoch = [0]

    def run():
        if hasattr(batches, "batch_sampler"):
            batches.batch_sampler.set_epoch(epoch[0])
        epoch[0] += 1
        start, count = time.perf_counter(), 0
        model.train()
        for images, labels in batches:
            if augment is not None:
                images = augment(images, rng)
            loss = F.cross_entropy(model(images), labels)
            float(loss)
            loss.backward()
            opt.step()
            opt.clear_grad()
            count += len(labels)
        if val_loader is not None:
            evaluate(model, val_loader)
        return count, time.perf_counter() - start

    return run


def main(quick=False, repeats=5):
    data = load_mnist()
    train = data.train.subset(800) if quick else data.train
    train_loader = make_loader(train, 64, shuffle=True)
    val_loader = make_loader(data.val, 500)
    in_memory = [(images, labels) for images, labels in train_loader]
    worker_loader = make_loader(train, 64, shuffle=True, num_workers=1)
    reading = compare(
        {
            "batches in memory (baseline)": bare(in_memory),
            "real loader": bare(train_loader),
            "real loader, 1 worker process": bare(worker_loader),
            "real loader + augmentation (main job)": bare(train_loader, RandomAffine()),
        },
        repeats=repeats,
        unit="images/s",
    )
    with tempfile.TemporaryDirectory() as d:
        overhead = compare(
            {
                "bare loop (baseline)": bare(train_loader, val_loader=val_loader),
                "engine": engine(train_loader, val_loader, d),
            },
            repeats=repeats,
            unit="images/s",
        )
    return {"an epoch, engine vs bare loop": overhead, "an epoch, reading vs compute": reading}
