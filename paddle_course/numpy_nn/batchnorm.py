"""Batch normalisation by hand, with the running statistics Paddle keeps for evaluation.

Training mode normalises each channel with the batch's own mean and (biased) variance, then
scales by ``gamma`` and shifts by ``beta``; it also updates the running statistics

    running = momentum * running + (1 - momentum) * batch statistic        (momentum 0.9)

so Paddle's ``momentum`` is the weight of the *old* value (PyTorch's 0.1 is the weight of the new
one: the same rule). Measured against Paddle 3.3: the running variance is updated with the
*biased* batch variance (divided by N), where PyTorch uses the unbiased one (N - 1). Evaluation
mode normalises with the running statistics, so an output no longer depends on the batch.
"""

import numpy as np


class BatchNorm:
    """Channels on axis 1: ``[N, C]`` (BatchNorm1D) or ``[N, C, H, W]`` (BatchNorm2D)."""

    def __init__(self, channels, momentum=0.9, epsilon=1e-5):
        self.gamma, self.beta = np.ones(channels), np.zeros(channels)
        self.running_mean, self.running_var = np.zeros(channels), np.ones(channels)
        self.momentum, self.epsilon = momentum, epsilon
        self.training = True

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        axes = tuple(i for i in range(x.ndim) if i != 1)  # all but the channels
        shape = [1, -1] + [1] * (x.ndim - 2)
        if self.training:
            mean, var = x.mean(axis=axes), x.var(axis=axes)  # biased, as Paddle
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mean
            self.running_var = m * self.running_var + (1 - m) * var
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + self.epsilon)
        return self.gamma.reshape(shape) * x_hat + self.beta.reshape(shape)
