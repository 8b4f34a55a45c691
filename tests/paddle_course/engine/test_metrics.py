"""Metrics: equal to Paddle's own where Paddle has one, to their formulas otherwise, and
additive."""

import math

import numpy as np
import paddle
import pytest

from paddle_course.engine import (
    AUC,
    MAE,
    RMSE,
    Accuracy,
    BinaryAccuracy,
    Meter,
    Monitor,
    Progress,
    Trainer,
    metric_set,
)
from paddle_course.engine.metrics import sigmoid


def _scores(n=500, seed=0):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.3).astype(np.float32)
    logits = (rng.normal(size=n) + 1.5 * labels).astype(np.float32)  # informative, overlapping
    return logits.reshape(-1, 1), labels.reshape(-1, 1)


def exact_auc(scores, labels):
    """Mann-Whitney: the share of (positive, negative) pairs ranked right, ties counting half."""
    pos, neg = scores[labels > 0.5], scores[labels <= 0.5]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))


def test_auc_equals_paddle_metric_auc_and_is_close_to_the_exact_one():
    logits, labels = _scores()
    ours = AUC()
    value = ours.value(ours.stats(paddle.to_tensor(logits), paddle.to_tensor(labels)))
    p = sigmoid(logits)
    reference = paddle.metric.Auc()
    reference.update(np.concatenate([1 - p, p], axis=1), labels.astype(np.int64))
    assert value == pytest.approx(reference.accumulate(), abs=1e-12)
    assert value == pytest.approx(exact_auc(p.ravel(), labels.ravel()), abs=2e-3)
    assert 0.7 < value < 0.95  # the scores are informative but not perfect


def test_auc_of_perfect_reversed_and_one_class_scores():
    auc = AUC()
    labels = np.array([0, 0, 1, 1], dtype=np.float32)
    assert auc.value(auc.stats(np.array([-3, -1, 1, 3.0], np.float32), labels)) == 1.0
    assert auc.value(auc.stats(np.array([3, 1, -1, -3.0], np.float32), labels)) == 0.0
    assert math.isnan(auc.value(auc.stats(np.zeros(3, np.float32), np.ones(3, np.float32))))


def test_binary_accuracy_equals_the_courses_two_column_accuracy():
    logits, labels = _scores(seed=1)
    p = paddle.nn.functional.sigmoid(paddle.to_tensor(logits))
    course = paddle.metric.accuracy(
        paddle.concat([1 - p, p], axis=1), paddle.to_tensor(labels.astype(np.int64))
    )
    m = BinaryAccuracy()
    assert m.value(m.stats(logits, labels)) == pytest.approx(float(course), abs=1e-6)


def test_accuracy_mae_rmse_by_formula():
    rng = np.random.default_rng(2)
    logits, labels = rng.normal(size=(50, 4)).astype(np.float32), rng.integers(0, 4, 50)
    acc = Accuracy()
    assert acc.value(acc.stats(logits, labels)) == np.mean(logits.argmax(1) == labels)
    pred, target = rng.normal(size=(50, 1)), rng.normal(size=(50, 1))
    for metric, expected in (
        (MAE(), np.mean(np.abs(pred - target))),
        (RMSE(), np.sqrt(np.mean((pred - target) ** 2))),
    ):
        assert metric.value(metric.stats(pred, target)) == pytest.approx(expected, rel=1e-12)


def test_meter_adds_batches_exactly_and_survives_a_state_round_trip():
    logits, labels = _scores(n=97, seed=3)
    metrics = metric_set(["binary_acc", "auc"])
    whole, parts = Meter(metrics), Meter(metrics)
    whole.update(0.5, logits, labels)
    for lo in range(0, 97, 10):  # ten batches, the last of 7
        parts.update(0.5, logits[lo : lo + 10], labels[lo : lo + 10])
        parts = Meter.from_state_dict(metrics, parts.state_dict())  # as if resumed each time
    assert parts.values() == pytest.approx(whole.values()) and parts.count == 97
    assert set(whole.values()) == {"loss", "acc", "auc"}


def test_unknown_metric_and_unwatchable_monitor_are_refused():
    with pytest.raises(ValueError, match="unknown metric"):
        metric_set(["f1"])
    model = paddle.nn.Linear(2, 1)
    opt = paddle.optimizer.SGD(0.1, parameters=model.parameters())
    trainer = Trainer(
        model,
        opt,
        metrics=["rmse"],
        monitor=Monitor("val_auc", "max"),
        progress=Progress(enabled=False),
    )
    with pytest.raises(ValueError, match="does not compute; choose from .*val_rmse"):
        trainer.fit(None, object(), 1)


def test_a_validation_only_metric_is_never_computed_on_training_batches():
    from paddle_course.data import make_loader

    class CountedMAE(MAE):
        on_train = False
        calls = 0

        def stats(self, outputs, targets):
            CountedMAE.calls += 1
            return super().stats(outputs, targets)

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 2)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")
    model = paddle.nn.Linear(2, 1)
    opt = paddle.optimizer.SGD(0.1, parameters=model.parameters())
    trainer = Trainer(
        model,
        opt,
        loss_fn=paddle.nn.functional.mse_loss,
        metrics={"mae": CountedMAE(), "rmse": metric_set(["rmse"])["rmse"]},
        monitor=Monitor("val_mae", "min"),
        progress=Progress(enabled=False),
    )
    state = trainer.fit(make_loader((x, y), 8, shuffle=True), make_loader((x, y), 20), 2)
    record = state.history[-1]
    assert "val_mae" in record and "train_mae" not in record
    assert "train_rmse" in record and "val_rmse" in record
    assert CountedMAE.calls == 2 * 2  # two validation batches per epoch only
    with pytest.raises(ValueError, match="does not compute"):
        Trainer(
            model,
            opt,
            metrics={"mae": CountedMAE()},
            monitor=Monitor("train_mae", "min"),
            progress=Progress(enabled=False),
        ).fit(make_loader((x, y), 8), None, 1)
