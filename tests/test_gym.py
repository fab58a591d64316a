"""The one gymnasium wrapper (``meta_rl.tasks.gym``) and the trained agent that plays it
(``meta_rl.trained``): every registered environment passes gymnasium's checks, plays the
compiled test's episodes step for step, and ``meta-rl test --gym`` writes the CSV that
``meta-rl test`` writes."""

from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from meta_rl.agent.network import initial_weights
from meta_rl.cli import main
from meta_rl.config import Config
from meta_rl.learn.evaluate import TestEpisodes as Played
from meta_rl.learn.evaluate import play_test, read_trials_csv
from meta_rl.tasks import registry
from meta_rl.tasks.gym import TaskEnv
from meta_rl.trained import TrainedAgent

ROOT = Path(__file__).resolve().parent.parent
ENV_IDS = sorted(env_id for f in registry.FAMILIES for env_id in f.gym_envs)
ONE_ENV_PER_FAMILY = {f.kind: next(iter(f.gym_envs)) for f in registry.FAMILIES if f.gym_envs}
COMMITTED_RUNS = {  # one committed run per family with a gym env
    "two-step": "results/biorxiv/final/model_0",
    "bandit": "results/bandits/bandit-easy/model_0",
    "harlow": "results/harlow/symbolic/model_0",
    "volatility": "results/volatility/model_0",
    "reversal": "results/reversal/model_0",
    "foraging": "results/foraging/model_0",
    "risky-choice": "results/risky-choice/stimulation/model_0",  # the shifted reward the agent receives
    "informative-arm": "results/informative-arm/model_0",
    "restless": "results/restless/model_0",
    "maze": "results/maze/maze-symbolic/model_0",
}


STATE_ATOL = 1e-5
"""A continuous task state (the restless bandit's drifting p) computed step by step agrees with
the compiled episode to float32 rounding, not bit for bit: XLA fuses multiply-adds and has its
own erfinv. Actions, rewards, uniforms and discrete records must be identical."""
CONTINUOUS_STATE = {"restless": ("p0", "p1")}
"""The families with such a state, and its records; every other record is compared exactly."""


def assert_same_record(played: np.ndarray, compiled: np.ndarray, name: str, kind: str) -> None:
    if name in CONTINUOUS_STATE.get(kind, ()):
        np.testing.assert_allclose(played, compiled, rtol=0, atol=STATE_ATOL, err_msg=name)
    else:
        np.testing.assert_array_equal(played, compiled, err_msg=name)


def test_every_family_with_a_gym_env_is_covered():
    assert set(COMMITTED_RUNS) == set(ONE_ENV_PER_FAMILY)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_every_registered_env_passes_gymnasium_checks(env_id):
    env = gym.make(env_id)
    assert isinstance(env.unwrapped, TaskEnv)
    check_env(env.unwrapped, skip_render_check=True)


def play_env(env: TaskEnv, seed: int, actions: np.ndarray) -> dict:
    """Episodes ``0 .. len(actions) - 1`` of test stream ``seed`` with the given actions
    ``[E, T]``: observations before each step, rewards, records and the episodes' uniforms."""
    out: dict = {"observation": [], "reward": [], "records": [], "u_steps": [], "u_init": []}
    for e, episode_actions in enumerate(actions):
        obs, info = env.reset(seed=seed if e == 0 else None)
        assert info == {"trial": 0, "seed": seed, "episode": e}
        observations, rewards, records = [], [], {}
        for t, action in enumerate(episode_actions):
            observations.append(obs)
            obs, reward, terminated, truncated, info = env.step(action)
            assert obs in env.observation_space and terminated == (t == len(episode_actions) - 1)
            assert not truncated and info["trial"] <= env.task.n_trials - 1
            rewards.append(reward)
            for k, v in env.record.items():
                assert info[k] == v
                records.setdefault(k, []).append(v)
        with pytest.raises(RuntimeError, match="episode is over"):
            env.step(0)
        out["observation"].append(observations)
        out["reward"].append(rewards)
        out["records"].append(records)
        out["u_steps"].append(env.u_steps)
        out["u_init"].append(env.u_init)
    return out


@pytest.mark.parametrize("kind", sorted(ONE_ENV_PER_FAMILY))
def test_gym_env_plays_the_compiled_tests_episodes(kind):
    """The compiled test (an untrained agent's sampled actions) and the gymnasium env fed the
    same actions: identical observations, rewards, records and the family's trials."""
    family = registry.family(kind)
    params = family.gym_envs[ONE_ENV_PER_FAMILY[kind]]
    config = Config(name="gym-test", task=params)
    seed, episodes = 3, 2
    compiled = play_test(config, initial_weights(0, config), seed, episodes, with_steps=True)
    played = play_env(gym.make(ONE_ENV_PER_FAMILY[kind]).unwrapped, seed, compiled.steps["action"])
    np.testing.assert_array_equal(np.array(played["u_steps"]), compiled.u_steps)
    np.testing.assert_array_equal(np.array(played["u_init"]), compiled.u_init)
    np.testing.assert_array_equal(np.array(played["observation"]), compiled.steps["observation"])
    np.testing.assert_array_equal(np.array(played["reward"], np.float32), compiled.steps["reward"])
    records = {k: np.array([ep[k] for ep in played["records"]]) for k in played["records"][0]}
    assert set(records) == set(compiled.records)
    for k, v in compiled.records.items():
        assert records[k].dtype == v.dtype, k
        assert_same_record(records[k], v, k, kind)
    trials = [family.test_result(config, Played(r, compiled.values, compiled.u_steps, compiled.u_init), seed,
                                 True).trials for r in (records, compiled.records)]
    for k in trials[1]:
        assert_same_record(trials[0][k], trials[1][k], k, kind)


def test_streams_continue_and_unseeded_resets_draw_their_own():
    params = registry.family("bandit").gym_envs["meta_rl/Bandit-easy-v0"]
    env, other = TaskEnv(params), TaskEnv(params)
    env.reset(seed=9)
    env.reset()
    second = env.u_init.copy()
    other.reset(seed=9)
    first = other.u_init.copy()
    other.reset()
    np.testing.assert_array_equal(other.u_init, second)  # episode 1 of stream 9
    assert not np.array_equal(first, second)
    fresh = TaskEnv(params)
    fresh.reset()
    assert fresh.stream_seed is not None and fresh.episode == 0
    with pytest.raises(ValueError, match="invalid action 2"):
        env.step(2)
    with pytest.raises(RuntimeError, match="call reset"):
        TaskEnv(params).step(0)


@pytest.mark.parametrize("kind", sorted(COMMITTED_RUNS))
def test_gym_test_writes_the_compiled_tests_csv(kind, tmp_path, capsys):
    """``meta-rl test RUN --gym`` (the trained agent playing the gymnasium env one step at a
    time) writes the rows of ``meta-rl test RUN``: same actions, values and RPEs within 1e-4."""
    run = str(ROOT / COMMITTED_RUNS[kind])
    extra = ["--training-objects"] if kind == "harlow" else []  # held_out reaches both paths
    csvs = {}
    for mode in ("compiled", "gym"):
        csvs[mode] = tmp_path / f"{mode}.csv"
        args = ["test", run, "--episodes", "3", "--seed", "11", "--trials-csv", str(csvs[mode]), *extra]
        assert main(args + (["--gym"] if mode == "gym" else [])) == 0
    capsys.readouterr()
    header = [p.read_text().splitlines()[0] for p in csvs.values()]
    assert header[0] == header[1]
    compiled, played = read_trials_csv(csvs["compiled"]), read_trials_csv(csvs["gym"])
    assert {"action", "choice", "steps"} & set(compiled)  # the behaviour is among what is compared
    for k, v in compiled.items():
        if "value" in k or "rpe" in k:  # the critic's outputs and the RPEs made of them
            np.testing.assert_allclose(played[k], v, atol=1e-4)
        else:
            assert_same_record(played[k], v, k, kind)


def test_trained_agent_exposes_its_value_and_policy_and_stops_at_the_episode_end():
    agent = TrainedAgent.load(ROOT / COMMITTED_RUNS["bandit"])
    env = gym.make(ONE_ENV_PER_FAMILY["bandit"])
    obs, _ = env.reset(seed=1)
    agent.reset(seed=1)
    action, reward, done = None, 0.0, False
    while not done:
        action = agent.act(obs, action, reward)
        assert agent.policy.shape == (2,) and agent.policy.sum() == pytest.approx(1.0)
        obs, reward, done, _, _ = env.step(action)
    assert np.isfinite(agent.value) and agent.trained_episodes > 0
    with pytest.raises(RuntimeError, match="call reset"):
        agent.act(obs, action, reward)


def test_a_memoryless_agent_plays_the_same_step_by_step(tmp_path, capsys):
    """``--memoryless`` (the LSTM state zeroed before every step) trains, and the step-by-step
    agent zeroes it too: ``test --gym`` writes the compiled test's rows."""
    out = tmp_path / "runs"
    assert main(["train", "arxiv", "--memoryless", "true", "--seeds", "0", "--out", str(out),
                 "--episodes", "40", "--checkpoint-every", "20", "--chunk", "20", "--quiet"]) == 0
    assert '"memoryless": true' in (out / "model_0" / "config.json").read_text()
    csvs = {mode: tmp_path / f"{mode}.csv" for mode in ("compiled", "gym")}
    for mode, path in csvs.items():
        args = ["test", str(out / "model_0"), "--episodes", "3", "--seed", "11", "--trials-csv", str(path)]
        assert main(args + (["--gym"] if mode == "gym" else [])) == 0
    capsys.readouterr()
    compiled, played = read_trials_csv(csvs["compiled"]), read_trials_csv(csvs["gym"])
    for k, v in compiled.items():
        if "value" in k:
            np.testing.assert_allclose(played[k], v, atol=1e-4)
        else:
            np.testing.assert_array_equal(played[k], v, err_msg=k)
