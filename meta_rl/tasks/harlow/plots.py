"""The Harlow task's figures: accuracy by trial position, over training, and an animated
test episode."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from meta_rl.plotting import finish, plot_reward_curves, save_animation
from meta_rl.tasks.harlow.objects import render_objects
from meta_rl.tasks.harlow.params import N_TRIALS
from meta_rl.tasks.harlow.result import side_counting_accuracy

PAPER_HARLOW_TRIAL_2 = 0.975
"""Wang et al. 2018, Fig. 6c: about 97-98 % correct on trial 2 after training (read off)."""
LEVEL_COLORS = {"harlow-symbolic": "#4c72b0", "harlow-pixels": "#55a868", "harlow-psychlab": "#c44e52"}
"""One colour per level in every Harlow figure."""
TRIALS = np.arange(1, N_TRIALS + 1)


def _level(name: str) -> str:
    return name.removeprefix("harlow-")


def _references(ax) -> None:
    """Chance, the side-counting player and the paper's trial-2 accuracy."""
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="chance")
    ax.plot(TRIALS, side_counting_accuracy(), color="black", linestyle="-.", linewidth=1, marker="_",
            markersize=10, label="side-counting player")
    ax.scatter([2], [PAPER_HARLOW_TRIAL_2], marker="*", s=80, color="black", zorder=4,
               label="paper, trial 2 (Fig. 6c)")


def plot_harlow_accuracy(summary: dict, path: str | Path | None = None):
    """Accuracy by trial position on held-out objects: bars = mean across seeds with ± 1 s.e.
    across seeds (a level of one seed: the binomial s.e. over its test episodes), one dot per
    seed, one colour per level; chance, the side-counting player (``side_counting_accuracy``)
    and the paper's trial-2 accuracy beside them."""
    levels = summary["levels"]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    width = 0.8 / len(levels)
    for i, (name, lv) in enumerate(levels.items()):
        x = TRIALS - 0.4 + width * (i + 0.5)
        per_seed = np.array(lv["accuracy_by_trial_per_seed"])
        mean, n = per_seed.mean(axis=0), len(per_seed)
        se = (per_seed.std(axis=0, ddof=1) / np.sqrt(n) if n > 1
              else np.sqrt(mean * (1 - mean) / lv["test_episodes"]))
        what = (f"{n} seeds, ± s.e." if n > 1
                else f"1 seed, ± binomial s.e. over {lv['test_episodes']} episodes")
        ax.bar(x, mean, width * 0.9, yerr=se, capsize=2, color=LEVEL_COLORS.get(name), alpha=0.8,
               label=f"{_level(name)} ({what})")
        for row in per_seed:
            ax.scatter(x, row, color="black", s=5, zorder=3)
    _references(ax)
    ax.set_xticks(TRIALS, [f"trial {t}" for t in TRIALS])
    ax.set_ylim(0, 1.38)  # room for the legend above the bars
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("fraction correct (held-out objects)")
    ax.set_title(f"Harlow task: {lv['test_episodes']} held-out test episodes per seed, frozen weights",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)


CURVE_COLORS = {"trial 1": "#8c8c8c", "fixation rewarded": "#dd8452", "no choice": "#8172b3"}
"""Colours of the training curves that are not a level's trial 2 (drawn in the level's colour)."""


def plot_harlow_over_training(summary: dict, curves: dict[str, dict[str, list]] | None = None,
                              path: str | Path | None = None):
    """Accuracy over training.

    Top: along the training of each level's first seed (the seed whose checkpoints are
    kept), accuracy by trial position of each checkpoint on held-out objects (early light,
    late dark). Bottom (the paper's Fig. 6c): the fraction of training episodes whose trial
    1 and trial 2 chose the rewarded object, mean ± s.e. across seeds (``curves``: level ->
    curve name -> each seed's ``(episodes, values)`` from TensorBoard), with the first
    seed's held-out checkpoints as dots; for the gaze level also the fractions of trials
    with a fixation reward and without a choice.
    """
    levels = {k: v for k, v in summary["levels"].items() if "over_training" in v}
    curves = curves or {}
    fig, axes = plt.subplots(2, len(levels), figsize=(3.9 * len(levels), 6.6), squeeze=False)
    for col, (name, lv) in enumerate(levels.items()):
        over = lv["over_training"]
        episodes, accuracy = np.array(over["checkpoint_episodes"]), np.array(over["accuracy_by_trial"])
        top, bottom = axes[0, col], axes[1, col]
        shades = plt.cm.viridis(np.linspace(0.9, 0.1, len(episodes)))
        for e, row, color in zip(episodes, accuracy, shades):
            top.plot(TRIALS, row, marker="o", markersize=3, color=color, label=f"{e:,}")
        top.plot(TRIALS, side_counting_accuracy(), color="black", linestyle="-.", linewidth=1,
                 label="side counting")
        top.axhline(0.5, color="grey", linestyle=":", linewidth=1)
        top.set_xlabel("trial")
        top.set_title(f"{_level(name)}, seed {over['seed']}: held-out objects", fontsize=9)
        top.legend(fontsize=6, title="training episodes", title_fontsize=6, loc="lower right")
        color = LEVEL_COLORS.get(name)
        level_curves = curves.get(name, {})
        if level_curves:
            plot_reward_curves(level_curves, ax=bottom, ylabel="", weight=0.6,
                               colors={"trial 2": color, **CURVE_COLORS})
            n = len(next(iter(level_curves.values())))
            bottom.set_title(f"{_level(name)}: training episodes, {n} seed{'s' if n > 1 else ''}",
                             fontsize=9)
        else:
            bottom.set_title(f"{_level(name)}: no training curves logged", fontsize=9)
        bottom.scatter(episodes, accuracy[:, 1], color=color, edgecolor="black", s=14, zorder=4,
                       label=f"trial 2, seed {over['seed']}, held-out")
        bottom.axhline(0.5, color="grey", linestyle=":", linewidth=1)
        bottom.axhline(side_counting_accuracy()[1], color="black", linestyle="-.", linewidth=1,
                       label="side counting, trial 2")
        bottom.set_xlabel("training episodes")
        bottom.xaxis.set_major_locator(MaxNLocator(4))  # long episode counts: few ticks
        bottom.legend(fontsize=5.5, loc="lower right")
        for ax in (top, bottom):
            ax.set_ylim(0.0, 1.03)
            ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("fraction correct")
    axes[1, 0].set_ylabel("fraction of episodes / trials")
    fig.suptitle(f"top: {lv['test_episodes']} held-out test episodes per checkpoint; bottom: "
                 "training episodes (sampled actions), mean ± s.e. across seeds", fontsize=9)
    fig.tight_layout()
    return finish(fig, True, path)


def plot_value_loss(runs: list[dict], path: str | Path | None = None):
    """Trial 2 on held-out objects by the weight of the value loss, beta_v (``runs``:
    ``reference.value_loss_runs``): left all episodes, right those that lost trial 1 and
    show the pair on the same sides (remembering the objects: 1; counting sides: 0). One
    dot per seed, mean ± s.e. across seeds."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    x = np.arange(len(runs))
    labels = [f"{r['value_coef']:g}" + (f"\n{r['note']}" if r["note"] else "") for r in runs]
    panels = ((axes[0], "trial_2", "trial 2, every episode"),
              (axes[1], "after_loss_same_sides", "trial 2 after a trial-1 loss,\npair on the same sides"))
    for ax, key, title in panels:
        for i, run in enumerate(runs):
            values = np.array(run[key], dtype=float)
            se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
            ax.errorbar(i, values.mean(), yerr=se, fmt="s", color=LEVEL_COLORS["harlow-symbolic"], capsize=3)
            ax.scatter(np.full(len(values), i) + np.linspace(-0.12, 0.12, len(values)), values,
                       color="black", s=8, zorder=3)
        ax.set_xticks(x, labels)
        ax.set_xlabel("value-loss weight βv")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(-0.05, 1.05)
    axes[0].axhline(side_counting_accuracy()[1], color="black", linestyle="-.", linewidth=1,
                    label="side-counting player")
    axes[1].axhline(0.0, color="black", linestyle="-.", linewidth=1, label="side-counting player")
    axes[0].axhline(PAPER_HARLOW_TRIAL_2, color="black", linestyle=":", linewidth=1, label="paper (Fig. 6c)")
    axes[0].set_ylabel("fraction correct")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("symbolic level: the value loss's weight and the partial strategy", fontsize=10)
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

    return save_animation(fig, draw, len(left), path, fps)
