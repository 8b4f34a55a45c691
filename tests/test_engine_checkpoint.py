"""Atomic checkpoints, torn sets, early stopping and the NaN stop."""

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from conftest import digits
from paddle_course.data import Split, make_loader
from paddle_course.engine import (CheckpointError, Monitor, Progress, Trainer, TrainingDiverged,
                                  checkpoint)
from paddle_course.engine.checkpoint import rename_optimizer_state
from paddle_course.models import MNIST


def _setup(tmp_path, **kw):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(1e-3, parameters=model.parameters())
    x, y = digits(64)
    split = Split((x / 127.5 - 1).astype(np.float32).reshape(-1, 1, 28, 28), y.astype(np.int64))
    trainer = Trainer(model, opt, checkpoint_dir=tmp_path, progress=Progress(enabled=False), **kw)
    return model, trainer, make_loader(split, 32, shuffle=True), make_loader(split, 64)


def test_crash_while_writing_leaves_the_previous_checkpoint_loadable(tmp_path, monkeypatch):
    model, trainer, tl, vl = _setup(tmp_path)
    trainer.fit(tl, vl, 1)
    checkpoint.save(tmp_path, "snap", model, trainer.optimizer, {"x": 1})
    good = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    original = checkpoint.atomic_write

    def die_in_file(n):
        calls = []

        def write(path, data):
            calls.append(path)
            if len(calls) == n:       # half of the file written to its temporary, then "death"
                path.with_name(f".{path.name}.tmp-crash").write_bytes(data[: len(data) // 2])
                raise KeyboardInterrupt("simulated crash")
            return original(path, data)
        return write

    # death while writing the first file: the whole previous checkpoint is intact
    monkeypatch.setattr(checkpoint, "atomic_write", die_in_file(1))
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(tmp_path, "snap", MNIST(), trainer.optimizer, {"x": 2})
    monkeypatch.undo()
    params, _, state = checkpoint.load(tmp_path, "snap")
    assert state["x"] == 1
    assert all(np.array_equal(np.asarray(params[k]), v) for k, v in good.items())

    # death between files (.pdparams renamed, .pdopt not): the torn set is detected, not mixed
    monkeypatch.setattr(checkpoint, "atomic_write", die_in_file(2))
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(tmp_path, "snap", MNIST(), trainer.optimizer, {"x": 3})
    monkeypatch.undo()
    with pytest.raises(CheckpointError, match="snap.pdparams does not belong to snap.pdstate"):
        checkpoint.load(tmp_path, "snap")


def test_atomic_write_never_exposes_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    checkpoint.atomic_write(target, b"old")

    def fail_replace(src, dst):
        raise OSError("power cut before rename")

    monkeypatch.setattr(checkpoint.os, "replace", fail_replace)
    with pytest.raises(OSError):
        checkpoint.atomic_write(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]    # no temporary left behind


def test_optimizer_state_is_rekeyed_for_renamed_parameters():
    paddle.seed(0)
    a = MNIST()
    opt = paddle.optimizer.Adam(1e-3, parameters=a.parameters())
    a(paddle.zeros([2, 1, 28, 28])).sum().backward()
    opt.step()
    saved_names = {k: p.name for k, p in a.state_dict().items()}
    b = MNIST()                         # created later: conv2d_2..., linear_1...
    renamed = rename_optimizer_state(opt.state_dict(), saved_names, b.state_dict())
    assert b.conv1.weight.name + "_moment1_0" in renamed
    assert a.conv1.weight.name + "_moment1_0" not in renamed
    assert set(renamed) - {"LR_Scheduler"} == {
        k.replace(a_p.name, b_p.name) for k in opt.state_dict() if k != "LR_Scheduler"
        for a_p, b_p in [(a.state_dict()[s], b.state_dict()[s]) for s in saved_names
                         if k.startswith(saved_names[s] + "_")]}


def test_monitor_modes_and_patience():
    m = Monitor("val_loss", "min", patience=2)
    assert m.update({"val_loss": 1.0}, 1) and m.update({"val_loss": 0.5}, 2)
    assert not m.update({"val_loss": 0.7}, 3) and not m.should_stop
    assert not m.update({"val_loss": 0.5}, 4) and m.should_stop       # equal is not better
    assert (m.best, m.best_epoch) == (0.5, 2)
    with pytest.raises(ValueError):
        Monitor(mode="up")


def test_monitor_breaks_accuracy_ties_by_validation_loss_and_resumes_with_it():
    m = Monitor("val_acc", "max", patience=3)
    assert m.update({"val_acc": 0.98, "val_loss": 0.09}, 1)
    assert m.update({"val_acc": 0.98, "val_loss": 0.07}, 2)           # same accuracy, lower loss
    assert not m.update({"val_acc": 0.98, "val_loss": 0.08}, 3)       # same accuracy, higher loss
    assert not m.update({"val_acc": 0.97, "val_loss": 0.01}, 4)       # accuracy decides first
    assert (m.best, m.best_epoch, m.best_tie, m.bad_epochs) == (0.98, 2, 0.07, 2)
    resumed = Monitor("val_acc", "max", patience=3)
    resumed.set_state_dict(m.state_dict())
    assert resumed.update({"val_acc": 0.98, "val_loss": 0.06}, 5) and resumed.best_epoch == 5
    old = {k: v for k, v in m.state_dict().items() if k != "best_tie"}   # a checkpoint from before
    resumed.set_state_dict(old)
    assert not resumed.update({"val_acc": 0.98, "val_loss": 0.01}, 6)  # nothing to compare: kept
    first = Monitor("val_acc", "max", tie_break=None)                  # the old rule, on request
    assert first.update({"val_acc": 0.98, "val_loss": 0.09}, 1)
    assert not first.update({"val_acc": 0.98, "val_loss": 0.07}, 2)


def test_early_stopping_stops_and_its_counter_survives_resume(tmp_path):
    # min_delta so large that no epoch after the first can improve: stops after 1 + patience
    model, trainer, tl, vl = _setup(tmp_path, monitor=Monitor("val_acc", "max", patience=2,
                                                               min_delta=10.0))
    state = trainer.fit(tl, vl, 10)
    assert state.stopped_early and state.epoch == 3
    saved = checkpoint.read_state(tmp_path, "last")["train_state"]
    assert saved["stopped_early"] and saved["monitor"]["bad_epochs"] == 2
    # resuming a run that stopped early does not train further
    model2, trainer2, tl, vl = _setup(tmp_path, monitor=Monitor("val_acc", "max", patience=2,
                                                                min_delta=10.0))
    assert trainer2.fit(tl, vl, 10, trainer2.resume(tmp_path)).epoch == 3


def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(tmp_path):
    calls = []

    def loss_fn(logits, labels):
        calls.append(1)
        loss = F.cross_entropy(logits, labels)
        return loss * float("nan") if len(calls) == 5 else loss   # 2 train + 1 val calls/epoch

    model, trainer, tl, vl = _setup(tmp_path, loss_fn=loss_fn)
    state = trainer.fit(tl, vl, 1)
    good = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with pytest.raises(TrainingDiverged) as err:
        trainer.fit(tl, vl, 3, state)
    msg = str(err.value)
    assert "the training loss is nan at epoch 2, batch 2" in msg and "last.pdparams" in msg
    # the parameters were not updated with the NaN step, and the checkpoint is the epoch-1 one
    params, _, saved = checkpoint.load(tmp_path, "last")
    assert saved["train_state"]["epoch"] == 1
    assert all(np.isfinite(v.numpy()).all() for v in model.state_dict().values())
    assert all(np.array_equal(np.asarray(params[k]), good[k]) for k in good)
