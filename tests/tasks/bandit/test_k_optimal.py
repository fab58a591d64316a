"""The exact k-armed Bayes-optimal player (``k_optimal.py``): against a brute-force
expectimax over every arm's own counts, the two-armed DP, values by hand, and its own play."""

import functools
import math

import numpy as np
import pytest

from meta_rl.tasks.bandit import bayes_optimal, k_optimal
from meta_rl.tasks.bandit.players import play as play_classical


def brute_force_value(k: int, horizon: int) -> float:
    """Expectimax over the full vector of (successes, failures) per arm: no symmetry used."""
    @functools.cache
    def value(counts: tuple, left: int) -> float:
        if left == 0:
            return 0.0
        best = -math.inf
        for arm in range(k):
            s, f = counts[2 * arm], counts[2 * arm + 1]
            mean = (s + 1) / (s + f + 2)
            win, lose = list(counts), list(counts)
            win[2 * arm] += 1
            lose[2 * arm + 1] += 1
            q = mean * (1 + value(tuple(win), left - 1)) + (1 - mean) * value(tuple(lose), left - 1)
            best = max(best, q)
        return best
    return value((0,) * (2 * k), horizon)


def test_values_by_hand():
    # one pull: a fresh arm pays 1/2; two pulls: stay after a success (2/3), switch after a failure (1/2)
    assert k_optimal.optimal_value(5, 1) == pytest.approx(0.5)
    assert k_optimal.optimal_value(5, 2) == pytest.approx(0.5 + 0.5 * 2 / 3 + 0.5 * 0.5)


@pytest.mark.parametrize("k, horizon", [(2, 5), (3, 5), (4, 4)])
def test_matches_brute_force(k, horizon):
    assert k_optimal.optimal_value(k, horizon) == pytest.approx(brute_force_value(k, horizon), abs=1e-12)


@pytest.mark.parametrize("horizon", [1, 4, 10, 12])
def test_two_arms_match_the_two_armed_dp(horizon):
    assert k_optimal.optimal_value(2, horizon) == pytest.approx(
        bayes_optimal.optimal_value("independent", horizon), abs=1e-9)


def test_more_arms_never_hurt_and_saturate():
    values = [k_optimal.optimal_value(k, 8) for k in (2, 3, 5, 8, 20)]
    assert all(b >= a - 1e-12 for a, b in zip(values, values[1:]))
    assert values[-1] == pytest.approx(values[-2])  # 8 pulls never need more than 8 fresh arms


def test_bad_input():
    with pytest.raises(ValueError, match="horizon"):
        k_optimal.optimal_value(5, k_optimal.MAX_HORIZON + 1)
    with pytest.raises(ValueError, match="n_arms"):
        k_optimal.optimal_value(1, 3)


def test_play_earns_its_value_and_beats_the_classical_players():
    k, n, episodes = 5, 10, 20000
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(episodes, k))
    u = rng.uniform(size=(episodes, n))
    out = k_optimal.play(p, u)
    # realised total reward: its mean is the optimal value, up to sampling error
    totals = out["reward"].sum(axis=1)
    assert abs(totals.mean() - k_optimal.optimal_value(k, n)) < 4 * totals.std() / np.sqrt(episodes)
    chosen = np.take_along_axis(p, out["action"], axis=1).sum(axis=1)
    for name in ("greedy", "thompson", "ucb1"):
        other = play_classical(name, p, u, np.random.default_rng(1))
        theirs = np.take_along_axis(p, other["action"], axis=1).sum(axis=1)
        diff = chosen - theirs
        assert diff.mean() > 0 and diff.mean() > 2 * diff.std() / np.sqrt(episodes), name


def test_play_is_deterministic_with_ties_to_the_first_arm():
    p = np.full((3, 4), 0.5)
    u = np.full((3, 1), 0.9)
    out = k_optimal.play(p, u, np.random.default_rng(0))
    assert (out["action"] == 0).all() and (out["reward"] == 0).all()
