"""Tracks the best value of a validation metric: it picks the best checkpoint and stops early."""

from dataclasses import asdict, dataclass


@dataclass
class Monitor:
    """``metric`` is a key of the epoch's record (``val_acc``, ``val_loss``...).

    ``mode`` is ``max`` (higher is better) or ``min``. An epoch improves when it beats the best by
    more than ``min_delta``, or when it equals the best and beats it on ``tie_break`` (a metric
    and its mode; default the validation loss). Accuracy on a few hundred samples moves in steps
    (0.2 % on 500 digits), so ties are common: without the tie-break the *first* epoch to reach
    the best accuracy wins, often an early one still at a high learning rate, though a later epoch
    is as accurate and more confident on the right class. With ``patience`` set,
    :attr:`should_stop` turns true after that many epochs in a row without improvement (early
    stopping); ``None`` never stops.
    """

    metric: str = "val_acc"
    mode: str = "max"
    patience: int | None = None
    min_delta: float = 0.0
    tie_break: tuple | None = ("val_loss", "min")
    best: float | None = None
    best_tie: float | None = None
    best_epoch: int | None = None
    bad_epochs: int = 0

    def __post_init__(self):
        if self.mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', not {self.mode!r}")

    def update(self, record, epoch):
        """Take an epoch's record (a dict); return True when it is the best so far."""
        value = record[self.metric]
        sign = 1 if self.mode == "max" else -1
        if (
            self.best is None
            or sign * (value - self.best) > self.min_delta
            or self._wins_tie(record, value)
        ):
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            self.best_tie = record.get(self.tie_break[0]) if self.tie_break else None
            return True
        self.bad_epochs += 1
        return False

    def _wins_tie(self, record, value):
        if not self.tie_break or value != self.best:
            return False
        key, mode = self.tie_break
        if key == self.metric or self.best_tie is None or record.get(key) is None:
            return False
        return record[key] < self.best_tie if mode == "min" else record[key] > self.best_tie

    @property
    def should_stop(self):
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self):
        return asdict(self)

    def reset(self):
        self.best, self.best_epoch, self.bad_epochs, self.best_tie = None, None, 0, None

    def set_state_dict(self, state):
        for key in ("best", "best_epoch", "bad_epochs"):
            setattr(self, key, state[key])
        self.best_tie = state.get("best_tie")  # absent from checkpoints made before it existed
