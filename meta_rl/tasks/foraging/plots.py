"""Figures of the matching task (Wang et al. 2018, Fig. 2): the matching law, the weights of
past rewards and choices, and the fractions of units coding each task variable."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish


def plot_matching(points: dict[str, tuple[np.ndarray, np.ndarray, float, float]],
                  faint: dict[str, list[tuple[float, float]]] | None = None,
                  path: str | Path | None = None):
    """log choice ratio against log income ratio, one dot per block: ``points`` maps a player
    to ``(log income ratio, log choice ratio, slope, intercept)``; the diagonal is perfect
    matching. ``faint`` maps a panel to more fits ``(slope, intercept)`` drawn faintly (the
    other seeds)."""
    fig, axes = plt.subplots(1, len(points), figsize=(3.3 * len(points), 3.3), squeeze=False)
    for ax, (label, (x, y, slope, intercept)) in zip(axes[0], points.items()):
        ax.scatter(x, y, s=5, alpha=0.4)
        line = np.array([min(x.min(), y.min()), max(x.max(), y.max())])
        ax.plot(line, line, color="grey", linestyle=":", linewidth=1, label="matching")
        others = (faint or {}).get(label, [])
        for i, (b, a) in enumerate(others):
            ax.plot(line, a + b * line, color="k", linewidth=0.6, alpha=0.25,
                    label=f"the other {len(others)} seeds' fits" if i == 0 else None)
        ax.plot(line, intercept + slope * line, color="k", linewidth=1, label=f"fit, slope {slope:.2f}")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("log income ratio (right / left)")
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("log choice ratio (right / left)")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_history_weights(weights: dict[str, np.ndarray], path: str | Path | None = None):
    """Logistic-regression weights of the past trials' rewards (left) and choices (right):
    ``weights`` maps a player to ``[seeds, 2, lags]``; mean across seeds ± s.e."""
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.2))
    for label, w in weights.items():
        w = np.asarray(w, np.float64).reshape(-1, 2, np.shape(w)[-1])
        lags = np.arange(1, w.shape[-1] + 1)
        for k, ax in enumerate(axes):
            mean = w[:, k].mean(axis=0)
            se = w[:, k].std(axis=0, ddof=1) / np.sqrt(len(w)) if len(w) > 1 else np.zeros_like(mean)
            ax.errorbar(lags, mean, yerr=se, marker="o", markersize=3, capsize=2,
                        label=f"{label} ({len(w)} seed{'s' if len(w) > 1 else ''})")
    for ax, what in zip(axes, ("past rewards", "past choices")):
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xlabel("trials back")
        ax.set_title(f"weight of {what} on choosing right", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("logistic regression weight")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return finish(fig, True, path)


def plot_unit_coding(fractions: dict[str, list[dict[str, float]]], path: str | Path | None = None):
    """Fraction of LSTM units coding each variable: ``fractions`` maps a variable to one
    value per seed; bars are means across seeds, dots the seeds."""
    names = list(fractions)
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    for i, name in enumerate(names):
        values = np.asarray(fractions[name])
        ax.bar(i, values.mean(), 0.6, color="tab:blue", alpha=0.8,
               yerr=values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0, capsize=2)
        ax.scatter(np.full(len(values), i), values, s=8, color="k", zorder=3)
    ax.set_xticks(range(len(names)), [n.replace(" x ", " ×\n") for n in names], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("fraction of LSTM units (p < 0.05)")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)
