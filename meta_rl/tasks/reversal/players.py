"""Reference learners of the reversal task, their value at stimulus onset computed on the
agent's own test trials (same stimuli, same blocks).

* ``model_free``: a value per stimulus, learned only from that stimulus's own rewards
  (a temporal-difference learner): after a reversal the other stimulus keeps its old value.
* ``inferring``: knows that exactly one stimulus pays large and that blocks reverse (hazard
  ``h`` per trial); a reward tells it which stimulus pays large, and it values both from that
  belief: the other stimulus's value flips at once.
"""

from __future__ import annotations

import numpy as np

from meta_rl.analysis.delta_rule import values_before


def model_free(stimulus, reward, alpha: float = 0.3, q0: float = 0.0) -> np.ndarray:
    """Value at onset ``[E, N]`` of a learner with learning rate ``alpha``."""
    return values_before(stimulus, reward, alpha, q0)


def inferring(stimulus, reward, big_reward: float, small_reward: float, hazard: float) -> np.ndarray:
    """Value at onset ``[E, N]`` of the Bayesian learner: belief b that stimulus 0 pays large,
    set by each outcome and relaxed toward the other block by ``hazard`` between trials."""
    stimulus, reward = np.asarray(stimulus), np.asarray(reward, np.float64)
    b = np.full(len(stimulus), 0.5)
    values = np.zeros(stimulus.shape)
    for t in range(stimulus.shape[1]):
        s = stimulus[:, t]
        p_big = np.where(s == 0, b, 1 - b)
        values[:, t] = p_big * big_reward + (1 - p_big) * small_reward
        saw_big = np.isclose(reward[:, t], big_reward)
        saw_small = np.isclose(reward[:, t], small_reward)
        zero_big = np.where(saw_big, s == 0, np.where(saw_small, s == 1, b > 0.5)).astype(float)
        b = np.where(saw_big | saw_small, zero_big, b)
        b = (1 - hazard) * b + hazard * (1 - b)
    return values
