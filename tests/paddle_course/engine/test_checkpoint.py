"""Checkpoints that appear whole or not at all, safe loading, early stopping and the NaN stop."""

import os
import pickle

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest
from conftest import digits

from paddle_course.data import Split, make_loader
from paddle_course.engine import Monitor, Progress, Trainer, checkpoint
from paddle_course.engine.checkpoint import (
    Checkpoints,
    load_weights,
    read_paddle,
    rename_optimizer_state,
)
from paddle_course.engine.rng import capture_rng
from paddle_course.errors import CheckpointError, TrainingDiverged
from paddle_course.models import MNIST


def _setup(tmp_path, **kw):
    paddle.seed(0)
    model = MNIST()
    opt = paddle.optimizer.Adam(1e-3, parameters=model.parameters())
    x, y = digits(64)
    split = Split((x / 127.5 - 1).astype(np.float32).reshape(-1, 1, 28, 28), y.astype(np.int64))
    trainer = Trainer(model, opt, checkpoint_dir=tmp_path, progress=Progress(enabled=False), **kw)
    return model, trainer, make_loader(split, 32, shuffle=True), make_loader(split, 64)


def _save(trainer, directory, epoch, best):
    state = {
        "train_state": {"epoch": epoch, "step_in_epoch": 0, "global_step": 2 * epoch},
        "rng": capture_rng(),
        "config": {"x": epoch},
    }
    return Checkpoints(directory).save(trainer.model, trainer.optimizer, state, best=best)


def test_a_checkpoint_is_one_folder_named_by_the_index_with_best_and_last(tmp_path):
    model, trainer, tl, vl = _setup(tmp_path / "run")
    ckpts = Checkpoints(tmp_path / "c")
    assert ckpts.index() is None and ckpts.read_state() is None
    first = _save(trainer, ckpts.dir, 1, best=True)
    assert first.name == "epoch-0001-step-000002"
    assert sorted(p.name for p in first.iterdir()) == [
        "model.pdopt",
        "model.pdparams",
        "state.json",
    ]
    second = _save(trainer, ckpts.dir, 2, best=False)  # not better: best stays epoch 1
    assert ckpts.index() == {"format": checkpoint.FORMAT, "last": second.name, "best": first.name}
    third = _save(trainer, ckpts.dir, 3, best=True)  # better: both move, in one write
    assert ckpts.index()["last"] == ckpts.index()["best"] == third.name
    # folders the index no longer names are gone, and nothing else is left behind
    assert sorted(p.name for p in ckpts.dir.iterdir()) == ["epoch-0003-step-000006", "index.json"]
    # the files are plain Paddle ones
    plain = paddle.load(str(third / "model.pdparams"))
    assert sorted(plain) == sorted(model.state_dict())


def test_a_crash_while_saving_leaves_the_last_complete_checkpoint(tmp_path, monkeypatch):
    model, trainer, tl, vl = _setup(tmp_path / "run")
    ckpts = Checkpoints(tmp_path / "c")
    kept = _save(trainer, ckpts.dir, 1, best=True)
    good = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    real = checkpoint.write_flushed

    def die_in_second_file(path, data, name=None):
        if path.name == "model.pdopt":
            path.write_bytes(data[: len(data) // 2])  # half written, then "power cut"
            raise OSError(28, "No space left on device", str(path))
        return real(path, data, name)

    monkeypatch.setattr(checkpoint, "write_flushed", die_in_second_file)
    MNIST()(paddle.zeros([1, 1, 28, 28]))
    with pytest.raises(OSError, match="No space left"):
        _save(trainer, ckpts.dir, 2, best=True)
    monkeypatch.undo()
    # the temporary folder is gone, the index still names the complete checkpoint
    assert sorted(p.name for p in ckpts.dir.iterdir()) == [kept.name, "index.json"]
    params, _, state = ckpts.load("last")
    assert state["config"] == {"x": 1} and ckpts.index()["best"] == kept.name
    assert all(np.array_equal(params[k], v) for k, v in good.items())


def test_a_damaged_file_is_refused_on_load(tmp_path):
    model, trainer, tl, vl = _setup(tmp_path / "run")
    folder = _save(trainer, tmp_path / "c", 1, best=True)
    data = bytearray((folder / "model.pdparams").read_bytes())
    data[-20] ^= 0xFF
    (folder / "model.pdparams").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="model.pdparams: damaged"):
        Checkpoints(tmp_path / "c").load("last")


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo planted",))


def test_a_planted_pickle_is_refused_without_running_it(tmp_path):
    planted = tmp_path / "model.pdparams"
    planted.write_bytes(pickle.dumps({"conv1.weight": _Boom()}))
    with pytest.raises(CheckpointError, match="asks to load posix.system|asks to load os.system"):
        read_paddle(planted.read_bytes(), planted)
    with pytest.raises(CheckpointError, match="not a Paddle state dict"):
        load_weights(MNIST(), planted)


def test_load_weights_refuses_weights_of_another_model_in_one_line(tmp_path):
    other = paddle.nn.Linear(784, 10)
    paddle.save(other.state_dict(), str(tmp_path / "linear.pdparams"))
    with pytest.raises(CheckpointError) as err:
        load_weights(MNIST(), tmp_path / "linear.pdparams")
    assert "does not fit this model (MNIST)" in str(err.value) and "\n" not in str(err.value)
    # an optimizer's state is not a model's
    model, trainer, tl, vl = _setup(tmp_path / "run")
    trainer.fit(tl, vl, 1)
    folder = Checkpoints(tmp_path / "run").path("last")
    with pytest.raises(CheckpointError, match="does not fit this model"):
        load_weights(MNIST(), folder / "model.pdopt")
    # a run folder, its checkpoints folder and the .pdparams all mean the same weights
    for given in (tmp_path, tmp_path / "run", folder, folder / "model.pdparams"):
        if given == tmp_path:
            with pytest.raises(CheckpointError, match="neither a .pdparams file nor a run folder"):
                load_weights(MNIST(), given)
            continue
        fresh = MNIST()
        load_weights(fresh, given, which="last")
        assert all(
            np.array_equal(fresh.state_dict()[k].numpy(), v.numpy())
            for k, v in model.state_dict().items()
        )


def test_optimizer_state_is_rekeyed_for_renamed_parameters():
    paddle.seed(0)
    a = MNIST()
    opt = paddle.optimizer.Adam(1e-3, parameters=a.parameters())
    a(paddle.zeros([2, 1, 28, 28])).sum().backward()
    opt.step()
    saved_names = {k: p.name for k, p in a.state_dict().items()}
    b = MNIST()  # created later: conv2d_2..., linear_1...
    renamed = rename_optimizer_state(opt.state_dict(), saved_names, b.state_dict())
    assert b.conv1.weight.name + "_moment1_0" in renamed
    assert a.conv1.weight.name + "_moment1_0" not in renamed
    assert set(renamed) - {"LR_Scheduler"} == {
        k.replace(a_p.name, b_p.name)
        for k in opt.state_dict()
        if k != "LR_Scheduler"
        for a_p, b_p in [
            (a.state_dict()[s], b.state_dict()[s])
            for s in saved_names
            if k.startswith(saved_names[s] + "_")
        ]
    }


def test_monitor_modes_and_patience():
    m = Monitor("val_loss", "min", patience=2)
    assert m.update({"val_loss": 1.0}, 1) and m.update({"val_loss": 0.5}, 2)
    assert not m.update({"val_loss": 0.7}, 3) and not m.should_stop
    assert not m.update({"val_loss": 0.5}, 4) and m.should_stop  # equal is not better
    assert (m.best, m.best_epoch) == (0.5, 2)
    with pytest.raises(ValueError):
        Monitor(mode="up")


def test_monitor_breaks_accuracy_ties_by_validation_loss_and_resumes_with_it():
    m = Monitor("val_acc", "max", patience=3)
    assert m.update({"val_acc": 0.98, "val_loss": 0.09}, 1)
    assert m.update({"val_acc": 0.98, "val_loss": 0.07}, 2)  # same accuracy, lower loss
    assert not m.update({"val_acc": 0.98, "val_loss": 0.08}, 3)  # same accuracy, higher loss
    assert not m.update({"val_acc": 0.97, "val_loss": 0.01}, 4)  # accuracy decides first
    assert (m.best, m.best_epoch, m.best_tie, m.bad_epochs) == (0.98, 2, 0.07, 2)
    resumed = Monitor("val_acc", "max", patience=3)
    resumed.set_state_dict(m.state_dict())
    assert resumed.update({"val_acc": 0.98, "val_loss": 0.06}, 5) and resumed.best_epoch == 5
    old = {k: v for k, v in m.state_dict().items() if k != "best_tie"}  # a checkpoint from before
    resumed.set_state_dict(old)
    assert not resumed.update({"val_acc": 0.98, "val_loss": 0.01}, 6)  # nothing to compare: kept
    first = Monitor("val_acc", "max", tie_break=None)  # the old rule, on request
    assert first.update({"val_acc": 0.98, "val_loss": 0.09}, 1)
    assert not first.update({"val_acc": 0.98, "val_loss": 0.07}, 2)


def test_early_stopping_stops_and_its_counter_survives_resume(tmp_path):
    # min_delta so large that no epoch after the first can improve: stops after 1 + patience
    model, trainer, tl, vl = _setup(
        tmp_path, monitor=Monitor("val_acc", "max", patience=2, min_delta=10.0)
    )
    state = trainer.fit(tl, vl, 10)
    assert state.stopped_early and state.epoch == 3
    saved = Checkpoints(tmp_path).read_state("last")["train_state"]
    assert saved["stopped_early"] and saved["monitor"]["bad_epochs"] == 2
    # resuming a run that stopped early does not train further
    model2, trainer2, tl, vl = _setup(
        tmp_path, monitor=Monitor("val_acc", "max", patience=2, min_delta=10.0)
    )
    assert trainer2.fit(tl, vl, 10, trainer2.resume(tmp_path)).epoch == 3


def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(tmp_path):
    calls = []

    def loss_fn(logits, labels):
        calls.append(1)
        loss = F.cross_entropy(logits, labels)
        return loss * float("nan") if len(calls) == 5 else loss  # 2 train + 1 val calls/epoch

    model, trainer, tl, vl = _setup(tmp_path, loss_fn=loss_fn)
    state = trainer.fit(tl, vl, 1)
    good = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with pytest.raises(TrainingDiverged) as err:
        trainer.fit(tl, vl, 3, state)
    msg = str(err.value)
    assert "the training loss is nan at epoch 2, batch 2" in msg
    assert f"The last good checkpoint is {tmp_path / 'epoch-0001-step-000002'}" in msg
    # the parameters were not updated with the NaN step, and the checkpoint is the epoch-1 one
    params, _, saved = Checkpoints(tmp_path).load("last")
    assert saved["train_state"]["epoch"] == 1
    assert all(np.isfinite(v.numpy()).all() for v in model.state_dict().values())
    assert all(np.array_equal(np.asarray(params[k]), good[k]) for k in good)


def test_a_damaged_last_checkpoint_gives_way_to_best_on_resume(tmp_path, capsys):
    # the monitor prefers a high loss: epoch 1 stays best while epoch 2 is last
    model, trainer, tl, vl = _setup(tmp_path, monitor=Monitor("val_loss", "max", min_delta=10.0))
    trainer.fit(tl, vl, 2)
    ckpts = Checkpoints(tmp_path)
    assert ckpts.index()["best"] != ckpts.index()["last"]
    (ckpts.path("last") / "model.pdopt").write_bytes(b"bit rot")
    model2, trainer2, tl, vl = _setup(tmp_path)
    state = trainer2.resume(tmp_path)
    assert "model.pdopt: damaged" in capsys.readouterr().out and state.epoch == 1
