"""Plotting shared by every family's figures: saving, closing, training curves, images.

Every function that creates its own figure closes it before returning it (a notebook still
shows a returned figure), so loops over seeds or checkpoints never pile up open figures.
Functions that draw into a given ``ax`` leave the figure to their caller.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.ticker import MaxNLocator


def finish(fig, own: bool, path: str | Path | None, dpi: int = 110):
    """Save ``fig`` to ``path`` if given (a PNG gets a vector PDF beside it, for papers);
    close it if the caller created it (``own``)."""
    if path is not None:
        fig.savefig(path, dpi=dpi)
        if Path(path).suffix == ".png":
            fig.savefig(Path(path).with_suffix(".pdf"), metadata={"CreationDate": None})
    if own:
        plt.close(fig)
    return fig


def save_animation(fig, frame, frames: int, path: str | Path, fps: int, dpi: int | None = None) -> Path:
    """Write the animation ``frame(i)`` draws for ``i < frames`` on ``fig`` as a GIF
    (matplotlib's ``PillowWriter``: no external encoder) and close the figure; returns the path."""
    path = Path(path)
    try:
        FuncAnimation(fig, frame, frames=frames, blit=False).save(path, writer=PillowWriter(fps=fps), dpi=dpi)
    finally:
        plt.close(fig)
    return path


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """TensorBoard's smoothing: a debiased exponential moving average with factor ``weight``."""
    values = np.asarray(values, float)
    out, last, norm = np.empty_like(values), 0.0, 0.0
    for i, v in enumerate(values):
        last = weight * last + (1 - weight) * v
        norm = weight * norm + (1 - weight)
        out[i] = last / norm
    return out


def median_index(values) -> int:
    """The index of the median of ``values`` (with an even count, the lower of the two middle
    values): the seed an example figure shows, chosen by its result rather than its number."""
    values = np.asarray(values, float)
    if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"median_index needs a non-empty 1-d array of finite values, got {values!r}")
    return int(np.argsort(values, kind="stable")[(len(values) - 1) // 2])


def plot_reward_curves(curves: dict, title: str = "", references: dict[str, float] | None = None,
                       weight: float = 0.9, ylabel: str = "reward per 100 trials",
                       path: str | Path | None = None, ax=None, colors: dict[str, str] | None = None):
    """Training curves, one colour per condition.

    ``curves`` maps a condition to its seeds' ``(episodes, values)`` (a list) or to one
    ``(episodes, values)``. Each seed is smoothed as TensorBoard does (``weight``); several
    seeds are drawn as their mean with a band of ± 1 s.e. across seeds (on the first seed's
    episodes), a single seed as its raw curve (faint) under its smoothed one. ``references``
    maps a label to a constant drawn as a line (e.g. the random agent's 50); ``colors``
    fixes a condition's colour.
    """
    own = ax is None
    fig, ax = plt.subplots(figsize=(6.5, 3.8)) if own else (ax.figure, ax)
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, runs) in enumerate(curves.items()):
        runs = [runs] if isinstance(runs, tuple) else list(runs)
        color = (colors or {}).get(label, cycle[i % len(cycle)])
        steps = np.asarray(runs[0][0])
        smoothed = np.array([np.interp(steps, s, smooth(v, weight)) for s, v in runs])
        mean = smoothed.mean(axis=0)
        if len(runs) > 1:
            se = smoothed.std(axis=0, ddof=1) / np.sqrt(len(runs))
            ax.fill_between(steps, mean - se, mean + se, color=color, alpha=0.25, linewidth=0)
            label = f"{label} (mean ± s.e., {len(runs)} seeds)"
        else:
            ax.plot(steps, runs[0][1], color=color, alpha=0.2, linewidth=0.8)
        ax.plot(steps, mean, color=color, linewidth=1.5, label=label)
    for (label, value), style in zip((references or {}).items(), ("--", ":", "-.")):
        ax.axhline(value, color="black", linestyle=style, linewidth=1, label=f"{label} ({value:.1f})")
    ax.set_xlabel("training episodes")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncol=2 if len(curves) > 4 else 1, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, own, path)


def show_frames(frames: list[np.ndarray], titles: list[str], path: str | Path | None = None,
                scale: float = 1.6):
    """A row of observation images ``[H, W, 3]`` in [0, 1] (what the agent sees)."""
    fig, axes = plt.subplots(1, len(frames), figsize=(scale * len(frames), scale * 0.9), squeeze=False)
    for ax, frame, title in zip(axes[0], frames, titles):
        ax.imshow(np.clip(frame, 0, 1), interpolation="nearest")
        ax.set_title(title, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return finish(fig, True, path)


def plot_decoding(curves: dict[str, tuple], xlabel: str = "trial", title: str = "",
                  path: str | Path | None = None, ax=None):
    """Decoding accuracy along an episode: ``curves`` maps a label to ``(positions,
    accuracy [seeds, positions], shuffled [seeds, positions])``; lines are the mean across
    seeds with ± 1 s.e. bands (one seed: its binomial s.e. is not known here, no band), the
    shuffled-label baseline dashed in the same colour."""
    own = ax is None
    fig, ax = plt.subplots(figsize=(6.0, 3.6)) if own else (ax.figure, ax)
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, (positions, accuracy, shuffled)) in enumerate(curves.items()):
        color = cycle[i % len(cycle)]
        accuracy, shuffled = np.atleast_2d(accuracy), np.atleast_2d(shuffled)
        n = len(accuracy)
        for values, style, name in ((accuracy, "-", label), (shuffled, "--", f"{label}, shuffled labels")):
            mean = values.mean(axis=0)
            ax.plot(positions, mean, style, color=color, marker="o" if style == "-" else None,
                    markersize=3, label=f"{name} ({n} seed{'s' if n > 1 else ''})")
            if n > 1:
                se = values.std(axis=0, ddof=1) / np.sqrt(n)
                ax.fill_between(positions, mean - se, mean + se, color=color, alpha=0.2, linewidth=0)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0.3, 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # positions are trials, searches...
    ax.set_xlabel(xlabel)
    ax.set_ylabel("decoding accuracy (cross-validated)")
    ax.set_title(title, fontsize=10)
    if len(curves) > 2 and own:  # many lines: the legend beside the axes, not over the curves
        fig.set_size_inches(9.0, 3.6)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    else:
        ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, own, path)


def plot_aligned(curves: dict[str, np.ndarray], xlabel: str, ylabel: str, path: str | Path | None = None):
    """Choices aligned to an event (a change of the task's hidden state): ``curves`` maps a player to its
    seeds' curves ``[seeds, window]`` (trials 0, 1, ... after the event); mean across seeds
    with ± 1 s.e. bands, chance dotted."""
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, per_seed) in enumerate(curves.items()):
        per_seed = np.atleast_2d(per_seed)
        lags, mean = np.arange(per_seed.shape[1]), np.nanmean(per_seed, axis=0)
        n = len(per_seed)
        ax.plot(lags, mean, marker="o", markersize=3, color=cycle[i % len(cycle)],
                label=f"{label} ({n} seed{'s' if n > 1 else ''})")
        if n > 1:
            se = np.nanstd(per_seed, axis=0, ddof=1) / np.sqrt(n)
            ax.fill_between(lags, mean - se, mean + se, color=cycle[i % len(cycle)], alpha=0.2, linewidth=0)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, True, path)


def plot_training_reward(tested, path: Path, tag: str = "perf/reward_per_100_trials",
                         ylabel: str = "reward per 100 trials") -> None:
    """Each run set of ``tested`` (a ``meta_rl.experiment.Tested``): its training curve of
    ``tag`` (the seeds' mean and s.e.) into ``path``."""
    from meta_rl.learn.tensorboard import read_scalars

    curves = {r.name: [read_scalars(r.run_dir(s, tested.root), tag) for s in r.seeds]
              for r in tested.run_sets}
    plot_reward_curves(curves, title=f"training: {ylabel}", ylabel=ylabel, path=path)


def plot_learning_rates(fits: dict[str, list[dict]], path: str | Path | None = None,
                        phases: tuple[str, str] = ("stable phase", "volatile phase")):
    """The delta rule's learning rate per phase with 95 % intervals (``meta_rl.analysis
    .phase_fit``): ``fits`` maps a player to one dict per seed with ``alpha_stable``,
    ``alpha_volatile`` and their ``intervals``. Each seed is a line from its stable to its
    volatile rate (Wang et al. 2018, Fig. 3); ``phases`` names the two."""
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, seeds) in enumerate(fits.items()):
        color = cycle[i % len(cycle)]
        offset = 0.06 * (i - (len(fits) - 1) / 2)
        for k, fit in enumerate(seeds):
            values = [fit["alpha_stable"], fit["alpha_volatile"]]
            lows = [fit["intervals"]["alpha_stable"][0], fit["intervals"]["alpha_volatile"][0]]
            highs = [fit["intervals"]["alpha_stable"][1], fit["intervals"]["alpha_volatile"][1]]
            x = np.array([0, 1]) + offset
            name = f"{label} ({len(seeds)} seed{'s' if len(seeds) > 1 else ''})"
            ax.errorbar(x, values, yerr=[np.subtract(values, lows), np.subtract(highs, values)], color=color,
                        marker="o", markersize=3, capsize=2, linewidth=1, label=name if k == 0 else None)
    ax.set_xticks([0, 1], list(phases))
    ax.set_xlim(-0.4, 1.4)
    ax.set_ylabel("fitted learning rate α (95 % CI)")
    ax.set_title("delta rule fitted to the choices, one learning rate each", fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)
