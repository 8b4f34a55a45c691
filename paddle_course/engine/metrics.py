"""Per-sample averages of loss and accuracy.

A batch's loss from ``F.cross_entropy`` is the mean over its samples; the last batch of an epoch is
usually smaller, so averaging batch means would over-weight it. We accumulate ``loss * n`` and
count correct predictions instead, and divide once.
"""

from dataclasses import asdict, dataclass

import paddle


def correct_count(logits, labels):
    """Number of samples whose arg-max logit is the label. ``logits`` [N, C], ``labels`` [N]."""
    return int((paddle.argmax(logits, axis=-1) == labels.reshape([-1])).astype("int64").sum())


def counter(accuracy):
    """The function that counts correct predictions for an ``accuracy`` setting: True -> arg-max,
    a function -> itself, False -> always 0."""
    if callable(accuracy):
        return accuracy
    return correct_count if accuracy else (lambda outputs, labels: 0)


@dataclass
class Average:
    loss_sum: float = 0.0   # sum over samples of the per-sample loss
    correct: int = 0
    count: int = 0

    def update(self, batch_loss, correct, n):
        """Add a batch: its mean loss (a float), its number of correct predictions, its size."""
        self.loss_sum += batch_loss * n
        self.correct += correct
        self.count += n

    @property
    def loss(self):
        return self.loss_sum / self.count if self.count else float("nan")

    @property
    def acc(self):
        return self.correct / self.count if self.count else float("nan")

    def state_dict(self):
        return asdict(self)

    @classmethod
    def from_state_dict(cls, d):
        """From a dict that may hold other keys too (the trainer keeps seconds and lr beside)."""
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
