"""Figures of the reversal task: the inferred-value effect (Wang et al. 2018, Fig. 4), and
the value at stimulus onset around a reversal."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish


def plot_inferred_value(effects: dict[str, list[dict]], path: str | Path | None = None):
    """Signed change toward the new value on the trial after a reversal's first trial, for
    the experienced and the inferred stimulus: ``effects`` maps a signal (the agent's value,
    its prediction error, the reference learners' values) to one ``InferredValue.summary()``
    per seed. Bars: mean across seeds ± s.e.; dots: seeds."""
    fig, ax = plt.subplots(figsize=(6.6, 3.6))
    width = 0.38
    for k, (kind, color) in enumerate((("experienced", "tab:blue"), ("inferred", "tab:orange"))):
        for i, per_seed in enumerate(effects.values()):
            values = np.array([s[kind]["mean"] for s in per_seed])
            x = i + (k - 0.5) * width
            se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else per_seed[0][kind]["se"]
            ax.bar(x, values.mean(), width, yerr=se, capsize=2, color=color, alpha=0.8,
                   label=f"{kind} stimulus" if i == 0 else None)
            if len(values) > 1:
                ax.scatter(np.full(len(values), x), values, s=8, color="k", zorder=3)
    ax.set_xticks(range(len(effects)), list(effects), fontsize=8)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("change toward the new value\n(trial 2 of a block vs. the old block)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish(fig, True, path)


def plot_reversal_values(trials: dict[str, np.ndarray], episode: int = 0, path: str | Path | None = None):
    """One test episode: the agent's value at onset of each stimulus on the trials it was
    shown (``trials``: a ``ReversalResult``'s), with the reversals as vertical lines and the
    large stimulus of each block marked along the top."""
    stimulus, big = trials["stimulus"][episode], trials["big_stimulus"][episode]
    value = trials["value_cue"][episode]
    t = np.arange(len(stimulus))
    fig, ax = plt.subplots(figsize=(8.0, 3.2))
    for s, (name, color) in enumerate((("left target", "tab:blue"), ("right target", "tab:orange"))):
        shown = stimulus == s
        ax.plot(t[shown], value[shown], marker="o", markersize=3, color=color, label=name)
        ax.scatter(t[big == s], np.full((big == s).sum(), 1.08), marker="s", s=6, color=color)
    for k in np.flatnonzero(np.diff(big)) + 1:
        ax.axvline(k - 0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("trial (dotted: reversals; squares: the block's large target)")
    ax.set_ylabel("value at stimulus onset")
    ax.set_ylim(-0.05, 1.15)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, True, path)
