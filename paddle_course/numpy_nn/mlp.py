"""A multi-layer perceptron built from :mod:`.layers`: forward through, backward in reverse."""

import numpy as np

from paddle_course.numpy_nn.layers import Linear, ReLU, Sigmoid

ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid}


class MLP:
    """Linear layers of ``sizes`` (e.g. [784, 128, 10]) with ``activation`` between them; the last
    layer gives logits."""

    def __init__(self, sizes, activation="relu", seed=0):
        rng = np.random.RandomState(seed)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Linear(n_in, n_out, rng))
            if i < len(sizes) - 2:
                self.layers.append(ACTIVATIONS[activation]())

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    __call__ = forward

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def parameters(self):
        """The parameter arrays (updated in place by an optimizer) and their gradients' keys."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def params_and_grads(self):
        pairs = self.parameters()
        return [layer.params[n] for layer, n in pairs], [layer.grads[n] for layer, n in pairs]
