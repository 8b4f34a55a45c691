"""Figures as PNG files, headless (matplotlib's ``Agg`` backend): every function saves its figure
and returns the path it wrote, so scripts can print where to look."""

import matplotlib.pyplot as plt
import numpy as np

from tools.figure import LABELS, SPLITS, epochs_axis, label, legend, save, set_title, wants_log


def plot(loss_list, path="loss.png", title="training loss", xlabel="iteration", ylabel="loss"):
    """The course's ``plot(loss_list)``: one loss curve (log y when it spans orders of
    magnitude)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(len(loss_list)), loss_list, marker="." if len(loss_list) < 30 else None)
    log = wants_log(loss_list)
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""))
    set_title(ax, title)
    if log:
        ax.set_yscale("log")
    epochs_axis(ax)
    ax.grid(alpha=0.3, which="both")
    return save(fig, path)


def plot_history(history, path):
    """Train/validation loss and every metric the run tracked (``train_acc``/``val_acc``,
    ``val_map``...), one panel each, per epoch from a run's history (``metrics.json``)."""
    epochs = [r["epoch"] for r in history]
    tracked = {k.split("_", 1)[1] for r in history for k in r if k.startswith(("train_", "val_"))}
    panels = ["loss"] + sorted(tracked - {"loss"})
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for ax, metric in zip(axes[0], panels):
        values = []
        for split in ("train", "val"):
            key = f"{split}_{metric}"
            if any(key in r for r in history):
                series = [r.get(key) for r in history]
                values += series
                ax.plot(epochs, series, marker=".", label=SPLITS[split])
        log = metric == "loss" and wants_log(values)
        name = LABELS.get(metric, metric)
        ax.set(
            title=f"{name.split(' (')[0]} per epoch",
            xlabel="epoch",
            ylabel=name + (" (log scale)" if log else ""),
        )
        if log:
            ax.set_yscale("log")
        epochs_axis(ax)
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    return save(fig, path)


def plot_comparison(runs, path, key="val_acc", title=None, xlabel="epoch", ylabel=None):
    """Several runs side by side: ``runs`` maps a label to a history (list of epoch records)
    or to a plain list of values; ``key`` picks the value from each record. Points are marked
    when there are few (a one-epoch run is a dot, not an invisible line), a loss spanning
    orders of magnitude goes on a log axis, many runs get their legend beside the axes."""
    fig, ax = plt.subplots(figsize=(7.5 if len(runs) > 5 else 7, 4.5))
    everything = []
    for name, series in runs.items():
        values = [r[key] for r in series] if series and isinstance(series[0], dict) else series
        everything += list(values)
        ax.plot(
            range(1, len(values) + 1),
            values,
            label=str(name),
            marker="." if len(values) <= 30 else None,
        )
    log = "loss" in key and wants_log(everything)
    ylabel = ylabel or label(key)
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""))
    set_title(ax, title or f"{ylabel.split(' (')[0]} per {xlabel}")
    if log:
        ax.set_yscale("log")
    epochs_axis(ax)
    ax.grid(alpha=0.3, which="both")
    legend(ax, len(runs))
    return save(fig, path)


def moving_average(values, window):
    """The mean of each ``window`` consecutive values (``len - window + 1`` of them)."""
    values = np.asarray(values, dtype=float)
    if window <= 1 or len(values) < window:
        return values
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_panels(panels, path, xlabel, ylabel, log=False, smooth=1, title=None):
    """One idea per panel: ``panels`` maps a panel title to ``{label: values}``. With ``smooth``
    > 1 each curve is drawn faintly as measured and boldly as its ``smooth``-point moving
    average (noisy per-batch losses); ``log`` puts y on a log scale (values spanning orders of
    magnitude, where one spike would flatten the others on a linear axis)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
    for ax, (name, curves) in zip(axes[0], panels.items()):
        smoothed = False
        for curve, values in curves.items():
            values = np.asarray(values, dtype=float)
            window = smooth if len(values) >= smooth else 1  # a short run: as measured
            (line,) = ax.plot(
                range(1, len(values) + 1),
                values,
                alpha=0.25 if window > 1 else 1,
                linewidth=0.8,
                label=None if window > 1 else str(curve),
            )
            if window > 1:
                smoothed = True
                mean = moving_average(values, window)  # point i: the mean up to batch i
                ax.plot(
                    range(window, window + len(mean)),
                    mean,
                    color=line.get_color(),
                    label=str(curve),
                )
        ax.set(
            title=name,
            xlabel=xlabel,
            ylabel=ylabel
            + (f" ({smooth}-point mean)" if smoothed else "")
            + (", log scale" if log else ""),
        )
        if log:
            ax.set_yscale("log")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    if title:
        set_title(fig, title)
    return save(fig, path)


def plot_lr_range(rates, losses, suggestion, path):
    """The LR range test as it is read: the (smoothed) loss against the learning rate on a log
    axis, the lowest loss and the suggested rate marked."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.plot(rates, losses, label="loss (smoothed)")
    low = int(np.argmin(losses))
    ax.plot(rates[low], losses[low], "o", color="grey", label=f"lowest loss at {rates[low]:.2g}")
    ax.axvline(
        suggestion, color="tab:red", linestyle="--", label=f"suggested rate {suggestion:.2g}"
    )
    log = wants_log(losses)  # the first steps' loss can be 50x the lowest
    ax.set(
        xscale="log",
        yscale="log" if log else "linear",
        title="LR range test",
        xlabel="learning rate (log scale)",
        ylabel="training loss (smoothed" + (", log scale)" if log else ")"),
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return save(fig, path)


def plot_bars(groups, path, ylabel, title=None, xlabel=None):
    """Grouped bars: ``groups`` maps a label to ``{series: (value, error or None)}``; error bars
    are drawn for the series that have errors; ``xlabel`` says what the groups are."""
    labels = list(groups)
    series = list(next(iter(groups.values())))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(1.6 * len(labels) + 2, 4))
    for i, name in enumerate(series):
        values = [groups[g][name][0] for g in labels]
        errors = [groups[g][name][1] for g in labels]
        errors = None if all(e is None for e in errors) else [e or 0 for e in errors]
        ax.bar(
            np.arange(len(labels)) + i * width, values, width, yerr=errors, capsize=3, label=name
        )
    ax.set_xticks(np.arange(len(labels)) + width * (len(series) - 1) / 2, labels)
    ax.set(ylabel=ylabel, xlabel=xlabel or "")
    set_title(ax, title or ylabel)
    lo = min(groups[g][s][0] for g in labels for s in series)
    ax.set_ylim(max(0, lo - 0.05), None)
    ax.grid(alpha=0.3, axis="y")
    ax.legend()
    return save(fig, path)


def plot_curves(curves, path, xlabel, ylabel, title, diagonal=False):
    """Curves ``{label: (x, y)}`` on one axis (ROC, precision-recall...); ``diagonal`` draws the
    chance line y = x."""
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for name, (x, y) in curves.items():
        ax.plot(x, y, label=name, drawstyle="default")
    if diagonal:
        ax.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return save(fig, path)


def plot_distributions(panels, path, cols=3, title=None):
    """One panel per distribution: ``{title: (labels, counts, xlabel, log)}`` drawn as bars
    (``labels`` categories or bin edges' left ends), the count axis logarithmic when ``log``
    (counts that span orders of magnitude, such as ratings per movie)."""
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.ravel()[len(panels) :]:
        ax.axis("off")
    for ax, (name, (labels, counts, xlabel, log)) in zip(axes.ravel(), panels.items()):
        ax.bar(range(len(counts)), counts, color="tab:blue")
        turn = len(labels) > 8 or any(len(str(x)) > 3 for x in labels)
        ax.set_xticks(
            range(len(labels)),
            [str(x) for x in labels],
            fontsize=8,
            rotation=55 if turn else 0,
            ha="right" if turn else "center",
            rotation_mode="anchor",
        )
        ax.set(title=name, xlabel=xlabel, ylabel="count (log scale)" if log else "count")
        if log:
            ax.set_yscale("log")
        ax.grid(alpha=0.3, axis="y")
    if title:
        fig.suptitle(title)
    return save(fig, path)


def plot_scatter(groups, path, xlabel, ylabel, title):
    """Points ``{label: [N, 2]}`` on one axis: the first group as small dots (the data), the
    others as large markers (what was fitted to it: anchors, centroids)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for k, (name, points) in enumerate(groups.items()):
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if k == 0:
            ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.3, color="grey", label=name)
        else:
            ax.scatter(points[:, 0], points[:, 1], s=70, marker="XoD^"[k % 4], label=name)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig, path)
