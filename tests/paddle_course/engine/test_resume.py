"""Exact resume: an interrupted and resumed run ends bit-identical to an uninterrupted one."""

import math
import os
import signal

import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F
import pytest
from conftest import digit_split

from paddle_course.data import make_loader
from paddle_course.data.transforms import RandomAffine
from paddle_course.engine import Monitor, Progress, Trainer
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.engine.optimizers import build_optimizer
from paddle_course.errors import CheckpointError, TrainingDiverged, TrainingInterrupted
from paddle_course.models import MNIST
from paddle_course.runtime.seed import seed_everything


class DropoutNet(nn.Layer):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.fc1(paddle.flatten(x, 1)))))


class SignalAtStep:
    """A loss function that sends this process a real signal during training step ``step``."""

    def __init__(self, model, step, signum=signal.SIGTERM):
        self.model, self.step, self.signum, self.calls = model, step, signum, 0

    def __call__(self, logits, labels):
        if self.model.training:
            self.calls += 1
            if self.calls == self.step:
                os.kill(os.getpid(), self.signum)
        return F.cross_entropy(logits, labels)


def train(
    tmp_path,
    net,
    opt_name,
    *,
    epochs=2,
    interrupt_at=None,
    resume=False,
    schedule="constant",
    augment=None,
    extra_layers=0,
    signum=signal.SIGTERM,
):
    seed_everything(0)
    for _ in range(extra_layers):  # shifts Paddle's auto-generated parameter names
        nn.Linear(2, 2)
    model = net()
    train_loader = make_loader(digit_split(96, 1), 16, shuffle=True, seed=0)  # 6 batches an epoch
    val_loader = make_loader(digit_split(32, 2), 32)
    if schedule == "plateau":  # stepped per epoch with the monitored metric
        # an absolute threshold no epoch can beat: the rate halves after every epoch but the first
        sched = paddle.optimizer.lr.ReduceOnPlateau(
            0.01, mode="max", patience=0, factor=0.5, threshold=10.0, threshold_mode="abs"
        )
        opt = paddle.optimizer.Adam(sched, parameters=model.parameters())
    else:
        opt, sched = build_optimizer(
            opt_name, model.parameters(), 0.01, schedule, total_steps=len(train_loader) * epochs
        )
    loss_fn = SignalAtStep(model, interrupt_at, signum) if interrupt_at else F.cross_entropy
    trainer = Trainer(
        model,
        opt,
        loss_fn=loss_fn,
        scheduler=sched,
        scheduler_step="epoch" if schedule == "plateau" else "step",
        augment=augment,
        checkpoint_dir=tmp_path,
        progress=Progress(enabled=False),
        config={"test": True},
    )
    state = trainer.resume(tmp_path) if resume else None
    state = trainer.fit(train_loader, val_loader, epochs, state)
    return model, state


def params(model):
    return {k: v.numpy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize(
    "net, opt_name, schedule, augment, signum",
    [
        (MNIST, "momentum", "constant", None, signal.SIGINT),
        (DropoutNet, "adam", "cosine", RandomAffine(), signal.SIGTERM),
        (DropoutNet, "adam", "plateau", None, signal.SIGTERM),
    ],
    ids=[
        "cnn-momentum-sigint",
        "dropout-adam-cosine-per-step-augment",
        "dropout-adam-plateau-per-epoch",
    ],
)
def test_resume_mid_epoch_is_bit_identical(tmp_path, net, opt_name, schedule, augment, signum):
    ref_model, ref_state = train(
        tmp_path / "ref", net, opt_name, schedule=schedule, augment=augment, epochs=3
    )

    with pytest.raises(TrainingInterrupted) as stop:
        train(
            tmp_path / "run",
            net,
            opt_name,
            schedule=schedule,
            augment=augment,
            interrupt_at=9,
            epochs=3,
            signum=signum,
        )
    assert stop.value.exit_code == 128 + signum
    saved = Checkpoints(tmp_path / "run").read_state("last")["train_state"]
    assert (saved["epoch"], saved["step_in_epoch"], saved["global_step"]) == (
        1,
        3,
        9,
    )  # mid-epoch 2

    model, state = train(
        tmp_path / "run",
        net,
        opt_name,
        schedule=schedule,
        augment=augment,
        resume=True,
        extra_layers=3,
        epochs=3,
    )
    ref, got = params(ref_model), params(model)
    assert ref.keys() == got.keys()
    for k in ref:
        assert np.array_equal(ref[k], got[k]), k  # equal, not close
    assert state.history == [
        dict(r, seconds=s["seconds"]) for r, s in zip(ref_state.history, state.history)
    ]
    # a scheduled run must really have moved its rate, or the test would prove little about it
    assert (len({r["lr"] for r in state.history}) == 1) == (schedule == "constant")


def test_resume_from_an_epoch_end_checkpoint(tmp_path):
    ref_model, _ = train(tmp_path / "ref", DropoutNet, "adam", epochs=3)
    train(tmp_path / "run", DropoutNet, "adam", epochs=1)  # a run that stopped after epoch 1
    model, state = train(tmp_path / "run", DropoutNet, "adam", epochs=3, resume=True)
    assert state.epoch == 3 and len(state.history) == 3
    assert all(
        np.array_equal(a, b) for a, b in zip(params(ref_model).values(), params(model).values())
    )


def test_resume_into_a_different_model_fails_clearly(tmp_path):
    train(tmp_path, DropoutNet, "adam", epochs=1)
    with pytest.raises(CheckpointError, match="does not fit this model") as err:
        train(tmp_path, MNIST, "adam", epochs=2, resume=True)
    message = str(err.value)
    assert "\n" not in message  # one line
    assert "6 of this model's 6 weights missing there (conv1.weight, conv1.bias" in message
    assert "4 not in this model (fc1.weight" in message and "nothing was loaded" in message


def test_stop_on_the_last_batch_of_an_epoch_resumes_with_its_validation(tmp_path):
    ref_model, ref_state = train(tmp_path / "ref", MNIST, "adam")
    with pytest.raises(TrainingInterrupted):
        train(tmp_path / "run", MNIST, "adam", interrupt_at=6)  # 6 batches an epoch
    saved = Checkpoints(tmp_path / "run").read_state("last")["train_state"]
    assert (saved["epoch"], saved["step_in_epoch"]) == (0, 6) and saved["history"] == []
    model, state = train(tmp_path / "run", MNIST, "adam", resume=True)
    assert [r["val_loss"] for r in state.history] == [r["val_loss"] for r in ref_state.history]
    assert all(
        np.array_equal(a, b) for a, b in zip(params(ref_model).values(), params(model).values())
    )


class TwoInputsWithAux(nn.Layer):
    """Two inputs (an image and a side vector), Dropout, and an auxiliary head in training."""

    def __init__(self):
        super().__init__()
        self.image = nn.Linear(784, 16)
        self.side = nn.Linear(3, 16)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(16, 10)
        self.aux = nn.Linear(16, 10)

    def forward(self, x, side):
        h = self.drop(F.relu(self.image(paddle.flatten(x, 1)) + self.side(side)))
        return (self.head(h), self.aux(h)) if self.training else self.head(h)


def _two_inputdigit_split(n, seed):
    x, y = digit_split(n, seed).images, digit_split(n, seed).labels
    side = np.random.default_rng(seed).normal(size=(n, 3)).astype(np.float32)
    return x, side, y


def train_two_inputs(out, epochs=3, interrupt_at=None, resume=False):
    seed_everything(0)
    model = TwoInputsWithAux()
    opt = paddle.optimizer.Adam(0.01, parameters=model.parameters())
    loss_fn = SignalAtStep(model, interrupt_at) if interrupt_at else F.cross_entropy
    trainer = Trainer(
        model,
        opt,
        loss_fn=loss_fn,
        checkpoint_dir=out,
        metrics=["acc"],
        progress=Progress(enabled=False),
    )
    state = trainer.resume(out) if resume else None
    state = trainer.fit(
        make_loader(_two_inputdigit_split(96, 1), 16, shuffle=True),
        make_loader(_two_inputdigit_split(32, 2), 32),
        epochs,
        state,
    )
    return model, state


def test_two_inputs_and_an_auxiliary_output_resume_bit_identical(tmp_path):
    ref_model, ref_state = train_two_inputs(tmp_path / "ref")
    with pytest.raises(TrainingInterrupted):
        train_two_inputs(tmp_path / "run", interrupt_at=8)  # 8th loss call: mid-epoch 2
    model, state = train_two_inputs(tmp_path / "run", resume=True)
    for k, v in params(ref_model).items():
        assert np.array_equal(v, params(model)[k]), k
    assert [r["val_acc"] for r in state.history] == [r["val_acc"] for r in ref_state.history]


def test_auxiliary_outputs_add_their_weighted_loss_and_metrics_use_the_main_output():
    batch = [paddle.to_tensor(a[:16]) for a in _two_inputdigit_split(16, 3)]
    updated = {}
    for how in ("engine", "by_hand"):
        seed_everything(0)
        model = TwoInputsWithAux()
        opt = paddle.optimizer.SGD(0.1, parameters=model.parameters())
        if how == "engine":
            trainer = Trainer(model, opt, progress=Progress(enabled=False), aux_weight=0.3)
            loss, main = trainer.train_step(batch[:2], batch[2])
        else:
            main, aux = model(*batch[:2])
            total = F.cross_entropy(main, batch[2]) + 0.3 * F.cross_entropy(aux, batch[2])
            total.backward()
            opt.step()
            by_hand_loss = float(F.cross_entropy(main, batch[2]))
        updated[how] = params(model)
    assert loss == pytest.approx(by_hand_loss, rel=1e-6)  # reported: the main output's loss
    assert list(main.shape) == [16, 10]
    for k in updated["engine"]:
        np.testing.assert_allclose(
            updated["engine"][k], updated["by_hand"][k], rtol=1e-6, atol=1e-7
        )


@pytest.mark.parametrize("metric, mode", [("val_rmse", "min"), ("val_mae", "min")])
def test_best_checkpoint_follows_a_regression_metric(tmp_path, metric, mode):
    seed_everything(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32) + 0.1).astype(np.float32)
    model = nn.Linear(4, 1)
    opt = paddle.optimizer.SGD(0.05, parameters=model.parameters())
    trainer = Trainer(
        model,
        opt,
        loss_fn=F.mse_loss,
        metrics=["mae", "rmse"],
        monitor=Monitor(metric, mode),
        checkpoint_dir=tmp_path,
        progress=Progress(enabled=False),
    )
    state = trainer.fit(make_loader((x, y), 16, shuffle=True), make_loader((x, y), 64), 4)
    values = [r[metric] for r in state.history]
    assert values[-1] < values[0]  # it learns
    best = Checkpoints(tmp_path).read_state("best")["train_state"]
    assert best["history"][-1][metric] == min(values)
    assert math.sqrt(state.history[-1]["val_loss"]) == pytest.approx(state.history[-1]["val_rmse"])


def test_a_nan_in_an_auxiliary_output_stops_before_any_update():
    class NanAux(TwoInputsWithAux):
        def forward(self, x, side):
            out = super().forward(x, side)
            return (out[0], out[1] * float("nan")) if self.training else out

    seed_everything(0)
    model = NanAux()
    before = params(model)
    trainer = Trainer(
        model,
        paddle.optimizer.SGD(0.1, parameters=model.parameters()),
        monitor=Monitor("train_loss", "min"),
        progress=Progress(enabled=False),
    )
    with pytest.raises(TrainingDiverged, match="the training loss is nan at epoch 1, batch 1"):
        trainer.fit(make_loader(_two_inputdigit_split(16, 4), 8), None, 1)
    assert all(np.array_equal(before[k], v) for k, v in params(model).items())
