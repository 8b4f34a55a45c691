"""Tracks the best value of a validation metric: it picks the best checkpoint and stops early."""

from dataclasses import asdict, dataclass


@dataclass
class Monitor:
    """``metric`` is a key of the epoch's record (``val_acc``, ``val_loss``...).

    ``mode`` is ``max`` (higher is better) or ``min``. An epoch improves when it beats the best by
    more than ``min_delta``. With ``patience`` set, :attr:`should_stop` turns true after that many
    epochs in a row without improvement (early stopping); ``None`` never stops.
    """
    metric: str = "val_acc"
    mode: str = "max"
    patience: int | None = None
    min_delta: float = 0.0
    best: float | None = None
    best_epoch: int | None = None
    bad_epochs: int = 0

    def __post_init__(self):
        if self.mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', not {self.mode!r}")

    def update(self, record, epoch):
        """Take an epoch's record (a dict); return True when it is the best so far."""
        value = record[self.metric]
        sign = 1 if self.mode == "max" else -1
        if self.best is None or sign * (value - self.best) > self.min_delta:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            return True
        self.bad_epochs += 1
        return False

    @property
    def should_stop(self):
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self):
        return asdict(self)

    def reset(self):
        self.best, self.best_epoch, self.bad_epochs = None, None, 0

    def set_state_dict(self, state):
        for key in ("best", "best_epoch", "bad_epochs"):
            setattr(self, key, state[key])
