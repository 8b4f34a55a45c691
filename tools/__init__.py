"""Plotting and VisualDL logging for the chapters. ``from tools import plot`` as in the course."""

from .plot import plot, plot_comparison, plot_history

__all__ = ["plot", "plot_history", "plot_comparison"]
