"""Figures and VisualDL logging, the ground floor that lessons and the job share. ``from tools
import plot`` as in the course."""

import matplotlib

matplotlib.use("Agg")  # headless: no display needed; set before any module imports pyplot

from tools.plot import plot, plot_comparison, plot_history  # noqa: E402

__all__ = ["plot", "plot_history", "plot_comparison"]
