"""The training engine: loop, evaluation, metrics, checkpoints, early stopping, interrupts."""

from . import checkpoint
from .checkpoint import CheckpointError
from .evaluate import evaluate, main_output, predict, split_batch
from .interrupt import TrainingInterrupted
from .metrics import (AUC, MAE, RMSE, Accuracy, BinaryAccuracy, Meter, Metric, correct_count,
                      metric_set, pr_curve, roc_curve)
from .monitor import Monitor
from .progress import Progress
from .state import TrainState
from .trainer import Trainer, TrainingDiverged

__all__ = ["Trainer", "TrainState", "TrainingDiverged", "TrainingInterrupted", "Monitor",
           "Progress", "evaluate", "predict", "main_output", "split_batch", "Meter", "Metric", "Accuracy",
           "BinaryAccuracy", "AUC", "MAE", "RMSE", "metric_set", "roc_curve", "pr_curve", "correct_count", "checkpoint",
           "CheckpointError"]
