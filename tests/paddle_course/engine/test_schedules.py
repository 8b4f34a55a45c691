import numpy as np
import paddle
import pytest
from conftest import digit_split as _split
from paddle.optimizer import lr as L

from paddle_course.data import make_loader
from paddle_course.engine.schedules import closed_form, lr_curve, lr_range_test
from paddle_course.models import MNIST


@pytest.mark.parametrize(
    "name, paddle_scheduler, kw",
    [
        ("step", lambda: L.StepDecay(0.1, step_size=3, gamma=0.5), dict(step_size=3, gamma=0.5)),
        (
            "multistep",
            lambda: L.MultiStepDecay(0.1, milestones=[2, 5], gamma=0.3),
            dict(milestones=[2, 5], gamma=0.3),
        ),
        ("exponential", lambda: L.ExponentialDecay(0.1, gamma=0.8), dict(gamma=0.8)),
        ("cosine", lambda: L.CosineAnnealingDecay(0.1, T_max=10), dict(T_max=10)),
        (
            "warmup_cosine",
            lambda: L.LinearWarmup(
                L.CosineAnnealingDecay(0.1, T_max=8), warmup_steps=4, start_lr=0.0, end_lr=0.1
            ),
            dict(warmup_steps=4, T_max=8),
        ),
    ],
)
def test_paddle_schedulers_follow_the_closed_forms(name, paddle_scheduler, kw):
    curve = lr_curve(paddle_scheduler(), 12)
    expected = [closed_form(name, 0.1, t, **kw) for t in range(12)]
    np.testing.assert_allclose(curve, expected, rtol=1e-6, atol=1e-9)


def test_lr_range_test_restores_the_weights_and_suggests_a_rate():
    paddle.seed(0)
    model = MNIST()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    rates, losses, suggestion = lr_range_test(
        model,
        lambda params: paddle.optimizer.Momentum(1e-5, momentum=0.9, parameters=params),
        make_loader(_split(64, 1), 16),
        steps=30,
    )
    assert all(np.array_equal(before[k], v.numpy()) for k, v in model.state_dict().items())
    assert (
        rates == sorted(rates) and len(losses) == len(rates) and rates[0] <= suggestion <= rates[-1]
    )
