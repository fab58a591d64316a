"""Exact finite-horizon Bayes-optimal players of the two-armed Bernoulli bandits (``env.py``).

Each of the five sets of Wang et al. (2016) has its own prior over the arms' probabilities
(``PRIORS``). Knowing the prior and the number of pulls left, the player that maximises the
expected total reward of the episode is found by dynamic programming over the posterior's
sufficient statistic, backwards over the trials (a layer per number of pulls so far):

* ``independent``: p0, p1 ~ U[0, 1] independently. The posterior of each arm is Beta(1 + s, 1 + f)
  after s successes and f failures: the state is (s0, f0, s1, f1), C(n + 3, 3) states after n
  pulls, 4.4 million for 100 pulls, each layer vectorised in numpy.
* ``uniform``, ``easy``, ``medium``, ``hard`` (dependent arms: arm 0 pays p, arm 1 pays 1 - p):
  every outcome is evidence about the one p. A success of arm 0 or a failure of arm 1 has
  likelihood p, the other two outcomes 1 - p, so the posterior after ``a`` outcomes of the first
  kind and ``b = n - a`` of the second is Beta(1 + a, 1 + b) for p ~ U[0, 1], and the two-point
  posterior ``P(high | a, b) ∝ high^a (1 - high)^b`` for the sets {low, high}: the state is ``a``.

For dependent arms both arms lead to the same next state with the same probabilities (``a + 1``
with probability E[p], ``b + 1`` otherwise), so the information is the same whichever arm is
pulled and the DP's policy is greedy: arm 0 exactly when E[p | a, b] >= 1/2, i.e. ``a >= b``.
The DP computes it anyway, and the tests check the claim. For independent arms exploration pays
and the policy is not greedy.

A discount (``discount`` < 1) makes the same programme solve for the player that maximises the
reward discounted as an agent trained with that discount values it: the best such an agent could
do. With independent arms it explores less than the Bayes-optimal player, for exploring pays
later; with dependent arms it is the same greedy player.

Ties: two actions whose expected totals differ by at most ``TIE_TOLERANCE`` count as equal and
the player pulls arm 0. The tolerance is there because mirror-image states (equal values in exact
arithmetic) are computed along different float paths and may differ in the last bits; a real
difference that small is worth nothing to the player. Everything is deterministic: the player
uses no randomness of its own.

``play`` plays given episodes from the same arm probabilities ``p [episodes, 2]`` and reward
uniforms ``u_reward [episodes, trials]`` as the players of ``players.py`` (reward of trial ``t`` is
``u_reward[e, t] < p[e, action]``), so it faces the same luck as the agent and every other player.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from meta_rl.tasks.bandit.env import PROBABILITY_SETS
from meta_rl.tasks.bandit.players import regret

PRIORS = ("independent", "uniform", *PROBABILITY_SETS)
"""The five two-armed sets: independent uniform arms, then dependent arms with p ~ U[0, 1] or
p in one of the paper's two-point sets (``env.PROBABILITY_SETS``), each value with probability 1/2."""
TIE_TOLERANCE = 1e-9
"""Expected totals this close count as a tie, broken toward arm 0 (see the module docstring)."""


def prior_name(params) -> str:
    """The prior (``PRIORS``) of ``BanditParams``: ``independent`` or the dependent arms' difficulty."""
    return "independent" if params.arms == "independent" else params.difficulty


def _check_prior(prior: str) -> None:
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {', '.join(PRIORS)}, got {prior!r}")


def expected_best_arm(prior: str) -> float:
    """E[max(p0, p1)] under the prior: the expected reward per pull of a player told the arms."""
    _check_prior(prior)
    if prior == "independent":
        return 2.0 / 3.0
    if prior == "uniform":
        return 0.75  # E[max(p, 1 - p)], p ~ U[0, 1]
    low, high = PROBABILITY_SETS[prior]
    return 0.5 * (max(low, 1.0 - low) + max(high, 1.0 - high))


def dependent_posterior_mean(prior: str, n: int) -> np.ndarray:
    """E[p | a, n - a] for a = 0..n, ``[n + 1]``, dependent arms (arm 0 pays p, arm 1 pays 1 - p).

    ``a`` counts the outcomes of likelihood p (arm 0 paid, arm 1 did not), ``n - a`` the others.
    """
    _check_prior(prior)
    if prior == "independent":
        raise ValueError("independent arms have no single p: use solve_independent")
    a = np.arange(n + 1, dtype=float)
    if prior == "uniform":
        return (a + 1.0) / (n + 2.0)  # the mean of Beta(1 + a, 1 + n - a)
    low, high = PROBABILITY_SETS[prior]
    # Log-odds of p = high against p = low (prior odds 1); tanh keeps P(high) finite and exact
    # to rounding however large the evidence grows.
    log_odds = a * np.log(high / low) + (n - a) * np.log((1.0 - high) / (1.0 - low))
    p_high = 0.5 * (1.0 + np.tanh(0.5 * log_odds))
    return low + (high - low) * p_high


def _argmax_arm(q0: np.ndarray, q1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(action, value): arm 1 only where it beats arm 0 by more than ``TIE_TOLERANCE``."""
    action = (q1 > q0 + TIE_TOLERANCE).astype(np.int8)
    return action, np.where(action == 1, q1, q0)


@dataclass(frozen=True)
class DependentTable:
    """Bayes-optimal values and actions of a dependent-arms prior over ``horizon`` pulls.

    ``value[n, a]`` (``[horizon + 1, horizon + 1]``) is the optimal expected reward (discounted, if
    solved with a discount) of the ``horizon - n`` pulls left after ``n`` pulls with evidence ``a``
    (``a <= n``, NaN above; row ``horizon`` is 0); ``action[n, a]`` (``[horizon, horizon + 1]``,
    int8, -1 above ``a = n``) the optimal arm.
    """

    prior: str
    horizon: int
    value: np.ndarray
    action: np.ndarray

    @property
    def start_value(self) -> float:
        """Optimal expected total reward of the whole episode."""
        return float(self.value[0, 0])

    def state(self, successes: np.ndarray, failures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(n, a)`` from per-arm counts ``[..., 2]``: pulls so far and arm-0 successes + arm-1 failures."""
        successes, failures = np.asarray(successes), np.asarray(failures)
        n = successes.sum(axis=-1) + failures.sum(axis=-1)
        if np.any(n >= self.horizon):
            raise ValueError(f"a state after {int(n.max())} pulls has no pull left of {self.horizon}")
        return n, successes[..., 0] + failures[..., 1]

    def act(self, successes: np.ndarray, failures: np.ndarray) -> np.ndarray:
        """The optimal arm in each state given by per-arm counts ``[..., 2]``."""
        return self.action[self.state(successes, failures)].astype(int)

    def value_of(self, successes: np.ndarray, failures: np.ndarray) -> np.ndarray:
        """The optimal expected reward of the pulls left in each state given by per-arm counts."""
        return self.value[self.state(successes, failures)]


def solve_dependent(prior: str, horizon: int, discount: float = 1.0) -> DependentTable:
    """Backward induction over the evidence ``a`` of a dependent-arms prior (``DependentTable``);
    ``discount`` (``_check_discount``) weighs each later pull's reward by that much more."""
    _check_horizon(horizon)
    _check_discount(discount)
    value = np.full((horizon + 1, horizon + 1), np.nan)
    action = np.full((horizon, horizon + 1), -1, dtype=np.int8)
    value[horizon] = 0.0
    for n in range(horizon - 1, -1, -1):
        m = dependent_posterior_mean(prior, n)  # [a]
        up, down = discount * value[n + 1, 1:n + 2], discount * value[n + 1, :n + 1]  # at a + 1 and at a
        q0 = m * (1.0 + up) + (1.0 - m) * down  # arm 0 pays with E[p]: success means a + 1
        q1 = (1.0 - m) * (1.0 + down) + m * up  # arm 1 pays with 1 - E[p]: failure means a + 1
        action[n, :n + 1], value[n, :n + 1] = _argmax_arm(q0, q1)
    return DependentTable(prior, horizon, value, action)


def _check_horizon(horizon: int) -> None:
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")


def _check_discount(discount: float) -> None:
    """A discount in (0, 1]: 1 is the episode's own score (the undiscounted total reward); below
    1, the player that maximises the discounted reward, as an agent trained with that discount
    would if it learned perfectly (``reference.discount_ceiling``)."""
    if not 0.0 < discount <= 1.0:
        raise ValueError(f"discount must be in (0, 1], got {discount}")


def layer_start(n) -> np.ndarray:
    """Position of the first state after ``n`` pulls in ``IndependentTable``'s flat arrays: C(n + 3, 4)."""
    n = np.asarray(n, dtype=np.int64)
    return n * (n + 1) * (n + 2) * (n + 3) // 24


def layer_index(n, n0, s0, s1) -> np.ndarray:
    """Position within layer ``n`` of the state (arm 0: ``n0`` pulls, ``s0`` successes; arm 1: ``s1``).

    A layer lists its C(n + 3, 3) states by ``n0``, then ``s0``, then ``s1`` (``np.nonzero``'s
    order); the block of ``n0`` holds ``(n0 + 1)(n - n0 + 1)`` states and the blocks before it
    ``sum_{j=1..n0} j (n + 2 - j) = (n + 2) n0 (n0 + 1) / 2 - n0 (n0 + 1)(2 n0 + 1) / 6``.
    """
    n, n0, s0, s1 = (np.asarray(x, dtype=np.int64) for x in (n, n0, s0, s1))
    block = (n + 2) * n0 * (n0 + 1) // 2 - n0 * (n0 + 1) * (2 * n0 + 1) // 6
    return block + s0 * (n - n0 + 1) + s1


def layer_states(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n0, s0, s1)`` of every state after ``n`` pulls, in ``layer_index`` order."""
    n0, s0, s1 = np.ogrid[:n + 1, :n + 1, :n + 1]
    return np.nonzero((s0 <= n0) & (s1 <= n - n0))


@dataclass(frozen=True)
class IndependentTable:
    """Bayes-optimal values and actions of independent uniform arms over ``horizon`` pulls.

    ``value`` (float64) and ``action`` (int8) are flat over the states after 0..horizon - 1 pulls:
    the state with ``n0`` pulls and ``s0`` successes of arm 0, ``n1`` and ``s1`` of arm 1, is at
    ``layer_start(n0 + n1) + layer_index(n0 + n1, n0, s0, s1)``. ``value`` is the optimal expected
    reward (discounted, if solved with a discount) of the pulls left.
    """

    horizon: int
    value: np.ndarray
    action: np.ndarray
    prior = "independent"

    @property
    def start_value(self) -> float:
        """Optimal expected total reward of the whole episode."""
        return float(self.value[0])

    def index(self, successes: np.ndarray, failures: np.ndarray) -> np.ndarray:
        """Flat positions of the states given by per-arm counts ``[..., 2]``."""
        successes, failures = np.asarray(successes), np.asarray(failures)
        pulls = successes + failures
        n = pulls.sum(axis=-1)
        if np.any(n >= self.horizon):
            raise ValueError(f"a state after {int(n.max())} pulls has no pull left of {self.horizon}")
        return layer_start(n) + layer_index(n, pulls[..., 0], successes[..., 0], successes[..., 1])

    def act(self, successes: np.ndarray, failures: np.ndarray) -> np.ndarray:
        """The optimal arm in each state given by per-arm counts ``[..., 2]``."""
        return self.action[self.index(successes, failures)].astype(int)

    def value_of(self, successes: np.ndarray, failures: np.ndarray) -> np.ndarray:
        """The optimal expected reward of the pulls left in each state given by per-arm counts."""
        return self.value[self.index(successes, failures)]


def solve_independent(horizon: int, discount: float = 1.0) -> IndependentTable:
    """Backward induction over (s0, f0, s1, f1) for independent Beta(1, 1) arms (``IndependentTable``);
    ``discount`` as in ``solve_dependent``."""
    _check_horizon(horizon)
    _check_discount(discount)
    size = int(layer_start(horizon))
    value = np.empty(size)
    action = np.empty(size, dtype=np.int8)
    # Values after the last pull: nothing left to earn (a zero layer, so the last pull needs no
    # special case).
    after = np.zeros(int(layer_start(horizon + 1) - layer_start(horizon)))
    for n in range(horizon - 1, -1, -1):
        after = discount * after
        n0, s0, s1 = layer_states(n)
        n1 = n - n0
        m0 = (s0 + 1.0) / (n0 + 2.0)  # posterior means, Beta(1 + s, 1 + f)
        m1 = (s1 + 1.0) / (n1 + 2.0)
        # Pulling arm 0 moves to (n0 + 1, s0 + r, s1) of layer n + 1, arm 1 to (n0, s0, s1 + r).
        q0 = (m0 * (1.0 + after[layer_index(n + 1, n0 + 1, s0 + 1, s1)])
              + (1.0 - m0) * after[layer_index(n + 1, n0 + 1, s0, s1)])
        q1 = (m1 * (1.0 + after[layer_index(n + 1, n0, s0, s1 + 1)])
              + (1.0 - m1) * after[layer_index(n + 1, n0, s0, s1)])
        lo, hi = int(layer_start(n)), int(layer_start(n + 1))
        action[lo:hi], value[lo:hi] = _argmax_arm(q0, q1)
        after = value[lo:hi]
    return IndependentTable(horizon, value, action)


def bayes_table(prior: str, horizon: int, discount: float = 1.0) -> DependentTable | IndependentTable:
    """The Bayes-optimal table of ``prior`` over ``horizon`` pulls (maximising the reward
    discounted by ``discount``), built once per (prior, horizon, discount) (``cached_table``).

    Read-only, because every caller gets the same arrays. Horizon 100: independent arms take
    about 40 MB (half a second to build), dependent arms 0.1 MB.
    """
    # one key however the discount is given: an lru_cache on this function would hold
    # (prior, horizon) and (prior, horizon, 1.0) as two tables
    return cached_table(prior, int(horizon), float(discount))


@functools.lru_cache(maxsize=8)
def cached_table(prior: str, horizon: int, discount: float) -> DependentTable | IndependentTable:
    """``bayes_table``'s cache, keyed by all three arguments (call ``bayes_table``)."""
    _check_prior(prior)
    table = (solve_independent(horizon, discount) if prior == "independent"
             else solve_dependent(prior, horizon, discount))
    table.value.setflags(write=False)
    table.action.setflags(write=False)
    return table


def optimal_value(prior: str, horizon: int) -> float:
    """The Bayes-optimal expected total reward of an episode of ``horizon`` pulls under ``prior``."""
    return bayes_table(prior, horizon).start_value


def optimal_regret(prior: str, horizon: int) -> float:
    """The Bayes-optimal player's expected regret (sum over pulls of max p - p[action]) under ``prior``."""
    return horizon * expected_best_arm(prior) - optimal_value(prior, horizon)


def play(prior: str, p: np.ndarray, u_reward: np.ndarray, rng: np.random.Generator | None = None,
         horizon: int | None = None, discount: float = 1.0) -> dict[str, np.ndarray]:
    """Play the Bayes-optimal policy of ``prior`` on given episodes.

    ``p [episodes, 2]`` are the arms' probabilities and ``u_reward [episodes, trials]`` the reward
    uniforms, as in ``players.play``; ``rng`` is accepted for the same call shape and not used (the
    player is deterministic). ``horizon`` (default: the episode's trials, at least that many) is
    the number of pulls the policy plans for, ``discount`` how it weighs later rewards (1: the
    Bayes-optimal player; below 1, the best player that discounts). Returns ``action`` and
    ``reward`` (int) and the per-trial expected ``regret`` (max p - p[action], float), each
    ``[episodes, trials]``.
    """
    _check_prior(prior)
    p = np.asarray(p, dtype=float)
    u_reward = np.asarray(u_reward, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"p must have shape [episodes, 2], got {p.shape}")
    if u_reward.ndim != 2 or u_reward.shape[0] != p.shape[0]:
        raise ValueError(f"u_reward must have shape [episodes={p.shape[0]}, trials], got {u_reward.shape}")
    episodes, trials = u_reward.shape
    horizon = trials if horizon is None else int(horizon)
    if horizon < trials:
        raise ValueError(f"horizon ({horizon}) must cover the episode's {trials} trials")
    table = bayes_table(prior, horizon, discount)

    rows = np.arange(episodes)
    successes = np.zeros((episodes, 2), dtype=np.int64)
    failures = np.zeros((episodes, 2), dtype=np.int64)
    actions = np.zeros((episodes, trials), dtype=int)
    rewards = np.zeros((episodes, trials), dtype=int)
    for t in range(trials):
        a = table.act(successes, failures)
        r = (u_reward[:, t] < p[rows, a]).astype(int)
        successes[rows, a] += r
        failures[rows, a] += 1 - r
        actions[:, t] = a
        rewards[:, t] = r
    return {"action": actions, "reward": rewards, "regret": regret(p, actions)}


def departures(prior: str, action: np.ndarray, reward: np.ndarray,
               horizon: int | None = None) -> dict[str, float]:
    """Where a player's choices ``action [episodes, trials]`` (with their ``reward``) depart from
    the Bayes-optimal player's, in the states the player itself reached.

    Returns ``departed``: the share of trials whose choice is not the optimal choice in that
    trial's state; and ``more_pulled``: the share of those departures that took the arm pulled
    more often so far (the player stays with the arm it has been exploiting where the optimal
    player samples the other; NaN without departures). A player that explores too little departs
    toward the more-pulled arm, one that explores too much toward the less-pulled.
    """
    action = np.asarray(action, dtype=int)
    reward = np.asarray(reward, dtype=int)
    episodes, trials = action.shape
    table = bayes_table(prior, trials if horizon is None else int(horizon))
    rows = np.arange(episodes)
    successes = np.zeros((episodes, 2), dtype=np.int64)
    failures = np.zeros((episodes, 2), dtype=np.int64)
    departed = more_pulled = 0
    for t in range(trials):
        a = action[:, t]
        differs = table.act(successes, failures) != a
        pulls = successes + failures
        departed += int(differs.sum())
        more_pulled += int((differs & (pulls[rows, a] > pulls[rows, 1 - a])).sum())
        successes[rows, a] += reward[:, t]
        failures[rows, a] += 1 - reward[:, t]
    share = more_pulled / departed if departed else float("nan")
    return {"departed": departed / action.size, "more_pulled": share}
