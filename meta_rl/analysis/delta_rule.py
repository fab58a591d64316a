"""The delta rule (Rescorla-Wagner) run on recorded trials, as a pure function."""

from __future__ import annotations

import numpy as np


def values_before(items, rewards, alpha: float, q0: float = 0.0, n_items: int = 2) -> np.ndarray:
    """The delta rule's value of the item of each trial (the option chosen, the stimulus
    shown) just before its outcome, ``[E, N]``: each item's value starts at ``q0`` and moves
    by ``alpha`` toward the rewards that item brought, and only on its own trials."""
    items, rewards = np.asarray(items), np.asarray(rewards, np.float64)
    rows = np.arange(len(items))
    q = np.full((len(items), n_items), float(q0))
    out = np.zeros(items.shape)
    for t in range(items.shape[1]):
        item = items[:, t]
        out[:, t] = q[rows, item]
        q[rows, item] += alpha * (rewards[:, t] - q[rows, item])
    return out
