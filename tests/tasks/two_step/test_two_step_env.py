"""The two-step task: gymnasium API, statistics and encodings of each variant."""

import math

import gymnasium as gym
import numpy as np
import pytest
import tensorflow as tf
from gymnasium.utils.env_checker import check_env

import meta_rl.tasks.registry  # noqa: F401  (registers the environments)
from meta_rl.tasks.two_step.env import (
    BatchedTwoStep,
    TwoStepEnv,
    records_to_trials,
    step_trial,
    trial_uniforms,
)
from meta_rl.tasks.two_step.presets import VARIANTS as TWO_STEP_VARIANTS

IDS = [f"meta_rl/TwoStep-{name}-v0" for name in TWO_STEP_VARIANTS]


def within(observed: float, p: float, n: int, sigmas: float = 5.0) -> bool:
    """|observed - p| within ``sigmas`` binomial standard errors of n draws."""
    return abs(observed - p) <= sigmas * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("env_id", IDS)
def test_passes_gymnasium_checker(env_id):
    env = gym.make(env_id).unwrapped
    check_env(env, skip_render_check=True)


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_seed_reproduces_episode(name):
    def play(seed):
        env = TwoStepEnv(TWO_STEP_VARIANTS[name])
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
    env = TwoStepEnv(params)
    rows = []
    for e in range(n_episodes):
        obs, info = env.reset(seed=seed + e)
        observations, done = [obs], False
        while not done:
            obs, reward, done, _, info = env.step(policy(len(observations)))
            observations.append(obs)
            if "reward" in info:
                rows.append((e, info["trial"], info["action"], info["state"], info["common"],
                             info["reward"], info["rich_state"], reward))
    return np.array(rows)


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_transition_and_reward_rates(name):
    params = TWO_STEP_VARIANTS[name]
    rng = np.random.default_rng(0)
    rows = _play_trials(params, 300 if params.n_trials == 100 else 3000, 0,
                        lambda _: int(rng.integers(2)))
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
    rows = _play_trials(params, 200 if params.n_trials == 100 else 2000, 10, lambda _: 0)
    rich = rows[:, 6].reshape(-1, params.n_trials)
    swaps = rich[:, 1:] != rich[:, :-1]
    if params.swap_prob == 0:
        assert not swaps.any()  # arxiv: drawn once per episode
        assert within((rich[:, 0] == 1).mean(), 0.5, len(rich))
    else:
        assert within(swaps.mean(), params.swap_prob, swaps.size)


def test_observations_final_variant():
    """biorxiv-final: S1 on the first trial, then the stage-2 state of the previous trial."""
    env = TwoStepEnv(TWO_STEP_VARIANTS["biorxiv-final"])
    obs, _ = env.reset(seed=3)
    assert obs.tolist() == [1, 0, 0]
    for _ in range(20):
        obs, _, _, _, info = env.step(1)
        assert obs.argmax() == info["state"] and info["state"] in (1, 2)


@pytest.mark.parametrize("name", ["arxiv", "biorxiv-first-try"])
def test_observations_two_step_variants(name):
    """Two agent steps per trial: S1 -> S2/S3 (reward 0) -> S1 with the stage-2 reward."""
    env = TwoStepEnv(TWO_STEP_VARIANTS[name])
    obs, _ = env.reset(seed=4)
    for _ in range(env.params.n_trials):
        assert obs.argmax() == 0
        obs, reward, _, _, info = env.step(0)
        assert obs.argmax() == info["state"] in (1, 2) and reward == 0.0
        obs, reward, done, _, info = env.step(1)  # no effect on anything
        assert reward == info["reward"]
    assert done


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_batched_task_matches_gymnasium_env(name):
    """The compiled trainer's task and the gymnasium env agree step for step."""
    params = TWO_STEP_VARIANTS[name]
    rng = np.random.default_rng(5)
    n_steps = params.n_steps
    u = rng.random((n_steps, 1, 1, 3)).astype(np.float32)
    u0 = np.float32(rng.random())
    actions = rng.integers(0, 2, n_steps)

    task = BatchedTwoStep(params)
    state = task.initial_state(tf.constant([[u0]]))
    rewards, obs = [], []
    records = {k: [] for k in ("action", "state", "common", "reward", "rich_state")}
    for t in range(n_steps):
        obs.append(int(np.argmax(task.observation(state).numpy()[0, 0])))
        state, r, rec = task.step(state, tf.constant(t), tf.constant([[actions[t]]]), tf.constant(u[t]))
        rewards.append(float(r.numpy()[0, 0]))
        for k in records:
            records[k].append(rec[k].numpy()[0, 0])

    class Fixed:  # hands the env the same per-step uniforms, in order
        values = [u[t, 0, 0].astype(float) for t in range(n_steps)]

        def random(self, size=None):
            return self.values.pop(0)

    env = TwoStepEnv(params)
    first_obs, _ = env.reset(seed=0)
    env._rich = 1 if u0 < 0.5 else 2  # the initial draw, from the same uniform
    env._np_random = Fixed()
    env_obs, env_rewards = [int(first_obs.argmax())], []
    for t in range(n_steps):
        o, r, done, _, _ = env.step(int(actions[t]))
        env_obs.append(int(o.argmax()))
        env_rewards.append(r)
    assert env_rewards == rewards
    assert env_obs[:-1] == obs
    trials = records_to_trials({k: np.array(v) for k, v in records.items()}, params.steps_per_trial)
    # the same trials from the numpy dynamics on the per-trial uniforms
    ut = trial_uniforms(u[:, 0, 0], params.steps_per_trial)
    rich = 1 if u0 < 0.5 else 2
    for n in range(params.n_trials):
        rich, state_n, common, reward = step_trial(rich, trials["action"][n], ut[n], params)
        assert (rich, state_n, int(common), reward) == (
            trials["rich_state"][n], trials["state"][n], trials["common"][n], trials["reward"][n])
