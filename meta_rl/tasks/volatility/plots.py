"""Figures of the volatility task: the fitted learning rates per phase, and choices after
the volatile phase's reversals."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish, plot_aligned


def plot_learning_rates(fits: dict[str, list[dict]], path: str | Path | None = None):
    """The delta rule's learning rate per phase with 95 % intervals: ``fits`` maps a player
    to one dict per seed with ``alpha_stable``, ``alpha_volatile`` and their ``intervals``.
    Each seed is a line from its stable to its volatile rate (Wang et al. 2018, Fig. 3)."""
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, seeds) in enumerate(fits.items()):
        color = cycle[i % len(cycle)]
        offset = 0.06 * (i - (len(fits) - 1) / 2)
        for k, fit in enumerate(seeds):
            values = [fit["alpha_stable"], fit["alpha_volatile"]]
            lows = [fit["intervals"]["alpha_stable"][0], fit["intervals"]["alpha_volatile"][0]]
            highs = [fit["intervals"]["alpha_stable"][1], fit["intervals"]["alpha_volatile"][1]]
            x = np.array([0, 1]) + offset
            name = f"{label} ({len(seeds)} seed{'s' if len(seeds) > 1 else ''})"
            ax.errorbar(x, values, yerr=[np.subtract(values, lows), np.subtract(highs, values)], color=color,
                        marker="o", markersize=3, capsize=2, linewidth=1, label=name if k == 0 else None)
    ax.set_xticks([0, 1], ["stable phase", "volatile phase"])
    ax.set_xlim(-0.4, 1.4)
    ax.set_ylabel("fitted learning rate α (95 % CI)")
    ax.set_title("delta rule fitted to the choices, one learning rate per phase", fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_reversal_aligned(curves: dict[str, np.ndarray], path: str | Path | None = None):
    """P(choosing the newly better option) after each volatile reversal: ``curves`` maps a
    player to ``[seeds, window]``; mean across seeds with ± 1 s.e. bands."""
    return plot_aligned(curves, "trials since the better option reversed (volatile phase)",
                        "P(choose the newly better option)", path)
