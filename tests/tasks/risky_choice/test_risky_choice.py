"""The risky-choice task (Stopper et al. 2014; Wang et al. 2018, Simulation 6): blocks,
payouts, the manipulations of the prediction error the agent receives, the agent fed its
prediction error, weights taken by a derived run set, the CLI, the committed results."""

import dataclasses
import json
from pathlib import Path

import numpy as np

from meta_rl.tasks.risky_choice.analysis import risky_by_probability
from meta_rl.tasks.risky_choice.env import BLOCK_PROBS, PERMUTATIONS, RiskyChoiceParams, block_order, shift
from meta_rl.tasks.risky_choice.players import play

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = "episode,trial,action,reward,p_risky,block,forced,shift,value"
PARAMS = RiskyChoiceParams()


def test_block_orders_cover_every_permutation_evenly():
    u = (np.arange(24 * 50) + 0.5) / (24 * 50)
    counts = np.bincount(block_order(PARAMS, u).astype(int), minlength=24)
    assert (counts == 50).all()
    descending = dataclasses.replace(PARAMS, order="descending")
    assert (block_order(descending, u) == 0).all()
    assert tuple(np.array(BLOCK_PROBS)[PERMUTATIONS[0]]) == (1.0, 0.5, 0.25, 0.125)


def test_manipulations_move_only_their_outcomes():
    risky, paid = np.array([0.0, 1.0, 1.0, 0.0]), np.array([1.0, 1.0, 0.0, 0.0])
    for manipulation, expected in (("none", [0, 0, 0, 0]), ("stimulation", [0, 0, 2, 0]),
                                   ("inhibition", [0, -2, 0, 0])):
        got = shift(dataclasses.replace(PARAMS, manipulation=manipulation), risky, paid)
        np.testing.assert_allclose(got, expected)


def test_players_and_analysis():
    rng = np.random.default_rng(0)
    p = np.repeat(np.array(BLOCK_PROBS)[None, :], 200, axis=0).repeat(PARAMS.trials_per_block, axis=1)
    u = rng.random(p.shape)
    knows = play("knows p", p, u, PARAMS.safe_reward, PARAMS.risky_reward, rng)
    got = risky_by_probability(knows["action"], p)
    assert got[1.0] == 1.0 and got[0.5] == 1.0 and got[0.125] == 0.0 and 0.4 < got[0.25] < 0.6
    np.testing.assert_allclose(knows["reward"][knows["action"] == 0], PARAMS.safe_reward)


def test_rpe_input_feeds_the_prediction_error():
    """With ``rpe_input`` the agent's reward input at step t is r - V of step t - 1 (the value
    it held when it acted); without, the reward itself."""
    import tensorflow as tf

    from meta_rl.agent.lstm import init_params
    from meta_rl.learn.rollout import rollout
    from meta_rl.streams import episode_uniforms

    task = PARAMS.make_task()
    params = {k: tf.constant(v) for k, v in init_params([0], 3, task.n_actions, 8).items()}
    u_env, u_action, u_init = episode_uniforms(tf.constant([0]), 1, tf.constant(0), task, 16)
    column = 3 + task.n_actions  # observation (3), previous action (one-hot), then the signal
    for rpe_input in (False, True):
        out = rollout(params, task, u_env, u_action, u_init, 8, rpe_input=rpe_input)
        signal = out.cache["xh"].numpy()[1:, 0, :, column]
        rewards, values = out.rewards.numpy()[:-1, 0], out.values.numpy()[:-1, 0]
        expected = rewards - values if rpe_input else rewards
        np.testing.assert_allclose(signal, expected, atol=1e-5)


def test_train_and_test_through_the_cli(tmp_path, cli_here, train_and_test):
    stdout, header, trials, steps = train_and_test("risky-choice-stopper", 20)
    assert "knows p" in stdout
    assert header == COLUMNS
    assert trials["action"].shape == (20, PARAMS.n_trials)
    assert set(np.unique(trials["p_risky"]).round(3)) == {0.125, 0.25, 0.5, 1.0}
    bad = cli_here("train", "risky-choice-stopper", "--manipulation", "lasers",
                   "--out", str(tmp_path / "runs"))
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: manipulation must be one of")


def test_committed_results_meet_the_signature():
    summary = json.loads((ROOT / "results" / "risky-choice" / "results.json").read_text())
    met = summary["seeds_meeting"]
    assert met["fall"] >= 4 and met["stimulation"] >= 4 and met["inhibition"] >= 4
