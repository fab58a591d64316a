"""The Harlow task's figures: accuracy by trial position, over training, and an animated
test episode."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.patches import Rectangle

from meta_rl.plotting import finish
from meta_rl.tasks.harlow.objects import render_objects

PAPER_HARLOW_TRIAL_2 = 0.975
"""Wang et al. 2018, Fig. 6c: about 97-98 % correct on trial 2 after training (read off)."""


def plot_harlow_accuracy(summary: dict, path: str | Path | None = None):
    """Accuracy by trial position on held-out objects: bars = mean over seeds, one dot per
    seed, one group per level; chance and the paper's trial-2 level as lines."""
    levels = summary["levels"]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    width = 0.8 / len(levels)
    trials = np.arange(1, 7)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, lv) in enumerate(levels.items()):
        x = trials - 0.4 + width * (i + 0.5)
        per_seed = np.array(lv["accuracy_by_trial_per_seed"])
        ax.bar(x, per_seed.mean(axis=0), width * 0.9, color=colors[i], alpha=0.75,
               label=f"{name.removeprefix('harlow-')} ({len(per_seed)} seed{'s' * (len(per_seed) > 1)})")
        for row in per_seed:
            ax.scatter(x, row, color="black", s=6, zorder=3)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="chance")
    ax.axhline(PAPER_HARLOW_TRIAL_2, color="black", linestyle="--", linewidth=1,
               label="paper, trial 2 (Fig. 6c)")
    ax.set_xticks(trials, [f"trial {t}" for t in trials])
    ax.set_ylim(0, 1.3)  # room for the legend above the bars
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("fraction correct")
    ax.set_title("Harlow task: held-out objects, frozen weights", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=3)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_harlow_over_training(summary: dict, path: str | Path | None = None):
    """Accuracy by trial position of checkpoints along training (the paper's Fig. 6c), one
    panel per level: early checkpoints light, late ones dark."""
    levels = {k: v for k, v in summary["levels"].items() if "over_training" in v}
    fig, axes = plt.subplots(1, len(levels), figsize=(3.6 * len(levels), 3.3), squeeze=False)
    for ax, (name, lv) in zip(axes[0], levels.items()):
        over = lv["over_training"]
        episodes, accuracy = over["checkpoint_episodes"], np.array(over["accuracy_by_trial"])
        shades = plt.cm.viridis(np.linspace(0.9, 0.1, len(episodes)))
        for e, row, color in zip(episodes, accuracy, shades):
            ax.plot(np.arange(1, 7), row, marker="o", markersize=3, color=color, label=f"{e:,}")
        ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
        ax.set_ylim(0.0, 1.03)
        ax.set_xlabel("trial")
        ax.set_title(f"{name.removeprefix('harlow-')}, seed {over['seed']}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, title="training episodes", title_fontsize=6, loc="lower right")
    axes[0, 0].set_ylabel("fraction correct (held-out objects)")
    fig.tight_layout()
    return finish(fig, True, path)


def animate_harlow_episode(trials: dict, path: str | Path, episode: int = 0, object_size: int = 12,
                           gap: int = 2, title: str = "", fps: float = 1.5):
    """GIF of one Harlow-pixels test episode: each trial's frame as the agent saw it, the
    object it chose outlined (green: rewarded, red: not)."""
    left, right = trials["left_object"][episode], trials["right_object"][episode]
    images = {int(i): img for i, img in zip(np.r_[left, right],
                                            render_objects(np.r_[left, right], object_size))}
    fig, ax = plt.subplots(figsize=(3.6, 2.4))

    def draw(t):
        ax.clear()
        frame = np.concatenate([images[int(left[t])], np.zeros((object_size, gap, 3)),
                                images[int(right[t])]], axis=1)
        ax.imshow(np.clip(frame, 0, 1), interpolation="nearest")
        choice = int(trials["choice"][episode][t])
        if choice >= 0:
            good = trials["reward"][episode][t] > 0
            x0 = -0.5 + choice * (object_size + gap)
            ax.add_patch(Rectangle((x0, -0.5), object_size, object_size, fill=False, linewidth=3,
                                   edgecolor="#2ca02c" if good else "#d62728"))
        outcome = "rewarded" if trials["reward"][episode][t] > 0 else "not rewarded"
        ax.set_title(f"{title}\ntrial {t + 1}: {outcome}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])

    animation = FuncAnimation(fig, draw, frames=len(left))
    animation.save(path, writer=PillowWriter(fps=fps))
    plt.close(fig)
    return Path(path)
