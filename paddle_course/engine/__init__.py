"""The training engine: loop, evaluation, metrics, checkpoints, early stopping, interrupts."""

from . import checkpoint
from .checkpoint import CheckpointError
from .evaluate import evaluate
from .interrupt import TrainingInterrupted
from .metrics import Average, correct_count
from .monitor import Monitor
from .progress import Progress
from .state import TrainState
from .trainer import Trainer, TrainingDiverged

__all__ = ["Trainer", "TrainState", "TrainingDiverged", "TrainingInterrupted", "Monitor",
           "Progress", "evaluate", "Average", "correct_count", "checkpoint", "CheckpointError"]
