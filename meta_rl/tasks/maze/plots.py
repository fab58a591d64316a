"""Figures of the maze: steps per search along the episode, every seed shown."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish

PLAYER_STYLES = {"oracle": ("#2ca02c", ":"), "explorer": ("#1f77b4", "--"), "random walk": ("#7f7f7f", "-.")}


def _curve(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], float)


def plot_steps_by_search(summary: dict, path: str | Path | None = None):
    """``reference.summarize``'s summary: one panel per level, the mean steps of the k-th find
    of an episode (k = 1 the first) for every seed of the agent (thin) and their mean (thick),
    its memoryless control (orange) and the players, on a log scale (Wang et al. 2016, Fig. 7's
    measure: the first find is exploration, the later ones recall)."""
    levels = [n for n, rs in summary["run_sets"].items() if not rs["memoryless"]]
    fig, axes = plt.subplots(1, len(levels), figsize=(4.6 * len(levels), 3.6), squeeze=False)
    for ax, name in zip(axes[0], levels):
        rs = summary["run_sets"][name]
        control = summary["run_sets"].get(f"{name}-memoryless")
        for label, run_set, color in (("agent", rs, "black"), ("memoryless control", control, "#ff7f0e")):
            if run_set is None:
                continue
            curves = np.array([_curve(s["steps_by_search"]) for s in run_set["per_seed"]])
            finds = np.arange(1, curves.shape[1] + 1)
            for curve in curves:
                ax.plot(finds, curve, color=color, linewidth=0.6, alpha=0.35)
            ax.plot(finds, np.nanmean(curves, axis=0), color=color, linewidth=2, marker="o", markersize=3,
                    label=f"{label} ({len(curves)} seeds)")
        for player, (color, style) in PLAYER_STYLES.items():
            curve = _curve(rs["players_steps_by_search"][player])
            ax.plot(np.arange(1, len(curve) + 1), curve, color=color, linestyle=style, label=player)
        ax.set_yscale("log")
        ax.set_xlabel("find within the episode")
        ax.set_ylabel("steps from the (re)spawn")
        ax.set_title(f"{name}: {rs['layout']}, {rs['episode_steps']} steps", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return finish(fig, True, path)
