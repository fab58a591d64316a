"""The Harlow task's figures: accuracy by trial position, over training, and an animated
test episode."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from meta_rl.plotting import finish, median_index, plot_reward_curves, save_animation, smooth
from meta_rl.tasks.harlow.objects import render_objects
from meta_rl.tasks.harlow.params import N_TRIALS
from meta_rl.tasks.harlow.result import SIGNATURE_ACCURACY, side_counting_accuracy

PAPER_HARLOW_TRIAL_2 = 0.975
"""Wang et al. 2018, Fig. 6c: about 97-98 % correct on trial 2 after training (read off)."""
LEVEL_COLORS = {"harlow-symbolic": "#4c72b0", "harlow-pixels": "#55a868", "harlow-psychlab": "#c44e52"}
"""One colour per level in every Harlow figure."""
OTHER_COLOR = "#937860"
"""The colour of a run set that is not one of the levels (an ablation)."""
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


TRIALS_2_6 = "trials 2-6"
"""The per-seed curve of the over-training figure's top row (``reference.TRAINING_CURVES``)."""
CURVE_COLORS = {"trial 1": "#8c8c8c", "fixation rewarded": "#dd8452", "no choice": "#8172b3"}
"""Colours of the training curves that are not a level's trial 2 (drawn in the level's colour)."""


def plot_harlow_over_training(summary: dict, curves: dict[str, dict[str, list]] | None = None,
                              levels: tuple[str, ...] | None = None, path: str | Path | None = None):
    """Accuracy over training, every seed of each level (``levels``: those drawn, by default
    every run set of ``summary["levels"]``).

    Top: trials 2-6 correct in the training episodes of each seed (``curves[level]["trials
    2-6"]``, smoothed), every seed faint, the median seed by held-out trials 2-6 bold, the
    seeds short of 90 % on held-out objects dashed. Bottom (the paper's Fig. 6c): the fraction
    of training episodes whose trial 1 and trial 2 chose the rewarded object, mean ± s.e.
    across seeds (``curves``: level -> curve name -> each seed's ``(episodes, values)`` from
    TensorBoard); for the gaze level also the fractions of trials with a fixation reward and
    without a choice.
    """
    levels = {name: summary["levels"][name] for name in levels or summary["levels"]}
    curves = curves or {}
    fig, axes = plt.subplots(2, len(levels), figsize=(3.9 * len(levels), 6.6), squeeze=False)
    for col, (name, lv) in enumerate(levels.items()):
        top, bottom = axes[0, col], axes[1, col]
        color = LEVEL_COLORS.get(name, OTHER_COLOR)
        level_curves = dict(curves.get(name, {}))
        held_out = lv["accuracy_trials_2_6_per_seed"]
        per_seed = level_curves.pop(TRIALS_2_6, None)
        if per_seed and len(per_seed) != len(held_out):
            raise ValueError(f"{name}: {len(per_seed)} seeds' curves for {len(held_out)} tested seeds")
        if per_seed:
            middle = median_index(held_out)
            for i, (episodes, values) in enumerate(per_seed):
                top.plot(episodes, smooth(np.asarray(values), 0.6), color=color,
                         linewidth=1.8 if i == middle else 0.8, alpha=1.0 if i == middle else 0.35,
                         linestyle="--" if held_out[i] < SIGNATURE_ACCURACY else "-")
            top.plot([], [], color=color, linewidth=1.8, label=f"median seed ({lv['seeds'][middle]})")
            top.plot([], [], color=color, linewidth=0.8, alpha=0.35, label="the other seeds")
            top.plot([], [], color=color, linewidth=0.8, linestyle="--", label="< 90 % held-out")
        passed = sum(a >= SIGNATURE_ACCURACY for a in held_out)
        top.set_title(f"{_level(name)}: {passed} of {len(held_out)} seeds ≥ 90 % held-out", fontsize=9)
        top.set_ylabel("trials 2–6 correct" if col == 0 else "")
        if level_curves:
            plot_reward_curves(level_curves, ax=bottom, ylabel="", weight=0.6,
                               colors={"trial 2": color, **CURVE_COLORS})
            n = len(next(iter(level_curves.values())))
            bottom.set_title(f"{_level(name)}: training episodes, {n} seed{'s' if n > 1 else ''}",
                             fontsize=9)
        else:
            bottom.set_title(f"{_level(name)}: no training curves logged", fontsize=9)
        bottom.axhline(side_counting_accuracy()[1], color="black", linestyle="-.", linewidth=1,
                       label="side counting, trial 2")
        bottom.set_ylabel("fraction of episodes / trials" if col == 0 else "")
        for ax in (top, bottom):
            ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
            ax.set_xlabel("training episodes")
            ax.xaxis.set_major_locator(MaxNLocator(4))  # long episode counts: few ticks
            ax.legend(fontsize=5.5, loc="lower right")
            ax.set_ylim(0.0, 1.03)
            ax.grid(alpha=0.3)
    fig.suptitle("training episodes (sampled actions); the seeds' signature on "
                 f"{lv['test_episodes']} held-out test episodes each", fontsize=9)
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
