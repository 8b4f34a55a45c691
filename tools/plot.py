"""Figures as PNG files, headless (matplotlib's ``Agg`` backend): every function saves its figure
and returns the path it wrote, so scripts can print where to look."""

import io
import textwrap
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display needed; must precede pyplot's import
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from paddle_course.runtime.atomic import write_bytes  # noqa: E402
from paddle_course.runtime.manifest import written  # noqa: E402

# What a history key means, with its unit, for axis labels and titles (a key not listed is
# shown as it is): "val_acc" tells a learner less than "validation accuracy (fraction correct)".
LABELS = {
    "acc": "accuracy (fraction correct)",
    "binary_acc": "accuracy (fraction correct)",
    "loss": "loss (mean per sample)",
    "map": "mAP@0.5 (0-1)",
    "auc": "ROC AUC (0-1)",
    "rmse": "RMSE (rating stars)",
    "mae": "MAE (rating stars)",
    "lr": "learning rate",
}
SPLITS = {"train": "training", "val": "validation", "test": "test"}
ORDERS_OF_MAGNITUDE = 1.5  # a loss axis spanning more (a factor ~30) is drawn on a log scale


def label(key):
    """``"val_acc"`` -> ``"validation accuracy (fraction correct)"``; ``"lr"`` -> ``"learning
    rate"``; an unknown key as it is."""
    split, _, metric = key.partition("_")
    if split in SPLITS and metric:
        return f"{SPLITS[split]} {LABELS.get(metric, metric)}"
    return LABELS.get(key, key)


def _wants_log(values):
    """True when positive values span orders of magnitude (one spike would flatten the rest)."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 1 and v.min() > 0 and np.log10(v.max() / v.min()) > ORDERS_OF_MAGNITUDE


def _epochs_axis(ax):
    """Whole numbers on an epoch/step axis (not 0.96 ... 1.04 for a one-epoch run)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _title(ax_or_fig, text):
    """A title wrapped to the figure's width (~8 characters an inch at the title's size), so a
    long one is not cut off at the edge."""
    fig = ax_or_fig if hasattr(ax_or_fig, "suptitle") else ax_or_fig.figure
    text = "\n".join(textwrap.wrap(text, max(30, int(fig.get_figwidth() * 8))))
    if ax_or_fig is fig:
        ax_or_fig.suptitle(text)
    else:
        ax_or_fig.set_title(text)


def _legend(ax, n):
    """Beside the axes when there are many curves (inside, it would hide some of them)."""
    if n > 5:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    elif n:
        ax.legend(fontsize=9)


def _save(fig, path):
    """The figure as a PNG at ``path``, recorded in its run folder and written atomically (a
    killed run leaves the previous figure or the new one, never half of one)."""
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110)
    plt.close(fig)
    return write_bytes(written(Path(path)), png.getvalue())


def plot(loss_list, path="loss.png", title="training loss", xlabel="iteration", ylabel="loss"):
    """The course's ``plot(loss_list)``: one loss curve (log y when it spans orders of
    magnitude)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(len(loss_list)), loss_list, marker="." if len(loss_list) < 30 else None)
    log = _wants_log(loss_list)
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""))
    _title(ax, title)
    if log:
        ax.set_yscale("log")
    _epochs_axis(ax)
    ax.grid(alpha=0.3, which="both")
    return _save(fig, path)


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
        log = metric == "loss" and _wants_log(values)
        name = LABELS.get(metric, metric)
        ax.set(
            title=f"{name.split(' (')[0]} per epoch",
            xlabel="epoch",
            ylabel=name + (" (log scale)" if log else ""),
        )
        if log:
            ax.set_yscale("log")
        _epochs_axis(ax)
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    return _save(fig, path)


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
    log = "loss" in key and _wants_log(everything)
    ylabel = ylabel or label(key)
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""))
    _title(ax, title or f"{ylabel.split(' (')[0]} per {xlabel}")
    if log:
        ax.set_yscale("log")
    _epochs_axis(ax)
    ax.grid(alpha=0.3, which="both")
    _legend(ax, len(runs))
    return _save(fig, path)


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
        _title(fig, title)
    return _save(fig, path)


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
    log = _wants_log(losses)  # the first steps' loss can be 50x the lowest
    ax.set(
        xscale="log",
        yscale="log" if log else "linear",
        title="LR range test",
        xlabel="learning rate (log scale)",
        ylabel="training loss (smoothed" + (", log scale)" if log else ")"),
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return _save(fig, path)


def plot_surface(a, b, values, path, xlabel, ylabel, title="loss surface"):
    """A 3-D surface of ``values[i, j]`` over the grid ``a[i]`` x ``b[j]`` (the course's figure)."""
    import numpy as np

    fig = plt.figure(figsize=(7, 5))
    ax = fig.add_subplot(projection="3d")
    A, B = np.meshgrid(a, b, indexing="ij")
    ax.plot_surface(
        A, B, values, cmap="rainbow", rstride=max(1, len(a) // 80), cstride=max(1, len(b) // 80)
    )
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, zlabel="loss")
    return _save(fig, path)


def plot_paths(f, paths, path, xlim, ylim, title="optimizer paths"):
    """Paths of 2-D optimizers over the contours of ``f``, which takes one point ``(x, y)`` (here a
    pair of grids): ``paths`` maps a label to an array of points ``[steps + 1, 2]``."""
    import numpy as np

    xs, ys = np.linspace(*xlim, 200), np.linspace(*ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    n = len(paths)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.4), squeeze=False)
    for ax, (name, pts) in zip(axes[0], paths.items()):
        ax.contour(X, Y, f((X, Y)), levels=20, cmap="Greys", linewidths=0.6)
        ax.plot(pts[:, 0], pts[:, 1], "o-", color="tab:red", markersize=2.5, linewidth=1)
        ax.plot(0, 0, "+", color="black", markersize=10)
        ax.set(title=name, xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")
    _title(fig, title)
    return _save(fig, path)


def tile(images, cols=8, pad=2):
    """Images ``[N, H, W]`` (any scale) as one uint8 grid ``[rows*(H+pad), cols*(W+pad)]``, e.g.
    for VisualDL's image view."""
    import numpy as np

    images = np.asarray(images, dtype=np.float64)
    lo, hi = images.min(), images.max()
    images = (images - lo) / (hi - lo) if hi > lo else np.zeros_like(images)
    n, h, w = images.shape
    rows = -(-n // cols)
    grid = np.zeros((rows * (h + pad), cols * (w + pad)))
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        grid[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = img
    return (grid * 255).astype(np.uint8)


def plot_digits(images, titles, path, cols=8):
    """Digits ``[N, 28, 28]`` in a grid, each with a title (e.g. "7 -> 1": label -> predicted)."""
    n = len(images)
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.5 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, img, title in zip(axes.ravel(), images, titles):
        ax.imshow(img, cmap="gray")
        ax.set_title(title, fontsize=8)
    return _save(fig, path)


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
    _title(ax, title or ylabel)
    lo = min(groups[g][s][0] for g in labels for s in series)
    ax.set_ylim(max(0, lo - 0.05), None)
    ax.grid(alpha=0.3, axis="y")
    ax.legend()
    return _save(fig, path)


def plot_curves(curves, path, xlabel, ylabel, title, diagonal=False):
    """Curves ``{label: (x, y)}`` on one axis (ROC, precision-recall...); ``diagonal`` draws the
    chance line y = x."""
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for label, (x, y) in curves.items():
        ax.plot(x, y, label=label, drawstyle="default")
    if diagonal:
        ax.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return _save(fig, path)


def plot_images(images, path, cols=4):
    """Images ``{title: array}`` in a grid: ``[H, W]`` in grey (any scale), ``[H, W, 3]`` in colour
    (values in [0, 1])."""
    n = len(images)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.3 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (title, img) in zip(axes.ravel(), images.items()):
        ax.imshow(img, cmap=None if img.ndim == 3 else "gray")
        ax.set_title(title, fontsize=9)
    return _save(fig, path)


def plot_heatmaps(panels, rows, cols, path, xlabel, ylabel, title=None, fmt="{:.2f}"):
    """Side-by-side grids of numbers ``{panel title: array [len(rows), len(cols)]}``, each cell
    coloured and annotated (NaN cells show "NaN")."""
    import numpy as np

    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (name, values) in zip(axes[0], panels.items()):
        values = np.asarray(values, dtype=np.float64)
        ax.imshow(np.nan_to_num(values, nan=0.0), cmap="viridis", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(values):
            ax.text(
                j,
                i,
                "NaN" if np.isnan(v) else fmt.format(v),
                ha="center",
                va="center",
                color="white" if np.isnan(v) or v < 0.6 else "black",
                fontsize=9,
            )
        ax.set_xticks(range(len(cols)), [str(c) for c in cols])
        ax.set_yticks(range(len(rows)), [str(r) for r in rows])
        ax.set(title=name, xlabel=xlabel, ylabel=ylabel)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


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
    return _save(fig, path)


def plot_detections(panels, path, cols=4, class_names=None):
    """Images with boxes: ``panels`` is a list of ``(title, image, boxes)``, the image ``[H, W]``
    grey or ``[H, W, 3]`` uint8, ``boxes`` a list of ``(xyxy in pixels, class, score or None)``:
    ground truth (score None) in dashed green, detections in solid red with "class score" (no
    label when the class is None)."""
    from matplotlib.patches import Rectangle

    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.7 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (title, image, boxes) in zip(axes.ravel(), panels):
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
        ax.set(xlim=(0, image.shape[1]), ylim=(image.shape[0], 0))  # boxes past the edge: cut
        for (x1, y1, x2, y2), cls, score in boxes:
            truth = score is None
            ax.add_patch(
                Rectangle(
                    (x1, y1),
                    x2 - x1,
                    y2 - y1,
                    fill=False,
                    lw=1.4,
                    ls="--" if truth else "-",
                    color="lime" if truth else "red",
                )
            )
            if not truth and cls is not None:
                name = class_names[cls] if class_names else cls
                ax.text(
                    x1,
                    y1,
                    f"{name} {score:.2f}",
                    color="white",
                    fontsize=7,
                    va="bottom",
                    bbox=dict(facecolor="red", alpha=0.6, pad=1, lw=0),
                )
        ax.set_title(title, fontsize=9, pad=8)
    return _save(fig, path)


def plot_scatter(groups, path, xlabel, ylabel, title):
    """Points ``{label: [N, 2]}`` on one axis: the first group as small dots (the data), the
    others as large markers (what was fitted to it: anchors, centroids)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for k, (label, points) in enumerate(groups.items()):
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if k == 0:
            ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.3, color="grey", label=label)
        else:
            ax.scatter(points[:, 0], points[:, 1], s=70, marker="XoD^"[k % 4], label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)
