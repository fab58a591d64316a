"""The Daw et al. (2011) hybrid model: its likelihood against a plain loop, and parameter
recovery from the reference players (model-free: w near 0; model-based: w near 1)."""

import math

import numpy as np

from meta_rl.tasks.two_step.env import TwoStepParams
from meta_rl.tasks.two_step.fit import fit_hybrid, hybrid_log_likelihood
from meta_rl.tasks.two_step.players import ModelBased, ModelFree, play

PARAMS = TwoStepParams()


def loop_log_likelihood(theta, actions, states, rewards, p=0.8):
    alpha, lam, beta, w, persev = theta
    total = 0.0
    for a_row, s_row, r_row in zip(actions, states, rewards):
        q, v, previous = [0.0, 0.0], [0.0, 0.0, 0.0], None
        for a, s, r in zip(a_row, s_row, r_row):
            mb = [p * v[1] + (1 - p) * v[2], (1 - p) * v[1] + p * v[2]]
            net = [beta * (w * mb[k] + (1 - w) * q[k]) + (persev if previous == k else 0.0) for k in (0, 1)]
            total += net[a] - math.log(math.exp(net[0]) + math.exp(net[1]))
            q[a] += alpha * (v[s] - q[a])
            delta2 = r - v[s]
            v[s] += alpha * delta2
            q[a] += alpha * lam * delta2
            previous = a
    return total


def test_likelihood_matches_a_plain_loop():
    trials = play(ModelFree(alpha=0.5, beta=3.0), PARAMS, 4, seed=0)
    data = (trials["action"][:, :30], trials["state"][:, :30], trials["reward"][:, :30])
    theta = (0.3, 0.6, 2.5, 0.4, 0.7)
    assert abs(hybrid_log_likelihood(theta, *data) - loop_log_likelihood(theta, *data)) < 1e-9


def test_recovers_model_free_and_model_based_players():
    fits = {}
    for name, player in (("model-free", ModelFree(alpha=0.5, beta=3.0, lam=1.0)),
                         ("model-based", ModelBased(alpha=0.5, beta=5.0))):
        trials = play(player, PARAMS, 40, seed=1)
        fits[name] = fit_hybrid(trials["action"], trials["state"], trials["reward"])
    mf, mb = fits["model-free"], fits["model-based"]
    assert mf.params["w"] < 0.2 and mf.w_interval[0] == 0.0 and mf.w_interval[1] < 0.5, mf.describe()
    assert mb.params["w"] > 0.8 and mb.w_interval[1] == 1.0 and mb.w_interval[0] > 0.5, mb.describe()
    # the generating learning rates come back within a generous margin (4,000 trials each)
    assert abs(mb.params["alpha"] - 0.5) < 0.2 and abs(mf.params["alpha"] - 0.5) < 0.2
    assert abs(mb.params["beta"] - 5.0) < 2.0


def test_lagged_regression_separates_the_players():
    """Lag 1 (Miller et al. 2016): both players repeat a common-rewarded choice; after an
    uncommon reward the model-free player repeats and the model-based one switches."""
    from meta_rl.tasks.two_step.analysis import lagged_regression

    coefs = {}
    for name, player in (("mf", ModelFree(alpha=0.5, beta=3.0)), ("mb", ModelBased(alpha=0.5, beta=5.0))):
        trials = play(player, PARAMS, 200, seed=2)
        fit = lagged_regression(trials["action"], trials["common"], trials["reward"], lags=3)
        assert fit.coef.shape == fit.se.shape == (4, 3)
        coefs[name] = (fit.coef[:, 0], fit.se[:, 0])
    (mf, mf_se), (mb, mb_se) = coefs["mf"], coefs["mb"]
    assert mf[0] > 3 * mf_se[0] and mb[0] > 3 * mb_se[0]  # common-rewarded: repeat
    assert mf[2] > 3 * mf_se[2]  # uncommon-rewarded: model-free repeats
    assert mb[2] < -3 * mb_se[2]  # ... model-based switches
    assert mb[3] > 3 * mb_se[3]  # uncommon-unrewarded: model-based repeats


def test_rpe_regression_tells_the_learners_apart():
    """The model-based player's own arrival prediction error loads on δ_MB, the model-free
    player's on δ_MF (each recomputed from its trials and its learning rate, plus noise)."""
    from meta_rl.tasks.two_step.fit import arrival_prediction_errors, rpe_regression

    rng = np.random.default_rng(3)
    for player, own in ((ModelFree(alpha=0.5, beta=3.0), 0), (ModelBased(alpha=0.5, beta=5.0), 1)):
        trials = play(player, PARAMS, 100, seed=3)
        mf, mb = arrival_prediction_errors(trials["action"], trials["state"], trials["reward"], 0.5)
        signal = (mf, mb)[own] + 0.1 * rng.normal(size=mf.shape)
        fit = rpe_regression(signal, mf, mb)
        assert abs(fit.coef[1 + own] - 1.0) < 5 * fit.se[1 + own] + 0.02
        assert abs(fit.coef[2 - own]) < 5 * fit.se[2 - own] + 0.02
        assert (fit.model_based_share > 0.9) == bool(own)
        for k, regressor in enumerate((mf, mb)):  # r² alone = the one-regressor fit's
            x = np.stack([np.ones(regressor.size), regressor.ravel()], axis=1)
            residual = signal.ravel() - x @ np.linalg.lstsq(x, signal.ravel(), rcond=None)[0]
            expected = 1 - residual @ residual / np.sum((signal - signal.mean()) ** 2)
            assert abs(fit.r2_alone[k] - expected) < 1e-9
        assert fit.r2_alone[own] > fit.r2_alone[1 - own]


def test_swap_aligned_counts_from_each_swap():
    from meta_rl.tasks.two_step.analysis import swap_aligned

    rich = np.array([[1, 1, 2, 2, 2], [2, 2, 2, 1, 1]])  # swaps before trial 2 and trial 3
    actions = np.array([[0, 0, 0, 1, 1], [1, 1, 1, 1, 0]])  # toward S3 = action 1, S2 = action 0
    got = swap_aligned(actions, rich, window=3)
    # from the swap on: episode 0 chooses wrong, right, right; episode 1 wrong, right
    np.testing.assert_allclose(got, [0.0, 1.0, 1.0])
    assert np.isnan(swap_aligned(actions[:, :2], rich[:, :2], window=2)).all()  # no swap
