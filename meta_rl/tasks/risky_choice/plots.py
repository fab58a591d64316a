"""Figure of the risky-choice task (Stopper et al. 2014; Wang et al. 2018, Fig. 7): risky
choice by block probability in each condition."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish

CONDITION_COLORS = {"control": "k", "stimulation": "tab:blue", "inhibition": "tab:orange"}


def plot_risky_choice(curves: dict[str, np.ndarray], probs, path: str | Path | None = None):
    """Fraction of risky choices by block probability: ``curves`` maps a condition (or a
    player) to ``[seeds, len(probs)]``; mean across seeds ± s.e."""
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    x = np.arange(len(probs))
    for label, per_seed in curves.items():
        per_seed = np.atleast_2d(per_seed)
        mean = per_seed.mean(axis=0)
        se = per_seed.std(axis=0, ddof=1) / np.sqrt(len(per_seed)) if len(per_seed) > 1 else None
        ax.errorbar(x, mean, yerr=se, marker="o", capsize=3, color=CONDITION_COLORS.get(label),
                    linestyle="-" if label in CONDITION_COLORS else ":",
                    label=f"{label} ({len(per_seed)} seed{'s' if len(per_seed) > 1 else ''})")
    ax.set_xticks(x, [f"{p:g}" for p in probs])
    ax.set_xlabel("P(the risky lever pays) in the block")
    ax.set_ylabel("fraction of risky choices")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, True, path)
