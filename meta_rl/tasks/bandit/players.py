"""Classical players of the two-armed Bernoulli bandit, to compare with the meta-RL agent.

Wang et al. (2016, "Learning to reinforcement learn", Fig. 2) compare the cumulative regret
of their LSTM agent with Thompson sampling, UCB1 and Gittins indices. ``play`` runs one of
these algorithms on given arm probabilities ``p [episodes, 2]`` and given reward uniforms
``u_reward [episodes, trials]``: the reward of trial ``t`` is ``u_reward[e, t] < p[e, action]``,
the rule of ``env.py``. Feeding the uniforms the agent's environment used makes
every player face the same luck, so trial-by-trial differences come from the choices alone.

Players (all vectorised over episodes; the only Python loop is over trials):

* ``thompson``: Beta(1, 1) prior on each arm (arms treated as independent), pull the arm
  whose posterior draw is larger.
* ``ucb1``: Auer et al. (2002): pull each arm once (in random order), then the arm with the
  largest ``mean + sqrt(2 ln t / n)``, ``t`` the pulls so far and ``n`` the arm's pulls.
* ``epsilon-greedy``: a random arm with probability ``epsilon``, else the arm with the larger
  empirical mean; an untried arm counts as mean 0.5.
* ``gittins``: the arm with the larger Gittins index (Beta(1, 1) prior, discount ``gamma``)
  of its (successes, failures) state, from ``gittins_index_table``.
* ``random``: a fair coin.

``simulate_delta_rule`` plays the delta-rule learner (``meta_rl.analysis.delta_rule``) the
same way. Ties are broken at random. ``regret`` and ``cumulative_regret`` give the expected
(pseudo-)regret, which does not depend on the reward luck.
"""

from __future__ import annotations

import functools

import numpy as np

from meta_rl.analysis.delta_rule import choice_probability, update

POLICIES = ("thompson", "ucb1", "epsilon-greedy", "gittins", "random")
DEFAULT_EPSILON = 0.1
DEFAULT_GAMMA = 0.99
"""Discount of the ``gittins`` policy, the best of 0.8, 0.9, 0.95 and 0.99 on 100-trial dependent-arm
episodes (final cumulative regret, 10 x 2,000 episodes, standard errors ~0.02-0.06). With
p ~ U[0, 1] 0.99 and 0.95 tie (1.57 and 1.56; 0.9: 1.60, 0.8: 1.75); with p in {0.4, 0.6}, where
more exploration pays, 0.99 is clearly best (2.97; 0.95: 3.22, 0.9: 3.49, 0.8: 3.80)."""
_POLICY_KWARGS = {"epsilon-greedy": {"epsilon"}, "gittins": {"gamma", "grid"}}


def regret(p: np.ndarray, action: np.ndarray) -> np.ndarray:
    """Expected regret of each trial ``[episodes, trials]``: best arm's p minus the chosen arm's.

    This is the pseudo-regret: it uses the probabilities, not the rewards, so it measures the
    choices without the noise of the reward draws.
    """
    p = np.asarray(p, dtype=float)
    action = np.asarray(action)
    chosen = np.take_along_axis(p, action, axis=1)  # p[e, action[e, t]]
    return p.max(axis=1)[:, None] - chosen


def cumulative_regret(p: np.ndarray, action: np.ndarray) -> np.ndarray:
    """Mean over episodes of the running sum of ``regret`` over trials, shape ``[trials]``."""
    return regret(p, action).cumsum(axis=1).mean(axis=0)


def gittins_index_table(horizon: int, gamma: float, grid: int = 2000) -> np.ndarray:
    """Gittins indices of a Bernoulli arm with a Beta(1, 1) prior, ``[horizon, horizon]``.

    Entry ``[s, f]`` is the index of the arm after ``s`` successes and ``f`` failures, as a
    reward per step (it lies between the posterior mean and 1); NaN where ``s + f >= horizon``.

    Calibration (retirement) method: offered a sure reward ``lam`` per step forever instead,
    the arm's value is ``V(s, f) = max(lam / (1 - gamma), p (1 + gamma V(s+1, f))
    + (1 - p) gamma V(s, f+1))`` with ``p = (s + 1) / (s + f + 2)``. The recursion is cut at
    depth ``s + f = horizon``, where the arm is valued as paying its mean forever (or retired,
    if better). The index is the ``lam`` at which continuing and retiring are worth the same.

    The dynamic programme runs backwards over the diagonals ``s + f = n`` for ``grid`` values of
    ``lam`` in [0, 1] at once; ``continue - retire`` decreases in ``lam`` (continuing gains at
    most ``gamma / (1 - gamma)`` per unit of ``lam``, retiring ``1 / (1 - gamma)``), so the index
    is found by linear interpolation where it changes sign.
    """
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    if not 0.0 <= gamma < 1.0:
        raise ValueError(f"gamma must be in [0, 1), got {gamma}")
    if grid < 2:
        raise ValueError(f"grid must be at least 2, got {grid}")
    lam = np.linspace(0.0, 1.0, grid)
    retire = lam / (1.0 - gamma)  # [grid]
    table = np.full((horizon, horizon), np.nan)

    # Values on the cut-off diagonal s + f = horizon: the mean forever, or retire.
    s = np.arange(horizon + 1)
    mean = (s + 1.0) / (horizon + 2.0)
    value = np.maximum(retire[None, :], mean[:, None] / (1.0 - gamma))  # [s, grid]
    for n in range(horizon - 1, -1, -1):
        s = np.arange(n + 1)
        mean = ((s + 1.0) / (n + 2.0))[:, None]
        # value[s] is the state (s, n + 1 - s): a success moves to value[s + 1], a failure to value[s].
        cont = mean * (1.0 + gamma * value[1:]) + (1.0 - mean) * gamma * value[:-1]
        diff = cont - retire[None, :]
        # diff > 0 at lam = 0 (cont >= mean > 0) and diff < 0 at lam = 1 (diff = mean - 1 there),
        # so the first non-positive grid point k >= 1 brackets the index with k - 1.
        k = np.argmax(diff <= 0.0, axis=1)
        rows = np.arange(n + 1)
        d0, d1 = diff[rows, k - 1], diff[rows, k]
        table[s, n - s] = lam[k - 1] + d0 / (d0 - d1) * (lam[k] - lam[k - 1])
        value = np.maximum(cont, retire[None, :])
    return table


@functools.lru_cache(maxsize=16)
def _cached_gittins_table(horizon: int, gamma: float, grid: int) -> np.ndarray:
    # Many calls of play() share (horizon, gamma): build each table once. Read-only, because
    # every caller gets the same array.
    table = gittins_index_table(horizon, gamma, grid)
    table.setflags(write=False)
    return table


def _choose_larger(v0: np.ndarray, v1: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Arm 1 where ``v1 > v0``, arm 0 where ``v0 > v1``, a fair coin where they are equal."""
    coin = rng.integers(0, 2, size=len(v0))  # drawn for every episode, so rng use is predictable
    return np.where(v1 > v0, 1, np.where(v0 > v1, 0, coin))


def _check_inputs(policy: str, p: np.ndarray, u_reward: np.ndarray, kwargs: dict) -> None:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    unknown = set(kwargs) - _POLICY_KWARGS.get(policy, set())
    if unknown:
        raise TypeError(f"policy {policy!r} takes no argument(s) {', '.join(sorted(unknown))}")
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"p must have shape [episodes, 2], got {p.shape}")
    if u_reward.ndim != 2 or u_reward.shape[0] != p.shape[0]:
        raise ValueError(f"u_reward must have shape [episodes={p.shape[0]}, trials], got {u_reward.shape}")


def play(policy: str, p: np.ndarray, u_reward: np.ndarray, rng: np.random.Generator,
         **kwargs) -> dict[str, np.ndarray]:
    """Play ``policy`` on every episode; returns ``action`` and ``reward``, int ``[episodes, trials]``.

    ``p [episodes, 2]`` are the arms' reward probabilities, ``u_reward [episodes, trials]`` the
    reward uniforms (reward = ``u_reward[e, t] < p[e, action]``) and ``rng`` the source of the
    policy's own randomness (posterior draws, exploration, tie breaks). Keyword arguments:
    ``epsilon`` (epsilon-greedy, default ``DEFAULT_EPSILON``); ``gamma`` and ``grid`` (gittins,
    defaults ``DEFAULT_GAMMA`` and 2000). Unknown policies raise ``ValueError``.
    """
    p = np.asarray(p, dtype=float)
    u_reward = np.asarray(u_reward, dtype=float)
    _check_inputs(policy, p, u_reward, kwargs)
    episodes, trials = u_reward.shape
    epsilon = float(kwargs.get("epsilon", DEFAULT_EPSILON))
    if not 0.0 <= epsilon <= 1.0:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon}")
    table = None
    if policy == "gittins":
        # Within an episode an arm is pulled at most `trials - 1` times before the last choice,
        # so a table of horizon `trials` covers every state that can occur.
        table = _cached_gittins_table(trials, float(kwargs.get("gamma", DEFAULT_GAMMA)),
                                      int(kwargs.get("grid", 2000)))

    rows = np.arange(episodes)
    successes = np.zeros((episodes, 2), dtype=int)
    failures = np.zeros((episodes, 2), dtype=int)
    actions = np.zeros((episodes, trials), dtype=int)
    rewards = np.zeros((episodes, trials), dtype=int)
    if policy == "ucb1":
        # Auer et al. pull each arm once; a random order keeps arm 0 from being favoured.
        first = rng.integers(0, 2, size=episodes)
    for t in range(trials):
        pulls = successes + failures
        if policy == "thompson":
            draws = rng.beta(successes + 1.0, failures + 1.0)
            a = _choose_larger(draws[:, 0], draws[:, 1], rng)
        elif policy == "ucb1":
            if t < 2:
                a = first if t == 0 else 1 - first
            else:
                score = successes / pulls + np.sqrt(2.0 * np.log(t) / pulls)
                a = _choose_larger(score[:, 0], score[:, 1], rng)
        elif policy == "epsilon-greedy":
            # An untried arm counts as 0.5, the mean of the uniform prior: neither optimistic
            # (which would force trying both) nor pessimistic (which would lock in the first arm
            # after a single reward). The random exploration makes sure both arms get tried.
            mean = np.divide(successes, pulls, out=np.full((episodes, 2), 0.5), where=pulls > 0)
            greedy = _choose_larger(mean[:, 0], mean[:, 1], rng)
            explore = rng.random(episodes) < epsilon
            a = np.where(explore, rng.integers(0, 2, size=episodes), greedy)
        elif policy == "gittins":
            index = table[successes, failures]  # [episodes, 2]
            a = _choose_larger(index[:, 0], index[:, 1], rng)
        else:  # random
            a = rng.integers(0, 2, size=episodes)
        r = (u_reward[:, t] < p[rows, a]).astype(int)
        successes[rows, a] += r
        failures[rows, a] += 1 - r
        actions[:, t] = a
        rewards[:, t] = r
    return {"action": actions, "reward": rewards}


def simulate_delta_rule(alpha: float, beta: float, p, u_reward, seed: int = 0, q0: float = 0.5):
    """Choices and rewards ``[E, N]`` of the delta-rule learner with softmax choice on arms
    ``p [E, 2]`` with the reward uniforms ``u_reward [E, N]`` (reward: ``u < p[action]``)."""
    p, u_reward = np.asarray(p), np.asarray(u_reward)
    rng = np.random.default_rng(seed)
    rows = np.arange(len(p))
    q = np.full((len(p), 2), float(q0))
    actions = np.zeros(u_reward.shape, int)
    rewards = np.zeros(u_reward.shape, int)
    for t in range(u_reward.shape[1]):
        a = (rng.random(len(p)) < choice_probability(q, beta)).astype(int)
        r = (u_reward[:, t] < p[rows, a]).astype(int)
        q = update(q, a, r, alpha)
        actions[:, t], rewards[:, t] = a, r
    return actions, rewards
