"""Reference players of the matching task, played on the agent's own test episodes (same
base probabilities, same scheduled rewards), with their own choice randomness.

* ``delta rule``: a value per option learned from its own rewards, softmax choice;
* ``local matching``: Sugrue et al. 2004's player, choosing each option in proportion to
  its recent income (leaky integration over ``tau`` trials).
"""

from __future__ import annotations

import numpy as np

from meta_rl.analysis.delta_rule import choice_probability, update

PLAYERS = {"delta rule": ("delta", 0.3, 5.0), "local matching": ("matching", 10.0, 0.0)}
"""Name -> (kind, learning rate or income time constant, inverse temperature)."""


def play(kind: str, rate: float, beta: float, p, u_scheduled, rng: np.random.Generator,
         baiting: bool = True) -> dict[str, np.ndarray]:
    """Actions and rewards ``[E, N]`` of a player on base probabilities ``p [E, 2]`` with
    the reward-scheduling uniforms ``u_scheduled [E, N, 2]`` (a reward is scheduled on
    option i when ``u < p_i``, as in ``env.py``)."""
    p, u = np.asarray(p), np.asarray(u_scheduled)
    n_episodes, n_trials = u.shape[:2]
    rows = np.arange(n_episodes)
    armed = np.zeros((n_episodes, 2), bool)
    q = np.zeros((n_episodes, 2)) if kind == "delta" else np.full((n_episodes, 2), 0.5)
    actions, rewards = np.zeros((n_episodes, n_trials), int), np.zeros((n_episodes, n_trials), int)
    for t in range(n_trials):
        if kind == "delta":
            p1 = choice_probability(q, beta)
        else:
            p1 = q[:, 1] / q.sum(axis=1)
        a = (rng.random(n_episodes) < p1).astype(int)
        armed = (armed if baiting else np.zeros_like(armed)) | (u[:, t] < p)
        r = armed[rows, a].astype(int)
        armed[rows, a] = False
        if kind == "delta":
            q = update(q, a, r, rate)
        else:  # leaky income: each option's income decays, the chosen one's grows by its reward
            q *= 1.0 - 1.0 / rate
            q[rows, a] += r / rate
            q = np.maximum(q, 1e-3)  # a never-paid option keeps a small chance
        actions[:, t], rewards[:, t] = a, r
    return {"action": actions, "reward": rewards}
