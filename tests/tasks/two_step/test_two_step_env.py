"""The two-step task: statistics and encodings of each variant, played batched and through
the gymnasium wrapper, and the numpy dynamics the reference players use."""

import math

import gymnasium as gym
import numpy as np
import pytest
import tensorflow as tf

import meta_rl.tasks.registry  # noqa: F401  (registers the environments)
from meta_rl.tasks.two_step.env import (
    BatchedTwoStep,
    initial_rich,
    records_to_trials,
    step_trial,
    trial_uniforms,
)
from meta_rl.tasks.two_step.presets import VARIANTS as TWO_STEP_VARIANTS


def within(observed: float, p: float, n: int, sigmas: float = 5.0) -> bool:
    """|observed - p| within ``sigmas`` binomial standard errors of n draws."""
    return abs(observed - p) <= sigmas * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_seed_reproduces_episode(name):
    def play(seed):
        env = gym.make(f"meta_rl/TwoStep-{name}-v0")
        obs, _ = env.reset(seed=seed)
        out, done, k = [obs], False, 0
        while not done:
            obs, r, done, _, info = env.step(k % 2)
            out += [obs, r]
            k += 1
        return out
    a, b, c = play(1), play(1), play(2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def _play_trials(params, n_episodes, seed, policy):
    """``n_episodes`` of the batched task side by side, actions ``policy(shape)``: one row per
    trial (episode, trial, action, state, common, reward, rich state)."""
    rng = np.random.default_rng(seed)
    task = BatchedTwoStep(params)
    state = task.initial_state(tf.constant(rng.random((1, n_episodes, 1)), tf.float32))
    records = []
    for t in range(task.n_steps):
        u = tf.constant(rng.random((1, n_episodes, 3)), tf.float32)
        state, _, record = task.step(state, tf.constant(t), tf.constant(policy((1, n_episodes)), tf.int32), u)
        records.append({k: v.numpy()[0] for k, v in record.items()})
    trials = records_to_trials({k: np.stack([r[k] for r in records], axis=1) for k in records[0]},
                               params.steps_per_trial)
    episode, trial = np.meshgrid(np.arange(n_episodes), np.arange(params.n_trials), indexing="ij")
    return np.stack([episode, trial] + [trials[k] for k in ("action", "state", "common", "reward",
                                                           "rich_state")], axis=-1).reshape(-1, 7)


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_transition_and_reward_rates(name):
    params = TWO_STEP_VARIANTS[name]
    rng = np.random.default_rng(0)
    rows = _play_trials(params, 300 if params.n_trials == 100 else 3000, 0,
                        lambda shape: rng.integers(2, size=shape))
    action, state, common, reward, rich = rows[:, 2], rows[:, 3], rows[:, 4], rows[:, 5], rows[:, 6]
    n = len(rows)
    assert within(common.mean(), params.common_prob, n)
    # common transition: a1 -> S2 (1), a2 -> S3 (2)
    assert np.all((state == action + 1) == (common == 1))
    in_rich = state == rich
    assert within(reward[in_rich].mean(), params.rich_reward_prob, int(in_rich.sum()))
    assert within(reward[~in_rich].mean(), params.poor_reward_prob, int((~in_rich).sum()))
    first = rows[:, 1] == 0  # one independent draw per episode
    assert within((rich[first] == 1).mean(), 0.5, int(first.sum()))


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_swap_rate(name):
    params = TWO_STEP_VARIANTS[name]
    rows = _play_trials(params, 200 if params.n_trials == 100 else 2000, 10, lambda shape: np.zeros(shape))
    rich = rows[:, 6].reshape(-1, params.n_trials)
    swaps = rich[:, 1:] != rich[:, :-1]
    if params.swap_prob == 0:
        assert not swaps.any()  # arxiv: drawn once per episode
        assert within((rich[:, 0] == 1).mean(), 0.5, len(rich))
    else:
        assert within(swaps.mean(), params.swap_prob, swaps.size)


def test_observations_final_variant():
    """biorxiv-final: S1 on the first trial, then the stage-2 state of the previous trial."""
    env = gym.make("meta_rl/TwoStep-biorxiv-final-v0")
    obs, _ = env.reset(seed=3)
    assert obs.tolist() == [1, 0, 0]
    for _ in range(20):
        obs, _, _, _, info = env.step(1)
        assert obs.argmax() == info["state"] and info["state"] in (1, 2)


@pytest.mark.parametrize("name", ["arxiv", "biorxiv-first-try"])
def test_observations_two_step_variants(name):
    """Two agent steps per trial: S1 -> S2/S3 (reward 0) -> S1 with the stage-2 reward."""
    env = gym.make(f"meta_rl/TwoStep-{name}-v0")
    obs, _ = env.reset(seed=4)
    for _ in range(TWO_STEP_VARIANTS[name].n_trials):
        assert obs.argmax() == 0
        obs, reward, _, _, info = env.step(0)
        assert obs.argmax() == info["state"] in (1, 2) and reward == 0.0
        obs, reward, done, _, info = env.step(1)  # no effect on anything
        assert reward == info["reward"]
    assert done


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_gymnasium_env_follows_the_numpy_dynamics(name):
    """The gymnasium env (the batched task, one episode at a time) and the numpy trial
    dynamics the reference players use agree trial for trial on the episode's uniforms."""
    params = TWO_STEP_VARIANTS[name]
    env = gym.make(f"meta_rl/TwoStep-{name}-v0").unwrapped
    env.reset(seed=5)
    actions = np.random.default_rng(5).integers(0, 2, params.n_steps)
    records = {}
    for action in actions:
        env.step(int(action))
        for k, v in env.record.items():
            records.setdefault(k, []).append(v)
    trials = records_to_trials({k: np.array(v) for k, v in records.items()}, params.steps_per_trial)
    ut = trial_uniforms(env.u_steps, params.steps_per_trial)
    rich = initial_rich(env.u_init[0])
    for n in range(params.n_trials):
        rich, state_n, common, reward = step_trial(rich, trials["action"][n], ut[n], params)
        assert (rich, state_n, int(common), reward) == (
            trials["rich_state"][n], trials["state"][n], trials["common"][n], trials["reward"][n])
