import importlib

import matplotlib.pyplot as plt
import numpy as np
import pytest
from visualdl import LogReader

from tools.figure import label
from tools.images import plot_paths
from tools.plot import (
    moving_average,
    plot,
    plot_bars,
    plot_comparison,
    plot_history,
    plot_lr_range,
    plot_panels,
)
from tools.vdl import VisualDLLogger


def _scalars(logdir, tag):
    (f,) = list(logdir.glob("vdlrecords.*"))
    return [(r.id, r.value) for r in LogReader(file_path=str(f)).get_data("scalar", tag)]


def test_vdl_curves_continue_across_a_resume(tmp_path):
    log = VisualDLLogger(tmp_path)
    for step in range(1, 9):
        log.scalar("train/loss", step, step)
    log.close()
    # resumed from a checkpoint at step 5: points 6-8 of the crashed session are dropped
    log = VisualDLLogger(tmp_path, resume_step=5)
    for step in range(6, 8):
        log.scalar("train/loss", 100 + step, step)
    log.close()
    assert _scalars(tmp_path, "train/loss") == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 5),
        (6, 106),
        (7, 107),
    ]


def test_vdl_histograms_and_images(tmp_path):
    import numpy as np

    log = VisualDLLogger(tmp_path)
    log.histogram("conv1/weight", np.random.RandomState(0).randn(100), 3)
    log.image("digit", (np.arange(28 * 28).reshape(28, 28) % 256).astype(np.uint8), 3)
    log.close()
    (f,) = list(tmp_path.glob("vdlrecords.*"))
    reader = LogReader(file_path=str(f))
    tags = reader.get_tags()
    assert tags["histogram"] == ["conv1/weight"] and tags["image"] == ["digit"]
    assert [r.id for r in reader.get_data("histogram", "conv1/weight")] == [3]


def test_vdl_off_writes_nothing_and_says_so(tmp_path, capsys):
    log = VisualDLLogger(tmp_path / "vdl", enabled=False)
    log.scalar("x", 1, 1)
    log.close()
    assert not (tmp_path / "vdl").exists() and not log.enabled
    assert "VisualDL: off" in capsys.readouterr().out


def test_moving_average_is_the_mean_of_each_window():
    assert moving_average([1, 2, 3, 4], 2).tolist() == [1.5, 2.5, 3.5]
    assert moving_average([1, 2], 5).tolist() == [1, 2]  # too short to smooth: as it is


def test_plots_are_written_as_png(tmp_path):
    history = [
        {"epoch": e, "train_loss": 1 / e, "train_acc": 0.5, "val_loss": 1.2 / e, "val_acc": 0.4}
        for e in range(1, 4)
    ]
    paths = [
        plot([3, 2, 1], tmp_path / "loss.png"),
        plot_history(history, tmp_path / "h.png"),
        plot_comparison({"a": history, "b": [0.1, 0.2]}, tmp_path / "c.png"),
        plot_panels(
            {"sweep": {"lr 0.1": [3, 2, 1, 30, 0.5]}, "others": {"adam": [2, 1, 0.5]}},
            tmp_path / "p.png",
            "batch",
            "loss",
            log=True,
            smooth=2,
        ),
        plot_lr_range([1e-5, 1e-3, 1e-1], [2.3, 1.0, 5.0], 1e-4, tmp_path / "r.png"),
    ]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def figures(monkeypatch):
    """Every figure the plotting functions save, kept open for inspection."""
    kept = []

    def keep(fig, path):
        fig.tight_layout()
        kept.append(fig)
        return path

    for name in ("tools.plot", "tools.images"):  # tools.plot is also the function plot()
        monkeypatch.setattr(importlib.import_module(name), "save", keep)
    yield kept
    for fig in kept:
        plt.close(fig)


def _readable(fig):
    """Each panel has a title (its own or the figure's), both axes are labelled."""
    suptitle = fig._suptitle.get_text() if fig._suptitle else ""
    for ax in fig.axes:
        assert ax.get_title() or suptitle, "a panel without a title"
        assert ax.get_xlabel() and ax.get_ylabel(), f"unlabelled axis in {ax.get_title()!r}"


def test_figures_are_readable(tmp_path, figures):
    """Issue 14: titles and labelled axes everywhere, keys spelled out with units, a spike of
    ~30x on a log axis, a one-epoch run visible as points, whole-number epochs."""
    one_epoch = [{"epoch": 1, "train_loss": 2.3, "val_loss": 2.1, "val_acc": 0.3}]
    spiky = [{"epoch": e, "val_loss": v} for e, v in enumerate([2.0, 60.0, 0.5, 0.4], 1)]
    plot_history(one_epoch, tmp_path / "h.png")
    plot_comparison({"a": one_epoch, "b": one_epoch}, tmp_path / "c.png")
    plot_comparison({"spiky": spiky}, tmp_path / "s.png", key="val_loss")
    plot([3, 2, 1], tmp_path / "l.png")
    plot_lr_range([1e-5, 1e-3, 1e-1], [30.0, 1.0, 0.5], 1e-3, tmp_path / "r.png")
    plot_panels(
        {"sweep": {"lr 0.1": [3, 2, 1, 30, 0.5]}}, tmp_path / "p.png", "batch", "loss", log=True
    )
    plot_bars(
        {"x": {"a": (1.0, 0.1)}}, tmp_path / "b.png", "accuracy (fraction correct)", xlabel="scheme"
    )
    plot_paths(
        lambda p: p[0] ** 2 + p[1] ** 2,
        {"sgd": np.zeros((3, 2))},
        tmp_path / "q.png",
        (-1, 1),
        (-1, 1),
    )
    for fig in figures:
        _readable(fig)
    history, comparison, spiked = (f.axes for f in figures[:3])
    assert history[0].get_ylabel() == "loss (mean per sample)"
    assert history[1].get_ylabel() == "accuracy (fraction correct)"
    assert comparison[0].get_ylabel() == "validation accuracy (fraction correct)"
    assert comparison[0].get_title() == "validation accuracy per epoch"
    assert all(line.get_marker() == "." for line in comparison[0].get_lines())
    assert [t for t in comparison[0].get_xticks() if 0.5 <= t <= 1.5] == [1]
    assert spiked[0].get_yscale() == "log" and "log scale" in spiked[0].get_ylabel()
    assert history[0].get_yscale() == "linear"  # 2.1-2.3: no need for a log axis
    lr_range = figures[4].axes[0]
    assert lr_range.get_xscale() == lr_range.get_yscale() == "log"


def test_labels_spell_out_keys():
    assert label("val_acc") == "validation accuracy (fraction correct)"
    assert label("train_loss") == "training loss (mean per sample)"
    assert label("lr") == "learning rate"
    assert label("running mean") == "running mean"  # unknown: as it is
