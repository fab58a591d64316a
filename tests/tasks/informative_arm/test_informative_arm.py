"""The informative arm (Wang et al. 2016, section 3.1.3): the compiled task against the numpy
rules, the one-hot payout categories, the players (against closed forms), the signature's
numbers, the CLI, the committed results."""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from meta_rl.cli import main
from meta_rl.tasks.informative_arm.env import (
    N_CATEGORIES,
    NON_TARGET_CATEGORY,
    TARGET_CATEGORY,
    InformativeArmParams,
    payout,
    target_rank,
)
from meta_rl.tasks.informative_arm.players import PLAYERS, expected_optimal_reward, play
from meta_rl.tasks.informative_arm.result import behaviour

ROOT = Path(__file__).resolve().parents[3]
BATCHED_SCHEDULE = ("--episodes", "64", "--checkpoint-every", "32", "--log-every", "16", "--chunk", "2")
"""Two checkpoints of two updates of 16 episodes (the preset's batch)."""
PARAMS = InformativeArmParams()
MOVED = InformativeArmParams(informative_arm=0)


@pytest.mark.parametrize("params", [PARAMS, MOVED, InformativeArmParams(target_payout=3.0)])
def test_compiled_task_pays_and_shows_what_the_numpy_rules_say(params):
    task = params.make_task()
    rng = np.random.default_rng(1)
    u_init = rng.random((1, 400, 1)).astype(np.float32)
    state = task.initial_state(tf.constant(u_init))
    target = state["target"].numpy()[0]
    assert set(np.unique(target)) == set(range(11)) - {params.informative_arm}  # every candidate drawn
    assert (task.observation(state).numpy() == 0).all()  # nothing before the first pull
    for t in range(params.n_trials):
        action = rng.integers(0, 11, (1, 400))
        state, reward, record = task.step(state, t, tf.constant(action, tf.int32), tf.zeros((1, 400, 0)))
        np.testing.assert_allclose(reward.numpy()[0], payout(params, action[0], target), rtol=1e-6)
        np.testing.assert_array_equal(record["target"].numpy()[0], target)
        shown = task.observation(state).numpy()[0]
        assert shown.shape == (400, N_CATEGORIES) and (shown.sum(axis=1) == 1).all()
        informative = action[0] == params.informative_arm
        expected = np.where(informative, target_rank(params, target),
                            np.where(action[0] == target, TARGET_CATEGORY, NON_TARGET_CATEGORY))
        np.testing.assert_array_equal(shown.argmax(axis=1), expected)


def test_informative_arm_names_the_target_by_its_rank():
    targets = np.arange(1, 11)  # the informative arm moved to 0: the candidates are 1..10
    np.testing.assert_allclose(payout(MOVED, np.zeros(10, int), targets), np.arange(1, 11) / 10)
    np.testing.assert_allclose(payout(PARAMS, np.full(10, 10), np.arange(10)), np.arange(1, 11) / 10)


def test_players_match_their_closed_forms():
    rng = np.random.default_rng(2)
    target = rng.integers(0, 10, 20000)
    rewards = {p: play(p, PARAMS, target, np.random.default_rng(3))["reward"].sum(axis=1) for p in PLAYERS}
    assert expected_optimal_reward(PARAMS) == pytest.approx(20.55)
    assert rewards["optimal"].mean() == pytest.approx(20.55, abs=4 * rewards["optimal"].std() / 141)
    # Searching the ten candidates without replacement, then the target: found at pull j
    # (j <= 5, probability 1/10 each) pays (j - 1) + 5 (6 - j); not found (1/2) pays 5.
    search = 0.1 * sum((j - 1) + 5 * (6 - j) for j in range(1, 6)) + 0.5 * 5
    assert search == pytest.approx(11.0)
    for p in ("thompson", "never-informative"):
        assert rewards[p].mean() == pytest.approx(search, abs=4 * rewards[p].std() / np.sqrt(20000))
    # UCB1 tries 5 different arms in random order: each pull is the target with chance 1/11
    # and the informative arm with 1/11 (pays 0.55 on average), 9/11 another arm (1).
    ucb = play("ucb1", PARAMS, target, np.random.default_rng(4))["action"]
    assert all(len(set(row)) == 5 for row in ucb[:200])
    assert (ucb == 10).any(axis=1).mean() == pytest.approx(5 / 11, abs=0.02)
    assert rewards["ucb1"].mean() == pytest.approx(5 * (5 + 0.55 + 9) / 11, abs=0.1)
    assert rewards["random"].mean() == pytest.approx(5 * (5 + 0.55 + 9) / 11, abs=0.1)


def test_ucb1_orders_untried_arms_at_random_wherever_the_informative_arm_is():
    target = np.random.default_rng(5).integers(1, 11, 5000)
    first = play("ucb1", MOVED, target, np.random.default_rng(6))["action"][:, 0]
    assert np.bincount(first, minlength=11).min() > 5000 / 11 * 0.8


def test_behaviour_counts_the_signature():
    actions = np.array([[10, 3, 3, 3, 3], [10, 3, 2, 2, 2], [0, 1, 2, 3, 4]])
    target = np.array([3, 2, 4])
    b = behaviour(actions, target, 10)
    assert b["informative_first"] == pytest.approx(2 / 3)
    assert b["target_after_informative"] == pytest.approx(7 / 8)
    assert b["target_later"] == pytest.approx(8 / 12)


def test_bad_parameters_are_one_line_errors(capsys, tmp_path):
    for flag, value, message in (("--informative_arm", "11", "informative_arm must be in 0..10"),
                                 ("--target_payout", "0.5", "need target_payout > other_payout")):
        assert main(["train", "informative-arm", flag, value, "--out", str(tmp_path / "runs")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"error: {message}"), err
        assert not (tmp_path / "runs").exists()


def test_train_and_test_through_the_cli(train_and_test):
    stdout, header, trials, steps = train_and_test("informative-arm", 20, BATCHED_SCHEDULE)
    assert "never-informative" in stdout and "informative first" in stdout
    assert header == "episode,trial,action,reward,target,value"
    assert trials["action"].shape == (20, 5)
    paid = payout(PARAMS, trials["action"], trials["target"])
    np.testing.assert_allclose(trials["reward"], paid, rtol=1e-5)
    assert steps["observation"].shape == (20, 5, N_CATEGORIES)


def test_committed_results_reproduce():
    """Seed 0 tested again gives its committed numbers; the signature in 8 of 10 seeds."""
    from meta_rl.learn.evaluate import load_agent, run_test
    from meta_rl.tasks.informative_arm import FAMILY
    from meta_rl.tasks.informative_arm.reference import SEEDS_REQUIRED
    from meta_rl.tasks.registry import task_classes

    summary = json.loads((ROOT / "results" / "informative-arm" / "results.json").read_text())
    trained = summary["conditions"]["informative-arm"]
    config, _, params = load_agent(ROOT / "results" / "informative-arm" / "model_0", task_classes())
    result = run_test(FAMILY, config, params, 1000, summary["test_episodes"])
    assert round(result.reward()[0], 4) == trained["per_seed"][0]["reward"]
    assert len(trained["per_seed"]) == 10
    assert trained["seeds_meeting_target"] >= SEEDS_REQUIRED
