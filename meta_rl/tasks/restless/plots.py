"""Figures of the restless bandits: every player's regret per volatility level."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish
from meta_rl.tasks.restless.env import LEVELS


def plot_regret(summary: dict, path: str | Path | None = None):
    """``reference.summarize``'s summary: mean regret per episode at each volatility level, the
    agent's seeds as dots over its mean, each player's mean over the same seeds' episodes
    (± 1 s.e. across seeds)."""
    seeds = summary["per_seed"]
    players = ["agent", *seeds[0]["players"]]
    players = [p for p in players if p != "random"]  # five times the others': it would flatten the plot
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.8 / len(players)
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, player in enumerate(players):
        color = "black" if player == "agent" else cycle[i % len(cycle)]
        for j, level in enumerate(LEVELS):
            values = np.array([(s if player == "agent" else s["players"][player])["regret"][level]
                               for s in seeds])
            x = j + (i - (len(players) - 1) / 2) * width
            se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0
            ax.bar(x, values.mean(), width, yerr=se, color=color, alpha=0.35 if player == "agent" else 0.9,
                   label=player if j == 0 else None, capsize=2)
            if player == "agent":
                ax.plot(np.full(len(values), x), values, "k.", markersize=3)
    ax.set_xticks(range(len(LEVELS)), [f"{level} volatility" for level in LEVELS])
    ax.set_ylabel("regret per episode (100 pulls)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)
