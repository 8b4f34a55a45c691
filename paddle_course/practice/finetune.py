"""Fine-tuning tools: freezing layers and per-layer learning rates.

In Paddle a parameter group's ``learning_rate`` is a **multiplier** of the optimizer's rate, not a
rate: ``Adam(1e-3, parameters=[{"params": backbone, "learning_rate": 0.1}, ...])`` trains the
backbone at 1e-4. (PyTorch's per-group ``lr`` is the rate itself.)
"""


def freeze(model, prefixes):
    """Stop gradients for every parameter whose structured name starts with one of ``prefixes``
    (e.g. ``("conv1", "conv2")``); returns the frozen names."""
    frozen = [n for n, p in model.named_parameters() if n.startswith(tuple(prefixes))]
    for name, p in model.named_parameters():
        if name in frozen:
            p.stop_gradient = True
    return frozen


def trainable(model):
    return [p for p in model.parameters() if not p.stop_gradient]


def param_groups(model, multipliers, default=1.0):
    """Parameter groups for a Paddle optimizer: ``multipliers`` maps a name prefix to a rate
    multiplier; parameters matching no prefix get ``default``."""
    groups = {}
    for name, p in model.named_parameters():
        mult = next((m for prefix, m in multipliers.items() if name.startswith(prefix)), default)
        groups.setdefault(mult, []).append(p)
    return [{"params": ps, "learning_rate": mult} for mult, ps in groups.items()]
