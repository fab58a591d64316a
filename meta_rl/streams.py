"""Where every episode's randomness comes from: stateless draws keyed by (seed, stream, index).

A task draws nothing itself: each episode's uniforms are a function of the run's seed, the
stream (training, test or validation) and the episode's index, so seeds trained together or alone see
the same episodes, a test never replays a training episode, and the compiled trainer, the
compiled test and the gymnasium wrapper (``meta_rl.tasks.gym``) play identical episodes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import tensorflow as tf

STREAM_TRAIN = 1
"""Random stream of training episodes."""
STREAM_TEST = 2
"""Random stream of test episodes: a test never replays a training episode."""
STREAM_VALIDATION = 3
"""Random stream of the episodes ``meta-rl sweep`` chooses settings on: never a training or a
test episode, so the reference runs' test numbers stay held out from the choice."""
TEST_SEED_OFFSET = 1000
"""Seed ``s`` of a reference run is tested on the test stream of seed ``TEST_SEED_OFFSET + s``
(training never uses the test stream)."""
TEST_STREAM = f"test stream {TEST_SEED_OFFSET} + seed"
"""The episodes a reference seed is tested on, as the tables' captions name them."""
TEST_BLOCK = 100
"""Test episodes are played in blocks of this many: episode e depends on (seed, e) only."""


def episode_uniforms(seeds: tf.Tensor, stream: int, index: tf.Tensor, task, batch: int):
    """All the randomness of ``batch`` episodes of ``task``, drawn per seed from
    ``(seed, stream, index)``.

    Returns ``u_env [T, S, B, task.n_uniforms]``, ``u_action [T, S, B]`` and
    ``u_init [S, B, task.n_init]``. Each seed's draws depend on its own seed only, so seeds
    trained together or alone see the same episodes.
    """
    n_steps, n_uniforms = task.n_steps, task.n_uniforms
    width = max(n_uniforms + 1, task.n_init)
    counter = tf.cast(index, tf.int64) * 4 + stream
    draws = [tf.random.stateless_uniform([n_steps + 1, batch, width],
                                         seed=tf.stack([tf.cast(seeds[s], tf.int64), counter]))
             for s in range(seeds.shape[0])]
    u = tf.stack(draws, axis=1)
    return (u[:n_steps, ..., :n_uniforms], u[:n_steps, ..., n_uniforms],
            u[n_steps, ..., :task.n_init])


def test_episode_uniforms(task, seed: int, episode: int):
    """Test episode ``episode`` of test stream ``seed``, drawn as ``play_test`` draws it (block
    ``episode // TEST_BLOCK``, index ``episode % TEST_BLOCK``): numpy ``u_env [T, n_uniforms]``,
    ``u_action [T]`` and ``u_init [n_init]``. The gymnasium wrapper and ``meta_rl.trained`` play
    one episode at a time with these."""
    block, index = divmod(int(episode), TEST_BLOCK)
    draw = _compiled_test_block(task.n_steps, task.n_uniforms, task.n_init)
    # int64 seeds: the same draws as play_test's int32 ones, and any gymnasium seed fits
    u_env, u_action, u_init = draw(tf.constant([seed], tf.int64), tf.constant(block))
    return u_env[:, 0, index].numpy(), u_action[:, 0, index].numpy(), u_init[0, index].numpy()


@functools.lru_cache(maxsize=16)
def _compiled_test_block(n_steps: int, n_uniforms: int, n_init: int):
    """One block of test uniforms, compiled by XLA as in ``play_test``: XLA's stateless draws
    differ from TensorFlow's own, so drawing them any other way would play other episodes."""
    shape = _Shape(n_steps, n_uniforms, n_init)

    @tf.function(jit_compile=True, autograph=False)
    def draw(seeds, block):
        return episode_uniforms(seeds, STREAM_TEST, block, shape, TEST_BLOCK)

    return draw


@dataclass(frozen=True)
class _Shape:
    """What ``episode_uniforms`` reads of a task."""

    n_steps: int
    n_uniforms: int
    n_init: int
