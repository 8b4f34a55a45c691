"""``train_variant``, the loop every comparing lesson shares: with ``keep_best`` the model it
returns holds the best epoch's parameters, not the last epoch's."""

import numpy as np
import paddle

from paddle_course.engine import Monitor
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.lesson.compare import train_variant


class Data:
    def __init__(self):
        rng = np.random.default_rng(0)
        x = rng.normal(size=(96, 5)).astype(np.float32)
        y = (x[:, 0] > 0).astype(np.int64)
        self.train, self.val = (x[:64], y[:64]), (x[64:], y[64:])


def test_keep_best_returns_the_best_epoch_not_the_last(tmp_path):
    def build():
        model = paddle.nn.Linear(5, 2)
        return model, paddle.optimizer.SGD(0.5, parameters=model.parameters())

    # "best" = the highest validation loss: the first epoch, certainly not the last
    result, model = train_variant(
        "linear",
        build,
        Data(),
        4,
        16,
        log=None,
        monitor=Monitor("val_loss", "max"),
        keep_best=tmp_path,
    )
    losses = [h["val_loss"] for h in result["history"]]
    assert result["best_epoch"] == int(np.argmax(losses)) + 1 != 4
    best = Checkpoints(tmp_path).load("best")[0]
    last = Checkpoints(tmp_path).load("last")[0]
    for k, v in model.state_dict().items():
        assert np.array_equal(v.numpy(), np.asarray(best[k]))
    assert not np.array_equal(model.weight.numpy(), np.asarray(last["weight"]))


def test_train_size_is_a_budget_by_default_and_a_demand_when_given(capsys):
    """A lesson's default --train-size caps the digits (all 4,000 embedded ones when they are
    fewer); a --train-size the user gives beyond the split is refused, in one line."""
    import pytest

    from paddle_course.errors import ConfigError
    from paddle_course.lesson.compare import lesson_data
    from paddle_course.lesson.protocol import lesson_parser

    defaults = dict(
        data="embedded", train_size=20_000, seed=0, quick=False
    )  # no folder: none claimed
    parse = lesson_parser("a lesson", defaults, guard=False).parse_args
    args = parse([])
    data = lesson_data(args)  # the budget exceeds the 4,000 embedded digits: all of them
    assert len(data.train) == 4000 and "train 4000, val 500, test 500" in capsys.readouterr().out
    small = lesson_data(parse(["--train-size", "300", "--seed", "2"]))
    assert len(small.train) == 300 and np.bincount(small.train.labels).tolist() == [30] * 10
    assert "train 300" in capsys.readouterr().out  # the size used, stated
    with pytest.raises(ConfigError, match="--train-size 20000: the training split holds 4,000"):
        lesson_data(parse(["--train-size", "20000"]))
    # a job's config (a dict from metrics.json) carries plain ints: asked for, so checked
    with pytest.raises(ConfigError, match="--train-size 4001"):
        lesson_data(dict(data="embedded", train_size=4001, seed=0))
