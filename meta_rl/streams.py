"""Where every episode's randomness comes from: stateless draws keyed by (seed, stream, index).

A task draws nothing itself: each episode's uniforms are a function of the run's seed, the
stream (training or test) and the episode's index, so seeds trained together or alone see
the same episodes, a test never replays a training episode, and the compiled trainer, the
compiled test and the gymnasium wrapper (``meta_rl.tasks.gym``) play identical episodes.
"""

from __future__ import annotations

import tensorflow as tf

STREAM_TRAIN = 1
"""Random stream of training episodes."""
STREAM_TEST = 2
"""Random stream of test episodes: a test never replays a training episode."""
TEST_SEED_OFFSET = 1000
"""Seed ``s`` of a reference run is tested on test stream ``1000 + s`` (training never uses
the test stream)."""
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
