"""Classical players of Bernoulli bandits, to compare with the meta-RL agent.

Wang et al. (2016, "Learning to reinforcement learn", Fig. 2) compare the cumulative regret
of their LSTM agent on two arms with Thompson sampling, UCB1 and Gittins indices; Duan et al.
(2016, "RL²", arXiv:1611.02779, section 3.1 and Table 1) compare theirs on k arms with random,
Gittins, Thompson sampling (TS), optimistic TS, UCB1, epsilon-greedy and greedy. ``play`` runs
one of these algorithms on given arm probabilities ``p [episodes, k]`` and given reward uniforms
``u_reward [episodes, trials]``: the reward of trial ``t`` is ``u_reward[e, t] < p[e, action]``,
the rule of ``env.py``. Feeding the uniforms the agent's environment used makes every player
face the same luck, so trial-by-trial differences come from the choices alone.

Players (all vectorised over episodes; the only Python loop is over trials; any number of arms):

* ``thompson``: Beta(1, 1) prior on each arm (arms treated as independent), pull the arm
  whose posterior draw is largest.
* ``ots``: RL²'s optimistic Thompson sampling: draw ``samples`` joint samples from the posterior,
  keep the one of highest posterior density and pull its best arm (one sample: ``thompson``).
* ``ucb1``: the arm with the largest ``mean + c sqrt(2 ln t / n)``, ``t`` the pulls so far and
  ``n`` the arm's pulls. With ``pseudo_counts = 0`` (default) Auer et al. (2002): each arm is
  pulled once first (from a random arm on, cyclically), ``c = 1``; RL² starts every arm at one
  success and one failure (``pseudo_counts = 1``, a Beta(1, 1) prior, no forced pulls) and tunes
  ``c``. (RL² writes ``ln t`` for the t-th pull, Auer et al. the pulls so far; with ``c`` tuned
  the one pull apart does not matter, so both variants use the pulls so far, at least 1.)
* ``epsilon-greedy``: a random arm with probability ``epsilon``, else the arm with the largest
  mean, ``(s + pseudo_counts) / (n + 2 pseudo_counts)``; with ``pseudo_counts = 0`` an untried
  arm counts as 0.5. ``greedy``: the same with ``epsilon = 0`` (RL²: "a special case").
* ``gittins``: the arm with the largest Gittins index (Beta(1, 1) prior, discount ``gamma``)
  of its (successes, failures) state, from ``gittins_index_table``.
* ``random``: an arm uniformly at random.

``simulate_delta_rule`` plays the delta-rule learner (``meta_rl.analysis.delta_rule``) the
same way on two arms. Ties are broken at random (``_best_arm``). ``regret``, ``cumulative_regret``
and ``expected_reward`` give the expected (pseudo-)regret and reward, which do not depend on the
reward luck.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.special import xlog1py, xlogy

from meta_rl.analysis.delta_rule import choice_probability, update

POLICIES = ("thompson", "ucb1", "epsilon-greedy", "gittins", "random", "ots", "greedy")
"""Every player of ``play``: Wang et al.'s first, then RL²'s other two."""
DEFAULT_EPSILON = 0.1
DEFAULT_GAMMA = 0.99
"""Discount of the ``gittins`` policy, the best of 0.8, 0.9, 0.95 and 0.99 on 100-trial dependent-arm
episodes (final cumulative regret, 10 x 2,000 episodes, standard errors ~0.02-0.06). With
p ~ U[0, 1] 0.99 and 0.95 tie (1.57 and 1.56; 0.9: 1.60, 0.8: 1.75); with p in {0.4, 0.6}, where
more exploration pays, 0.99 is clearly best (2.97; 0.95: 3.22, 0.9: 3.49, 0.8: 3.80)."""
DEFAULT_OTS_SAMPLES = 5
"""Posterior samples of ``ots`` (RL² tuned theirs per setting and does not give it; see ``rl2.py``)."""
_POLICY_KWARGS = {"epsilon-greedy": {"epsilon", "pseudo_counts"}, "greedy": {"pseudo_counts"},
                  "ucb1": {"c", "pseudo_counts"}, "gittins": {"gamma", "grid"}, "ots": {"samples"}}


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


def expected_reward(p: np.ndarray, action: np.ndarray) -> np.ndarray:
    """Each episode's expected total reward ``[episodes]``: the sum over trials of the chosen
    arm's p (RL²'s Table 1 reports its mean, as the total reward averaged over episodes)."""
    p = np.asarray(p, dtype=float)
    return np.take_along_axis(p, np.asarray(action), axis=1).sum(axis=1)


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


def _best_arm(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The arm of largest value in each row of ``values [episodes, k]``; ties go to the first
    maximum counting from a random arm, cyclically (for two arms, a fair coin).

    One draw of ``rng.integers(0, k)`` per episode, tie or not, so the randomness a player uses
    does not depend on the values (and two-armed play consumes exactly what it always did).
    """
    episodes, k = values.shape
    start = rng.integers(0, k, size=episodes)
    order = (start[:, None] + np.arange(k)) % k  # arms in the order they are tried for the maximum
    rows = np.arange(episodes)
    return order[rows, np.argmax(values[rows[:, None], order], axis=1)]


def _check_inputs(policy: str, p: np.ndarray, u_reward: np.ndarray, kwargs: dict) -> dict:
    """The policy's settings, defaults filled in and checked (errors name the argument)."""
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    unknown = set(kwargs) - _POLICY_KWARGS.get(policy, set())
    if unknown:
        raise TypeError(f"policy {policy!r} takes no argument(s) {', '.join(sorted(unknown))}")
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"p must have shape [episodes, arms >= 2], got {p.shape}")
    if u_reward.ndim != 2 or u_reward.shape[0] != p.shape[0]:
        raise ValueError(f"u_reward must have shape [episodes={p.shape[0]}, trials], got {u_reward.shape}")
    options = {"epsilon": float(kwargs.get("epsilon", 0.0 if policy == "greedy" else DEFAULT_EPSILON)),
               "c": float(kwargs.get("c", 1.0)), "pseudo_counts": float(kwargs.get("pseudo_counts", 0.0)),
               "samples": kwargs.get("samples", DEFAULT_OTS_SAMPLES)}
    if not 0.0 <= options["epsilon"] <= 1.0:
        raise ValueError(f"epsilon must be in [0, 1], got {options['epsilon']}")
    for name in ("c", "pseudo_counts"):
        if not options[name] >= 0.0:
            raise ValueError(f"{name} must be non-negative, got {options[name]}")
    if int(options["samples"]) != options["samples"] or options["samples"] < 1:
        raise ValueError(f"samples must be a positive integer, got {options['samples']}")
    options["samples"] = int(options["samples"])
    return options


def _mean(successes: np.ndarray, failures: np.ndarray, pseudo: float) -> np.ndarray:
    """Each arm's mean, ``(s + pseudo) / (n + 2 pseudo)``; 0.5 for an arm never pulled."""
    n = successes + failures + 2 * pseudo
    return np.divide(successes + pseudo, n, out=np.full(n.shape, 0.5), where=n > 0)


def _optimistic_sample(successes: np.ndarray, failures: np.ndarray, samples: int,
                       rng: np.random.Generator) -> np.ndarray:
    """RL²'s optimistic Thompson draw ``[episodes, k]``: of ``samples`` joint draws from the
    Beta(1 + s, 1 + f) posteriors, the one of highest posterior density."""
    draws = rng.beta(successes + 1.0, failures + 1.0, size=(samples, *successes.shape))
    # The log density up to the Beta functions, which all draws of an episode share;
    # xlogy keeps 0 log 0 = 0 for an arm without successes (or failures).
    log_density = (xlogy(successes, draws) + xlog1py(failures, -draws)).sum(axis=2)  # [samples, E]
    return draws[np.argmax(log_density, axis=0), np.arange(successes.shape[0])]


def play(policy: str, p: np.ndarray, u_reward: np.ndarray, rng: np.random.Generator,
         **kwargs) -> dict[str, np.ndarray]:
    """Play ``policy`` on every episode; returns ``action`` and ``reward``, int ``[episodes, trials]``.

    ``p [episodes, k]`` are the arms' reward probabilities (k >= 2), ``u_reward [episodes, trials]``
    the reward uniforms (reward = ``u_reward[e, t] < p[e, action]``) and ``rng`` the source of the
    policy's own randomness (posterior draws, exploration, tie breaks). Keyword arguments:
    ``epsilon`` (epsilon-greedy, default ``DEFAULT_EPSILON``); ``pseudo_counts`` (ucb1,
    epsilon-greedy and greedy: successes and failures every arm starts with, default 0); ``c``
    (ucb1, default 1); ``samples`` (ots, default ``DEFAULT_OTS_SAMPLES``); ``gamma`` and ``grid``
    (gittins, defaults ``DEFAULT_GAMMA`` and 2000). Unknown policies raise ``ValueError``.
    """
    p = np.asarray(p, dtype=float)
    u_reward = np.asarray(u_reward, dtype=float)
    options = _check_inputs(policy, p, u_reward, kwargs)
    episodes, trials = u_reward.shape
    k = p.shape[1]
    pseudo = options["pseudo_counts"]
    table = None
    if policy == "gittins":
        # Within an episode an arm is pulled at most `trials - 1` times before the last choice,
        # so a table of horizon `trials` covers every state that can occur.
        table = _cached_gittins_table(trials, float(kwargs.get("gamma", DEFAULT_GAMMA)),
                                      int(kwargs.get("grid", 2000)))

    rows = np.arange(episodes)
    successes = np.zeros((episodes, k), dtype=int)
    failures = np.zeros((episodes, k), dtype=int)
    actions = np.zeros((episodes, trials), dtype=int)
    rewards = np.zeros((episodes, trials), dtype=int)
    if policy == "ucb1" and pseudo == 0:
        # Auer et al. pull each arm once; a random first arm keeps arm 0 from being favoured.
        first = rng.integers(0, k, size=episodes)
    for t in range(trials):
        if policy == "thompson":
            a = _best_arm(rng.beta(successes + 1.0, failures + 1.0), rng)
        elif policy == "ots":
            a = _best_arm(_optimistic_sample(successes, failures, options["samples"], rng), rng)
        elif policy == "ucb1":
            if pseudo == 0 and t < k:
                a = (first + t) % k
            else:
                n = successes + failures + 2 * pseudo
                bonus = options["c"] * np.sqrt(2.0 * np.log(max(t, 1)) / n)
                a = _best_arm((successes + pseudo) / n + bonus, rng)
        elif policy in ("epsilon-greedy", "greedy"):
            # With no pseudo-counts an untried arm counts as 0.5, the mean of the uniform prior:
            # neither optimistic (which would force trying every arm) nor pessimistic (which
            # would lock in the first arm after a single reward).
            greedy = _best_arm(_mean(successes, failures, pseudo), rng)
            explore = rng.random(episodes) < options["epsilon"]
            a = np.where(explore, rng.integers(0, k, size=episodes), greedy)
        elif policy == "gittins":
            a = _best_arm(table[successes, failures], rng)  # [episodes, k] indices
        else:  # random
            a = rng.integers(0, k, size=episodes)
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
