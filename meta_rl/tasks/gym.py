"""The one gymnasium environment of every task family: a family's batched task
(``meta_rl.tasks.base.BatchedTask``) played one episode at a time.

There is no second copy of a task's rules: ``TaskEnv`` runs the batched task's own
``initial_state``, ``observation`` and ``step`` on ``[1, 1]`` (seeds x batch) tensors, with
the uniforms the compiled test draws, so a gymnasium episode is step for step the episode
``meta-rl test`` plays (``meta_rl.streams.test_episode_uniforms``):

* ``reset(seed=s)`` starts test episode 0 of test stream ``s``; each later ``reset()``
  without a seed plays the stream's next episode (1, 2, ...), exactly as
  ``meta_rl.learn.evaluate.play_test(config, weights, s, episodes)`` draws them;
* a ``reset()`` with no seed ever given draws the stream from ``np_random``.

Every family registers its environments (``registry``: ``gym.make("meta_rl/<Id>-v0")``).
"""

from __future__ import annotations

import functools
from typing import Any

import gymnasium as gym
import numpy as np
import tensorflow as tf

from meta_rl.config import TaskParams
from meta_rl.streams import test_episode_uniforms


def checked_action(action_space: gym.spaces.Discrete, action: Any, over: bool) -> int:
    """A gymnasium ``step``'s action as an int: ``RuntimeError`` once the episode is
    ``over`` (call ``reset``), ``ValueError`` for an action outside ``action_space``."""
    if over:
        raise RuntimeError("episode is over: call reset()")
    action = int(action)
    if not action_space.contains(action):
        raise ValueError(f"invalid action {action}")
    return action


@functools.lru_cache(maxsize=32)
def compiled_task(params: TaskParams, held_out: bool):
    """``(task, start, advance)``: the batched task of ``params`` and its two graph functions on
    one episode, ``start(u_init [1, 1, n_init]) -> (state, observation)`` and ``advance(state, t,
    action [1, 1], u [1, 1, n_uniforms]) -> (state, observation, reward, record)``. Built once
    per task (tracing takes a moment; the environments of one task share them)."""
    task = params.make_task(held_out)

    @tf.function(autograph=False)
    def start(u_init):
        state = task.initial_state(u_init)
        return state, task.observation(state)

    @tf.function(autograph=False)
    def advance(state, t, action, u):
        state, reward, record = task.step(state, t, action, u)
        return state, task.observation(state), reward, record

    return task, start, advance


class TaskEnv(gym.Env):
    """Any family's task as a gymnasium environment (one episode at a time).

    Observations: float32 of the task's ``obs_shape``, as the batched task encodes them,
    within its ``obs_bounds``. Actions: ``Discrete(n_actions)``. The reward is the one the
    batched task hands the agent (with the risky-choice manipulations, the shifted one; the
    true one is in ``info["reward"]``). The episode ends after the task's ``n_steps``.

    ``info`` of a step: the task's record of that step (numpy scalars, e.g. ``action``,
    ``reward``, the hidden probabilities) and ``trial``, the step's trial (the record's own
    ``trial`` when it has one, else the step's share of the episode's fixed-length trials);
    ``info`` of ``reset``: ``trial`` 0 and which test episode starts, ``seed`` and ``episode``.
    ``u_init``, ``u_steps`` and ``u_action`` hold the episode's uniforms: handing ``u_init``
    to ``task.initial_state`` replays it, ``u_action`` is what ``meta-rl test`` samples the
    agent's actions with.
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, params: TaskParams, held_out: bool = True):
        """``params``: a family's task parameters; ``held_out``: the test's held-out items
        (as ``meta-rl test``; False as ``--training-objects``)."""
        self.params = params
        self.held_out = held_out
        self.task, self._start, self._advance = compiled_task(params, held_out)
        low, high = self.task.obs_bounds
        self.observation_space = gym.spaces.Box(low, high, shape=tuple(self.task.obs_shape),
                                                dtype=np.float32)
        self.action_space = gym.spaces.Discrete(self.task.n_actions)
        self.stream_seed: int | None = None
        """The test stream being played (None before the first ``reset``)."""
        self.episode = -1
        """The index of the current episode in that stream."""
        self.u_init = np.zeros(self.task.n_init, np.float32)
        self.u_steps = np.zeros((self.task.n_steps, self.task.n_uniforms), np.float32)
        self.u_action = np.zeros(self.task.n_steps, np.float32)
        self.state: dict[str, tf.Tensor] = {}
        """The task's state of the episode (``[1, 1, ...]`` tensors)."""
        self.record: dict[str, np.generic] = {}
        """The task's record of the last step (what ``info`` adds ``trial`` to)."""
        self._t = self.task.n_steps  # reset() must come first

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self.stream_seed, self.episode = int(seed), 0
        elif self.stream_seed is None:  # never seeded: a stream of our own
            self.stream_seed, self.episode = int(self.np_random.integers(2**31)), 0
        else:
            self.episode += 1
        self.u_steps, self.u_action, self.u_init = test_episode_uniforms(self.task, self.stream_seed,
                                                                         self.episode)
        self.state, obs = self._start(tf.constant(self.u_init[None, None]))
        self._t = 0
        return obs.numpy()[0, 0], {"trial": 0, "seed": self.stream_seed, "episode": self.episode}

    def step(self, action):
        action = checked_action(self.action_space, action, self._t >= self.task.n_steps)
        t = self._t
        self.state, obs, reward, record = self._advance(
            self.state, tf.constant(t), tf.constant([[action]], tf.int32),
            tf.constant(self.u_steps[t][None, None]))
        self._t += 1
        self.record = {k: v.numpy()[0, 0] for k, v in record.items()}
        info = {"trial": t * self.task.n_trials // self.task.n_steps, **self.record}
        return obs.numpy()[0, 0], float(reward.numpy()[0, 0]), self._t >= self.task.n_steps, False, info
