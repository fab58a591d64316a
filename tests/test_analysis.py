"""The generic analyses (``meta_rl.analysis``) against plain-Python references and simulated
data with known answers."""

import numpy as np
from scipy.optimize import minimize

from meta_rl.analysis.decode import (
    cross_validated_accuracy,
    decode_over_episode,
    fit_logistic,
    predict_logistic,
)
from meta_rl.analysis.rpe import at_steps, prediction_errors


def test_prediction_errors_match_a_loop():
    rng = np.random.default_rng(0)
    rewards, values = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    got = prediction_errors(rewards, values, 0.9)
    for e in range(3):
        for t in range(7):
            following = values[e, t + 1] if t + 1 < 7 else 0.0
            assert abs(got[e, t] - (rewards[e, t] + 0.9 * following - values[e, t])) < 1e-12


def test_prediction_errors_of_a_perfect_critic_are_zero():
    # V_t = sum of the discounted rewards to come: every δ is 0
    rewards = np.array([[0.0, 1.0, 0.0, 1.0]])
    values = np.zeros_like(rewards)
    for t in reversed(range(4)):
        values[0, t] = rewards[0, t] + 0.5 * (values[0, t + 1] if t < 3 else 0.0)
    np.testing.assert_allclose(prediction_errors(rewards, values, 0.5), 0.0, atol=1e-12)


def test_at_steps_reads_one_step_per_trial():
    per_step = np.arange(10.0).reshape(2, 5)
    got = at_steps(per_step, np.array([[0, 3], [4, -1]]))
    np.testing.assert_array_equal(got[0], [0.0, 3.0])
    assert got[1, 0] == 9.0 and np.isnan(got[1, 1])


def test_logistic_fit_is_the_penalised_maximum_likelihood():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 4))
    y = (x @ [1.0, -2.0, 0.5, 0.0] + 0.3 + rng.logistic(size=200) > 0).astype(float)

    def loss(theta):  # the objective written out, minimised by a general-purpose optimiser
        z = x @ theta[:-1] + theta[-1]
        return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * 2.0 * np.sum(theta[:-1] ** 2)

    reference = minimize(loss, np.zeros(5), method="BFGS", options={"gtol": 1e-10}).x
    weights, bias = fit_logistic(x, y, l2=2.0)
    np.testing.assert_allclose(np.r_[weights, bias], reference, atol=1e-4)


def test_logistic_fit_recovers_known_weights():
    rng = np.random.default_rng(2)
    n, true = 20000, np.array([1.5, -1.0, 0.0])
    x = rng.normal(size=(n, 3))
    y = (rng.random(n) < predict_logistic(x, true, -0.5)).astype(float)
    weights, bias = fit_logistic(x, y, l2=1e-6)
    # standard error of each weight about 1 / sqrt(n * p(1-p)) < 0.03: 5 s.e. of slack
    np.testing.assert_allclose(np.r_[weights, bias], np.r_[true, -0.5], atol=0.15)


def test_cross_validated_accuracy_finds_signal_and_not_noise():
    rng = np.random.default_rng(3)
    n = 600
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 20))
    x[:, 0] += 3 * (y - 0.5)  # one informative unit among 20
    groups = np.arange(n) // 2
    assert cross_validated_accuracy(x, y, groups) > 0.85  # Bayes accuracy Phi(1.5) = 0.93
    noise = cross_validated_accuracy(x, rng.permutation(y), groups)
    assert abs(noise - 0.5) < 3 * np.sqrt(0.25 / n) + 0.03


def test_decoding_over_the_episode_follows_the_information():
    """The label is readable from the features at position 1 only: decoded there, at chance
    at position 0 and in the shuffled baseline."""
    rng = np.random.default_rng(4)
    episodes = 400
    labels = np.repeat(rng.integers(0, 2, (episodes, 1)), 2, axis=1)
    features = rng.normal(size=(episodes, 2, 8))
    features[:, 1, 3] += 4 * (labels[:, 1] - 0.5)
    result = decode_over_episode(features, labels, shuffles=3)
    tolerance = 3 * np.sqrt(0.25 / episodes) + 0.03
    assert result.accuracy[1] > 0.9
    assert abs(result.accuracy[0] - 0.5) < tolerance
    assert np.all(np.abs(result.shuffled - 0.5) < tolerance)
    assert result.standard_error().shape == (2,)


def test_delta_rule_values_before_each_outcome():
    from meta_rl.analysis.delta_rule import values_before

    items = np.array([[0, 0, 1, 0]])
    rewards = np.array([[1.0, 0.0, 1.0, 1.0]])
    # item 0: 0 -> 0.5 (reward 1) -> 0.25 (reward 0); item 1: 0 -> 0.5
    np.testing.assert_allclose(values_before(items, rewards, 0.5), [[0.0, 0.5, 0.0, 0.25]])
