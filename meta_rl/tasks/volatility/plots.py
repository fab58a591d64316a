"""Figures of the volatility task: choices after the volatile phase's reversals (the fitted
learning rates per phase: ``meta_rl.plotting.plot_learning_rates``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meta_rl.plotting import plot_aligned


def plot_reversal_aligned(curves: dict[str, np.ndarray], path: str | Path | None = None):
    """P(choosing the newly better option) after each volatile reversal: ``curves`` maps a
    player to ``[seeds, window]``; mean across seeds with ± 1 s.e. bands."""
    return plot_aligned(curves, "trials since the better option reversed (volatile phase)",
                        "P(choose the newly better option)", path)
