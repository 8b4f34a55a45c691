"""Optimizers and learning-rate schedules by name, as the chapter scripts' flags give them."""

import paddle

OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
SCHEDULES = ("constant", "cosine")


def build_optimizer(name, parameters, lr, schedule="constant", total_steps=None, weight_decay=None):
    """Return ``(optimizer, scheduler)``; ``scheduler`` is None for a constant rate.

    ``cosine`` anneals from ``lr`` to 0 over ``total_steps`` optimizer steps (step it every batch).
    ``weight_decay`` is an L2 coefficient (``paddle.regularizer.L2Decay``), or None.
    """
    if schedule == "constant":
        scheduler, rate = None, lr
    elif schedule == "cosine":
        if not total_steps:
            raise ValueError("the cosine schedule needs total_steps")
        scheduler = rate = paddle.optimizer.lr.CosineAnnealingDecay(lr, T_max=total_steps)
    else:
        raise ValueError(f"unknown schedule {schedule!r}; choose from {', '.join(SCHEDULES)}")
    decay = paddle.regularizer.L2Decay(weight_decay) if weight_decay else None
    kw = dict(learning_rate=rate, parameters=parameters, weight_decay=decay)
    if name == "sgd":
        opt = paddle.optimizer.SGD(**kw)
    elif name == "momentum":
        opt = paddle.optimizer.Momentum(momentum=0.9, **kw)
    elif name == "adagrad":
        opt = paddle.optimizer.Adagrad(**kw)
    elif name == "rmsprop":
        opt = paddle.optimizer.RMSProp(**kw)
    elif name == "adam":
        opt = paddle.optimizer.Adam(**kw)
    else:
        raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")
    return opt, scheduler
