"""The Harlow task through the agent and the CLI: encoders, their gradients, train and test."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from meta_rl.agent.encoders import (
    FEATURES,
    Seen,
    encode,
    encoder_backward,
    episode_maps,
    init_encoder,
    mask_features,
    shared_features,
    view_features,
)
from meta_rl.agent.lstm import agent_input, init_params, lstm_backward, lstm_step
from meta_rl.agent.network import make_task, weight_shapes
from meta_rl.cli import main
from meta_rl.learn.evaluate import load_agent, read_trials_csv, run_test
from meta_rl.learn.rollout import rollout
from meta_rl.learn.tensorboard import read_scalars
from meta_rl.streams import episode_uniforms
from meta_rl.tasks.harlow import FAMILY
from meta_rl.tasks.harlow.env import HarlowParams
from meta_rl.tasks.harlow.episodes import is_held_out
from meta_rl.tasks.harlow.psychlab import CHOICE, FIXATION, ITI
from meta_rl.tasks.harlow.trials import records_to_trials
from meta_rl.tasks.registry import get_config, task_classes

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = "episode,trial,left_object,right_object,rewarded_object,choice,reward,value"
TINY = ["--episodes", "64", "--checkpoint-every", "32", "--log-every", "32", "--chunk", "2", "--quiet"]


def test_each_level_gets_its_encoder():
    kinds = {name: make_task(get_config(name)).encoder
             for name in ("harlow-symbolic", "harlow-pixels", "harlow-psychlab", "biorxiv-final",
                          "bandit-easy")}
    assert kinds == {"harlow-symbolic": "embedding", "harlow-pixels": "objects",
                     "harlow-psychlab": "conv", "biorxiv-final": None, "bandit-easy": None}
    assert "enc_embed" in weight_shapes(get_config("harlow-symbolic"))
    assert "enc_conv1_w" in weight_shapes(get_config("harlow-pixels"))


def test_shared_encoders_see_an_object_alike_on_either_side():
    # symbolic: ids 3 (left) and 7 (right), then swapped: the feature halves swap
    params = init_encoder("embedding", [0, 1], (84,))
    obs = np.zeros((2, 2, 84), np.float32)
    obs[:, 0, 3], obs[:, 0, 42 + 7] = 1, 1
    obs[:, 1, 7], obs[:, 1, 42 + 3] = 1, 1
    f = encode("embedding", params, tf.constant(obs)).numpy()
    half = FEATURES // 2
    np.testing.assert_allclose(f[:, 0, :half], f[:, 1, half:])
    np.testing.assert_allclose(f[:, 0, half:], f[:, 1, :half])
    # pixels: the frame with the two objects swapped gives the swapped features
    shape = make_task(get_config("harlow-pixels")).obs_shape
    params = init_encoder("objects", [0], shape)
    rng = np.random.default_rng(0)
    left, right = rng.random((2, shape[0], shape[0], 3)).astype(np.float32)
    gap = np.zeros((shape[0], shape[1] - 2 * shape[0], 3), np.float32)
    frames = np.stack([np.concatenate([left, gap, right], 1), np.concatenate([right, gap, left], 1)])
    f = encode("objects", params, tf.constant(frames[None])).numpy()
    np.testing.assert_allclose(f[0, 0, :half], f[0, 1, half:], rtol=1e-5, atol=1e-6)
    assert not np.allclose(f[0, 0, :half], f[0, 0, half:])


@pytest.mark.parametrize("kind, activation", [("embedding", "relu"), ("objects", "relu"), ("conv", "relu"),
                                              ("objects", "linear"), ("conv-mask", "relu")])
def test_encoder_and_lstm_gradients_match_autodiff(kind, activation):
    """The trainer's hand-written LSTM backward, passed through the encoder, equals
    GradientTape through the whole unrolled network."""
    shape = {"embedding": (84,), "objects": (12, 26, 3), "conv": (15, 31, 3), "conv-mask": (16, 24, 4)}[kind]
    n_steps, seeds, batch = 3, [0, 1], 2
    params = init_params(seeds, FEATURES, 2, 8)
    params.update(init_encoder(kind, seeds, shape))
    obs = tf.random.stateless_uniform([n_steps, 2, batch, *shape], seed=[5, 6])
    target = tf.random.stateless_normal([n_steps, 2, batch, 8], seed=[7, 8])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        h = c = tf.zeros([2, batch, 8])
        hs, caches = [], []
        for t in range(n_steps):
            x = agent_input(encode(kind, params, obs[t], activation), -tf.ones([2, batch], tf.int32),
                            tf.zeros([2, batch]), t, n_steps, 2)
            h, c, cache = lstm_step(params, x, h, c)
            hs.append(h)
            caches.append(cache)
        hs = tf.stack(hs)
        loss = tf.reduce_sum(tf.sin(hs) * target)
    expected = tape.gradient(loss, params)
    cache = {k: tf.stack([cc[k] for cc in caches]) for k in caches[0]}
    got, dx = lstm_backward(params, cache, tape.gradient(loss, hs), with_input=True)
    got.update(encoder_backward(kind, params, Seen(obs=obs), dx[..., :FEATURES], activation))
    assert set(got) == {k for k, g in expected.items() if g is not None}  # heads: unused here
    for k in got:
        np.testing.assert_allclose(got[k].numpy(), expected[k].numpy(), atol=2e-5, rtol=1e-3)


def test_linear_features_are_the_relu_features_before_the_relu():
    """``feature_activation="linear"`` drops only the last ReLU: the features can be negative,
    and their positive part is the ReLU encoder's output."""
    params = init_encoder("objects", [0, 1], (12, 26, 3))
    frames = tf.random.stateless_uniform([2, 16, 12, 26, 3], seed=[9, 9])
    linear = encode("objects", params, frames, "linear").numpy()
    relu = encode("objects", params, frames).numpy()
    assert (linear < 0).mean() > 0.2  # He-initialised: about half the units below zero
    np.testing.assert_allclose(np.maximum(linear, 0.0), relu, atol=1e-6)


def _views(level: str):
    """Every view an episode of ``level`` can show: (task, its states, the screens' maps)."""
    task = HarlowParams(level=level).make_task()
    params = init_encoder(task.encoder, [0, 1], task.obs_shape)
    state = task.initial_state(tf.random.stateless_uniform([2, 3, task.n_init], seed=[1, 2]))
    states = []
    for value in range(31):  # psychlab: every gaze in every phase; pixels: both stages
        if level == "psychlab":
            states += [dict(state, gaze=state["gaze"] * 0 + value, phase=state["phase"] * 0 + phase)
                       for phase in (FIXATION, CHOICE, ITI)]
        elif value < 2:
            states.append(dict(state, stage=state["stage"] * 0 + value))
    return task, params, states


@pytest.mark.parametrize("level", ["pixels", "psychlab"])
def test_views_of_encoded_screens_equal_encoded_observations(level):
    """The encoder run once per screen and read at the view (translation equivariance)
    gives the features of the observation itself, at every gaze position."""
    task, params, states = _views(level)
    maps = episode_maps(task.encoder, params, task.screens(states[0]))
    for state in states:
        index, column = task.view(state)
        got = view_features(task.encoder, params, tf.gather(maps, index, batch_dims=2), column,
                            task.obs_shape[1])
        expected = encode(task.encoder, params, task.observation(state))
        np.testing.assert_allclose(got.numpy(), expected.numpy(), atol=1e-5)


@pytest.mark.parametrize("level, activation", [("pixels", "relu"), ("psychlab", "relu"),
                                               ("pixels", "linear")])
def test_screen_gradients_equal_observation_gradients(level, activation):
    task, params, states = _views(level)
    states = states[::7]
    obs = tf.stack([task.observation(s) for s in states])  # [T, S, B, ...]
    index = tf.stack([task.view(s)[0] for s in states])
    column = tf.stack([task.view(s)[1] for s in states])
    d = tf.random.stateless_normal([len(states), 2, 3, FEATURES], seed=[3, 4])
    expected = encoder_backward(task.encoder, params, Seen(obs=obs), d, activation)
    seen = Seen(screens=task.screens(states[0]), view_index=index, view_column=column,
                view_width=task.obs_shape[1])
    got = encoder_backward(task.encoder, params, seen, d, activation)
    for k in expected:
        np.testing.assert_allclose(got[k].numpy(), expected[k].numpy(), atol=1e-4, rtol=1e-4)


def _maze_views(activation: str):
    """A first-person maze's states along a few random steps: (task, params, stacked
    observations, view indices ``[T, S, B]``, columns)."""
    from meta_rl.tasks.maze.env import MazeParams

    task = MazeParams(level="first-person", episode_steps=8).make_task()
    params = init_encoder(task.encoder, [0, 1], task.obs_shape)
    state = task.initial_state(tf.random.stateless_uniform([2, 24, task.n_init], seed=[3, 1]))
    states = []
    for t in range(6):
        states.append(state)
        action = tf.random.stateless_uniform([2, 24], seed=[t, 9], maxval=3, dtype=tf.int32)
        state = task.step(state, t, action, None)[0]
    obs = tf.stack([task.observation(s) for s in states])
    index, column = (tf.stack([tf.cast(task.view(s)[i], tf.int32) for s in states]) for i in (0, 1))
    return task, params, obs, index, column


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_shared_screens_and_masks_equal_encoded_observations(activation):
    """The maze's views encoded once for the whole batch plus each step's goal mask give the
    ``conv-mask`` features of the observations themselves, and the same gradients."""
    task, params, obs, index, column = _maze_views(activation)
    assert obs[..., -1].numpy().any()  # the goal is in view at some steps
    seen = Seen(screens=task.screens(None), view_index=index, view_column=column,
                view_width=task.obs_shape[1], masks=obs[..., -1])
    table = shared_features(task.encoder, params, seen.screens, activation)
    for t in range(obs.shape[0]):
        got = tf.gather(table, index[t], batch_dims=1) + mask_features(params, obs[t][..., -1])
        np.testing.assert_allclose(got.numpy(), encode(task.encoder, params, obs[t], activation).numpy(),
                                   atol=1e-5)
    d = tf.random.stateless_normal([*obs.shape[:3], FEATURES], seed=[3, 4])
    expected = encoder_backward(task.encoder, params, Seen(obs=obs), d, activation)
    got = encoder_backward(task.encoder, params, seen, d, activation)
    assert set(got) == set(expected) and "enc_mask_w" in got
    for k in expected:
        np.testing.assert_allclose(got[k].numpy(), expected[k].numpy(), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("level", ["symbolic", "psychlab"])
def test_training_metrics_count_the_trials(level):
    """The learning curves logged while training agree with the trial log of the same episodes."""
    config = get_config(f"harlow-{level}")
    task = make_task(config)
    params = {k: tf.constant(v) for k, v in init_params([0], FEATURES, task.n_actions, 8).items()}
    params.update(init_encoder(task.encoder, [0], task.obs_shape))
    u_env, u_action, u_init = episode_uniforms(tf.constant([0]), 1, tf.constant(0), task, 64)
    out = rollout(params, task, u_env, u_action, u_init, 8)
    metrics = {k: v.numpy()[0] for k, v in task.training_metrics(out.records).items()}
    assert tuple(metrics) == task.TRAINING_METRICS
    trials = records_to_trials({k: np.moveaxis(v.numpy(), 0, -1)[0] for k, v in out.records.items()},
                               config.task)
    correct = trials["reward"] > 0
    np.testing.assert_allclose(metrics["trial1_correct"], correct[:, 0])
    np.testing.assert_allclose(metrics["trial2_correct"], correct[:, 1])
    np.testing.assert_allclose(metrics["trials2to6_correct"], correct[:, 1:].mean(axis=1), atol=1e-6)
    if level == "psychlab":
        np.testing.assert_allclose(metrics["no_choice"], (trials["choice"] < 0).mean(axis=1), atol=1e-6)
        assert 0 <= metrics["fixation"].min() and metrics["fixation"].max() <= 1
        assert metrics["fixation"].mean() > 0  # a random gaze crosses the cross now and then


@pytest.mark.parametrize("level", ["symbolic", "pixels"])
def test_train_and_test_through_the_cli(tmp_path, level, cli_here):
    out = tmp_path / "runs"
    trained = cli_here("train", f"harlow-{level}", "--seeds", "0", "--out", str(out), *TINY)
    assert trained.returncode == 0, trained.stderr
    assert (out / "model_0" / "ckpt-64.npz").exists()
    history = np.load(out / "model_0" / "history.npz")
    assert len(history["reward"]) == len(history["trial2_correct"]) == 2  # one per update of 32 episodes
    assert set(np.unique(history["trial1_correct"] * 32)) <= set(range(33))  # counts of 32 episodes
    steps, values = read_scalars(out / "model_0", "perf/trial2_correct")
    assert list(steps) == [32, 64] and np.allclose(values, history["trial2_correct"])
    csv = tmp_path / "trials.csv"
    tested = cli_here("test", str(out / "model_0"), "--episodes", "40", "--seed", "3",
                      "--trials-csv", str(csv))
    assert tested.returncode == 0, tested.stderr
    assert "accuracy by trial position" in tested.stdout and "trial 6:" in tested.stdout
    assert csv.read_text().splitlines()[0] == COLUMNS
    # the training objects: the same command
    training_csv = tmp_path / "training_trials.csv"
    assert main(["test", str(out / "model_0"), "--episodes", "40", "--seed", "3",
                 "--trials-csv", str(training_csv), "--training-objects"]) == 0
    for t, held_out in ((read_trials_csv(csv), True), (read_trials_csv(training_csv), False)):
        assert t["choice"].shape == (40, 6)
        other = np.where(t["left_object"] == t["rewarded_object"], t["right_object"], t["left_object"])
        assert np.all(is_held_out(t["rewarded_object"], other, get_config(f"harlow-{level}").task)
                      == held_out)
        # the rewarded object is on the left in 3 of the 6 trials of every episode
        assert np.all((t["left_object"] == t["rewarded_object"]).sum(axis=1) == 3)
        assert set(np.unique(t["reward"])) <= {-5, 5}
        np.testing.assert_array_equal(
            t["reward"] > 0, np.where(t["choice"] == 0, t["left_object"], t["right_object"])
            == t["rewarded_object"])


def test_committed_results_reproduce():
    """The committed runs (results/harlow/results.json): re-testing seed 0 of each level gives
    the committed accuracies; trial 1 is a guess and the sides are balanced on every level."""
    import json

    from meta_rl.tasks.harlow.reference import LEVEL_SEEDS, run_dir

    summary = json.loads((ROOT / "results" / "harlow" / "results.json").read_text())
    for lv in summary["levels"].values():
        n = lv["test_episodes"] * len(lv["seeds"])
        # trial 1 is a guess: within 4 binomial s.d. of 0.5
        assert abs(lv["accuracy_by_trial_mean"][0] - 0.5) < 4 * np.sqrt(0.25 / n)
        assert lv["left_rewarded"] == 0.5
    assert "harlow-psychlab" in summary["levels"]
    for name in ("harlow-symbolic", "harlow-pixels"):  # issue 27's bar: 9 of 10 seeds (5 of 5)
        lv = summary["levels"][name]
        n = len(lv["seeds"])
        assert n == len(LEVEL_SEEDS[name]) and lv["seeds_at_least_90"] >= np.ceil(0.9 * n)
    for name in ("harlow-symbolic", "harlow-pixels"):
        config, _, params = load_agent(run_dir(name, 0, ROOT / "results"), task_classes())
        result = run_test(FAMILY, config, params, 1000, summary["levels"][name]["test_episodes"])
        np.testing.assert_allclose(result.accuracy, summary["levels"][name]["accuracy_by_trial_per_seed"][0],
                                   atol=1e-4)
