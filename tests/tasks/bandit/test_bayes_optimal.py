"""Exact Bayes-optimal players of the two-armed bandits: the dynamic programme against brute-force
enumeration, hand-worked and closed-form values, simulation, and the classical players."""

from __future__ import annotations

import functools
import itertools
import math
import time
from fractions import Fraction

import numpy as np
import pytest

from meta_rl.tasks.bandit import bayes_optimal as bo
from meta_rl.tasks.bandit import players as bb
from meta_rl.tasks.bandit.env import PROBABILITY_SETS, BanditParams, arm_probs

History = tuple[tuple[int, int], ...]  # (arm, reward) of every pull so far


def draw_episodes(prior: str, episodes: int, trials: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Arm probabilities drawn from ``prior`` by ``env.arm_probs`` and the reward uniforms."""
    rng = np.random.default_rng(seed)
    u = rng.random((episodes, 2))
    params = BanditParams("independent") if prior == "independent" else BanditParams("dependent", prior)
    p = np.stack(arm_probs(params, u[:, 0], u[:, 1]), axis=1).astype(float)
    return p, rng.random((episodes, trials))


def counts(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Per-arm successes and failures of a history."""
    successes, failures = np.zeros(2, dtype=int), np.zeros(2, dtype=int)
    for arm, reward in history:
        (successes if reward else failures)[arm] += 1
    return successes, failures


# ---------------------------------------------------------------- brute force


def integral(poly: list[Fraction]) -> Fraction:
    """The integral over [0, 1] of the polynomial with coefficients ``poly`` (lowest power first)."""
    return sum((c / (k + 1) for k, c in enumerate(poly)), Fraction(0))


def times(poly: list[Fraction], factor_is_p: bool) -> list[Fraction]:
    """``poly`` times p, or times 1 - p."""
    shifted = [Fraction(0), *poly]
    return shifted if factor_is_p else [a - b for a, b in zip([*poly, Fraction(0)], shifted)]


def likelihood(prior: str, history: History) -> Fraction:
    """P(the history's rewards | its arms), integrated exactly over the prior from first principles:
    the product of each pull's p_arm or 1 - p_arm, with no sufficient statistic."""
    if prior == "independent":  # two independent U[0, 1] integrals
        total = Fraction(1)
        for arm in (0, 1):
            poly = [Fraction(1)]
            for a, r in history:
                if a == arm:
                    poly = times(poly, r == 1)
            total *= integral(poly)
        return total
    # Dependent arms: arm 0 pays p, arm 1 pays 1 - p, so a pull's factor is
    # (arm 0, paid) p, (arm 0, not) 1 - p, (arm 1, paid) 1 - p, (arm 1, not) p.
    factors = [(a == 0) == (r == 1) for a, r in history]  # True: the factor is p
    if prior == "uniform":
        poly = [Fraction(1)]
        for is_p in factors:
            poly = times(poly, is_p)
        return integral(poly)
    total = Fraction(0)
    for q in PROBABILITY_SETS[prior]:  # two points, probability 1/2 each
        q = Fraction(str(q))
        term = Fraction(1, 2)
        for is_p in factors:
            term *= q if is_p else 1 - q
        total += term
    return total


def brute_force(prior: str, horizon: int,
                discount: Fraction = Fraction(1)) -> dict[History, tuple[Fraction, set[int]]]:
    """Optimal expected reward (each later pull's discounted by ``discount`` more) of the pulls
    left and the optimal arms, at every history of fewer than ``horizon`` pulls, by enumerating
    the whole action/outcome tree in exact arithmetic."""
    out: dict[History, tuple[Fraction, set[int]]] = {}

    @functools.cache
    def value(history: History) -> Fraction:
        if len(history) == horizon:
            return Fraction(0)
        here = likelihood(prior, history)
        q = []
        for arm in (0, 1):
            paid = likelihood(prior, (*history, (arm, 1))) / here  # the posterior predictive
            q.append(paid * (1 + discount * value((*history, (arm, 1))))
                     + (1 - paid) * discount * value((*history, (arm, 0))))
        out[history] = (max(q), {arm for arm in (0, 1) if q[arm] == max(q)})
        return max(q)

    value(())
    return out


@pytest.mark.parametrize("horizon", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("prior", bo.PRIORS)
def test_dp_matches_brute_force_enumeration(prior, horizon):
    table = bo.solve_independent(horizon) if prior == "independent" else bo.solve_dependent(prior, horizon)
    tree = brute_force(prior, horizon)
    assert len(tree) == sum(4 ** k for k in range(horizon))  # every history of every length < horizon
    for history, (best, arms) in tree.items():
        successes, failures = counts(history)
        assert table.value_of(successes, failures) == pytest.approx(float(best), abs=1e-12), history
        action = int(table.act(successes, failures))
        assert action in arms, history
        if arms == {0, 1}:  # an exact tie (in rational arithmetic) goes to arm 0
            assert action == 0, history
    assert table.start_value == pytest.approx(float(tree[()][0]), abs=1e-12)


@pytest.mark.parametrize("discount", [Fraction(1, 2), Fraction(9, 10)])
@pytest.mark.parametrize("prior", ["independent", "uniform", "hard"])
def test_discounted_dp_matches_brute_force_enumeration(prior, discount):
    horizon = 5
    table = bo.bayes_table(prior, horizon, float(discount))
    tree = brute_force(prior, horizon, discount)
    for history, (best, arms) in tree.items():
        successes, failures = counts(history)
        assert table.value_of(successes, failures) == pytest.approx(float(best), abs=1e-12), history
        assert int(table.act(successes, failures)) in arms, history


def test_a_discounting_player_explores_less_and_pays_for_it():
    # The state of test_independent_policy_explores: exploring arm 0 pays over 100 pulls, but not
    # to a player that discounts the later ones by 0.9; on dependent arms it is the same greedy player.
    assert int(bo.bayes_table("independent", 100, 0.9).act([0, 3], [1, 3])) == 1
    greedy = bo.bayes_table("uniform", 100).action
    np.testing.assert_array_equal(bo.bayes_table("uniform", 100, 0.5).action, greedy)
    p, u = draw_episodes("independent", 6000, 100, seed=3)
    regret = {d: bo.play("independent", p, u, discount=d)["regret"].sum(axis=1) for d in (0.5, 0.8, 1.0)}
    for worse, better in ((0.5, 0.8), (0.8, 1.0)):  # paired over the same episodes (gaps of ~0.3-0.4)
        gap = regret[worse] - regret[better]
        assert gap.mean() > 3 * gap.std(ddof=1) / np.sqrt(len(gap)), (worse, better)
    with pytest.raises(ValueError, match="discount"):
        bo.bayes_table("independent", 4, 0.0)


# ---------------------------------------------------------------- values by hand


@pytest.mark.parametrize("prior", bo.PRIORS)
def test_one_pull_is_worth_one_half(prior):
    # Every prior gives each arm mean 1/2 (the two-point sets are symmetric about 1/2).
    assert bo.optimal_value(prior, 1) == pytest.approx(0.5, abs=1e-15)


def test_two_pull_values_by_hand():
    """Two pulls: the first is worth 1/2 on every set, the second the better posterior mean.

    * Independent U[0, 1] arms: pull arm 0 (tie). A success (probability 1/2) makes its mean 2/3,
      better than the untried arm's 1/2; after a failure it is 1/3 and the other arm's 1/2 is
      better: 0.5 + (1/2)(2/3) + (1/2)(1/2) = 13/12 = 1.0833...
    * Dependent, p ~ U[0, 1]: after arm 0 pays, p ~ Beta(2, 1) (mean 2/3): pull arm 0 again;
      after it fails, p ~ Beta(1, 2) and arm 1 pays 1 - p with mean 2/3: 0.5 + 2/3 = 7/6.
    * Two-point {l, h} with l = 1 - h: after arm 0 pays, P(p = h) = (h / 2) / (1 / 2) = h and
      E[p] = h^2 + l^2 (pull arm 0 again); after it fails, P(p = h) = l, E[p] = 2 h l and arm 1
      pays 1 - 2 h l = h^2 + l^2 as well: 0.5 + h^2 + l^2. Easy {0.1, 0.9}: 0.5 + 0.82 = 1.32;
      medium {0.25, 0.75}: 0.5 + 0.625 = 1.125; hard {0.4, 0.6}: 0.5 + 0.52 = 1.02.
    """
    expected = {"independent": 13 / 12, "uniform": 7 / 6, "easy": 1.32, "medium": 1.125, "hard": 1.02}
    for prior, value in expected.items():
        assert bo.optimal_value(prior, 2) == pytest.approx(value, abs=1e-14), prior


@pytest.mark.parametrize("prior", ["easy", "medium", "hard"])
def test_two_point_regret_tends_to_its_closed_form(prior):
    """Long episodes of a two-point set {1 - q, q}, q > 1/2, have regret 1/2 + (1 - q) / (2q - 1).

    The policy is greedy (``test_dependent_policy_is_greedy``): arm 0 while d = a - b >= 0. Each
    pull moves d up with probability p whatever the arm. If p = q (arm 0 best), d is a walk
    drifting up by delta = 2q - 1 per pull: it visits 0 1/delta times on average (it returns with
    probability 2(1 - q)), steps down from there with probability 1 - q, and an excursion below 0 lasts
    1/delta pulls, all of them on the wrong arm: (1 - q) / delta^2 wrong pulls. If p = 1 - q the walk
    drifts down and the wrong pulls are the visits to 0 (the tie goes to arm 0) and the excursions
    above it: 1/delta + (1 - q) / delta^2. A wrong pull costs delta; half of each case gives the
    formula: easy 0.625, medium 1, hard 2.5 (at 100 pulls hard has not converged: 2.31).
    """
    q = PROBABILITY_SETS[prior][1]
    limit = 0.5 + (1 - q) / (2 * q - 1)
    horizon = 3000 if prior == "hard" else 100
    assert bo.optimal_regret(prior, horizon) == pytest.approx(limit, abs=1e-6)
    assert bo.optimal_regret(prior, 100) <= limit + 1e-9


@pytest.mark.parametrize("prior", ["uniform", "easy", "medium", "hard"])
def test_dependent_policy_is_greedy(prior):
    # Both arms lead to a + 1 with probability E[p] and to b + 1 otherwise: the same information,
    # so only the immediate reward differs and the optimum is greedy (arm 0 when a >= b, ties included).
    table = bo.bayes_table(prior, 100)
    for n in range(100):
        a = np.arange(n + 1)
        np.testing.assert_array_equal(table.action[n, :n + 1], (a < n - a).astype(int))
        assert (table.action[n, n + 1:] == -1).all()


# ---------------------------------------------------------------- the independent table


def test_independent_layout_enumerates_every_state_once():
    for n in range(12):
        n0, s0, s1 = bo.layer_states(n)
        assert len(n0) == (n + 1) * (n + 2) * (n + 3) // 6  # C(n + 3, 3)
        np.testing.assert_array_equal(bo.layer_index(n, n0, s0, s1), np.arange(len(n0)))
        assert bo.layer_start(n + 1) - bo.layer_start(n) == len(n0)


def test_independent_table_is_mirror_symmetric_and_breaks_ties_toward_arm_0():
    table = bo.bayes_table("independent", 100)
    s = np.random.default_rng(0).integers(0, 25, size=(20000, 4))  # s0, f0, s1, f1, at most 99 pulls
    successes, failures = s[:, [0, 2]], s[:, [1, 3]]
    mirrored = table.value_of(successes[:, ::-1], failures[:, ::-1])
    np.testing.assert_allclose(table.value_of(successes, failures), mirrored, rtol=0, atol=1e-9)
    s, f = np.indices((25, 25)).reshape(2, -1)  # both arms with s successes and f failures: a tie
    assert (table.act(np.stack([s, s], axis=1), np.stack([f, f], axis=1)) == 0).all()


def test_independent_policy_explores():
    # One failure of arm 0 (mean 1/3) against 3 successes and 3 failures of arm 1 (mean 1/2): greedy
    # pulls arm 1, but with many pulls left arm 0's uncertainty is worth exploring; on the last pull not.
    table = bo.bayes_table("independent", 100)
    assert int(table.act([0, 3], [1, 3])) == 0
    assert int(bo.bayes_table("independent", 8).act([0, 3], [1, 3])) == 1


def test_independent_dp_is_fast():
    bo.cached_table.cache_clear()
    start = time.perf_counter()
    table = bo.bayes_table("independent", 100)
    assert time.perf_counter() - start < 10.0  # about half a second alone on the 2-core machine
    assert table.value.size == 100 * 101 * 102 * 103 // 24  # C(103, 4) states with pulls left
    assert bo.bayes_table("independent", 100) is table  # cached
    assert bo.bayes_table("independent", 100, 1.0) is table  # the default discount given: the same table


# ---------------------------------------------------------------- the player


@pytest.mark.parametrize("prior", bo.PRIORS)
def test_player_follows_the_shared_uniforms_and_the_table(prior):
    p, u = draw_episodes(prior, 200, 30, seed=1)
    out = bo.play(prior, p, u)
    assert out["action"].shape == out["reward"].shape == out["regret"].shape == (200, 30)
    assert out["action"].dtype.kind == out["reward"].dtype.kind == "i"
    chosen = np.take_along_axis(p, out["action"], axis=1)
    np.testing.assert_array_equal(out["reward"], (u < chosen).astype(int))
    np.testing.assert_allclose(out["regret"], p.max(axis=1)[:, None] - chosen)
    again = bo.play(prior, p, u, np.random.default_rng(5))  # deterministic: the rng is not used
    np.testing.assert_array_equal(again["action"], out["action"])
    # Each action is the table's at the counts so far (replayed trial by trial for 3 episodes).
    table = bo.bayes_table(prior, 30)
    for e in range(3):
        history = tuple(zip(out["action"][e], out["reward"][e]))
        for t in range(30):
            assert int(table.act(*counts(history[:t]))) == out["action"][e, t]


def test_player_plans_for_its_horizon():
    p, u = draw_episodes("independent", 300, 10, seed=2)
    short = bo.play("independent", p, u)["action"]
    long = bo.play("independent", p, u, horizon=100)["action"]
    assert (short != long).any()  # more pulls ahead, more exploration
    with pytest.raises(ValueError, match="horizon"):
        bo.play("independent", p, u, horizon=9)


def test_bad_inputs_are_rejected():
    p, u = draw_episodes("uniform", 3, 4, seed=0)
    with pytest.raises(ValueError, match="independent.*uniform.*easy.*medium.*hard"):
        bo.play("gaussian", p, u)
    with pytest.raises(ValueError, match="shape"):
        bo.play("uniform", p[:, :1], u)
    with pytest.raises(ValueError, match="pull left"):
        bo.bayes_table("uniform", 4).act([2, 1], [1, 0])
    assert bo.prior_name(BanditParams("independent")) == "independent"
    assert bo.prior_name(BanditParams("dependent", "hard")) == "hard"


@pytest.fixture(scope="module")
def played() -> dict[str, dict[str, np.ndarray]]:
    """Per prior, 4,000 episodes of 100 pulls drawn from the prior: each episode's total regret of the
    Bayes-optimal player, Thompson sampling and the Gittins index (same arms and reward uniforms)."""
    out = {}
    for i, prior in enumerate(bo.PRIORS):
        p, u = draw_episodes(prior, 4000, 100, seed=10 + i)
        bayes = bo.play(prior, p, u)
        out[prior] = {"bayes": bayes["regret"].sum(axis=1), "reward": bayes["reward"].sum(axis=1)}
        for name in ("thompson", "gittins"):
            action = bb.play(name, p, u, np.random.default_rng(20 + i))["action"]
            out[prior][name] = bb.regret(p, action).sum(axis=1)
    return out


def mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


@pytest.mark.parametrize("prior", bo.PRIORS)
def test_simulated_reward_and_regret_agree_with_the_dp(prior, played):
    mean, se = mean_se(played[prior]["reward"])
    assert abs(mean - bo.optimal_value(prior, 100)) < 4 * se
    mean, se = mean_se(played[prior]["bayes"])
    assert abs(mean - bo.optimal_regret(prior, 100)) < 4 * se


@pytest.mark.parametrize("other", ["thompson", "gittins"])
@pytest.mark.parametrize("prior", bo.PRIORS)
def test_bayes_optimal_regret_is_no_larger_than_the_classical_players(prior, other, played):
    # Paired on the same episodes: the Bayes-optimal player's mean regret is not significantly above
    # the other's (3 standard errors of the paired difference).
    mean, se = mean_se(played[prior]["bayes"] - played[prior][other])
    assert mean < 3 * se


def test_brute_force_checks_itself():
    # The enumeration's own sanity: under the uniform prior the likelihood of s successes and f failures
    # of one arm is s! f! / (s + f + 1)!, the Beta function.
    for s, f in itertools.product(range(4), range(4)):
        history = tuple([(0, 1)] * s + [(0, 0)] * f)
        beta = Fraction(math.factorial(s) * math.factorial(f), math.factorial(s + f + 1))
        assert likelihood("independent", history) == beta


# ---------------------------------------------------------------- departures from the optimal player


def _play_policy(policy, p: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Actions and rewards of ``policy(successes, failures, t) -> arms`` on the shared uniforms."""
    episodes, trials = u.shape
    rows = np.arange(episodes)
    successes, failures = np.zeros((episodes, 2), int), np.zeros((episodes, 2), int)
    action, reward = np.zeros((episodes, trials), int), np.zeros((episodes, trials), int)
    for t in range(trials):
        a = policy(successes, failures, t)
        r = (u[:, t] < p[rows, a]).astype(int)
        successes[rows, a] += r
        failures[rows, a] += 1 - r
        action[:, t], reward[:, t] = a, r
    return action, reward


def test_departures_tell_under_from_over_exploration():
    """The optimal player never departs from itself; a greedy player (the higher posterior mean)
    departs toward the arm it pulled more, one that alternates the arms toward the other."""
    p, u = draw_episodes("independent", 400, 40, seed=3)
    optimal = bo.play("independent", p, u)
    same = bo.departures("independent", optimal["action"], optimal["reward"])
    assert same["departed"] == 0.0 and np.isnan(same["more_pulled"])

    def greedy(s, f, t):
        mean = (s + 1) / (s + f + 2)
        return (mean[:, 1] > mean[:, 0]).astype(int)
    under = bo.departures("independent", *_play_policy(greedy, p, u))
    over = bo.departures("independent", *_play_policy(lambda s, f, t: np.full(len(s), t % 2), p, u))
    assert 0.02 < under["departed"] < 0.5 and under["more_pulled"] > 0.8
    assert over["departed"] > 0.3 and over["more_pulled"] < 0.05
