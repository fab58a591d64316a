"""Figures of the informative-arm task: the reward of every player, and what the agent pulls
at each of the five pulls, on the trained task and the held-out variants."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish

CHOICE_COLORS = {"informative": "#d62728", "target": "#2ca02c", "other": "#bbbbbb"}


def plot_choices(summary: dict, path: str | Path | None = None):
    """``reference.summarize``'s summary: the reward per episode of the agent's seeds (dots)
    and of each player, then per condition the share of episodes pulling the informative arm,
    the target or another arm at each pull (mean over seeds)."""
    conditions = summary["conditions"]
    fig, axes = plt.subplots(1, 1 + len(conditions), figsize=(3.3 * (1 + len(conditions)), 3.4))
    trained_name, trained = next(iter(conditions.items()))
    ax = axes[0]
    players = list(trained["players"])
    rewards = [s["reward"] for s in trained["per_seed"]]
    ax.bar(0, np.mean(rewards), color="black", alpha=0.25)
    ax.plot(np.zeros(len(rewards)) + np.linspace(-0.2, 0.2, len(rewards)), rewards, "k.", markersize=5)
    ax.bar(np.arange(1, len(players) + 1), [trained["players"][p]["reward"] for p in players],
           color="#1f77b4")
    ax.axhline(trained["optimal_expected"], color="grey", linestyle="--", linewidth=1)
    ax.set_xticks(np.arange(len(players) + 1), ["agent", *players], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("reward per episode")
    ax.set_title(f"{trained_name} ({len(rewards)} seeds)", fontsize=9)
    for ax, (name, c) in zip(axes[1:], conditions.items()):
        shares = {k: np.mean([s["choices_by_pull"][k] for s in c["per_seed"]], axis=0) for k in CHOICE_COLORS}
        pulls = np.arange(1, len(shares["target"]) + 1)
        bottom = np.zeros(len(pulls))
        for k, color in CHOICE_COLORS.items():
            ax.bar(pulls, shares[k], bottom=bottom, color=color, label=f"{k} arm")
            bottom += shares[k]
        ax.set_xlabel("pull")
        ax.set_ylim(0, 1)
        ax.set_title(name, fontsize=9)
    axes[1].set_ylabel("share of episodes (agent)")
    axes[1].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return finish(fig, True, path)
