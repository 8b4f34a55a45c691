"""Figures of images and maps: digits and photos in a grid, feature maps as heat maps, boxes on
scenes, a loss surface and optimizer paths over it."""

import matplotlib.pyplot as plt
import numpy as np

from tools.figure import save, set_title


def plot_surface(a, b, values, path, xlabel, ylabel, title="loss surface"):
    """A 3-D surface of ``values[i, j]`` over the grid ``a[i]`` x ``b[j]`` (the course's figure)."""

    fig = plt.figure(figsize=(7, 5))
    ax = fig.add_subplot(projection="3d")
    A, B = np.meshgrid(a, b, indexing="ij")
    ax.plot_surface(
        A, B, values, cmap="rainbow", rstride=max(1, len(a) // 80), cstride=max(1, len(b) // 80)
    )
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, zlabel="loss")
    return save(fig, path)


def plot_paths(f, paths, path, xlim, ylim, title="optimizer paths"):
    """Paths of 2-D optimizers over the contours of ``f``, which takes one point ``(x, y)`` (here a
    pair of grids): ``paths`` maps a label to an array of points ``[steps + 1, 2]``."""

    xs, ys = np.linspace(*xlim, 200), np.linspace(*ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    n = len(paths)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.4), squeeze=False)
    for ax, (name, pts) in zip(axes[0], paths.items()):
        ax.contour(X, Y, f((X, Y)), levels=20, cmap="Greys", linewidths=0.6)
        ax.plot(pts[:, 0], pts[:, 1], "o-", color="tab:red", markersize=2.5, linewidth=1)
        ax.plot(0, 0, "+", color="black", markersize=10)
        ax.set(title=name, xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")
    set_title(fig, title)
    return save(fig, path)


def tile(images, cols=8, pad=2):
    """Images ``[N, H, W]`` (any scale) as one uint8 grid ``[rows*(H+pad), cols*(W+pad)]``, e.g.
    for VisualDL's image view."""

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
    return save(fig, path)


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
    return save(fig, path)


def plot_heatmaps(panels, rows, cols, path, xlabel, ylabel, title=None, fmt="{:.2f}"):
    """Side-by-side grids of numbers ``{panel title: array [len(rows), len(cols)]}``, each cell
    coloured and annotated (NaN cells show "NaN")."""

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
    return save(fig, path)


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
    return save(fig, path)
