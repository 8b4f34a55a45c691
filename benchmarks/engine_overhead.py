"""Epoch time of the engine vs a bare Paddle loop over the same data (the engine's overhead).

Both train the course CNN on the embedded 4,000 training digits, batch 64, Adam, no augmentation,
and validate on the 500 validation digits each epoch. The bare loop is the course's: forward, loss,
backward, step, clear_grad, and a float(loss) per batch (the engine reads the loss every step for
its metrics and NaN check, so the bare loop does too). The engine adds per-sample metrics, the
sampler, progress, and writing last/best checkpoints each epoch. Reported as training images/s
(one epoch per timed run, validation included).
"""

import tempfile
import time

import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist, make_loader
from paddle_course.engine import Progress, Trainer, evaluate
from paddle_course.models import MNIST

from .harness import compare


def bare(train_loader, val_loader):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    epoch = [0]

    def run():
        train_loader.batch_sampler.set_epoch(epoch[0])
        epoch[0] += 1
        start = time.perf_counter()
        model.train()
        for images, labels in train_loader:
            loss = F.cross_entropy(model(images), labels)
            float(loss)
            loss.backward()
            opt.step()
            opt.clear_grad()
        evaluate(model, val_loader)
        return len(train_loader.dataset), time.perf_counter() - start
    return run


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


def main(quick=False, repeats=5):
    data = load_mnist()
    train = data.train.subset(800) if quick else data.train
    train_loader = make_loader(train, 64, shuffle=True)
    val_loader = make_loader(data.val, 500)
    with tempfile.TemporaryDirectory() as d:
        return {"an epoch, engine vs bare loop": compare(
            {"bare loop (baseline)": bare(train_loader, val_loader),
             "engine": engine(train_loader, val_loader, d)}, repeats=repeats, unit="images/s")}
