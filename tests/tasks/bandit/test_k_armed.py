"""k-armed bandits (RL², Duan et al. 2016) and the two-armed results' Bayes-optimal floor: the
batched task against numpy, the parameters' checks, the presets and gymnasium ids, the test
result (baselines, metrics, report, CSV) through the command line and gymnasium."""

import dataclasses

import gymnasium as gym
import numpy as np
import pytest
import tensorflow as tf
from gymnasium.utils.env_checker import check_env

import meta_rl.tasks.registry  # noqa: F401  (registers the gymnasium ids)
from meta_rl.agent.network import initial_weights
from meta_rl.cli import main
from meta_rl.config import Config, override
from meta_rl.errors import MetaRLError
from meta_rl.learn.evaluate import TestEpisodes as Played
from meta_rl.learn.evaluate import play_test, read_trials_csv
from meta_rl.tasks.bandit import bayes_optimal as bo
from meta_rl.tasks.bandit import k_optimal, rl2
from meta_rl.tasks.bandit import players as bb
from meta_rl.tasks.bandit import result as br
from meta_rl.tasks.bandit.env import BanditParams, BatchedBandit, arm_prob_matrix, arm_probs
from meta_rl.tasks.bandit.presets import GYM_ENVS, K_ARMED_PRESETS, TWO_ARMED_PRESETS
from meta_rl.tasks.bandit.result import BASELINES, CSV_COLUMNS, K_ARMED_BASELINES, K_ARMED_CSV_COLUMNS
from meta_rl.tasks.gym import TaskEnv

K5 = BanditParams(arms="independent", n_arms=5, n_trials=12)


# ---------------------------------------------------------------- the task


def test_k_armed_batched_task_matches_numpy():
    task = BatchedBandit(K5)
    assert (task.n_actions, task.n_init, task.n_uniforms, task.n_steps) == (5, 5, 1, 12)
    rng = np.random.default_rng(0)
    batch = 400
    u_init = rng.random((1, batch, 5)).astype(np.float32)
    u = rng.random((12, 1, batch, 1)).astype(np.float32)
    actions = rng.integers(0, 5, (12, 1, batch)).astype(np.int32)
    state = task.initial_state(tf.constant(u_init))
    assert task.observation(state).shape == (1, batch, 1)
    p = u_init[0]  # independent arms: each uniform is its arm's probability
    for t in range(12):
        state, reward, record = task.step(state, tf.constant(t), tf.constant(actions[t]), tf.constant(u[t]))
        chosen = p[np.arange(batch), actions[t, 0]]
        assert set(record) == {"action", "reward", "p_action", "p_best"}
        np.testing.assert_array_equal(reward.numpy()[0], (u[t, 0, :, 0] < chosen).astype(np.float32))
        np.testing.assert_array_equal(record["p_action"].numpy()[0], chosen)
        np.testing.assert_array_equal(record["p_best"].numpy()[0], p.max(axis=1))
    np.testing.assert_array_equal(arm_prob_matrix(K5, u_init[0]), p)


def test_two_armed_task_keeps_its_shape_and_records():
    for params in (BanditParams(), BanditParams(arms="independent"), BanditParams(difficulty="hard")):
        task = BatchedBandit(params)
        assert (task.n_actions, task.n_init, params.n_arms) == (2, 2, 2)
        u_init = np.random.default_rng(1).random((1, 50, 2)).astype(np.float32)
        state = task.initial_state(tf.constant(u_init))
        _, _, record = task.step(state, tf.constant(0), tf.zeros([1, 50], tf.int32), tf.ones([1, 50, 1]))
        assert set(record) == {"action", "reward", "p0", "p1"}
        p0, p1 = arm_probs(params, u_init[0, :, 0], u_init[0, :, 1])
        np.testing.assert_array_equal(record["p0"].numpy()[0], p0)
        np.testing.assert_array_equal(record["p1"].numpy()[0], p1)
        np.testing.assert_array_equal(arm_prob_matrix(params, u_init[0]), np.stack([p0, p1], axis=1))


@pytest.mark.parametrize("bad, message", [
    (dict(n_arms=1), "n_arms must be at least 2"),
    (dict(n_arms=3), "n_arms must be 2 for dependent arms"),
    (dict(n_arms=5, difficulty="easy"), "n_arms must be 2 for dependent arms"),
    (dict(arms="independent", n_arms=0), "n_arms must be at least 2"),
])
def test_bad_arm_counts_are_refused_in_one_line(bad, message):
    with pytest.raises(ValueError, match=message) as caught:
        BanditParams(**bad).validate()
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError):
        TaskEnv(BanditParams(**bad))
    with pytest.raises(MetaRLError, match="^n_arms"):
        override(TWO_ARMED_PRESETS["bandit-easy"], {"n-arms": "3"})
    with pytest.raises(TypeError, match="one uniform per arm"):
        arm_probs(K5, 0.1, 0.2)


def test_k_armed_presets_and_gym_ids():
    assert list(K_ARMED_PRESETS) == [f"bandit-k{k}-n{n}" for n in rl2.PULLS for k in rl2.ARMS]
    for name, config in K_ARMED_PRESETS.items():
        config.validate()
        task = config.task
        assert (task.arms, name) == ("independent", f"bandit-k{task.n_arms}-n{task.n_trials}")
        assert config.hidden == 48 and Config.from_json(config.to_json(), {"bandit": BanditParams}) == config
        assert GYM_ENVS[f"meta_rl/Bandit-k{task.n_arms}-n{task.n_trials}-v0"] == task
    # the two-armed ones as they were, and first (a family's first env is its showcase)
    assert list(GYM_ENVS)[:5] == [f"meta_rl/Bandit-{n.removeprefix('bandit-')}-v0" for n in TWO_ARMED_PRESETS]
    for config in TWO_ARMED_PRESETS.values():
        assert (config.hidden, config.task.n_arms, config.task.n_trials) == (48, 2, 100)
    check_env(gym.make("meta_rl/Bandit-k50-n500-v0").unwrapped, skip_render_check=True)
    env = gym.make("meta_rl/Bandit-k10-n10-v0")
    assert env.action_space.n == 10
    env.reset(seed=4)
    for t in range(10):
        _, reward, done, _, info = env.step(t)
        assert info["p_action"] <= info["p_best"] and done == (t == 9)
        assert reward == float(env.unwrapped.u_steps[t, 0] < info["p_action"])


# ---------------------------------------------------------------- results


@pytest.fixture(scope="module")
def k_armed_played():
    config = Config(name="k5", task=K5)
    return config, play_test(config, initial_weights(0, config), 3, 40)


def test_k_armed_result_reads_every_arm_from_the_initial_uniforms(k_armed_played):
    config, played = k_armed_played
    result = br.test_result(config, played, 3)
    p = result.p
    assert p.shape == (40, 5) and result.n_arms == 5
    np.testing.assert_array_equal(p, played.u_init[:, :5].astype(float))
    chosen = np.take_along_axis(p, result.trials["action"], axis=1)
    np.testing.assert_array_equal(result.trials["p_action"], chosen.astype(np.float32))
    np.testing.assert_array_equal(result.trials["p_best"], np.repeat(p.max(axis=1, keepdims=True), 12, 1))
    # 12 pulls: the exact Bayes-optimal player joins RL²'s, last
    assert result.csv_columns == K_ARMED_CSV_COLUMNS
    assert list(result.baselines) == [*K_ARMED_BASELINES, br.BAYES_OPTIMAL]
    metrics = result.metrics()
    players = (*rl2.PLAYERS, br.BAYES_OPTIMAL)
    assert set(metrics) == {"expected_reward", *(f"expected_reward_{n}" for n in players)}
    np.testing.assert_array_equal(result.baselines[br.BAYES_OPTIMAL]["action"],
                                  k_optimal.play(p, played.u_steps[..., 0])["action"])
    agent = bb.expected_reward(p, result.trials["action"])
    np.testing.assert_allclose(metrics["expected_reward"], agent.mean())
    # every baseline played the episodes' own arms and reward draws, with RL²'s settings of the nearest cell
    settings = rl2.player_kwargs(12, 5)
    rng = np.random.default_rng([3, 6])
    for name in K_ARMED_BASELINES:
        again = bb.play(name, p, played.u_steps[..., 0], rng, **settings[name])
        np.testing.assert_array_equal(result.baselines[name]["action"], again["action"])
    report = result.report()
    assert "expected total reward over 12 pulls of 5 arms" in report and "RL² Table 1" not in report
    assert all(f"  {player} " in report for player in ("agent", *K_ARMED_BASELINES))


def test_k_armed_result_needs_its_probabilities(k_armed_played):
    config, played = k_armed_played
    result = br.test_result(config, played, 3)
    with pytest.raises(ValueError, match="probabilities"):
        br.BanditResult(result.trials, result.baselines)


def two_armed_played(params: BanditParams, episodes: int = 60, seed: int = 0) -> Played:
    """Synthetic test episodes of a two-armed task: the records a test would hold."""
    rng = np.random.default_rng(seed)
    u_init = rng.random((episodes, 2)).astype(np.float32)
    p = arm_prob_matrix(params, u_init).astype(np.float32)
    u = rng.random((episodes, params.n_trials, 1)).astype(np.float32)
    action = rng.integers(0, 2, (episodes, params.n_trials)).astype(np.int32)
    reward = (u[..., 0] < np.take_along_axis(p, action, axis=1)).astype(np.float32)
    records = {"action": action, "reward": reward, "p0": np.repeat(p[:, :1], params.n_trials, 1),
               "p1": np.repeat(p[:, 1:], params.n_trials, 1)}
    return Played(records, np.zeros(action.shape, np.float32), u, u_init)


@pytest.mark.parametrize("params", [BanditParams(), BanditParams(arms="independent", n_trials=30),
                                    BanditParams(difficulty="hard", n_trials=40)])
def test_two_armed_results_add_the_bayes_optimal_floor(params):
    config = Config(name="two", task=params)
    played = two_armed_played(params)
    result = br.test_result(config, played, 5)
    assert list(result.baselines) == list(BASELINES) and result.csv_columns == CSV_COLUMNS
    p = np.stack([played.records["p0"][:, 0], played.records["p1"][:, 0]], axis=1).astype(float)
    u = played.u_steps[..., 0]
    floor = bo.play(bo.prior_name(params), p, u)
    np.testing.assert_array_equal(result.baselines["bayes-optimal"]["action"], floor["action"])
    # the classical players play as they did without it: one generator, the same order
    without = br.test_result(config, played, 5, baselines=BASELINES[:-1])
    for name in BASELINES[:-1]:
        np.testing.assert_array_equal(result.baselines[name]["action"], without.baselines[name]["action"])
    metrics = result.metrics()
    assert list(metrics) == ["regret", "regret_over_thompson", "regret_over_bayes_optimal"]
    assert metrics["regret_over_bayes_optimal"] == pytest.approx(
        metrics["regret"] / floor["regret"].sum(axis=1).mean())
    assert metrics == without.metrics() | {"regret_over_bayes_optimal": metrics["regret_over_bayes_optimal"]}
    report = result.report()
    assert "  bayes-optimal " in report and "x Bayes-optimal" in report


def test_bayes_optimal_is_left_out_when_its_table_would_not_fit():
    params = BanditParams(arms="independent", n_trials=400)  # C(403, 4) = 1.1 billion states
    result = br.test_result(Config(name="long", task=params), two_armed_played(params, episodes=5), 0)
    assert "bayes-optimal" not in result.baselines
    assert np.isnan(result.metrics()["regret_over_bayes_optimal"])
    assert "Bayes-optimal" not in result.report()


def test_k_armed_run_tests_through_the_cli_and_gymnasium(tmp_path, capsys):
    out = tmp_path / "runs"
    assert main(["train", "bandit-independent", "--n-arms", "5", "--n-trials", "10", "--seeds", "0",
                 "--out", str(out), "--episodes", "32", "--checkpoint-every", "32", "--log-every", "16",
                 "--chunk", "2", "--quiet"]) == 0
    csvs = {mode: tmp_path / f"{mode}.csv" for mode in ("compiled", "gym")}
    for mode, path in csvs.items():
        args = ["test", str(out / "model_0"), "--episodes", "3", "--seed", "2", "--trials-csv", str(path)]
        assert main(args + (["--gym"] if mode == "gym" else [])) == 0
    shown = capsys.readouterr().out
    assert "expected total reward over 10 pulls of 5 arms" in shown and "RL² Table 1: 6.7" in shown
    for path in csvs.values():
        assert path.read_text().splitlines()[0] == ",".join(K_ARMED_CSV_COLUMNS)
    compiled, played = read_trials_csv(csvs["compiled"]), read_trials_csv(csvs["gym"])
    assert compiled["action"].shape == (3, 10) and compiled["action"].max() < 5
    assert (compiled["p_action"] <= compiled["p_best"]).all()
    for k, v in compiled.items():
        if k == "value":
            np.testing.assert_allclose(played[k], v, atol=1e-4)
        else:
            np.testing.assert_array_equal(played[k], v, err_msg=k)


def test_two_armed_params_unchanged_by_the_new_field():
    # a committed run's config.json may have no n_arms nor trial_input: read back it is the
    # two-armed task without a clock it was
    assert BanditParams().n_arms == 2 and not BanditParams().trial_input
    fields = [f.name for f in dataclasses.fields(BanditParams)]
    assert fields == ["arms", "difficulty", "n_trials", "n_arms", "trial_input"]
