"""The exact finite-horizon Bayes-optimal player of k-armed Bernoulli bandits with
p_i ~ U[0, 1] independently (RL²'s Table 1, ``rl2.py``), for short episodes.

The posterior of each arm is Beta(1 + s, 1 + f) after s successes and f failures, and arms
are exchangeable under the prior, so what the player knows is the multiset of the pulled
arms' (s, f) and the number of arms not pulled yet. The expected total reward of the pulls
left is found by memoised recursion over those multisets (expectimax): pulling an arm of
state (s, f) pays 1 with probability (s + 1) / (s + f + 2) and moves it to (s + 1, f), else to
(s, f + 1). Arms in the same state are worth the same, so each state is tried once. The
number of multisets grows like the partitions of pairs of the pulls so far, which keeps this
to short episodes (``MAX_HORIZON``): RL²'s n = 10 cells, where the Bayes-optimal player is the
ceiling that the Gittins index only approximates.

Ties: arms whose expected totals differ by at most ``TIE_TOLERANCE`` count as equal and the
lowest-numbered is pulled (as ``bayes_optimal.py`` does on two arms); the player draws no
random numbers. ``play`` plays given episodes with the same arms and reward uniforms as every
player of ``players.py``.
"""

from __future__ import annotations

import functools

import numpy as np

from meta_rl.tasks.bandit.bayes_optimal import TIE_TOLERANCE
from meta_rl.tasks.bandit.players import regret

MAX_HORIZON = 12
"""The longest episode ``play`` and ``optimal_value`` accept (k = 50 arms and 12 pulls:
about a hundred thousand multisets, a few seconds)."""

ArmState = tuple[int, int]
Pulled = tuple[ArmState, ...]


def _check(n_arms: int, horizon: int) -> None:
    if n_arms < 2:
        raise ValueError(f"n_arms must be at least 2, got {n_arms}")
    if not 0 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be in [0, {MAX_HORIZON}], got {horizon}")


def _after(pulled: Pulled, fresh: int, arm: ArmState, new: ArmState) -> tuple[Pulled, int]:
    """The knowledge state after one arm in state ``arm`` moved to ``new``."""
    if arm == (0, 0):
        return tuple(sorted((*pulled, new))), fresh - 1
    items = list(pulled)
    items[items.index(arm)] = new
    return tuple(sorted(items)), fresh


@functools.cache
def _action_values(pulled: Pulled, fresh: int, left: int) -> dict[ArmState, float]:
    """``{arm state: expected total of the ``left`` pulls when an arm in that state is pulled
    first and the player is optimal after}``, for every state some arm is in."""
    out = {}
    for arm in sorted(set(pulled)) + ([(0, 0)] if fresh else []):
        s, f = arm
        mean = (s + 1) / (s + f + 2)
        win = _value(*_after(pulled, fresh, arm, (s + 1, f)), left - 1)
        lose = _value(*_after(pulled, fresh, arm, (s, f + 1)), left - 1)
        out[arm] = mean * (1.0 + win) + (1.0 - mean) * lose
    return out


def _value(pulled: Pulled, fresh: int, left: int) -> float:
    """The Bayes-optimal expected total of the ``left`` pulls from a knowledge state."""
    return max(_action_values(pulled, fresh, left).values()) if left > 0 else 0.0


def optimal_value(n_arms: int, horizon: int) -> float:
    """The Bayes-optimal expected total reward of an episode of ``horizon`` pulls on ``n_arms``
    arms with p_i ~ U[0, 1] independently."""
    _check(n_arms, horizon)
    return _value((), n_arms, horizon)


def choose(successes: np.ndarray, failures: np.ndarray, left: int) -> int:
    """The arm the Bayes-optimal player pulls with ``left`` pulls to go, given each arm's
    successes and failures so far (``[k]`` each); ties to the lowest-numbered arm."""
    states = list(zip(successes.tolist(), failures.tolist()))
    pulled = tuple(sorted(a for a in states if a != (0, 0)))
    values = _action_values(pulled, len(states) - len(pulled), left)
    per_arm = np.array([values[a] for a in states])
    return int(np.flatnonzero(per_arm >= per_arm.max() - TIE_TOLERANCE)[0])


def play(p: np.ndarray, u_reward: np.ndarray,
         rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Play the Bayes-optimal policy on given episodes.

    ``p [episodes, k]`` are the arms' probabilities and ``u_reward [episodes, trials]`` the
    reward uniforms (reward of trial t: ``u_reward[e, t] < p[e, action]``), as in
    ``players.play``; ``rng`` is accepted for the same call shape and not used. Returns
    ``action`` and ``reward`` (int) and the per-trial expected ``regret``, ``[episodes, trials]``.
    """
    p = np.asarray(p, dtype=float)
    u_reward = np.asarray(u_reward, dtype=float)
    if p.ndim != 2 or u_reward.ndim != 2 or u_reward.shape[0] != p.shape[0]:
        raise ValueError(f"p must be [episodes, k] and u_reward [episodes, trials], got {p.shape} "
                         f"and {u_reward.shape}")
    episodes, trials = u_reward.shape
    _check(p.shape[1], trials)
    actions = np.zeros((episodes, trials), dtype=int)
    rewards = np.zeros((episodes, trials), dtype=int)
    for e in range(episodes):
        successes = np.zeros(p.shape[1], dtype=int)
        failures = np.zeros(p.shape[1], dtype=int)
        for t in range(trials):
            a = choose(successes, failures, trials - t)
            r = int(u_reward[e, t] < p[e, a])
            successes[a] += r
            failures[a] += 1 - r
            actions[e, t], rewards[e, t] = a, r
    return {"action": actions, "reward": rewards, "regret": regret(p, actions)}
