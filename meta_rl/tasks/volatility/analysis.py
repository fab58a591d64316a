"""Analyses of volatility-task choices: accuracy per phase and choices aligned to the
volatile phase's reversals."""

from __future__ import annotations

import numpy as np


def correct(actions, p0) -> np.ndarray:
    """1 where the choice is the option more likely to pay, ``[E, N]``."""
    return (np.asarray(actions) == np.where(np.asarray(p0) > 0.5, 0, 1)).astype(float)


def phase_accuracy(actions, p0, volatile) -> dict[str, float]:
    """Fraction of choices of the better option in each phase."""
    hits, volatile = correct(actions, p0), np.asarray(volatile) > 0
    return {"stable": float(hits[~volatile].mean()), "volatile": float(hits[volatile].mean())}


def reversal_aligned(actions, p0, volatile, window: int = 20) -> np.ndarray:
    """P(choosing the newly better option) ``[window]`` at 0, 1, ... trials after each
    reversal inside the volatile phase (trials past the episode's end are left out)."""
    actions, p0, volatile = np.asarray(actions), np.asarray(p0), np.asarray(volatile) > 0
    hits = correct(actions, p0)
    sums, counts = np.zeros(window), np.zeros(window)
    flips = (np.diff(p0 > 0.5, axis=1) != 0) & volatile[:, 1:] & volatile[:, :-1]
    for e, t in zip(*np.nonzero(flips)):
        lags = hits[e, t + 1:t + 1 + window]
        sums[:len(lags)] += lags
        counts[:len(lags)] += 1
    with np.errstate(invalid="ignore"):
        return sums / counts
