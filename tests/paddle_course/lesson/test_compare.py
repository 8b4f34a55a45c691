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
