"""The reversal task of Bromberg-Martin et al. 2010 (J. Neurophysiol., "A pallidus-habenula-
dopamine pathway signals inferred stimulus values"), as Wang et al. 2018 ran it in
Simulation 3.

Each trial shows one of two stimuli (a target on the left or on the right, drawn at random);
responding to it pays its reward: one stimulus pays a large reward, the other a small one.
Which one pays large reverses between blocks, without a cue. After a reversal the agent
experiences the change on whichever stimulus comes first; the question is what it expects
of the other one, which it has not yet seen in the new block.

An agent trial is two steps: a fixation step (nothing shown, no reward) and the stimulus
step, where action 0 (left) or 1 (right) responds; responding toward the shown stimulus
pays that stimulus's reward, the other direction pays nothing. The critic's value at the
stimulus step is the value at stimulus onset (the dopamine response's prediction).

``BatchedReversal`` is the task on ``[seeds, batch]`` tensors (the gymnasium wrapper,
``meta_rl.tasks.gym``, plays it one episode at a time); it builds an episode's blocks from
uniforms with ``schedule``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask
from meta_rl.tasks.blocks import block_ends, blocks_before

OBS_SIZE = 3
"""Observation: one-hot of (fixation, stimulus 0, stimulus 1)."""


@dataclass(frozen=True)
class ReversalParams:
    """The task's parameters (see ``presets.py`` for their sources)."""

    kind: ClassVar[str] = "reversal"

    n_trials: int = 100
    """Trials per episode."""
    block_min: int = 10
    """Shortest block between reversals, in trials."""
    block_max: int = 20
    """Longest block, in trials."""
    big_reward: float = 1.0
    """Reward of the stimulus that pays large in the current block."""
    small_reward: float = 0.2
    """Reward of the other stimulus."""

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: fixation and stimulus for every trial."""
        return 2 * self.n_trials

    @property
    def max_blocks(self) -> int:
        """Blocks drawn per episode (enough to cover it)."""
        return math.ceil(self.n_trials / self.block_min)

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.n_trials < 1:
            raise ValueError(f"n_trials must be at least 1, got {self.n_trials}")
        if not 1 <= self.block_min <= self.block_max:
            raise ValueError(f"need 1 <= block_min <= block_max, got {self.block_min} and {self.block_max}")
        if self.small_reward > self.big_reward:
            raise ValueError(f"small_reward ({self.small_reward}) must not exceed big_reward "
                             f"({self.big_reward})")

    def make_task(self, held_out: bool = False) -> BatchedReversal:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedReversal(self)


def n_init(params: ReversalParams) -> int:
    """Uniforms per episode: the first block's large stimulus, the first trial's stimulus,
    one per block length."""
    return 2 + params.max_blocks


def schedule(params: ReversalParams, u, xp=np):
    """An episode's blocks from its uniforms ``u [..., n_init]`` (``xp``: numpy, or
    ``tensorflow.experimental.numpy`` inside the compiled trainer): ``(block, big)``, each
    ``[..., n_trials]`` float32: the block's index and the stimulus paying large."""
    f32 = np.float32
    t = xp.arange(params.n_trials, dtype=f32)
    ends = block_ends(u[..., 2:2 + params.max_blocks], params.block_min, params.block_max, xp)
    block = blocks_before(t, ends, xp)
    first = xp.where(u[..., 0:1] < 0.5, f32(0.0), f32(1.0))
    return block, xp.abs(first - block % 2.0)


def observation(stage, stimulus, xp=np):
    """One-hot observation: fixation at stage 0, the stimulus at stage 1."""
    f32 = np.float32
    return xp.stack([xp.where(stage == 0, f32(1.0), f32(0.0)),
                     xp.where((stage == 1) & (stimulus == 0), f32(1.0), f32(0.0)),
                     xp.where((stage == 1) & (stimulus == 1), f32(1.0), f32(0.0))], axis=-1)


class BatchedReversal(BatchedTask):
    """The task on ``[seeds, batch]`` tensors for the compiled trainer.

    Per-step records: action, reward, stimulus, block, big_stimulus and stage (0 fixation,
    1 stimulus)."""

    obs_shape = (OBS_SIZE,)
    n_actions = 2
    n_uniforms = 1  # the next trial's stimulus
    params: ReversalParams

    def __init__(self, params: ReversalParams, held_out: bool = False):
        super().__init__(params, held_out)
        self.n_init = n_init(params)

    def initial_state(self, u_init):
        import tensorflow as tf
        import tensorflow.experimental.numpy as tnp

        block, big = schedule(self.params, u_init, tnp)
        stimulus = tf.cast(u_init[..., 1] < 0.5, tf.int32)
        return {"block": block, "big": big, "stimulus": stimulus, "stage": tf.zeros_like(stimulus)}

    def observation(self, state):
        import tensorflow.experimental.numpy as tnp

        return observation(state["stage"], state["stimulus"], tnp)

    def step(self, state, t, action, u):
        import tensorflow as tf

        p = self.params
        trial = t // 2
        stage, stimulus = state["stage"], state["stimulus"]
        big = tf.cast(tf.gather(state["big"], trial, axis=-1), tf.int32)
        paid = tf.where(tf.equal(stimulus, big), p.big_reward, p.small_reward)
        respond = tf.equal(stage, 1) & tf.equal(action, stimulus)
        reward = tf.where(respond, paid, 0.0)
        record = {"action": action, "reward": reward, "stimulus": stimulus, "stage": stage,
                  "block": tf.gather(state["block"], trial, axis=-1), "big_stimulus": big}
        next_stimulus = tf.where(tf.equal(stage, 1), tf.cast(u[..., 0] < 0.5, tf.int32), stimulus)
        return {**state, "stage": 1 - stage, "stimulus": next_stimulus}, reward, record
