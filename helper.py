"""Shared plotting for the notebooks: figures are saved (optionally) and always closed."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.analysis import BINS

BAR_LABELS = ("common\nrewarded", "common\nunrewarded", "uncommon\nrewarded",
              "uncommon\nunrewarded")


def plot_stay_probabilities(per_seed: np.ndarray, title: str = "", references: dict | None = None,
                            path: str | Path | None = None, ax=None):
    """Bars = mean over seeds of the four stay probabilities, one dot per seed.

    ``per_seed`` is ``[n_seeds, 4]`` in ``meta_rl.analysis.BINS`` order; ``references``
    maps a label to four values drawn as markers beside the bars (e.g. the paper's).
    Saves to ``path`` if given and closes the figure it made; returns the figure.
    """
    per_seed = np.atleast_2d(np.asarray(per_seed, float))
    own = ax is None
    fig, ax = plt.subplots(figsize=(5, 3.6)) if own else (ax.figure, ax)
    x = np.arange(len(BINS))
    colors = ["#1f77b4", "#aec7e8", "#d62728", "#ff9896"]
    ax.bar(x, per_seed.mean(axis=0), color=colors, edgecolor="black", width=0.6,
           label=f"mean of {len(per_seed)} seed{'s' if len(per_seed) > 1 else ''}")
    rng = np.random.default_rng(0)  # fixed jitter so the figure is reproducible
    for row in per_seed:
        ax.scatter(x + rng.uniform(-0.12, 0.12, len(x)), row, color="black", s=12, zorder=3)
    for (label, values), marker in zip((references or {}).items(), ("D", "s", "^")):
        ax.scatter(x + 0.38, values, marker=marker, s=28, zorder=3, label=label,
                   facecolor="white", edgecolor="black")
    ax.set_xticks(x, BAR_LABELS, fontsize=8)
    ax.set_ylim(0.0, 1.05)
    ax.set_ylabel("stay probability")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower center")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    if own:
        plt.close(fig)
    return fig
