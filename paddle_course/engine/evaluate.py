"""Evaluation: the model in ``eval()`` mode, no gradients, per-sample sums."""

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.engine.metrics import Meter, metric_set


def main_output(outputs):
    """The output metrics and evaluation use: the first of several (a model with auxiliary heads
    returns ``(main, aux1, ...)`` in training), the output itself otherwise."""
    return outputs[0] if isinstance(outputs, (tuple, list)) else outputs


def split_batch(batch):
    """A loader's batch ``[*inputs, target]`` as ``(inputs, target)``."""
    *inputs, target = batch
    return inputs, target


def evaluate(model, loader, loss_fn=F.cross_entropy, metrics=("acc",), distributed=False):
    """Loss, metrics and sample count of ``model`` over every batch of ``loader``.

    Batches are ``(*inputs, target)`` and the model is called as ``model(*inputs)``. ``eval()``
    switches Dropout off and makes BatchNorm use its running statistics (and a model with
    auxiliary heads returns its main output only); the previous mode is restored afterwards.
    ``metrics``: names or ``{name: Metric}`` (see :mod:`.metrics`); ``()`` for the loss only.
    Returns ``{"loss", <metric names>..., "samples"}``. ``distributed``: ``loader`` holds this
    rank's shard, and the sums of all ranks are added, so every sample counts exactly once.
    """
    was_training = model.training
    model.eval()
    meter = Meter(metric_set(metrics))
    with paddle.no_grad():
        for batch in loader:
            inputs, target = split_batch(batch)
            outputs = main_output(model(*inputs))
            meter.update(float(loss_fn(outputs, target)), outputs, target)
    model.train(was_training)
    if distributed:
        meter = meter.reduced()
    return {**meter.values(), "samples": int(meter.count)}


def predict(model, loader):
    """``(outputs, targets)`` of ``model`` (eval mode, main output) over ``loader``, as numpy
    arrays concatenated in the loader's order."""
    was_training = model.training
    model.eval()
    outputs, targets = [], []
    with paddle.no_grad():
        for batch in loader:
            inputs, target = split_batch(batch)
            outputs.append(main_output(model(*inputs)).numpy())
            targets.append(target.numpy())
    model.train(was_training)
    return np.concatenate(outputs), np.concatenate(targets)
