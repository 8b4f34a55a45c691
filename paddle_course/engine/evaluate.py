"""Evaluation: the model in ``eval()`` mode, no gradients, per-sample averages."""

import paddle
import paddle.nn.functional as F

from ..distributed import all_sum
from .metrics import Average, counter


def evaluate(model, loader, loss_fn=F.cross_entropy, accuracy=True, distributed=False):
    """Loss, accuracy and sample count of ``model`` over every batch of ``loader``.

    ``eval()`` switches Dropout off and makes BatchNorm use its running statistics; the previous
    mode is restored afterwards. Returns ``{"loss", "acc", "samples"}``. ``accuracy``: True counts
    arg-max hits, a function ``correct(outputs, labels) -> int`` counts its own way, False leaves
    ``acc`` out (a regression). ``distributed``: ``loader`` holds this rank's shard, and the
    sums of all ranks are added, so every sample of the split counts exactly once.
    """
    was_training = model.training
    model.eval()
    avg = Average()
    with paddle.no_grad():
        for images, labels in loader:
            logits = model(images)
            correct = counter(accuracy)(logits, labels)
            avg.update(float(loss_fn(logits, labels)), correct, len(labels))
    model.train(was_training)
    if distributed:
        avg = Average(*all_sum([avg.loss_sum, avg.correct, avg.count]))
    out = {"loss": avg.loss, "acc": avg.acc, "samples": int(avg.count)}
    if accuracy is False:
        del out["acc"]
    return out
