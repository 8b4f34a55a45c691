"""Looking inside a network while it runs: per-layer outputs through forward hooks.

The course's ``check_shape`` / ``check_content`` flags print each layer's output from inside
``forward``; a forward post-hook does the same for any network without editing it.
"""

import contextlib

import numpy as np
import paddle


def leaf_layers(model):
    """(name, layer) for the layers that have no sublayers: where the computation happens."""
    return [(n, layer) for n, layer in model.named_sublayers() if not layer.sublayers()]


def layer_outputs(model, x):
    """Run ``model`` on ``x`` (under ``no_grad``) and return, per leaf layer in call order,
    ``{"name", "type", "shape", "params", "mean", "std", "zeros"}`` of its output."""
    layers = dict(leaf_layers(model))
    return [
        {
            "name": name,
            "type": type(layers[name]).__name__,
            "shape": list(out.shape),
            "params": sum(int(p.size) for p in layers[name].parameters()),
            "mean": float(out.mean()),
            "std": float(out.std()),
            "zeros": float(np.mean(out == 0)),
        }
        for name, out in capture(model, x, types=None).items()
    ]


def count_parameters(model):
    return sum(int(p.size) for p in model.parameters())


def gradients(model, loss_fn, x, y):
    """Each parameter's gradient (numpy) for one batch; nothing is updated, and the model's
    gradients are cleared again afterwards."""
    model.clear_gradients()
    loss_fn(model(x), y).backward()
    grads = {n: p.grad.numpy() for n, p in model.named_parameters() if p.grad is not None}
    model.clear_gradients()
    return grads


def gradient_norms(model, loss_fn, x, y):
    """L2 norm of each weight's gradient for one batch."""
    return {
        n: float(np.linalg.norm(g))
        for n, g in gradients(model, loss_fn, x, y).items()
        if "weight" in n
    }


@contextlib.contextmanager
def layer_by_layer(model):
    """Within this block every layer of ``model`` runs its own ``forward``, so hooks see it.

    The course CNN's fast path (``MNIST(bias_after_pool=True)``, the default) calls its convs'
    weights directly, adds the bias after pooling, and so never runs ``conv1.forward``: a hook on
    ``conv1`` would see nothing. Here it runs the course's order instead, the same function
    (equal bit for bit), and is restored afterwards.
    """
    fused = [m for m in model.sublayers(include_self=True) if getattr(m, "bias_after_pool", False)]
    for m in fused:
        m.bias_after_pool = False
    try:
        yield model
    finally:
        for m in fused:
            m.bias_after_pool = True


def capture(model, x, types=(paddle.nn.Conv2D,)):
    """The outputs (numpy) of ``model``'s leaf layers of the given types (``None``: all) for
    input ``x``, in the order they ran."""
    outputs, hooks = {}, []
    for name, layer in leaf_layers(model):
        if types is None or isinstance(layer, types):
            hooks.append(
                layer.register_forward_post_hook(
                    lambda layer, inputs, output, name=name: outputs.__setitem__(
                        name, output.numpy()
                    )
                )
            )
    try:
        with paddle.no_grad(), layer_by_layer(model):
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return outputs
