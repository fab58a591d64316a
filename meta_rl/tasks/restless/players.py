"""Reference players of the restless bandit, on the same episodes as the agent (numpy): the
arms' probabilities ``p [E, N]`` (arm 0's; arm 1's is 1 - p) and the reward uniforms
``u [E, N]`` (the reward of a pull is ``u < p`` of the arm pulled, the task's rule).

* ``ucb1``: the arm with the largest mean + sqrt(chi ln n / n_i), each arm once first (the
  paper: chi = 1);
* ``thompson``: Thompson sampling that knows the arms are p and 1 - p and that p follows a
  Gaussian random walk, of one fixed step s.d. (the paper: "a fixed volatility for all
  episodes"): a Kalman filter on p (a reward counts as an observation of p, or of 1 - p, with
  variance 1/4), p drawn from the posterior, arm 0 pulled if the draw exceeds 1/2;
* ``rescorla-wagner``: the delta rule on the estimate that arm 0 pays (a reward on one arm, or
  none on the other, counts for arm 0, as the fitted model reads choices: ``meta_rl.analysis
  .phase_fit``), softmax choice;
* ``bayes``: the Bayesian observer that knows the drift process and both levels: a grid filter
  over (p, level), arm 0 pulled when the posterior mean of p exceeds 1/2. Either pull tells as
  much about p, so this greedy choice is the Bayes-optimal policy: the ceiling;
* ``random``: an arm at random.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from scipy.special import expit
from scipy.stats import norm

from meta_rl.analysis.phase_fit import paid_option
from meta_rl.tasks.restless.env import RestlessParams, walk

PLAYERS = ("bayes", "thompson", "ucb1", "rescorla-wagner", "random")
GRID = 201
"""Points of the Bayesian observer's grid over p."""


def regret(p: np.ndarray, action: np.ndarray) -> np.ndarray:
    """Expected regret of each pull ``[E, N]``: the better arm's probability minus the chosen one's."""
    p = np.asarray(p, np.float64)
    chosen = np.where(np.asarray(action) == 0, p, 1 - p)
    return np.maximum(p, 1 - p) - chosen


def _pay(p, u, action):
    return (u < np.where(action == 0, p, 1 - p)).astype(int)


def _arm0_evidence(action, reward):
    """1 when the pull says arm 0 pays (a reward on arm 0, nothing on arm 1), else 0: the
    fitted model's reading of a choice (``phase_fit.paid_option``)."""
    return 1 - paid_option(action, reward)


def ucb1(p, u, rng, chi: float = 1.0):
    n_episodes, n_trials = p.shape
    counts, sums = np.zeros((n_episodes, 2)), np.zeros((n_episodes, 2))
    first = rng.integers(0, 2, n_episodes)
    rows = np.arange(n_episodes)
    actions = np.zeros(p.shape, int)
    for t in range(n_trials):
        if t < 2:
            a = (first + t) % 2
        else:
            score = sums / counts + np.sqrt(chi * np.log(t) / counts)
            a = np.argmax(score, axis=1)
        actions[:, t] = a
        r = _pay(p[:, t], u[:, t], a)
        counts[rows, a] += 1
        sums[rows, a] += r
    return actions


def thompson(p, u, rng, drift: float = 0.05):
    mean, var = np.full(len(p), 0.5), np.full(len(p), 1 / 12)  # the uniform start
    actions = np.zeros(p.shape, int)
    for t in range(p.shape[1]):
        a = (rng.normal(mean, np.sqrt(var)) <= 0.5).astype(int)
        r = _pay(p[:, t], u[:, t], a)
        gain = var / (var + 0.25)
        mean = mean + gain * (_arm0_evidence(a, r) - mean)
        var = (1 - gain) * var + drift ** 2
        actions[:, t] = a
    return actions


def rescorla_wagner(p, u, rng, alpha: float = 0.5, beta: float = 10.0):
    q = np.full(len(p), 0.5)
    actions = np.zeros(p.shape, int)
    for t in range(p.shape[1]):
        a = (rng.random(len(p)) >= expit(beta * (2 * q - 1))).astype(int)
        r = _pay(p[:, t], u[:, t], a)
        q = q + alpha * (_arm0_evidence(a, r) - q)
        actions[:, t] = a
    return actions


@functools.lru_cache(maxsize=8)
def transition(drift: float, grid: int = GRID) -> np.ndarray:
    """``K[i, j]``: the probability that p moves from grid point i to the cell of point j in one
    step of the random walk of step s.d. ``drift``, reflected at 0 and 1 (the images of the
    Gaussian folded back, each cell's mass by the normal CDF at its edges)."""
    x = np.linspace(0, 1, grid)
    edges = np.concatenate([[0.0], (x[1:] + x[:-1]) / 2, [1.0]])
    if drift == 0:
        return np.eye(grid)
    kernel = np.zeros((grid, grid))
    for k in range(-3, 4):  # images of the interval under reflection, far enough for drift <= 1
        for sign in (1, -1):
            lo, hi = (2 * k + sign * edges[:-1], 2 * k + sign * edges[1:])
            lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
            kernel += norm.cdf((hi[None] - x[:, None]) / drift) - norm.cdf((lo[None] - x[:, None]) / drift)
    return kernel / kernel.sum(axis=1, keepdims=True)


def bayes(p, u, rng, params: RestlessParams | None = None):
    params = params or RestlessParams()
    x = np.linspace(0, 1, GRID)
    kernels = [transition(d) for d in params.drift]
    prior_level = np.array([1 - params.p_high, params.p_high])
    belief = np.ones((len(p), 2, GRID)) * prior_level[None, :, None] / GRID
    actions = np.zeros(p.shape, int)
    for t in range(p.shape[1]):
        mean = (belief.sum(axis=1) * x).sum(axis=1)
        a = (mean <= 0.5).astype(int)
        r = _pay(p[:, t], u[:, t], a)
        says0 = _arm0_evidence(a, r)[:, None, None]
        belief = belief * np.where(says0 == 1, x, 1 - x)
        belief = np.stack([belief[:, i] @ kernels[i] for i in range(2)], axis=1)
        belief /= belief.sum(axis=(1, 2), keepdims=True)
        actions[:, t] = a
    return actions


def random(p, u, rng):
    return rng.integers(0, 2, p.shape)


_PLAY = {"bayes": bayes, "thompson": thompson, "ucb1": ucb1, "rescorla-wagner": rescorla_wagner,
         "random": random}


def play(name: str, p, u, rng, **kwargs) -> dict[str, np.ndarray]:
    """``{"action", "reward"}`` ``[E, N]`` of player ``name`` with its settings ``kwargs``."""
    if name not in _PLAY:
        raise ValueError(f"unknown player {name!r}; choose from {', '.join(PLAYERS)}")
    p, u = np.asarray(p, np.float64), np.asarray(u, np.float64)
    actions = _PLAY[name](p, u, rng, **kwargs)
    return {"action": actions, "reward": _pay(p, u, actions)}


TUNING_EPISODES = 2000
TUNING_SEED = 20161117
"""Episodes and seed of the tuning episodes (numpy draws: never the agent's streams)."""
GRIDS = {"rescorla-wagner": {"alpha": (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
                             "beta": (5.0, 10.0, 20.0, 50.0, 100.0, 1000.0)},
         "thompson": {"drift": (0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2)}}
"""The settings searched for the players with one (the best fixed learning rate, the one
volatility Thompson sampling assumes)."""
TUNED = {"rescorla-wagner": {"alpha": 0.2, "beta": 1000.0}, "thompson": {"drift": 0.05}, "ucb1": {"chi": 1.0}}
"""Every player's settings on the default task (``RestlessParams()``): the best of ``GRIDS``
by ``tune`` (re-measured by the tests; a greedy learner, beta 1000, is best), UCB1's chi as
the paper's. The paper's best fixed learning rate was 0.5 on its own drift values."""


def tuning_episodes(params: RestlessParams, episodes: int = TUNING_EPISODES, seed: int = TUNING_SEED):
    """``(p [E, N], u [E, N], high [E])`` drawn by the task's rules from their own seed."""
    rng = np.random.default_rng(seed)
    high = rng.random(episodes) < params.p_high
    p = walk(params, rng.random(episodes), high, rng.random((episodes, params.n_trials)))
    return p, rng.random((episodes, params.n_trials)), high


def tune(params: RestlessParams, player: str) -> tuple[dict[str, float], float]:
    """The setting of ``GRIDS[player]`` with the least mean regret on the tuning episodes
    (every setting plays the same episodes with the same draws), and that regret."""
    p, u, _ = tuning_episodes(params)
    names = list(GRIDS[player])
    best, best_regret = None, np.inf
    for values in itertools.product(*GRIDS[player].values()):
        kwargs = dict(zip(names, values))
        actions = play(player, p, u, np.random.default_rng(TUNING_SEED), **kwargs)["action"]
        mean = regret(p, actions).sum(axis=1).mean()
        if mean < best_regret:
            best, best_regret = kwargs, float(mean)
    return best, best_regret
