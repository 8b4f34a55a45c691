"""The course's first network: linear regression on Boston housing, in numpy.

Faithful to the course's code (chapter 1, "使用Python和NumPy构建神经网络模型"): the same
initialisation (``np.random.seed(seed)`` then ``randn(13, 1)``, bias 0), the same loss and the same
gradient, so that with its defaults it prints the course's numbers digit for digit.

Which loss and which gradient: ``loss`` is the mean squared error, sum((z - y)^2) / N, the number
the course prints; ``gradient`` is the gradient of **half** of it, sum((z - y) x) / N (the course
introduces L = 1/(2N) sum (y - z)^2 so that the 2 from the derivative cancels). Gradient descent
therefore steps along -grad(MSE)/2: with lr 0.01 it moves as plain MSE would with lr 0.005.
"""

import numpy as np


def course_split(table, ratio=0.8):
    """The course's data preparation: the first ``ratio`` of the rows for training (no shuffle),
    every column, the target too, min-max normalised with the **training rows'** min and max.
    Returns ``(train, test, (maximums, minimums))``; train/test are ``[N, 14]`` copies."""
    offset = int(table.shape[0] * ratio)
    maximums, minimums = table[:offset].max(axis=0), table[:offset].min(axis=0)
    data = (table - minimums) / (maximums - minimums)
    return data[:offset], data[offset:], (maximums, minimums)


class Network:
    def __init__(self, num_of_weights, seed=0):
        np.random.seed(seed)  # the course seeds numpy's global generator here
        self.w = np.random.randn(num_of_weights, 1)
        self.b = 0.0

    def forward(self, x):  # x: [N, 13] -> z: [N, 1]
        return np.dot(x, self.w) + self.b

    def loss(self, z, y):
        """Mean squared error (what the course prints)."""
        error = z - y
        return np.sum(error * error) / error.shape[0]

    def gradient(self, x, y):
        """Gradient of half the mean squared error: (dL/dw [13, 1], dL/db)."""
        z = self.forward(x)
        gradient_w = np.mean((z - y) * x, axis=0)[:, np.newaxis]
        gradient_b = np.mean(z - y)
        return gradient_w, gradient_b

    def update(self, gradient_w, gradient_b, eta=0.01):
        self.w = self.w - eta * gradient_w
        self.b = self.b - eta * gradient_b

    def train(self, x, y, iterations=100, eta=0.01, log=print, each=None):
        """Full-batch gradient descent; returns the loss of every iteration (before its update).
        ``each(self)``, when given, is called at the same moment (e.g. to record a test loss)."""
        losses = []
        for i in range(iterations):
            z = self.forward(x)
            L = self.loss(z, y)
            if each:
                each(self)
            gradient_w, gradient_b = self.gradient(x, y)
            self.update(gradient_w, gradient_b, eta)
            losses.append(L)
            if (i + 1) % 10 == 0 and log:
                log(f"iter {i}, loss {L}")
        return losses

    def train_sgd(self, training_data, num_epochs, batch_size=10, eta=0.01, log=print):
        """Mini-batch SGD: shuffle the rows (numpy's global generator) every epoch, then step on
        each batch of ``batch_size`` rows (the last may be smaller). Returns every batch's loss."""
        data = training_data.copy()  # the course shuffles its argument in place; we do not
        n, losses = len(data), []
        for epoch_id in range(num_epochs):
            np.random.shuffle(data)
            for iter_id, k in enumerate(range(0, n, batch_size)):
                x, y = data[k : k + batch_size, :-1], data[k : k + batch_size, -1:]
                loss = self.loss(self.forward(x), y)
                self.update(*self.gradient(x, y), eta)
                losses.append(loss)
                if log:
                    log(f"Epoch {epoch_id:3d} / iter {iter_id:3d}, loss = {loss:.4f}")
        return losses


# the grid's default is read, never changed: one array shared by every call is safe
def loss_surface(net, x, y, i=5, j=9, values=np.arange(-160.0, 160.0, 1.0)):  # noqa: B008
    """The loss over a grid of weights ``w[i]`` x ``w[j]``, the others fixed (the course's figure
    over w5 and w9). Returns ``(wi, wj, losses)`` with ``losses[a, b]`` at
    ``(values[a], values[b])``. Vectorised: z = x @ w with w_i, w_j replaced is the base prediction
    plus x_i w_i + x_j w_j."""
    base = x @ net.w + net.b - x[:, [i]] * net.w[i] - x[:, [j]] * net.w[j]  # [N, 1]
    z = (
        base[None, None, :, 0]
        + values[:, None, None] * x[None, None, :, i]
        + values[None, :, None] * x[None, None, :, j]
    )  # [A, B, N]
    return values, values, ((z - y[None, None, :, 0]) ** 2).mean(axis=2)
