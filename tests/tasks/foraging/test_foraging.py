"""The matching task (Tsutsui et al. 2016; Wang et al. 2018, Simulation 1): probabilities,
baiting, the matching law and history regression against players with known behaviour,
unit coding against planted units, the CLI, the committed results."""

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.tasks.foraging.analysis import history_regression, matching, unit_coding
from meta_rl.tasks.foraging.env import BatchedForaging, ForagingParams, base_probs
from meta_rl.tasks.foraging.players import play

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = "episode,trial,action,reward,p0,p1,block,value"
PARAMS = ForagingParams()


def test_probabilities_leave_two_intervals_out_of_training():
    u = np.random.default_rng(0).random((20000, 3)).astype(np.float32)
    p0, p1 = base_probs(PARAMS, u, held_out=False)
    np.testing.assert_allclose(p0 + p1, 0.5, atol=1e-6)
    low = np.minimum(p0, p1)
    assert not ((low > 0.1 + 1e-6) & (low < 0.2 - 1e-6)).any()  # held out
    assert ((low > 0.2) & (low < 0.25)).any()  # ... while its neighbour is trained
    test0, _ = base_probs(PARAMS, u, held_out=True)
    assert ((np.minimum(test0, 0.5 - test0) > 0.1) & (np.minimum(test0, 0.5 - test0) < 0.2)).mean() > 0.15


def test_baiting_pays_an_unvisited_option_with_the_compound_probability():
    """Left alone for n trials, an option pays with 1 − (1 − p)^(n+1) when chosen."""
    n, episodes = 4, 600
    rng = np.random.default_rng(0)
    task = BatchedForaging(PARAMS, held_out=True)
    state = task.initial_state(tf.constant(rng.random((1, episodes, 3)), tf.float32))
    for t in range(n + 1):  # option 0 n times, then option 1
        u = tf.constant(rng.random((1, episodes, 2)), tf.float32)
        state, reward, record = task.step(state, tf.constant(t), tf.fill([1, episodes], int(t == n)), u)
    wins = reward.numpy()[0]
    expected = 1 - (1 - record["p1"].numpy()[0].astype(np.float64)) ** (n + 1)
    se = np.sqrt(np.mean(expected) * (1 - np.mean(expected)) / len(wins))
    assert abs(np.mean(wins) - np.mean(expected)) < 4 * se


def test_matching_and_history_tell_players_apart():
    rng = np.random.default_rng(1)
    u = rng.random((400, 3)).astype(np.float32)
    p = np.stack(base_probs(PARAMS, u, held_out=True), axis=1).astype(np.float64)
    scheduled = rng.random((400, 100, 2))
    local = play("matching", 10.0, 0.0, p, scheduled, rng)
    fit = matching(local["action"], local["reward"], skip=20)
    assert 0.6 < fit.slope < 1.1 and fit.r2 > 0.5  # a matcher matches (near 1)
    rewards, choices, se = history_regression(local["action"], local["reward"])
    assert rewards[0] > 3 * se[0, 0] and rewards[0] > rewards[-1]  # recent rewards weigh most


def test_decay_slope():
    from meta_rl.tasks.foraging.analysis import decay_slope

    assert decay_slope([1.0, 0.5, 0.25, 0.1, 0.0]) < 0 < decay_slope([0.0, 0.1, 0.2, 0.3, 0.4])
    assert abs(decay_slope([2.0, 2.0, 2.0]) - 0.0) < 1e-12
    assert abs(decay_slope([3.0, 2.0, 1.0]) + 1.0) < 1e-12


def test_unit_coding_finds_planted_units():
    rng = np.random.default_rng(2)
    actions, rewards = rng.integers(0, 2, (200, 50)), rng.integers(0, 2, (200, 50))
    value = rng.random((200, 50))
    prev_a = np.concatenate([np.zeros((200, 1)), 2 * actions[:, :-1] - 1], axis=1)
    h = rng.normal(size=(200, 50, 4))
    h[..., 0] += 2 * prev_a  # a unit coding the previous action
    h[..., 1] += 2 * value  # one coding the chosen value
    got = unit_coding(h, actions, rewards, value)
    assert got["previous action"] == 0.25 and got["chosen value"] == 0.25
    assert got["previous reward"] <= 0.25 and got["previous action x reward"] <= 0.25


def test_train_and_test_through_the_cli(tmp_path, cli_here, train_and_test):
    batched = ("--episodes", "32", "--checkpoint-every", "32", "--log-every", "16", "--chunk", "2")
    stdout, header, trials, steps = train_and_test("foraging-tsutsui", 30, batched)
    assert "local matching" in stdout and "slope" in stdout
    assert header == COLUMNS
    assert trials["action"].shape == (30, PARAMS.n_trials)
    np.testing.assert_allclose(trials["p0"] + trials["p1"], 0.5, atol=1e-5)
    assert steps["lstm_h"].shape[:2] == (30, PARAMS.n_trials)
    bad = cli_here("train", "foraging-tsutsui", "--total-p", "2", "--out", str(tmp_path / "runs"))
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: total_p must be in")


def test_committed_results_meet_the_signature():
    summary = json.loads((ROOT / "results" / "foraging" / "results.json").read_text())
    assert summary["seeds_meeting_target"] >= 4
