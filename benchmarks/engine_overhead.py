"""Epoch time of the engine vs a bare Paddle loop over the same data (the engine's overhead).

    python benchmarks/engine_overhead.py [--epochs 3]

Both train the course CNN on the embedded 4,000 training digits, batch 64, Adam, no augmentation,
and validate on the 500 validation digits each epoch. The bare loop is the course's: forward, loss,
backward, step, clear_grad, and a float(loss) per batch (the engine reads the loss every step for
its metrics and NaN check, so the bare loop does too). The engine adds per-sample metrics, the
sampler, progress, and writing last/best checkpoints each epoch. Runs alternate so that drifts of
the machine hit both. Prints seconds per epoch and the ratio.
"""

import argparse
import tempfile
import time

import paddle
import paddle.nn.functional as F

from paddle_course.data import load_mnist, make_loader
from paddle_course.engine import Progress, Trainer, evaluate
from paddle_course.models import MNIST


def bare(train_loader, val_loader, epochs):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    start = time.perf_counter()
    for epoch in range(epochs):
        train_loader.batch_sampler.set_epoch(epoch)
        model.train()
        for images, labels in train_loader:
            loss = F.cross_entropy(model(images), labels)
            float(loss)
            loss.backward()
            opt.step()
            opt.clear_grad()
        evaluate(model, val_loader)
    return (time.perf_counter() - start) / epochs


def engine(train_loader, val_loader, epochs):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(2e-3, parameters=model.parameters())
    with tempfile.TemporaryDirectory() as d:
        trainer = Trainer(model, opt, checkpoint_dir=d, progress=Progress(enabled=False))
        start = time.perf_counter()
        trainer.fit(train_loader, val_loader, epochs)
        return (time.perf_counter() - start) / epochs


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    data = load_mnist()
    train_loader = make_loader(data.train, 64, shuffle=True)
    val_loader = make_loader(data.val, 500)
    times = {"bare": [], "engine": []}
    for _ in range(args.repeats):
        times["bare"].append(bare(train_loader, val_loader, args.epochs))
        times["engine"].append(engine(train_loader, val_loader, args.epochs))
    b, e = min(times["bare"]), min(times["engine"])
    print(f"bare loop : {b:.2f} s/epoch  ({len(data.train) / b:.0f} images/s)   runs {times['bare']}")
    print(f"engine    : {e:.2f} s/epoch  ({len(data.train) / e:.0f} images/s)   runs {times['engine']}")
    print(f"engine / bare = {e / b:.3f}")


if __name__ == "__main__":
    main()
