"""Metrics that add up exactly: over batches, over an interrupted epoch, and over processes.

Every metric keeps *sufficient statistics*: a short vector of float64 sums (hits and count for an
accuracy, a histogram of scores per class for the ROC AUC, sums of |error| or error² for MAE/RMSE).
Sums can be added batch after batch, saved in a checkpoint mid-epoch, and all-reduced over the
ranks of a data-parallel run; the metric's value is computed once, from the total. (Averaging
per-batch values instead would over-weight a small last batch, and an AUC is not an average at
all.) The loss is kept the same way: ``sum(batch mean loss x batch size)`` and the sample count.

Metrics see the model's main output (``outputs``, a Tensor) and the target, and are named by the
key they are given (``{"acc": Accuracy(), "auc": AUC()}`` gives ``train_acc``, ``val_auc``...).
"""

import math

import numpy as np

from paddle_course.runtime.distributed import all_sum


def _numpy(t):
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


def sigmoid(z):
    """The probability of a logit, in the logit's dtype (float32 for a model's output)."""
    z = np.asarray(z)
    return (1 / (1 + np.exp(-z))).astype(z.dtype)


class Metric:
    """A metric: ``stats(outputs, targets)`` returns a batch's sums (float64 [size]);
    ``value(sums)`` turns the total into the number. ``mode`` says which way is better (for the
    monitor)."""

    size = 2
    mode = "max"
    percent = False  # printed as a percentage
    on_train = True  # also tracked on training batches (False: validation only, for
    # a metric too costly per step, e.g. a detector's mAP)

    def stats(self, outputs, targets):
        raise NotImplementedError

    def value(self, sums):
        raise NotImplementedError


def correct_count(logits, labels):
    """Number of samples whose arg-max logit is the label. ``logits`` [N, C], ``labels`` [N]."""
    return int((_numpy(logits).argmax(-1) == _numpy(labels).reshape(-1)).sum())


class Accuracy(Metric):
    """Share of samples counted as correct: by arg-max over classes ([N, C] logits, int labels
    [N]), or by ``count(outputs, targets) -> int`` (e.g. a regression's rounded output)."""

    percent = True

    def __init__(self, count=correct_count):
        self.count = count

    def stats(self, outputs, targets):
        return np.array([self.count(outputs, targets), len(targets)], dtype=np.float64)

    def value(self, sums):
        return sums[0] / sums[1] if sums[1] else math.nan


class BinaryAccuracy(Accuracy):
    """Accuracy of one logit per sample ([N, 1] or [N]) against 0/1 targets: the prediction is 1
    when the probability exceeds ``threshold`` (0.5 is a logit above 0). The course computes it by
    stacking [1 - p, p] and taking the arg-max, which is the same at 0.5."""

    def __init__(self, threshold=0.5):
        super().__init__(self._hits)
        self.logit_threshold = math.log(threshold / (1 - threshold))

    def _hits(self, logits, targets):
        predicted = _numpy(logits).reshape(-1) > self.logit_threshold
        return int((predicted == (_numpy(targets).reshape(-1) > 0.5)).sum())


class AUC(Metric):
    """Area under the ROC curve of one logit per sample against 0/1 targets.

    The probabilities are counted in ``num_thresholds + 1`` equal buckets per class, as
    ``paddle.metric.Auc`` does (a test checks they agree); the area is then the trapezoid sum
    over the bucket edges. Histograms add up over batches and ranks, which an exact, sort-based
    AUC would not. Samples whose scores share a bucket count as ties (half), so the result can
    differ from the exact AUC by at most the share of such pairs, tiny with 4,095 buckets.
    ``nan`` when one class is missing (the AUC is undefined; Paddle returns 0.0).
    """

    def __init__(self, num_thresholds=4095):
        self.num_thresholds = num_thresholds
        self.size = 2 * (num_thresholds + 1)

    def stats(self, outputs, targets):
        p = sigmoid(_numpy(outputs).reshape(-1))
        buckets = (p * self.num_thresholds).astype(np.int64)  # as paddle.metric.Auc: int(p * T)
        positive = _numpy(targets).reshape(-1) > 0.5
        n = self.num_thresholds + 1
        return np.concatenate(
            [
                np.bincount(buckets[positive], minlength=n),
                np.bincount(buckets[~positive], minlength=n),
            ]
        ).astype(np.float64)

    def value(self, sums):
        return roc_auc_from_histograms(*np.split(np.asarray(sums), 2))


def roc_auc_from_histograms(pos, neg):
    """ROC AUC from per-bucket counts of positives and negatives (buckets in increasing score)."""
    tpr_steps = np.concatenate([[0.0], np.cumsum(pos[::-1])])  # from the highest bucket down
    fpr_steps = np.concatenate([[0.0], np.cumsum(neg[::-1])])
    total_pos, total_neg = tpr_steps[-1], fpr_steps[-1]
    if not (total_pos and total_neg):
        return math.nan
    area = np.sum(np.diff(fpr_steps) * (tpr_steps[1:] + tpr_steps[:-1]) / 2)
    return float(area / total_pos / total_neg)


class MAE(Metric):
    """Mean absolute error of a regression: ``outputs`` and ``targets`` of the same size."""

    mode = "min"

    def stats(self, outputs, targets):
        err = _numpy(outputs).astype(np.float64).reshape(-1) - _numpy(targets).reshape(-1)
        return np.array([np.abs(err).sum(), err.size])

    def value(self, sums):
        return sums[0] / sums[1] if sums[1] else math.nan


class RMSE(MAE):
    """Root mean squared error: the square root of the mean of the summed squared errors."""

    def stats(self, outputs, targets):
        err = _numpy(outputs).astype(np.float64).reshape(-1) - _numpy(targets).reshape(-1)
        return np.array([np.square(err).sum(), err.size])

    def value(self, sums):
        return math.sqrt(sums[0] / sums[1]) if sums[1] else math.nan


NAMED = {"acc": Accuracy, "binary_acc": BinaryAccuracy, "auc": AUC, "mae": MAE, "rmse": RMSE}


def metric_set(metrics):
    """``{name: Metric}`` from a dict, a list of names (``["acc"]``, ``["binary_acc", "auc"]``;
    ``binary_acc`` is reported as ``acc``), or None/() for none (a regression's loss only)."""
    if not metrics:
        return {}
    if isinstance(metrics, dict):
        return dict(metrics)
    unknown = [m for m in metrics if m not in NAMED]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose from {', '.join(NAMED)}")
    return {("acc" if m == "binary_acc" else m): NAMED[m]() for m in metrics}


class Meter:
    """Running sums of the loss and of every metric over the samples seen so far."""

    def __init__(self, metrics):
        self.metrics = metrics
        self.loss_sum, self.count = 0.0, 0
        self.sums = {k: np.zeros(m.size) for k, m in metrics.items()}

    def update(self, batch_loss, outputs, targets):
        """Add a batch: its mean loss (a float), the model's main output and the targets."""
        n = len(targets)
        self.loss_sum += batch_loss * n
        self.count += n
        for k, m in self.metrics.items():
            self.sums[k] += m.stats(outputs, targets)

    @property
    def loss(self):
        return self.loss_sum / self.count if self.count else math.nan

    def values(self):
        """``{"loss": ..., name: value...}``."""
        return {"loss": self.loss, **{k: m.value(self.sums[k]) for k, m in self.metrics.items()}}

    def reduced(self):
        """A Meter holding the sums of every rank (itself on one process)."""
        flat = all_sum(
            [
                self.loss_sum,
                self.count,
                *np.concatenate([self.sums[k] for k in self.metrics] or [np.zeros(0)]),
            ]
        )
        total = Meter(self.metrics)
        total.loss_sum, total.count = flat[0], int(flat[1])
        offsets = np.cumsum([0] + [m.size for m in self.metrics.values()]) + 2
        for (k, _), a, b in zip(self.metrics.items(), offsets[:-1], offsets[1:]):
            total.sums[k] = np.asarray(flat[a:b])
        return total

    def state_dict(self):
        return {
            "loss_sum": self.loss_sum,
            "count": self.count,
            "sums": {k: v.tolist() for k, v in self.sums.items()},
        }

    @classmethod
    def from_state_dict(cls, metrics, state):
        """From a saved state (which may hold other keys, e.g. the trainer's seconds and lr)."""
        meter = cls(metrics)
        meter.loss_sum, meter.count = state.get("loss_sum", 0.0), state.get("count", 0)
        for k, v in state.get("sums", {}).items():
            if k in meter.sums:
                meter.sums[k] = np.asarray(v, dtype=np.float64)
        return meter


def roc_curve(scores, labels):
    """Exact ROC curve of ``scores`` (higher = more positive) against 0/1 ``labels``:
    ``(false positive rates, true positive rates)``, one point per distinct score, from (0, 0)."""
    fp, tp = _cumulative_counts(scores, labels)
    return fp / max(fp[-1], 1), tp / max(tp[-1], 1)


def pr_curve(scores, labels):
    """Exact precision-recall curve: ``(recall, precision)`` at every distinct score threshold."""
    fp, tp = _cumulative_counts(scores, labels)
    fp, tp = fp[1:], tp[1:]
    return tp / max(tp[-1], 1), tp / (tp + fp)


def _cumulative_counts(scores, labels):
    """False and true positives when everything scoring >= each distinct score is called
    positive."""
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    positive = np.asarray(labels).reshape(-1) > 0.5
    order = np.argsort(-scores, kind="stable")
    scores, positive = scores[order], positive[order]
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1]  # end of each tie group
    tp = np.cumsum(positive)[last]
    fp = (last + 1) - tp
    return np.r_[0, fp].astype(np.float64), np.r_[0, tp].astype(np.float64)
