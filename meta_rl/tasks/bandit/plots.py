"""The bandits' figures: regret curves against the classical players, the generalisation
matrix, and example episodes."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish

PLAYER_STYLES = {"agent": ("black", "-"), "thompson": ("#1f77b4", "--"), "gittins": ("#2ca02c", "--"),
                 "ucb1": ("#ff7f0e", ":"), "epsilon-greedy": ("#9467bd", ":"), "random": ("grey", "-.")}


def plot_regret_curves(summary: dict, players: tuple[str, ...] | None = None,
                       path: str | Path | None = None):
    """Cumulative regret per trial, one panel per bandit family (``reference.summarize``'s
    summary): the meta-RL agent (mean over seeds) against every baseline."""
    configs = summary["configs"]
    fig, axes = plt.subplots(1, len(configs), figsize=(3.2 * len(configs), 3.3), squeeze=False)
    for ax, (name, c) in zip(axes[0], configs.items()):
        curves = c["cumulative_regret"]
        for player in players or curves:
            if player == "random":
                continue  # an order of magnitude above the others: it would flatten the plot
            color, style = PLAYER_STYLES.get(player, (None, "-"))
            y = np.asarray(curves[player])
            ax.plot(np.arange(1, len(y) + 1), y, color=color, linestyle=style,
                    linewidth=2 if player == "agent" else 1.2,
                    label=f"{'meta-RL agent' if player == 'agent' else player} ({y[-1]:.2f})")
        ax.set_title(f"{name.removeprefix('bandit-')} ({len(c['seeds'])} seed"
                     f"{'s' * (len(c['seeds']) > 1)})", fontsize=10)
        ax.set_xlabel("trial")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    axes[0, 0].set_ylabel("cumulative regret")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_generalisation(summary: dict, path: str | Path | None = None):
    """Agent's final regret relative to Thompson sampling: trained on a family (rows),
    tested on another (columns)."""
    gen = summary["generalisation"]
    rows, cols = list(gen), list(next(iter(gen.values())))
    ratio = np.array([[gen[r][c]["agent"] / gen[r][c]["thompson"] for c in cols] for r in rows])
    fig, ax = plt.subplots(figsize=(6.2, 0.6 * len(rows) + 1.8))
    image = ax.imshow(ratio, cmap="RdYlGn_r", vmin=0.5, vmax=1.5)
    for i in range(len(rows)):
        for j in range(len(cols)):
            ax.text(j, i, f"{ratio[i, j]:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(len(cols)), [c.removeprefix("bandit-") for c in cols], rotation=20)
    ax.set_yticks(range(len(rows)), [r.removeprefix("bandit-") for r in rows])
    ax.set_xlabel("tested on")
    ax.set_ylabel("trained on")
    ax.set_title("agent's regret / Thompson sampling's (< 1: better)", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    return finish(fig, True, path)


def plot_bandit_episodes(examples: dict[str, tuple[dict, np.ndarray]], path: str | Path | None = None):
    """One episode per panel: which lever was pulled on each trial (dot colour = reward) and
    the running fraction of pulls on the better lever."""
    fig, axes = plt.subplots(len(examples), 1, figsize=(8, 2.0 * len(examples)), squeeze=False)
    for ax, (label, (trials, p)) in zip(axes[:, 0], examples.items()):
        action, reward = np.asarray(trials["action"]), np.asarray(trials["reward"])
        t = np.arange(1, len(action) + 1)
        ax.scatter(t, action, c=np.where(reward > 0, "#2ca02c", "#d62728"), s=14, zorder=3)
        best = int(np.argmax(p))
        ax.set_yticks([0, 1], [f"left (p={p[0]:.2f})", f"right (p={p[1]:.2f})"])
        ax.set_ylim(-0.25, 1.25)
        ax.set_title(f"{label} agent: pulls (green: rewarded, red: not)", fontsize=10)
        ax.grid(alpha=0.3)
        share = ax.twinx()  # its own scale: a fraction, not a lever
        share.plot(t, np.cumsum(action == best) / t, color="grey", linewidth=1)
        share.set_ylim(-0.25, 1.25)
        share.set_yticks([0, 0.5, 1])
        share.set_ylabel("better lever\nso far", fontsize=7, color="grey")
    axes[-1, 0].set_xlabel("trial")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_k_armed(summary: dict, players: tuple[str, ...] = ("gittins", "thompson", "ucb1", "greedy"),
                 path: str | Path | None = None):
    """Expected total reward against the number of arms, one panel per episode length
    (``k_armed.summarize``'s summary): the agent (mean ± s.e. over seeds), our classical players
    and, as open markers, RL²'s agent and Gittins index from its Table 1."""
    cells = list(summary["cells"].values())
    lengths = sorted({c["n"] for c in cells})
    fig, axes = plt.subplots(1, len(lengths), figsize=(3.4 * len(lengths), 3.3), squeeze=False)
    for ax, n in zip(axes[0], lengths):
        row = sorted((c for c in cells if c["n"] == n), key=lambda c: c["k"])
        x = np.arange(len(row))
        seeds = [np.asarray(c["agent_per_seed"]) for c in row]
        se = [s.std(ddof=1) / np.sqrt(len(s)) if len(s) > 1 else 0.0 for s in seeds]
        ax.errorbar(x, [s.mean() for s in seeds], yerr=se, color="black", linewidth=2, capsize=3,
                    label="meta-RL agent (ours)")
        for player in players:
            color, style = PLAYER_STYLES.get(player, (None, "-"))
            ax.plot(x, [c["expected_reward"][player] for c in row], color=color, linestyle=style,
                    label=player)
        for column, marker in (("rl2", "o"), ("gittins", "s")):
            ax.plot(x, [c["paper"][column] if c["paper"] else np.nan for c in row], marker, mfc="none",
                    color="black" if column == "rl2" else PLAYER_STYLES["gittins"][0],
                    label=f"{'RL²' if column == 'rl2' else 'Gittins'} (Table 1)")
        ax.set_xticks(x, [str(c["k"]) for c in row])
        ax.set_xlabel("arms k")
        ax.set_title(f"n = {n} pulls", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("expected total reward per episode")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return finish(fig, True, path)
