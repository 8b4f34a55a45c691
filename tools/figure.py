"""What every figure shares: axis labels with their units, log axes where values span orders of
magnitude, titles that fit, and saving (a PNG written atomically and recorded in its run folder)."""

import io
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.manifest import written

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


def wants_log(values):
    """True when positive values span orders of magnitude (one spike would flatten the rest)."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 1 and v.min() > 0 and np.log10(v.max() / v.min()) > ORDERS_OF_MAGNITUDE


def epochs_axis(ax):
    """Whole numbers on an epoch/step axis (not 0.96 ... 1.04 for a one-epoch run)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def set_title(ax_or_fig, text):
    """A title wrapped to the figure's width (~8 characters an inch at the title's size), so a
    long one is not cut off at the edge."""
    fig = ax_or_fig if hasattr(ax_or_fig, "suptitle") else ax_or_fig.figure
    text = "\n".join(textwrap.wrap(text, max(30, int(fig.get_figwidth() * 8))))
    if ax_or_fig is fig:
        ax_or_fig.suptitle(text)
    else:
        ax_or_fig.set_title(text)


def legend(ax, n):
    """Beside the axes when there are many curves (inside, it would hide some of them)."""
    if n > 5:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    elif n:
        ax.legend(fontsize=9)


def save(fig, path):
    """The figure as a PNG at ``path``, recorded in its run folder and written atomically (a
    killed run leaves the previous figure or the new one, never half of one)."""
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110)
    plt.close(fig)
    return write_bytes(written(Path(path)), png.getvalue())
