"""The two-step task's figures: stay probabilities, their evolution over training, the
task's diagram, single trials and an animated test episode."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from meta_rl.plotting import finish, plot_aligned, save_animation
from meta_rl.tasks.two_step.analysis import BINS, PAPER_RPE_R2

TRANSITION_COLORS = {"common": "#2b5d9b", "uncommon": "#e3893b"}
"""Common and uncommon transitions, in every two-step figure."""
GROUPS = {"rewarded": (0, 2), "unrewarded": (1, 3)}
"""The field's layout (Daw et al. 2011; Wang et al. 2018, Fig. 5): bars grouped by the
previous trial's outcome, common then uncommon, as indices into ``BINS``."""
BIN_COLORS = tuple(TRANSITION_COLORS[name.split("-")[0]] for name in BINS)
STATE_NAMES = ("S1", "S2", "S3")
ACTION_NAMES = ("a1", "a2")
RICH_COLORS = {1: "#dbe9f6", 2: "#f9dcdc"}  # background when S2 / S3 is the rich state


def stay_error(per_seed: np.ndarray, ci: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """Error bars ``[2, 4]`` (below, above the mean) and what they are: the s.e. across seeds
    when there are several, else a confidence interval ``ci [2, 4]`` if given (e.g.
    ``analysis.stay_bootstrap_ci``), else none."""
    per_seed = np.atleast_2d(np.asarray(per_seed, float))
    mean = per_seed.mean(axis=0)
    if len(per_seed) > 1:
        se = per_seed.std(axis=0, ddof=1) / np.sqrt(len(per_seed))
        return np.stack([se, se]), f"mean ± s.e. across {len(per_seed)} seeds"
    if ci is not None:
        return np.stack([mean - ci[0], ci[1] - mean]), "1 seed, bootstrap 95 % CI over test episodes"
    return np.zeros((2, len(mean))), "1 seed"


def plot_stay_probabilities(per_seed: np.ndarray, title: str = "", references: dict | None = None,
                            path: str | Path | None = None, ax=None, ci: np.ndarray | None = None):
    """Stay probabilities in the field's layout: bars grouped by the previous trial's
    outcome (rewarded, unrewarded), common and uncommon transitions in two fixed colours,
    error bars (``stay_error``), one dot per seed.

    ``per_seed`` is ``[n_seeds, 4]`` in ``analysis.BINS`` order; ``references`` maps a label
    to four values drawn as open markers on the bars (a paper's figure, read off). Saves to
    ``path`` if given (PNG and PDF) and closes the figure it made; returns the figure.
    """
    per_seed = np.atleast_2d(np.asarray(per_seed, float))
    own = ax is None
    fig, ax = plt.subplots(figsize=(4.2, 3.6)) if own else (ax.figure, ax)
    error, what = stay_error(per_seed, ci)
    mean = per_seed.mean(axis=0)
    width, rng = 0.36, np.random.default_rng(0)  # fixed jitter: a reproducible figure
    for g, (first, second) in enumerate(GROUPS.values()):
        for k, (b, transition) in enumerate(zip((first, second), TRANSITION_COLORS)):
            x = g + (k - 0.5) * width
            ax.bar(x, mean[b], width * 0.92, color=TRANSITION_COLORS[transition], edgecolor="black",
                   linewidth=0.6, yerr=error[:, b:b + 1], capsize=3, label=transition if g == 0 else None)
            if len(per_seed) > 1:
                ax.scatter(x + rng.uniform(-0.06, 0.06, len(per_seed)), per_seed[:, b], color="black",
                           s=7, zorder=3, alpha=0.6)
            for (label, values), marker in zip((references or {}).items(), ("D", "s", "^")):
                ax.scatter([x], [values[b]], marker=marker, s=26, zorder=4, facecolor="white",
                           edgecolor="black", label=label if g == 0 and k == 0 else None)
    ax.set_xticks(range(len(GROUPS)), list(GROUPS))
    ax.set_xlabel("previous trial")
    ax.set_ylim(0.0, 1.32)  # the legend sits above the bars, never on them
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("stay probability")
    ax.set_title(f"{title}\n({what})" if title else what, fontsize=9)
    ax.legend(fontsize=7, loc="upper center", ncol=2)
    fig.tight_layout()
    return finish(fig, own, path, dpi=120)


def plot_stay_panels(panels: dict[str, np.ndarray], references: dict | None = None,
                     path: str | Path | None = None, suptitle: str = "",
                     cis: dict[str, np.ndarray] | None = None, references_on: tuple[str, ...] | None = None):
    """Stay-probability panels side by side, one y axis: ``{title: per_seed [n_seeds, 4]}``;
    ``cis`` gives a one-seed panel its confidence interval; ``references`` are drawn on the
    panels named in ``references_on`` (default: all)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.8 * len(panels), 3.8), squeeze=False, sharey=True)
    for ax, (title, per_seed) in zip(axes[0], panels.items()):
        shown = references if references_on is None or title in references_on else None
        plot_stay_probabilities(per_seed, title=title, references=shown, ax=ax, ci=(cis or {}).get(title))
    for ax in axes[0, 1:]:
        ax.set_ylabel("")
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return finish(fig, True, path)


def plot_stay_evolution(episodes: np.ndarray, stays: np.ndarray, title: str = "",
                        references: np.ndarray | None = None, path: str | Path | None = None):
    """Stay probabilities of checkpoints along training.

    ``stays`` is ``[n_checkpoints, n_seeds, 4]`` (``BINS`` order) measured at ``episodes``:
    lines are the mean across seeds, bands ± 1 s.e. across seeds and faint lines each seed
    (several seeds); colour is
    the transition, solid lines rewarded and dashed unrewarded previous trials.
    ``references`` (four values, a paper's) are drawn as markers at the right edge.
    """
    stays = np.asarray(stays, float)
    n_seeds = stays.shape[1]
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for b, (name, color) in enumerate(zip(BINS, BIN_COLORS)):
        style = "-" if b in GROUPS["rewarded"] else "--"
        mean = stays[:, :, b].mean(axis=1)
        for seed in range(n_seeds if n_seeds > 1 else 0):  # every seed, faint
            ax.plot(episodes, stays[:, seed, b], color=color, linewidth=0.6, linestyle=style, alpha=0.3)
        ax.plot(episodes, mean, color=color, linewidth=2, linestyle=style, marker="o", markersize=3,
                label=name.replace("-", ", "))
        if n_seeds > 1:
            se = stays[:, :, b].std(axis=1, ddof=1) / np.sqrt(n_seeds)
            ax.fill_between(episodes, mean - se, mean + se, color=color, alpha=0.2, linewidth=0)
        if references is not None:
            ax.scatter([episodes[-1] * 1.03], [references[b]], marker="D", color=color,
                       edgecolor="black", zorder=3, label="paper (Sim. 4)" if b == 3 else None)
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel("training episodes of the checkpoint")
    ax.set_ylabel("stay probability")
    spread = f"mean ± s.e. across {n_seeds} seeds, each seed faint" if n_seeds > 1 else "1 seed"
    ax.set_title(f"{title}\n({spread})" if title else f"stay probabilities during training ({spread})",
                 fontsize=9)
    ax.legend(fontsize=7, loc="lower left", title="previous trial", title_fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, True, path)


# --- the task and single trials -------------------------------------------------------------

_POS = {"S1": (0.5, 0.86), "a1": (0.28, 0.55), "a2": (0.72, 0.55), "S2": (0.2, 0.16),
        "S3": (0.8, 0.16)}


def _arrow(ax, start: str, end: str, **kwargs):
    """Arrow between two nodes of the diagram, trimmed to the circles and labels."""
    (x0, y0), (x1, y1) = _POS[start], _POS[end]
    length = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    trim0 = 0.11 if start.startswith("S") else 0.05
    trim1 = 0.11 if end.startswith("S") else 0.05
    arrow = FancyArrowPatch((x0 + trim0 * ux, y0 + trim0 * uy), (x1 - trim1 * ux, y1 - trim1 * uy),
                            shrinkA=0, shrinkB=0, arrowstyle="-|>", mutation_scale=11, **kwargs)
    ax.add_patch(arrow)


def draw_trial(ax, action: int | None = None, state: int | None = None, common: int | None = None,
               reward: int | None = None, rich_state: int | None = None,
               common_prob: float = 0.8, rich_prob: float = 0.9, poor_prob: float = 0.1,
               title: str = ""):
    """Draw the task, and one trial of it if ``action`` is given, into ``ax``.

    S1 on top, the two actions below it, the stage-2 states S2 and S3 at the bottom. Solid
    arrows are the common transitions (a1 -> S2, a2 -> S3), dashed ones the uncommon. The
    chosen action and the transition taken are drawn in colour, the reward next to the
    stage-2 state reached. ``rich_state`` (1 = S2, 2 = S3) is shaded and labelled with its
    reward probability; the agent never sees it.
    """
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.04, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    for a, name in enumerate(ACTION_NAMES):
        chosen = action == a
        _arrow(ax, "S1", name, color="#2ca02c" if chosen else "#bbbbbb",
               linewidth=2.2 if chosen else 1.0)
        for s, is_common in ((1 + a, True), (2 - a, False)):
            taken = chosen and s == state
            color = ("#2ca02c" if is_common else "#ff7f0e") if taken else "#c8c8c8"
            _arrow(ax, name, STATE_NAMES[s], color=color, linestyle="-" if is_common else "--",
                   linewidth=(2.4 if taken else 1.2) * (1.0 if is_common else 0.8))
        x, y = _POS[name]
        ax.text(x, y, name, ha="center", va="center", fontsize=10,
                color="#2ca02c" if chosen else "#888888", weight="bold" if chosen else "normal")
    for s, name in enumerate(STATE_NAMES):
        x, y = _POS[name]
        face = RICH_COLORS[s] if s and s == rich_state else "white"
        ax.add_patch(Circle((x, y), 0.1, facecolor=face, edgecolor="black",
                            linewidth=3.0 if s == state else 1.2))
        ax.text(x, y, name, ha="center", va="center", fontsize=11, weight="bold")
        if s and rich_state is not None:
            p = rich_prob if s == rich_state else poor_prob
            ax.text(x, y - 0.165, f"P(r)={p:g}", ha="center", va="center", fontsize=8)
    if action is None:  # the bare task: label the transition probabilities
        for x, y, text in ((0.17, 0.37, common_prob), (0.83, 0.37, common_prob),
                           (0.40, 0.27, 1 - common_prob), (0.60, 0.27, 1 - common_prob)):
            ax.text(x, y, f"{text:g}", fontsize=9, ha="center", va="center")
    if state is not None and reward is not None:
        x, y = _POS[STATE_NAMES[state]]
        ax.text(x + (-0.17 if state == 1 else 0.17), y, "+1" if reward else "0", ha="center",
                va="center", fontsize=13, weight="bold", color="#2ca02c" if reward else "#777777")
    ax.set_title(title, fontsize=9)


def _trial_title(trials: dict, e: int, n: int) -> str:
    a, s, c, r = (int(trials[k][e, n]) for k in ("action", "state", "common", "reward"))
    kind = "common" if c else "uncommon"
    return f"trial {n + 1}: {ACTION_NAMES[a]} -> {STATE_NAMES[s]} ({kind}), reward {r}"


def _trial_kwargs(trials: dict, e: int, n: int) -> dict:
    return {k: int(trials[k][e, n]) for k in ("action", "state", "common", "reward", "rich_state")}


def draw_task(common_prob: float = 0.8, rich_prob: float = 0.9, poor_prob: float = 0.1,
              path: str | Path | None = None):
    """The structure of the two-step task, with S2 shown as the rich state."""
    fig, ax = plt.subplots(figsize=(3.6, 3.4))
    draw_trial(ax, rich_state=1, common_prob=common_prob, rich_prob=rich_prob, poor_prob=poor_prob,
               title="two-step task (shaded: the rich state)")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_trials(trials: dict, episode: int = 0, first: int = 0, n: int = 6, params=None,
                path: str | Path | None = None):
    """Trials ``first .. first + n - 1`` of one episode, one small diagram each.

    ``trials`` holds per-trial arrays ``[episodes, trials]`` (``action``, ``state``,
    ``common``, ``reward``, ``rich_state``), as returned by ``meta_rl.learn.evaluate.run_test``
    (``.trials``) or ``players.play_env``.
    """
    probs = _probs(params)
    cols = min(n, 6)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 2.6 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        if i >= n:
            ax.axis("off")
            continue
        t = first + i
        draw_trial(ax, **_trial_kwargs(trials, episode, t), **probs,
                   title=_trial_title(trials, episode, t).replace(": ", ":\n"))
    fig.tight_layout()
    return finish(fig, True, path)


def _probs(params) -> dict:
    if params is None:
        return {}
    return {"common_prob": params.common_prob, "rich_prob": params.rich_reward_prob,
            "poor_prob": params.poor_reward_prob}


def animate_episode(trials: dict, path: str | Path, episode: int = 0, n_trials: int | None = None,
                    params=None, title: str = "", fps: int = 3, dpi: int = 70) -> Path:
    """A GIF of one episode, one frame per trial: the trial (left), the choices so far (right).

    The right panel shows every choice up to the current trial (filled: rewarded; orange
    edge: uncommon transition) over a background coloured by the rich state, so switches
    after a swap of the rich state are visible. Drawn with matplotlib only, written with
    ``PillowWriter``; the figure is closed. Returns the path of the GIF.
    """
    n_total = trials["action"].shape[1] if n_trials is None else n_trials
    probs = _probs(params)
    e = episode
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.3),
                                      gridspec_kw={"width_ratios": [1, 1.9]})
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.16, top=0.78, wspace=0.22)
    if title:
        fig.suptitle(title, fontsize=10)
    for n in range(n_total):
        right.add_patch(Rectangle((n + 0.5, -0.6), 1, 2.2, linewidth=0,
                                  color=RICH_COLORS[int(trials["rich_state"][e, n])]))
    right.set_xlim(0.5, n_total + 0.5)
    right.set_ylim(-0.6, 1.6)
    right.set_yticks([0, 1], ["a1 (→S2)", "a2 (→S3)"], fontsize=8)
    right.set_xlabel("trial (background: blue = S2 rich, red = S3 rich)", fontsize=8)
    right.tick_params(axis="x", labelsize=7)
    x = np.arange(1, n_total + 1)
    y = trials["action"][e, :n_total]
    rewarded = trials["reward"][e, :n_total].astype(bool)
    common = trials["common"][e, :n_total].astype(bool)
    face = np.where(rewarded[:, None], [[0.0, 0.0, 0.0, 1.0]], [[1.0, 1.0, 1.0, 1.0]])
    edge = np.where(common[:, None], [[0.0, 0.0, 0.0, 1.0]], [[1.0, 0.5, 0.05, 1.0]])
    dots = right.scatter(x, y, s=24, facecolors=face, edgecolors=edge, linewidths=1.3, zorder=3)

    def frame(n):
        left.clear()
        draw_trial(left, **_trial_kwargs(trials, e, n), **probs,
                   title=_trial_title(trials, e, n).replace(": ", ":\n"))
        dots.set_offsets(np.column_stack([x, y])[: n + 1])
        dots.set_facecolors(face[: n + 1])
        dots.set_edgecolors(edge[: n + 1])
        total = int(rewarded[: n + 1].sum())
        right.set_title(f"reward so far: {total} in {n + 1} trials "
                        "(filled: rewarded, orange: uncommon)", fontsize=8)
        return []

    return save_animation(fig, frame, n_total, path, fps, dpi)


def plot_lagged_regression(fits: dict[str, np.ndarray], path: str | Path | None = None):
    """Lagged regression weights (``analysis.lagged_regression``) against lag, one panel per
    player: ``fits`` maps a label to coefficients ``[seeds, 4, lags]``; lines are the mean
    across seeds (± 1 s.e. bars with several seeds), coloured by the past trial's transition,
    solid for rewarded and dashed for unrewarded, as in the stay-probability figures."""
    fig, axes = plt.subplots(1, len(fits), figsize=(3.6 * len(fits), 3.4), squeeze=False, sharey=True)
    for ax, (label, coef) in zip(axes[0], fits.items()):
        coef = np.asarray(coef)
        coef = coef[None] if coef.ndim == 2 else coef  # one seed
        lags = np.arange(1, coef.shape[2] + 1)
        for b, (name, color) in enumerate(zip(BINS, BIN_COLORS)):
            mean = coef[:, b].mean(axis=0)
            se = coef[:, b].std(axis=0, ddof=1) / np.sqrt(len(coef)) if len(coef) > 1 else None
            ax.errorbar(lags, mean, yerr=se, color=color, linestyle="-" if "unrewarded" not in name else "--",
                        marker="o", markersize=3, capsize=2, label=name.replace("-", ", "))
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xticks(lags)
        ax.set_xlabel("trials back")
        n = len(coef)
        ax.set_title(f"{label} ({n} seed{'s' if n > 1 else ''})" if n > 1 else label, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("weight on repeating that choice")
    axes[0, 0].legend(fontsize=6, loc="upper right")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_model_weights(fits: dict[str, list[tuple[float, float, float]]], path: str | Path | None = None):
    """The hybrid model's weight w per seed with its confidence interval: ``fits`` maps a
    label (agent, reference players) to ``[(w, low, high), ...]``, one row per seed."""
    rows = [(label, i, w) for label, seeds in fits.items() for i, w in enumerate(seeds)]
    fig, ax = plt.subplots(figsize=(5.5, 0.28 * len(rows) + 1.2))
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colors = {label: cycle[i % len(cycle)] for i, label in enumerate(fits)}
    for y, (label, _, (w, lo, hi)) in enumerate(rows):
        ax.errorbar([w], [y], xerr=[[w - lo], [hi - w]], fmt="o", color=colors[label], capsize=2)
    ax.set_yticks(range(len(rows)), [f"{label}, seed {i}" if len(fits[label]) > 1 else label
                                     for label, i, _ in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(-0.05, 1.05)
    ax.set_xlabel("model-based weight w (0: model-free, 1: model-based), 95 % CI")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_rpe_r2(r2: dict[str, np.ndarray], path: str | Path | None = None, paper: bool = True):
    """How much of a prediction error each classical learner's explains on its own:
    ``r2`` maps a label to ``[seeds, 2]`` (r² on δ_MF alone, on δ_MB alone, as
    ``RPERegression.r2_alone``); bars are means across seeds with ± 1 s.e. and the seeds as
    dots. ``paper`` adds Wang et al. 2018's values for their agent (Simulation 4)."""
    groups = {label: np.atleast_2d(np.asarray(v, np.float64)) for label, v in r2.items()}
    if paper:
        groups["Wang et al. 2018 agent"] = np.array([[PAPER_RPE_R2["model-free"],
                                                      PAPER_RPE_R2["model-based"]]])
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.38
    for k, (name, color) in enumerate((("model-free learner's δ", "tab:orange"),
                                       ("model-based learner's δ", "tab:blue"))):
        for i, per_seed in enumerate(groups.values()):
            x = i + (k - 0.5) * width
            mean = per_seed[:, k].mean()
            se = per_seed[:, k].std(ddof=1) / np.sqrt(len(per_seed)) if len(per_seed) > 1 else 0.0
            ax.bar(x, mean, width, yerr=se, capsize=2, color=color, alpha=0.8, label=name if i == 0 else None)
            if len(per_seed) > 1:
                ax.scatter(np.full(len(per_seed), x), per_seed[:, k], s=8, color="k", zorder=3)
    ax.set_xticks(range(len(groups)), [f"{label}\n({len(v)} seed{'s' if len(v) > 1 else ''})"
                                       if len(v) > 1 else label for label, v in groups.items()], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("r² of the RPE on arrival at stage 2")
    ax.legend(fontsize=8, title="regressed on", title_fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_swap_aligned(curves: dict[str, np.ndarray], path: str | Path | None = None):
    """Choices after a swap of the rich state (``analysis.swap_aligned``): ``curves`` maps a
    player to its seeds' curves ``[seeds, window]``; mean across seeds with ± 1 s.e. bands."""
    return plot_aligned(curves, "trials since the rich state swapped", "P(choose toward the new rich state)",
                        path)

