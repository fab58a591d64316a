"""Restless bandits (Wang et al. 2016, section 3.1.4): the drift (numpy and compiled), the
players (the Bayesian observer's filter against a plain loop, the tuned settings), the fit
recovering a known learner, the CLI, the committed results."""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from meta_rl.analysis.phase_fit import fit_phase_learning_rates
from meta_rl.cli import main
from meta_rl.tasks.restless.env import RestlessParams, fold, normal, walk
from meta_rl.tasks.restless.players import GRID, TUNED, play, regret, transition, tune, tuning_episodes

ROOT = Path(__file__).resolve().parents[3]
BATCHED_SCHEDULE = ("--episodes", "64", "--checkpoint-every", "32", "--log-every", "16", "--chunk", "2")
"""Two checkpoints of two updates of 16 episodes (the preset's batch)."""
PARAMS = RestlessParams()


def test_fold_reflects_into_the_unit_interval():
    x = np.array([0.3, -0.2, 1.3, 2.4, -1.7, 1.0, 0.0])
    np.testing.assert_allclose(fold(x), [0.3, 0.2, 0.7, 0.4, 0.3, 1.0, 0.0], atol=1e-12)


def test_compiled_walk_is_the_numpy_walk():
    task = PARAMS.make_task()
    rng = np.random.default_rng(0)
    n, e = PARAMS.n_trials, 300
    u_init = rng.random((1, e, 2)).astype(np.float32)
    u = rng.random((n, 1, e, 2)).astype(np.float32)
    state = task.initial_state(tf.constant(u_init))
    p, rewards = [], []
    for t in range(n):
        action = tf.constant(rng.integers(0, 2, (1, e)), tf.int32)
        state, reward, record = task.step(state, t, action, tf.constant(u[t]))
        p.append(record["p0"].numpy()[0])
        rewards.append(reward.numpy()[0])
        chosen = np.where(action.numpy()[0] == 0, record["p0"].numpy()[0], record["p1"].numpy()[0])
        np.testing.assert_array_equal(reward.numpy()[0], u[t, 0, :, 0] < chosen)
    high = u_init[0, :, 1] < PARAMS.p_high
    expected = walk(PARAMS, u_init[0, :, 0], high, u[:, 0, :, 1].T)
    np.testing.assert_allclose(np.array(p).T, expected, atol=2e-5)
    assert 0.4 < high.mean() < 0.6


def test_drift_has_the_levels_step_size():
    rng = np.random.default_rng(1)
    for high, sigma in ((0, PARAMS.drift_low), (1, PARAMS.drift_high)):
        p = walk(PARAMS, np.full(4000, 0.5), np.full(4000, high), rng.random((4000, 3)))
        steps = p[:, 1] - p[:, 0]  # from 0.5 the walk rarely reaches an edge in one step
        assert steps.std() == pytest.approx(sigma, rel=4 / np.sqrt(2 * 4000))
    assert np.isfinite(normal([0.0, 1.0])).all()


def test_transition_rows_are_the_reflected_gaussian():
    kernel = transition(0.1)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0)
    x = np.linspace(0, 1, GRID)
    middle = GRID // 2
    assert (kernel[middle] * x).sum() == pytest.approx(0.5, abs=1e-9)
    assert np.sqrt((kernel[middle] * (x - 0.5) ** 2).sum()) == pytest.approx(0.1, rel=0.02)
    assert (kernel[0] * x).sum() == pytest.approx(0.1 * np.sqrt(2 / np.pi), rel=0.05)  # folded at 0


def test_bayesian_observer_is_the_best_player_and_knows_more_than_any_fixed_rate():
    p, u, high = tuning_episodes(PARAMS, 600, seed=3)
    regrets = {name: regret(p, play(name, p, u, np.random.default_rng(4), **settings)["action"]).sum(1).mean()
               for name, settings in {**{k: v for k, v in TUNED.items()}, "bayes": {"params": PARAMS},
                                      "random": {}}.items()}
    assert regrets["bayes"] == min(regrets.values())
    assert regrets["random"] == pytest.approx(25, rel=0.1)  # a quarter of a reward lost per pull


def test_tuned_settings_are_the_grid_search():
    for player in ("rescorla-wagner", "thompson"):
        best, _ = tune(PARAMS, player)
        assert best == TUNED[player]


def test_fit_recovers_learning_rates_per_level():
    p, u, high = tuning_episodes(PARAMS, 400, seed=5)
    rng = np.random.default_rng(6)
    actions = np.zeros(p.shape, int)
    rewards = np.zeros(p.shape, int)
    q = np.full(len(p), 0.5)
    alpha = np.where(high, 0.4, 0.1)
    for t in range(p.shape[1]):  # a learner that knows the level: 0.1 low, 0.4 high
        a = (rng.random(len(p)) >= 1 / (1 + np.exp(-5 * (2 * q - 1)))).astype(int)
        r = (u[:, t] < np.where(a == 0, p[:, t], 1 - p[:, t])).astype(int)
        q += alpha * (np.where(a == 0, r, 1 - r) - q)
        actions[:, t], rewards[:, t] = a, r
    fit = fit_phase_learning_rates(actions, rewards, np.repeat(high[:, None], p.shape[1], axis=1))
    for name, true in (("alpha_stable", 0.1), ("alpha_volatile", 0.4)):
        lo, hi = fit.intervals[name]
        assert lo < true < hi or abs(fit.params[name] - true) < 0.03


def test_bad_parameters_are_one_line_errors(capsys, tmp_path):
    assert main(["train", "restless", "--drift_low", "0.3", "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: need 0 <= drift_low <= drift_high")
    assert not (tmp_path / "runs").exists()


def test_train_and_test_through_the_cli(train_and_test):
    stdout, header, trials, _ = train_and_test("restless", 20, BATCHED_SCHEDULE)
    assert "rescorla-wagner" in stdout and "bayes" in stdout
    assert header == "episode,trial,action,reward,p0,p1,volatility,value"
    np.testing.assert_allclose(trials["p0"] + trials["p1"], 1.0, atol=1e-5)
    assert set(np.unique(trials["volatility"])) <= {0, 1}
    assert (trials["volatility"] == trials["volatility"][:, :1]).all()  # one level per episode


def test_committed_results_reproduce():
    """Seed 0 tested again gives its committed regret; the committed runs show the signature
    in at least ``SEEDS_REQUIRED`` (8) of their 10 seeds."""
    from meta_rl.learn.evaluate import load_agent, run_test
    from meta_rl.tasks.registry import task_classes
    from meta_rl.tasks.restless import FAMILY
    from meta_rl.tasks.restless.reference import SEEDS_REQUIRED

    summary = json.loads((ROOT / "results" / "restless" / "results.json").read_text())
    config, _, params = load_agent(ROOT / "results" / "restless" / "model_0", task_classes())
    result = run_test(FAMILY, config, params, 1000, summary["test_episodes"])
    assert result.regret()["all"] == pytest.approx(summary["per_seed"][0]["regret"]["all"], abs=1e-9)
    assert len(summary["per_seed"]) == 10
    assert summary["seeds_meeting_target"] >= SEEDS_REQUIRED
