"""Exact resume: a run's last complete checkpoint loaded back into its model, optimizer and random
number generators, and the position it stopped at (also mid-epoch) as a :class:`TrainState`."""

from paddle_course.engine.checkpoint import Checkpoints, restore
from paddle_course.engine.rng import restore_rng
from paddle_course.engine.state import TrainState
from paddle_course.errors import CheckpointError


def resume(directory, model, optimizer, world_size=1, is_main=True):
    """Load the last complete checkpoint in ``directory`` into the model, optimizer and RNGs.

    Returns the :class:`TrainState` to pass to ``Trainer.fit``. Works on every rank (all ranks
    read the same files), so a resumed distributed run starts from the same state everywhere.
    A ``last`` checkpoint damaged since it was written (its files no longer match their
    SHA-256) gives way to ``best``, said on the console: training from there is the same run.
    """
    checkpoints = Checkpoints(directory)
    try:
        params, opt_state, saved = checkpoints.load("last")
        source = checkpoints.path("last")
    except CheckpointError as e:
        index = checkpoints.index()
        if not index or not index.get("best") or index["best"] == index["last"]:
            raise
        if is_main:
            print(f"warning: {e}; resuming from the best checkpoint instead")
        params, opt_state, saved = checkpoints.load("best")
        source = checkpoints.path("best")
    restore(model, optimizer, params, opt_state, saved, source=f"checkpoint {source}")
    restore_rng(saved["rng"])
    state = TrainState.from_state_dict(saved["train_state"])
    saved_world = saved.get("world_size", 1)
    if saved_world != world_size and state.step_in_epoch:
        # positions count local batches; keep the number of samples already seen
        seen = state.step_in_epoch * saved_world
        state.step_in_epoch = seen // world_size
        if is_main:
            print(
                f"resuming a {saved_world}-process checkpoint on {world_size}: the "
                f"epoch continues after {seen} x batch samples (exact only for the same "
                f"number of processes)"
            )
    return state
