"""Where a run is: everything besides the model, the optimizer and the RNGs that a resume needs."""

from dataclasses import asdict, dataclass, field


@dataclass
class TrainState:
    epoch: int = 0  # epochs completed
    step_in_epoch: int = 0  # batches already trained in epoch `epoch` (0 at an epoch boundary)
    global_step: int = 0  # optimizer steps since the start of the run (VisualDL's x axis)
    running: dict = field(default_factory=dict)  # the unfinished epoch's Meter, its seconds, lr
    history: list = field(default_factory=list)  # one record per finished epoch
    monitor: dict | None = None  # Monitor.state_dict()
    stopped_early: bool = False

    def state_dict(self):
        return asdict(self)

    @classmethod
    def from_state_dict(cls, d):
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def position(epochs_done, batch_in_epoch, epochs, global_step):
    """Where a run stopped, for people, the way resuming says it: "in epoch 3 of 30, after batch
    10 (global step 136)", or "after epoch 2 of 30 (global step 136)"."""
    if batch_in_epoch:
        return (
            f"in epoch {epochs_done + 1} of {epochs}, after batch {batch_in_epoch} "
            f"(global step {global_step})"
        )
    return f"after epoch {epochs_done} of {epochs} (global step {global_step})"
