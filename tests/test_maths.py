"""The pure maths against plain-Python references."""

import math

import numpy as np
import pytest
import tensorflow as tf
from scipy import optimize

from meta_rl.agent.lstm import agent_input, init_params, lstm_backward, lstm_step, sample_action
from meta_rl.learn.a2c import a2c_loss, advantages, annealed, discounted_returns
from meta_rl.learn.optim import clip_per_seed, rmsprop_update
from meta_rl.tasks.two_step import analysis
from meta_rl.tasks.two_step.presets import VARIANTS as TWO_STEP_VARIANTS


def test_discounted_returns_match_loop():
    rewards = np.random.default_rng(0).random((7, 2, 3)).astype(np.float32)
    got = discounted_returns(tf.constant(rewards), 0.9).numpy()
    expected = np.zeros_like(rewards)
    for idx in np.ndindex(2, 3):
        acc = 0.0
        for t in reversed(range(7)):
            acc = rewards[(t,) + idx] + 0.9 * acc
            expected[(t,) + idx] = acc
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_advantages_are_returns_minus_values_without_gradient():
    r, v = tf.constant([1.0, 2.0]), tf.constant([0.5, 0.5])
    with tf.GradientTape() as tape:
        tape.watch(v)
        a = advantages(r, v)
    assert a.numpy().tolist() == [0.5, 1.5]
    assert tape.gradient(tf.reduce_sum(a), v) is None


def test_a2c_loss_matches_python():
    rng = np.random.default_rng(1)
    T, S, B, A = 5, 2, 3, 2
    logits = rng.normal(size=(T, S, B, A)).astype(np.float32)
    values = rng.normal(size=(T, S, B)).astype(np.float32)
    actions = rng.integers(0, A, (T, S, B))
    returns = rng.normal(size=(T, S, B)).astype(np.float32)
    total, pol, val, ent = (x.numpy() for x in a2c_loss(
        tf.constant(logits), tf.constant(values), tf.constant(actions), tf.constant(returns),
        0.05, 0.05))
    for s in range(S):
        p_sum = v_sum = e_sum = 0.0
        for b in range(B):
            for t in range(T):
                z = [math.exp(x) for x in logits[t, s, b]]
                probs = [x / sum(z) for x in z]
                adv = returns[t, s, b] - values[t, s, b]
                p_sum += -math.log(probs[actions[t, s, b]]) * adv
                v_sum += 0.5 * adv ** 2
                e_sum += -sum(p * math.log(p) for p in probs)
        p_sum, v_sum, e_sum = p_sum / B, v_sum / B, e_sum / B
        assert pol[s] == pytest.approx(p_sum, rel=1e-5)
        assert val[s] == pytest.approx(v_sum, rel=1e-5)
        assert ent[s] == pytest.approx(e_sum, rel=1e-5)
        assert total[s] == pytest.approx(p_sum + 0.05 * v_sum - 0.05 * e_sum, rel=1e-5, abs=1e-5)


def test_rmsprop_matches_python():
    w, g, ms = 0.5, 0.2, 1.0
    params, state = rmsprop_update({"w": tf.constant([w])}, {"w": tf.constant([g])},
                                   {"w": tf.constant([ms])}, 0.01, 0.9, 1e-10)
    ms_ref = 0.9 * ms + 0.1 * g * g
    assert state["w"].numpy()[0] == pytest.approx(ms_ref)
    assert params["w"].numpy()[0] == pytest.approx(w - 0.01 * g / math.sqrt(ms_ref + 1e-10))


def test_clip_is_per_seed():
    grads = {"a": tf.constant([[3.0], [0.3]]), "b": tf.constant([[4.0], [0.4]])}
    clipped = clip_per_seed(grads, 1.0)
    # seed 0 has norm 5 -> scaled to 1; seed 1 has norm 0.5 -> unchanged
    assert clipped["a"].numpy()[:, 0] == pytest.approx([0.6, 0.3])
    assert clipped["b"].numpy()[:, 0] == pytest.approx([0.8, 0.4])


@pytest.mark.parametrize("n_steps, memoryless", [(5, False), (8, False), (8, True)])  # unrolled or not
def test_lstm_backward_matches_autodiff(n_steps, memoryless):
    params = init_params([0, 1], 3, 2, 8)
    x = tf.random.stateless_normal([n_steps, 2, 3, 7], seed=[1, 2])
    target = tf.random.stateless_normal([n_steps, 2, 3, 8], seed=[3, 4])

    def forward(p):
        h = c = tf.zeros([2, 3, 8])
        hs, caches = [], []
        for t in range(n_steps):
            if memoryless:  # Config.memoryless: every step from a zero state
                h, c = tf.zeros_like(h), tf.zeros_like(c)
            h, c, cache = lstm_step(p, x[t], h, c)
            hs.append(h)
            caches.append(cache)
        return tf.stack(hs), {k: tf.stack([cc[k] for cc in caches]) for k in caches[0]}

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        hs, cache = forward(params)
        loss = tf.reduce_sum(tf.sin(hs) * target)
    expected = tape.gradient(loss, params)
    got = lstm_backward(params, cache, tape.gradient(loss, hs), memoryless=memoryless)
    for k in got:
        np.testing.assert_allclose(got[k].numpy(), expected[k].numpy(), atol=1e-5, rtol=1e-4)


def test_agent_input_encoding():
    obs = tf.one_hot([[0]], 3)
    none = agent_input(obs, tf.constant([[-1]]), tf.constant([[0.0]]), 0, 100, 2).numpy()[0, 0]
    a0 = agent_input(obs, tf.constant([[0]]), tf.constant([[1.0]]), 50, 100, 2).numpy()[0, 0]
    assert none.tolist() == [1, 0, 0, 0, 0, 0, 0]  # "no previous action" is not action 0
    assert a0.tolist() == [1, 0, 0, 1, 0, 1, 0.5]  # time normalised by episode length


def test_sample_action_frequencies():
    logits = tf.constant([[[math.log(0.3), math.log(0.7)]]] * 1)
    u = tf.random.stateless_uniform([20000], seed=[0, 0])
    actions = sample_action(tf.broadcast_to(logits[0, 0], [20000, 2]), u).numpy()
    n = len(actions)
    assert abs(actions.mean() - 0.7) < 5 * math.sqrt(0.21 / n)


def _random_trials(seed, n_episodes=50, n_trials=30):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 2, (n_episodes, n_trials)), rng.integers(0, 2, (n_episodes, n_trials)),
            rng.integers(0, 2, (n_episodes, n_trials)))


def test_stay_probabilities_match_counting():
    actions, common, rewards = _random_trials(0)
    counts = {}
    for e in range(actions.shape[0]):
        for t in range(1, actions.shape[1]):  # the first trial of each episode is excluded
            key = (bool(common[e, t - 1]), bool(rewards[e, t - 1]))
            stays, total = counts.get(key, (0, 0))
            counts[key] = (stays + int(actions[e, t] == actions[e, t - 1]), total + 1)
    expected = [counts[k][0] / counts[k][1]
                for k in ((True, True), (True, False), (False, True), (False, False))]
    np.testing.assert_allclose(analysis.stay_probabilities(actions, common, rewards), expected)


def test_stay_regression_matches_direct_likelihood_maximisation():
    actions, common, rewards = _random_trials(1, 200, 40)
    reg = analysis.stay_regression(actions, common, rewards)
    stay = (actions[:, 1:] == actions[:, :-1]).ravel().astype(float)
    r = np.where(rewards[:, :-1].ravel() > 0, 1.0, -1.0)
    t = np.where(common[:, :-1].ravel() > 0, 1.0, -1.0)
    x = np.stack([np.ones_like(r), r, t, r * t], 1)

    def nll(beta):
        z = x @ beta
        return float(np.sum(np.logaddexp(0, z) - stay * z))

    ref = optimize.minimize(nll, np.zeros(4), method="BFGS", options={"gtol": 1e-8}).x
    np.testing.assert_allclose(reg.coef, ref, atol=1e-4)
    # standard errors from the numerical Hessian of the negative log-likelihood
    eps, hess = 1e-4, np.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            e_i, e_j = np.eye(4)[i] * eps, np.eye(4)[j] * eps
            hess[i, j] = (nll(ref + e_i + e_j) - nll(ref + e_i - e_j) - nll(ref - e_i + e_j)
                          + nll(ref - e_i - e_j)) / (4 * eps * eps)
    np.testing.assert_allclose(reg.se, np.sqrt(np.diag(np.linalg.inv(hess))), rtol=1e-3)


def test_model_based_signature_detected_on_a_planner_and_not_on_random():
    rng = np.random.default_rng(2)
    n_e, n_t = 200, 50
    common = (rng.random((n_e, n_t)) < 0.8).astype(int)
    rewards = rng.integers(0, 2, (n_e, n_t))
    actions = np.zeros((n_e, n_t), int)
    for t in range(1, n_t):  # model-based: stay iff (rewarded == common), with 10% noise
        stay = (rewards[:, t - 1] == common[:, t - 1]) ^ (rng.random(n_e) < 0.1)
        actions[:, t] = np.where(stay, actions[:, t - 1], 1 - actions[:, t - 1])
    stay_p = analysis.stay_probabilities(actions, common, rewards)
    assert analysis.is_model_based(stay_p, analysis.stay_regression(actions, common, rewards))
    shuffled = rng.integers(0, 2, (n_e, n_t))
    assert not analysis.is_model_based(analysis.stay_probabilities(shuffled, common, rewards),
                                       analysis.stay_regression(shuffled, common, rewards))


def test_bayes_observer_and_random_agent_rewards():
    """The spec's reward references: Bayes-optimal ~70.6, random 50 per 100 trials."""
    params = TWO_STEP_VARIANTS["biorxiv-final"]
    rng = np.random.default_rng(3)
    n_e = 2000
    u, u0 = rng.random((n_e, 100, 3)), rng.random(n_e)
    bayes = analysis.reward_per_100(analysis.bayes_observer(u, u0, params)["reward"])
    rand = analysis.reward_per_100(analysis.random_agent(u, u0, params, 0)["reward"])
    # per-trial reward sd <= 0.5, trials correlated within episodes: be generous (x3)
    se = 100 * 0.5 / math.sqrt(n_e * 100) * 3
    assert abs(bayes - 70.6) < 5 * se
    assert abs(rand - 50.0) < 5 * se


@pytest.mark.parametrize("episode", [0, 1, 250, 999, 1000, 5000])
def test_annealed_coefficient_falls_linearly_then_stays(episode):
    """Against the schedule written out: 0.05 at episode 0, falling linearly to 0.001 at
    episode 1000, then 0.001; the same as a tensor (inside the compiled trainer)."""
    expected = 0.05 + (0.001 - 0.05) * min(episode, 1000) / 1000
    assert annealed(0.05, 0.001, 1000, episode) == pytest.approx(expected)
    got = annealed(0.05, 0.001, 1000, tf.constant(float(episode))).numpy()
    assert got == pytest.approx(expected, abs=1e-8)  # float32 rounding of 0.05 + ...: ~4e-9
    assert annealed(0.05, 0.001, 0, episode) == 0.05  # no anneal: the constant


def test_median_index_picks_the_seed_with_the_median_result():
    from meta_rl.plotting import median_index

    assert median_index([3.0, 1.0, 2.0]) == 2  # 2.0 is the median
    assert median_index([0.4, 0.1, 0.3, 0.2]) == 3  # even count: the lower middle value, 0.2
    assert median_index([5.0]) == 0
    with pytest.raises(ValueError, match="non-empty"):
        median_index([])
    with pytest.raises(ValueError, match="finite"):
        median_index([1.0, np.nan])


@pytest.mark.parametrize("lam", [0.0, 0.3, 1.0])
def test_lambda_returns_match_the_advantage_sum(lam):
    """G_t - V_t equals the generalised advantage sum over (gamma lam)^k delta_{t+k}, computed
    in plain Python; lam = 1 gives the discounted returns."""
    from meta_rl.learn.a2c import lambda_returns

    rng = np.random.default_rng(2)
    rewards = rng.random((6, 2)).astype(np.float32)
    values = rng.normal(size=(6, 2)).astype(np.float32)
    got = lambda_returns(tf.constant(rewards), tf.constant(values), 0.9, lam).numpy()
    for b in range(2):
        v = list(values[:, b]) + [0.0]
        delta = [rewards[t, b] + 0.9 * v[t + 1] - v[t] for t in range(6)]
        for t in range(6):
            gae = sum((0.9 * lam) ** k * delta[t + k] for k in range(6 - t))
            assert got[t, b] - values[t, b] == pytest.approx(gae, abs=1e-5)
    if lam == 1.0:
        np.testing.assert_allclose(got, discounted_returns(tf.constant(rewards), 0.9).numpy(), rtol=1e-6)
