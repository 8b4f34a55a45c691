"""Mini-batch training of a numpy :class:`~.mlp.MLP`: the same four steps as in Paddle, by hand."""

import numpy as np

from paddle_course.numpy_nn.losses import SoftmaxCrossEntropy


def evaluate(model, x, y, batch_size=1000):
    """Per-sample mean loss and accuracy of ``model`` on ``x`` [N, D], ``y`` [N]."""
    ce, loss, correct = SoftmaxCrossEntropy(), 0.0, 0
    for k in range(0, len(y), batch_size):
        logits = model(x[k : k + batch_size])
        loss += ce(logits, y[k : k + batch_size]) * len(logits)
        correct += int((logits.argmax(axis=1) == y[k : k + batch_size]).sum())
    return loss / len(y), correct / len(y)


def fit(model, optimizer, train, val, epochs, batch_size, seed=0, log=print):
    """Train on ``train = (x, y)``, validate on ``val`` after each epoch. The data order of epoch
    ``e`` is a permutation drawn from ``(seed, e)``. Returns ``(history, batch_losses)``."""
    (x, y), ce = train, SoftmaxCrossEntropy()
    history, batch_losses = [], []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(len(y))
        loss_sum, correct = 0.0, 0
        for k in range(0, len(y), batch_size):
            idx = order[k : k + batch_size]
            logits = model(x[idx])  # forward: [B, 10]
            loss = ce(logits, y[idx])  # mean softmax cross-entropy
            model.backward(ce.backward())  # backward: fills every layer's grads
            optimizer.step(*model.params_and_grads())  # update the parameters in place
            batch_losses.append(loss)  # (no clear_grad: backward overwrites)
            loss_sum += loss * len(idx)
            correct += int((logits.argmax(axis=1) == y[idx]).sum())
        val_loss, val_acc = evaluate(model, *val)
        history.append(
            {
                "epoch": epoch + 1,
                "train_loss": loss_sum / len(y),
                "train_acc": correct / len(y),
                "val_loss": val_loss,
                "val_acc": val_acc,
            }
        )
        if log:
            r = history[-1]
            log(
                f"epoch {epoch + 1:>3}/{epochs}  train loss {r['train_loss']:.4f} acc "
                f"{r['train_acc']:.2%}  val loss {val_loss:.4f} acc {val_acc:.2%}"
            )
    return history, batch_losses
