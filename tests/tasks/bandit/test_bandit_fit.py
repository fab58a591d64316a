"""The delta-rule fit: likelihood against a plain loop, parameters recovered from a
simulated learner with known learning rate."""

import math

import numpy as np

from meta_rl.analysis.delta_rule import delta_rule_log_likelihood, fit_delta_rule
from meta_rl.tasks.bandit.players import simulate_delta_rule


def test_likelihood_matches_a_plain_loop():
    rng = np.random.default_rng(0)
    actions, rewards = rng.integers(0, 2, (3, 12)), rng.integers(0, 2, (3, 12))
    total = 0.0
    for a_row, r_row in zip(actions, rewards):
        q = [0.5, 0.5]
        for a, r in zip(a_row, r_row):
            p1 = 1 / (1 + math.exp(-2.0 * (q[1] - q[0])))
            total += math.log(p1 if a == 1 else 1 - p1)
            q[a] += 0.3 * (r - q[a])
    assert abs(delta_rule_log_likelihood(0.3, 2.0, actions, rewards) - total) < 1e-9


def test_recovers_a_known_learner():
    rng = np.random.default_rng(1)
    p = rng.random((300, 1))
    p = np.hstack([p, 1 - p])
    for alpha in (0.1, 0.5):
        actions, rewards = simulate_delta_rule(alpha, 8.0, p, rng.random((300, 100)), seed=2)
        fit = fit_delta_rule(actions, rewards)
        assert fit.alpha_interval[0] <= alpha <= fit.alpha_interval[1], fit.describe()
        assert fit.beta_interval[0] <= 8.0 <= fit.beta_interval[1], fit.describe()
        assert fit.alpha_interval[1] - fit.alpha_interval[0] < 0.3  # 30,000 choices pin it down
