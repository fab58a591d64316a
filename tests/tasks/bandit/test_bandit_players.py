"""Classical two-armed bandit players: regret, reward rule, Gittins indices and performance."""

import functools
import time

import numpy as np
import pytest

from meta_rl.tasks.bandit import players as bb

EPISODES, TRIALS = 2000, 100


def dependent_arms(episodes: int, trials: int, seed: int, hard: bool = False):
    """p = (q, 1 - q) with q ~ U(0, 1) (or q in {0.4, 0.6}), and the reward uniforms."""
    rng = np.random.default_rng(seed)
    q = rng.random(episodes)
    if hard:
        q = np.where(q < 0.5, 0.4, 0.6)
    return np.stack([q, 1.0 - q], axis=1), rng.random((episodes, trials))


# ---------------------------------------------------------------- regret


def test_regret_and_cumulative_regret_match_a_loop():
    rng = np.random.default_rng(0)
    p = rng.random((7, 2))
    action = rng.integers(0, 2, size=(7, 5))
    expected = np.zeros((7, 5))
    for e in range(7):
        for t in range(5):
            expected[e, t] = max(p[e, 0], p[e, 1]) - p[e, action[e, t]]
    np.testing.assert_allclose(bb.regret(p, action), expected)
    running = np.zeros(5)
    for e in range(7):
        total = 0.0
        for t in range(5):
            total += expected[e, t]
            running[t] += total / 7
    np.testing.assert_allclose(bb.cumulative_regret(p, action), running)


# ---------------------------------------------------------------- play


@pytest.mark.parametrize("policy", bb.POLICIES)
def test_rewards_follow_the_shared_uniforms(policy):
    p, u = dependent_arms(300, 40, seed=1)
    p[:, 1] = np.random.default_rng(2).random(300)  # independent arms: both columns matter
    out = bb.play(policy, p, u, np.random.default_rng(3))
    assert out["action"].shape == out["reward"].shape == (300, 40)
    assert out["action"].dtype.kind == out["reward"].dtype.kind == "i"
    assert set(np.unique(out["action"])) <= {0, 1}
    chosen = np.take_along_axis(p, out["action"], axis=1)
    np.testing.assert_array_equal(out["reward"], (u < chosen).astype(int))
    # The same generator seed gives the same play.
    again = bb.play(policy, p, u, np.random.default_rng(3))
    np.testing.assert_array_equal(again["action"], out["action"])


def test_unknown_policy_and_arguments_are_rejected():
    p, u = dependent_arms(3, 4, seed=0)
    with pytest.raises(ValueError, match="thompson.*ucb1.*epsilon-greedy.*gittins.*random"):
        bb.play("softmax", p, u, np.random.default_rng(0))
    with pytest.raises(TypeError, match="epsilon"):
        bb.play("thompson", p, u, np.random.default_rng(0), epsilon=0.2)
    with pytest.raises(ValueError, match="epsilon"):
        bb.play("epsilon-greedy", p, u, np.random.default_rng(0), epsilon=1.5)
    with pytest.raises(ValueError, match="shape"):
        bb.play("random", p[:, :1], u, np.random.default_rng(0))


def test_ucb1_pulls_each_arm_once_first_in_random_order():
    p, u = dependent_arms(500, 10, seed=4)
    action = bb.play("ucb1", p, u, np.random.default_rng(5))["action"]
    assert (np.sort(action[:, :2], axis=1) == [0, 1]).all()
    # Both orders occur (arm 0 first in about half the episodes: 250 +- 11).
    assert 150 < (action[:, 0] == 0).sum() < 350


@pytest.mark.parametrize("pay", [0.0, 1.0])
def test_ucb1_bonus_balances_arms_with_equal_means(pay):
    # Both arms always (or never) pay: equal means, so the sqrt(2 ln t / n) bonus alone decides and
    # favours the less-pulled arm; after every trial the two arms' pull counts differ by at most 1.
    p = np.full((50, 2), pay)
    u = np.random.default_rng(8).random((50, 30))
    action = bb.play("ucb1", p, u, np.random.default_rng(9))["action"]
    pulls_of_1 = action.cumsum(axis=1)
    pulls_of_0 = np.arange(1, 31) - pulls_of_1
    assert (np.abs(pulls_of_1 - pulls_of_0) <= 1).all()


def test_greedy_counts_an_untried_arm_as_one_half():
    # Arm 0 always pays, arm 1 never: epsilon = 0 picks at random on trial 0 (both 0.5), then
    # either arm 0 paid (1 > 0.5, stay) or arm 1 did not (0 < 0.5, switch): arm 0 from trial 1 on.
    p = np.tile([1.0, 0.0], (200, 1))
    u = np.random.default_rng(6).random((200, 20))
    action = bb.play("epsilon-greedy", p, u, np.random.default_rng(7), epsilon=0.0)["action"]
    assert (action[:, 1:] == 0).all()
    assert 60 < (action[:, 0] == 1).sum() < 140  # the trial-0 coin: 100 +- 7
    # epsilon = 1 is the fair coin whatever the values: 200 * 20 pulls, 2000 +- 32 of arm 1.
    action = bb.play("epsilon-greedy", p, u, np.random.default_rng(7), epsilon=1.0)["action"]
    assert abs(action.sum() - 2000) < 4 * 32


# ---------------------------------------------------------------- Gittins indices


def reference_index(s0: int, f0: int, horizon: int, gamma: float) -> float:
    """Plain-Python calibration: bisection on lam, memoised recursion for the arm's value."""

    def continue_minus_retire(lam: float) -> float:
        @functools.cache
        def value(s: int, f: int) -> float:
            mean = (s + 1) / (s + f + 2)
            if s + f == horizon:
                return max(lam, mean) / (1 - gamma)
            return max(lam / (1 - gamma), cont(s, f))

        def cont(s: int, f: int) -> float:
            mean = (s + 1) / (s + f + 2)
            return mean * (1 + gamma * value(s + 1, f)) + (1 - mean) * gamma * value(s, f + 1)

        return cont(s0, f0) - lam / (1 - gamma)

    low, high = 0.0, 1.0
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if continue_minus_retire(mid) > 0 else (low, mid)
    return (low + high) / 2


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_gittins_table_matches_the_recursive_reference(gamma):
    horizon, grid = 8, 500
    table = bb.gittins_index_table(horizon, gamma, grid=grid)
    assert table.shape == (horizon, horizon)
    s, f = np.indices(table.shape)
    assert np.isnan(table[s + f >= horizon]).all()
    assert not np.isnan(table[s + f < horizon]).any()
    for s0, f0 in [(0, 0), (1, 0), (0, 1), (3, 2), (0, 7), (7, 0), (2, 5)]:
        # Linear interpolation between grid points is off by less than one grid step.
        assert table[s0, f0] == pytest.approx(reference_index(s0, f0, horizon, gamma), abs=1 / (grid - 1))


def test_gittins_index_is_monotone_and_above_the_mean():
    table = bb.gittins_index_table(60, 0.9)
    s, f = np.indices(table.shape)
    valid = s + f < 60
    assert (np.diff(table, axis=0)[valid[1:]] > 0).all()  # more successes, higher index
    assert (np.diff(table, axis=1)[valid[:, 1:]] < 0).all()  # more failures, lower index
    mean = (s + 1) / (s + f + 2)
    assert (table[valid] >= mean[valid] - 1e-9).all() and (table[valid] <= 1).all()
    assert 0.5 < table[0, 0] < 1


def test_gittins_index_of_the_uniform_prior_matches_published_values():
    # Gittins' tables (Gittins, Glazebrook & Weber 2011), Beta(1, 1) prior: 0.7029 at gamma = 0.9,
    # 0.7614 at 0.95 (gamma^100 is small enough for the cut at depth 100 not to matter).
    assert bb.gittins_index_table(100, 0.9)[0, 0] == pytest.approx(0.7029, abs=2e-4)
    assert bb.gittins_index_table(100, 0.95)[0, 0] == pytest.approx(0.7614, abs=2e-4)


def test_gittins_index_tends_to_the_mean_as_gamma_vanishes():
    s, f = np.indices((20, 20))
    valid = s + f < 20
    mean = ((s + 1) / (s + f + 2))[valid]
    gaps = [np.abs(bb.gittins_index_table(20, g)[valid] - mean).max() for g in (0.3, 0.1, 0.01, 0.0)]
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3]
    assert gaps[2] < 0.01 and gaps[3] < 1e-12  # gamma = 0: the index is the mean exactly


def test_gittins_table_is_fast():
    start = time.perf_counter()
    bb.gittins_index_table(100, 0.95)
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------- performance


@pytest.fixture(scope="module")
def final_regrets():
    """Final cumulative regret of every episode, per policy, on 2,000 dependent-arm episodes."""
    p, u = dependent_arms(EPISODES, TRIALS, seed=11)
    out = {}
    for i, policy in enumerate(bb.POLICIES):
        action = bb.play(policy, p, u, np.random.default_rng(20 + i))["action"]
        out[policy] = bb.regret(p, action).sum(axis=1)
        np.testing.assert_allclose(bb.cumulative_regret(p, action)[-1], out[policy].mean())
    return out


def test_random_regret_is_a_quarter_per_trial(final_regrets):
    # Regret per trial |2q - 1| / 2 has mean 1/4: 25 after 100 trials, +- 4 standard errors.
    r = final_regrets["random"]
    assert abs(r.mean() - 25) < 4 * r.std() / np.sqrt(EPISODES)


@pytest.mark.parametrize("policy", ["thompson", "ucb1", "gittins", "epsilon-greedy"])
def test_learning_policies_beat_random(final_regrets, policy):
    r, rand = final_regrets[policy], final_regrets["random"]
    se = np.sqrt((r.var() + rand.var()) / EPISODES)  # conservative: ignores the shared luck
    assert r.mean() < rand.mean() - 4 * se


def test_thompson_regret_is_small(final_regrets):
    r = final_regrets["thompson"]
    print({k: round(float(v.mean()), 2) for k, v in final_regrets.items()})
    assert r.mean() + 4 * r.std() / np.sqrt(EPISODES) < 8


def test_ratio_se_of_paired_samples():
    """``result.ratio_se``: zero when one sample is a multiple of the other (the ratio does not
    vary), the plain s.e. of the mean over the denominator when that is constant, and the
    spread of ratios over many independent draws of the same size."""
    from meta_rl.tasks.bandit.result import ratio_se

    rng = np.random.default_rng(0)
    y = rng.gamma(2.0, 1.0, 500)
    assert ratio_se(2 * y, y) == pytest.approx(0, abs=1e-12)
    x = rng.normal(3, 1, 500)
    assert ratio_se(x, np.full(500, 2.0)) == pytest.approx(x.std(ddof=1) / np.sqrt(500) / 2)
    draws = []
    for _ in range(2000):
        yy = rng.gamma(2.0, 1.0, 400)
        draws.append((1.2 * yy + rng.normal(0, 1, 400)).mean() / yy.mean())
    yy = rng.gamma(2.0, 1.0, 400)
    predicted = ratio_se(1.2 * yy + rng.normal(0, 1, 400), yy)
    # the s.d. of 2,000 ratios has a relative s.e. of about 1/sqrt(2 * 2000) = 1.6 %
    assert np.std(draws) == pytest.approx(predicted, rel=0.1)
