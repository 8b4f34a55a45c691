"""Evaluation: the model in ``eval()`` mode, no gradients, per-sample averages."""

import paddle
import paddle.nn.functional as F

from .metrics import Average, correct_count


def evaluate(model, loader, loss_fn=F.cross_entropy, accuracy=True):
    """Loss, accuracy and sample count of ``model`` over every batch of ``loader``.

    ``eval()`` switches Dropout off and makes BatchNorm use its running statistics; the previous
    mode is restored afterwards. Returns ``{"loss", "acc", "samples"}`` (no ``acc`` when
    ``accuracy`` is False, e.g. for a regression).
    """
    was_training = model.training
    model.eval()
    avg = Average()
    with paddle.no_grad():
        for images, labels in loader:
            logits = model(images)
            correct = correct_count(logits, labels) if accuracy else 0
            avg.update(float(loss_fn(logits, labels)), correct, len(labels))
    model.train(was_training)
    out = {"loss": avg.loss, "acc": avg.acc, "samples": avg.count}
    if not accuracy:
        del out["acc"]
    return out
