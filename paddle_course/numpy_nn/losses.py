"""Softmax cross-entropy, the loss the course uses for classification."""

import numpy as np


def log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)  # exp() of large logits would overflow
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class SoftmaxCrossEntropy:
    """L = mean over samples of -log softmax(logits)[label].

    Takes **logits** (like ``paddle.nn.functional.cross_entropy``, which applies softmax itself).
    Its gradient with respect to the logits is (softmax - one_hot(label)) / N: fusing softmax into
    the loss gives this simple, stable form.
    """

    def forward(self, logits, labels):
        self.labels = labels  # [N] ints
        self.log_p = log_softmax(logits)  # [N, C]
        return -self.log_p[np.arange(len(labels)), labels].mean()

    __call__ = forward

    def backward(self):
        grad = np.exp(self.log_p)  # softmax, [N, C]
        grad[np.arange(len(self.labels)), self.labels] -= 1
        return grad / len(self.labels)
