"""Figures as PNG files, headless (matplotlib's ``Agg`` backend): every function saves its figure
and returns the path it wrote, so scripts can print where to look."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")   # no display needed; must precede pyplot's import
import matplotlib.pyplot as plt  # noqa: E402


def _save(fig, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot(loss_list, path="loss.png", title="training loss", xlabel="iteration", ylabel="loss"):
    """The course's ``plot(loss_list)``: one loss curve."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(len(loss_list)), loss_list)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_history(history, path):
    """Train/validation loss and accuracy per epoch from a run's history (``metrics.json``)."""
    epochs = [r["epoch"] for r in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "val"):
        if f"{split}_loss" in history[0]:
            ax_loss.plot(epochs, [r[f"{split}_loss"] for r in history], marker=".", label=split)
            ax_acc.plot(epochs, [r[f"{split}_acc"] for r in history], marker=".", label=split)
    ax_loss.set(title="loss", xlabel="epoch", ylabel="cross-entropy")
    ax_acc.set(title="accuracy", xlabel="epoch", ylabel="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    return _save(fig, path)


def plot_comparison(runs, path, key="val_acc", title=None, xlabel="epoch"):
    """Several runs side by side: ``runs`` maps a label to a history (list of epoch records)
    or to a plain list of values; ``key`` picks the value from each record."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, series in runs.items():
        values = [r[key] for r in series] if series and isinstance(series[0], dict) else series
        ax.plot(range(1, len(values) + 1), values, label=str(label))
    ax.set(title=title or key, xlabel=xlabel, ylabel=key)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)
