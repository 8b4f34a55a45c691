"""Learning-rate schedules: closed forms, recorded curves, and the LR range test ("LR finder").

The closed forms below are what Paddle's schedulers compute (the tests check each against
``paddle.optimizer.lr``); they let a lesson state a schedule as a formula and plot it.
"""

import math

import numpy as np


def closed_form(name, base, t, **kw):
    """The rate at step (or epoch) ``t`` of schedule ``name`` starting from ``base``."""
    if name == "step":  # StepDecay(step_size, gamma)
        return base * kw["gamma"] ** (t // kw["step_size"])
    if name == "multistep":  # MultiStepDecay(milestones, gamma)
        return base * kw["gamma"] ** sum(t >= m for m in kw["milestones"])
    if name == "exponential":  # ExponentialDecay(gamma)
        return base * kw["gamma"] ** t
    if name == "cosine":  # CosineAnnealingDecay(T_max, eta_min)
        eta_min = kw.get("eta_min", 0.0)
        return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / kw["T_max"])) / 2
    if name == "warmup_cosine":  # LinearWarmup(CosineAnnealingDecay(T_max), warmup_steps, 0, base)
        w = kw["warmup_steps"]
        return base * t / w if t < w else closed_form("cosine", base, t - w, T_max=kw["T_max"])
    raise ValueError(f"no closed form for {name!r}")


def lr_curve(scheduler, steps):
    """The rates ``scheduler`` gives over ``steps`` calls of ``step()`` (it is advanced: pass a
    fresh one)."""
    rates = []
    for _ in range(steps):
        rates.append(scheduler.last_lr)
        scheduler.step()
    return rates


def lr_range_test(
    model, make_optimizer, loader, loss_fn=None, start=1e-5, end=1.0, steps=100, smoothing=0.9
):
    """Leslie Smith's LR range test: the rate grows geometrically from ``start`` to ``end`` over
    ``steps`` batches (engine ``train_step``s with an optimizer from ``make_optimizer(parameters)``)
    while the smoothed loss is recorded; it stops once that loss exceeds 4x its minimum. The
    model's weights are restored afterwards and the optimizer is the test's own, so nothing of the
    test remains. Returns ``(rates, losses, suggestion)``: a tenth of the rate at the lowest
    loss."""
    import paddle.nn.functional as F

    from paddle_course.engine import Progress, Trainer

    saved = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    optimizer = make_optimizer(model.parameters())
    trainer = Trainer(
        model, optimizer, loss_fn=loss_fn or F.cross_entropy, progress=Progress(enabled=False)
    )
    factor = (end / start) ** (1 / (steps - 1))
    rates, losses, avg, batches = [], [], None, iter(())
    model.train()
    for i in range(steps):
        try:
            images, labels = next(batches)
        except StopIteration:
            batches = iter(loader)
            images, labels = next(batches)
        rate = start * factor**i
        optimizer.set_lr(rate)
        try:
            loss, _ = trainer.train_step([images], labels)
        except RuntimeError:  # TrainingDiverged: a NaN or infinite loss ends the test
            break
        avg = loss if avg is None else smoothing * avg + (1 - smoothing) * loss
        smoothed = avg / (1 - smoothing ** (i + 1))
        rates.append(rate)
        losses.append(smoothed)
        if smoothed > 4 * min(losses):
            break
    model.set_state_dict(saved)
    best = int(np.argmin(losses))
    return rates, losses, rates[best] / 10
