"""The training engine: the loop, evaluation, metrics, checkpoints, early stopping, interrupts,
and the optimizers and learning-rate schedules it steps."""

from paddle_course.engine import checkpoint
from paddle_course.engine.evaluate import evaluate, main_output, predict, split_batch
from paddle_course.engine.metrics import (
    AUC,
    MAE,
    RMSE,
    Accuracy,
    BinaryAccuracy,
    Meter,
    Metric,
    correct_count,
    metric_set,
    pr_curve,
    roc_curve,
)
from paddle_course.engine.monitor import Monitor
from paddle_course.engine.progress import Progress
from paddle_course.engine.state import TrainState
from paddle_course.engine.trainer import Trainer

__all__ = [
    "Trainer",
    "TrainState",
    "Monitor",
    "Progress",
    "evaluate",
    "predict",
    "main_output",
    "split_batch",
    "Meter",
    "Metric",
    "Accuracy",
    "BinaryAccuracy",
    "AUC",
    "MAE",
    "RMSE",
    "metric_set",
    "roc_curve",
    "pr_curve",
    "correct_count",
    "checkpoint",
]
