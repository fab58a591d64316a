"""Risky choice by block probability (Stopper et al. 2014, Fig. 1; Wang et al. 2018, Fig. 7)."""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.risky_choice.env import BLOCK_PROBS


def risky_by_probability(actions, p_risky, forced=None) -> dict[float, float]:
    """Fraction of risky choices ``{p: fraction}`` among the free choices (``forced`` 0) in
    the blocks of each probability."""
    actions, p_risky = np.asarray(actions), np.asarray(p_risky)
    free = np.ones(actions.shape, bool) if forced is None else np.asarray(forced) == 0
    return {p: float(np.mean(actions[np.isclose(p_risky, p) & free] == 1)) for p in BLOCK_PROBS}
