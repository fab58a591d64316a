"""Reference players of the informative-arm task, on the same episodes as the agent (numpy).

* ``optimal``: the informative arm first, then the target it names (expected 0.55 + 4 x 5 =
  20.55 per episode with the paper's payouts);
* ``thompson``: Thompson sampling with the true prior: a target drawn from the posterior (the
  candidates not yet ruled out), pulled; under any one hypothesis the target is the best arm,
  so it never pulls the informative arm: a search without replacement, then the target;
* ``never-informative``: the best a player that never pulls the informative arm can do: the
  candidates in index order until the target pays, then the target (the same expected
  reward as Thompson sampling's, deterministically);
* ``ucb1``: UCB1 (Auer et al. 2002) with bonus sqrt(2 ln t / n_i): every untried arm first, in
  random order (the informative one included), so in 5 pulls of 11 arms it samples 5 arms;
* ``random``: a uniform arm every pull.
"""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.informative_arm.env import N_TARGETS, InformativeArmParams, payout

PLAYERS = ("optimal", "thompson", "never-informative", "ucb1", "random")
UNTRIED = 1e9
"""UCB1's score of an untried arm (above any tried arm's), plus a uniform to order them at random."""


def _candidates(params: InformativeArmParams) -> np.ndarray:
    return np.array([a for a in range(params.n_arms) if a != params.informative_arm])


def optimal(params: InformativeArmParams, target: np.ndarray, rng) -> np.ndarray:
    actions = np.repeat(target[:, None], params.n_trials, axis=1)
    actions[:, 0] = params.informative_arm
    return actions


def _search(params: InformativeArmParams, target: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Candidates in each episode's ``orders [E, 10]`` until the target, then the target."""
    found = np.cumsum(orders == target[:, None], axis=1) > 0
    steps = np.arange(params.n_trials)
    index = np.minimum(steps, orders.shape[1] - 1)
    return np.where(found[:, index], target[:, None], orders[:, index])


def thompson(params: InformativeArmParams, target: np.ndarray, rng) -> np.ndarray:
    orders = np.stack([rng.permutation(_candidates(params)) for _ in target])
    return _search(params, target, orders)


def never_informative(params: InformativeArmParams, target: np.ndarray, rng) -> np.ndarray:
    candidates = _candidates(params)
    return _search(params, target, np.broadcast_to(candidates, (len(target), len(candidates))))


def ucb1(params: InformativeArmParams, target: np.ndarray, rng) -> np.ndarray:
    n_episodes, k = len(target), params.n_arms
    counts, sums = np.zeros((n_episodes, k)), np.zeros((n_episodes, k))
    tie_break = rng.random((n_episodes, k))  # the untried arms' random order
    actions = np.zeros((n_episodes, params.n_trials), int)
    rows = np.arange(n_episodes)
    for t in range(params.n_trials):
        with np.errstate(divide="ignore", invalid="ignore"):
            score = sums / counts + np.sqrt(2.0 * np.log(max(t, 1)) / counts)
        score = np.where(counts == 0, UNTRIED + tie_break, score)  # untried first, in random order
        a = np.argmax(score, axis=1)
        actions[:, t] = a
        counts[rows, a] += 1
        sums[rows, a] += payout(params, a, target)
    return actions


def random(params: InformativeArmParams, target: np.ndarray, rng) -> np.ndarray:
    return rng.integers(0, params.n_arms, (len(target), params.n_trials))


_PLAY = {"optimal": optimal, "thompson": thompson, "never-informative": never_informative, "ucb1": ucb1,
         "random": random}


def play(name: str, params: InformativeArmParams, target: np.ndarray, rng) -> dict[str, np.ndarray]:
    """``{"action", "reward"}`` ``[episodes, trials]`` of player ``name`` on episodes whose
    targets are ``target [episodes]``; ``rng`` draws its own randomness."""
    if name not in _PLAY:
        raise ValueError(f"unknown player {name!r}; choose from {', '.join(PLAYERS)}")
    actions = _PLAY[name](params, np.asarray(target, int), rng)
    return {"action": actions, "reward": payout(params, actions, np.asarray(target)[:, None])}


def expected_optimal_reward(params: InformativeArmParams) -> float:
    """The optimal policy's expected reward per episode: the informative arm's mean fraction,
    then the target on every other pull (0.55 + 4 x 5 = 20.55 with the paper's payouts)."""
    fractions = (np.arange(N_TARGETS) + 1) / N_TARGETS
    return float(fractions.mean() + (params.n_trials - 1) * params.target_payout)
