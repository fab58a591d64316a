"""Reference players of the risky-choice task, played on the agent's own test episodes (same
blocks, same risky payouts), with their own choice randomness.

* ``delta rule``: a value per lever learned from its own rewards, softmax choice;
* ``knows p``: chooses the lever with the larger expected reward in the block (risky when
  4p > 1; at p = 0.25, where they are equal, either at random).
"""

from __future__ import annotations

import numpy as np

from meta_rl.analysis.delta_rule import choice_probability, update

PLAYERS = {"delta rule": (0.3, 2.0), "knows p": None}
"""Name -> (learning rate, inverse temperature), or None for the player that knows p."""


def play(name: str, p_risky, u_paid, safe: float, risky: float, rng: np.random.Generator,
         forced=None, lever=None) -> dict:
    """Actions and rewards ``[E, N]`` of a player on blocks ``p_risky [E, N]`` with the
    payout uniforms ``u_paid [E, N]`` (the risky lever pays when ``u < p``, as in ``env.py``);
    on forced trials (``forced`` 1) it presses the lever out (``lever``)."""
    p_risky, u = np.asarray(p_risky, np.float64), np.asarray(u_paid)
    forced = np.zeros(p_risky.shape, int) if forced is None else np.asarray(forced)
    lever = np.zeros(p_risky.shape, int) if lever is None else np.asarray(lever)
    n_episodes, n_trials = p_risky.shape
    q = np.zeros((n_episodes, 2))
    actions, rewards = np.zeros((n_episodes, n_trials), int), np.zeros((n_episodes, n_trials))
    for t in range(n_trials):
        if PLAYERS[name] is None:
            edge = risky * p_risky[:, t] - safe
            a = np.where(np.isclose(edge, 0), rng.random(n_episodes) < 0.5, edge > 0).astype(int)
        else:
            a = (rng.random(n_episodes) < choice_probability(q, PLAYERS[name][1])).astype(int)
        a = np.where(forced[:, t] == 1, lever[:, t], a)
        r = np.where(a == 0, safe, risky * (u[:, t] < p_risky[:, t]))
        if PLAYERS[name] is not None:
            q = update(q, a, r, PLAYERS[name][0])
        actions[:, t], rewards[:, t] = a, r
    return {"action": actions, "reward": rewards}
