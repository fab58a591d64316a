"""A trained agent that plays any gymnasium environment of the package, one step at a time.

``TrainedAgent`` steps a run's frozen LSTM with the functions the compiled rollout uses
(``meta_rl.learn.rollout``): the same input (observation or its encoder's features, previous
action, -1 for none, previous reward or prediction error, step counter), the same heads and
the same inverse-CDF sampling from the test's stateless uniforms. An agent and an
environment (``meta_rl.tasks.gym.TaskEnv``) both reset with seed ``S`` play exactly the
episodes of ``meta-rl test RUN --seed S``::

    agent = TrainedAgent.load(RUN_DIR)        # any run directory under results/
    env = TaskEnv(agent.config.task)          # or gym.make("meta_rl/<Id>-v0") of that task
    obs, _ = env.reset(seed=7); agent.reset(seed=7)
    action, reward, done = None, 0.0, False
    while not done:
        action = agent.act(obs, action, reward)
        obs, reward, done, _, info = env.step(action)

``run_gym_test`` is ``meta-rl test --gym``: the test played that way, read by the family.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.agent.encoders import encode
from meta_rl.agent.lstm import agent_input, heads, lstm_step, sample_action
from meta_rl.agent.network import make_task
from meta_rl.config import Config
from meta_rl.learn.evaluate import STEP_ARRAYS, TestEpisodes, load_agent
from meta_rl.streams import test_episode_uniforms
from meta_rl.tasks.base import TaskFamily, TestResult
from meta_rl.tasks.gym import TaskEnv
from meta_rl.tasks.registry import task_classes


class TrainedAgent:
    """A run's frozen agent, acting one gymnasium step at a time.

    After ``act``: ``value`` (the critic's, float), ``policy`` (the action probabilities
    it sampled from), ``h`` and ``c`` (the LSTM state, ``[hidden]``).
    """

    def __init__(self, config: Config, weights: dict[str, np.ndarray], held_out: bool = True):
        """``weights``: one seed's (numpy, no seed axis), as ``load_agent`` returns them."""
        self.config = config
        self.task = make_task(config, held_out)
        self.weights = {k: tf.constant(np.asarray(v)[None]) for k, v in weights.items()}
        self.trained_episodes: int | None = None
        """The checkpoint's training episode (``load``)."""
        self.stream_seed: int | None = None
        """The test stream whose action uniforms the agent samples with."""
        self.episode = -1
        """The index of the current episode in that stream."""
        self._step = self._compile()
        self.u_action = np.zeros(self.task.n_steps, np.float32)
        self._t = self.task.n_steps  # reset() must come first
        self.value = 0.0
        self.policy = np.full(self.task.n_actions, 1.0 / self.task.n_actions, np.float32)
        self.h = self.c = np.zeros(config.hidden, np.float32)

    @classmethod
    def load(cls, path: str | Path, held_out: bool = True) -> TrainedAgent:
        """The agent of a run directory (its newest checkpoint) or a checkpoint file;
        ``held_out`` as for ``meta-rl test`` (False: ``--training-objects``)."""
        config, episode, weights = load_agent(Path(path), task_classes())
        agent = cls(config, weights, held_out)
        agent.trained_episodes = episode
        return agent

    def _compile(self):
        config, task, weights = self.config, self.task, self.weights

        @tf.function(autograph=False)
        def step(obs, prev_action, prev_reward, prev_value, t, h, c, u):
            """One step of ``meta_rl.learn.rollout.rollout`` on ``[1, 1, ...]`` tensors."""
            features = (encode(task.encoder, weights, obs, config.feature_activation) if task.encoder
                        else obs)
            signal = prev_reward - prev_value if config.rpe_input else prev_reward
            x = agent_input(features, prev_action, signal, t, task.n_steps, task.n_actions)
            if config.memoryless:  # the state is zero before every step
                h, c = tf.zeros_like(h), tf.zeros_like(c)
            h, c, _ = lstm_step(weights, x, h, c)
            logits, value = heads(weights, h)
            return sample_action(logits, u), value, tf.nn.softmax(logits), h, c

        return step

    def reset(self, seed: int | None = None) -> None:
        """Start an episode: with ``seed``, test episode 0 of test stream ``seed``; without,
        the stream's next episode (as ``TaskEnv.reset``), or fresh draws if never seeded."""
        if seed is not None:
            self.stream_seed, self.episode = int(seed), 0
        elif self.stream_seed is None:
            self.stream_seed, self.episode = int(np.random.default_rng().integers(2**31)), 0
        else:
            self.episode += 1
        _, self.u_action, _ = test_episode_uniforms(self.task, self.stream_seed, self.episode)
        zeros = tf.zeros([1, 1, self.config.hidden])
        self._state = (zeros, zeros)
        self._value = tf.zeros([1, 1])  # the value held when it last acted (rpe_input)
        self._t = 0

    def act(self, observation: np.ndarray, previous_action: int | None = None,
            previous_reward: float = 0.0) -> int:
        """The action for ``observation``, given the previous step's action (None or -1 on
        the first step) and the reward the environment returned for it (0 on the first)."""
        if self._t >= self.task.n_steps:
            raise RuntimeError("episode is over: call reset()")
        prev = -1 if previous_action is None else int(previous_action)
        obs = tf.constant(np.asarray(observation, np.float32).reshape(1, 1, *self.task.obs_shape))
        action, value, policy, h, c = self._step(
            obs, tf.constant([[prev]], tf.int32), tf.constant([[previous_reward]], tf.float32), self._value,
            tf.constant(self._t), *self._state, tf.constant([[self.u_action[self._t]]]))
        self._state, self._value = (h, c), value
        self._t += 1
        self.value, self.policy = float(value.numpy()[0, 0]), policy.numpy()[0, 0]
        self.h, self.c = h.numpy()[0, 0], c.numpy()[0, 0]
        return int(action.numpy()[0, 0])


def play_gym_test(agent: TrainedAgent, seed: int, episodes: int, held_out: bool = True,
                  with_steps: bool = False) -> TestEpisodes:
    """``meta_rl.learn.evaluate.play_test`` played through the gymnasium environment: the
    agent and a ``TaskEnv`` of its task, both from test stream ``seed``, ``episodes`` times."""
    env = TaskEnv(agent.config.task, held_out)
    n_steps = env.task.n_steps
    per_episode: dict[str, list] = {"records": [], "values": [], "u_steps": [], "u_init": [], "steps": []}
    for e in range(episodes):
        obs, _ = env.reset(seed=seed if e == 0 else None)
        agent.reset(seed=seed if e == 0 else None)
        action, reward = None, 0.0
        records: dict[str, list] = {}
        steps: dict[str, list] = {k: [] for k in STEP_ARRAYS}
        for _ in range(n_steps):
            observation = obs
            action = agent.act(obs, action, reward)
            obs, reward, _, _, _ = env.step(action)
            for k, v in env.record.items():
                records.setdefault(k, []).append(v)
            for k, v in zip(STEP_ARRAYS, (observation, np.int32(action), np.float32(reward), agent.value,
                                          agent.policy, agent.h, agent.c)):
                steps[k].append(v)
        per_episode["records"].append(records)
        per_episode["values"].append(np.float32(steps["value"]))
        per_episode["u_steps"].append(env.u_steps)
        per_episode["u_init"].append(env.u_init)
        per_episode["steps"].append(steps)

    def stacked(name: str) -> dict[str, np.ndarray]:  # [E, T, ...] arrays of per-step lists
        return {k: np.array([ep[k] for ep in per_episode[name]]) for k in per_episode[name][0]}

    return TestEpisodes(stacked("records"), np.array(per_episode["values"]), np.array(per_episode["u_steps"]),
                        np.array(per_episode["u_init"]), stacked("steps") if with_steps else None)


def run_gym_test(family: TaskFamily, config: Config, weights: dict, seed: int, episodes: int,
                 held_out: bool = True, with_steps: bool = False) -> TestResult:
    """``meta_rl.learn.evaluate.run_test`` through the gymnasium environment
    (``meta-rl test --gym``): the same episodes, the family's same result."""
    played = play_gym_test(TrainedAgent(config, weights, held_out), seed, episodes, held_out, with_steps)
    result = family.test_result(config, played, seed, held_out)
    result.steps = played.steps
    return result
