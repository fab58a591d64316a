"""Episodes of the agent in a batched task, as one TensorFlow loop (compiled by callers)."""

from __future__ import annotations

from typing import NamedTuple

import tensorflow as tf

from meta_rl.agent.encoders import (
    MASKED,
    Seen,
    encode,
    episode_maps,
    mask_features,
    shared_features,
    view_features,
)
from meta_rl.agent.lstm import UNROLL, agent_input, lstm_step, sample_action, sequence_heads
from meta_rl.tasks.base import BatchedTask


class Rollout(NamedTuple):
    """A batch of episodes played by the agent (``rollout``), every array ``[T, S, B, ...]``."""

    h: tf.Tensor
    """The LSTM's outputs ``[T, S, B, H]``."""
    cache: dict
    """The LSTM's per-step cache for ``lstm_backward`` (its ``c``: the cell states)."""
    logits: tf.Tensor
    values: tf.Tensor
    actions: tf.Tensor
    rewards: tf.Tensor
    records: dict
    """The task's per-step records (empty without ``keep_records``)."""
    obs: tf.Tensor | None
    """The observations (with ``keep_obs``; else None)."""
    seen: Seen | None
    """What the encoder saw, for its gradients (None for a task without an encoder)."""


def rollout(params, task: BatchedTask, u_env: tf.Tensor, u_action: tf.Tensor, u_init: tf.Tensor,
            hidden: int, keep_records: bool = True, keep_obs: bool | None = None,
            rpe_input: bool = False, feature_activation: str = "relu", memoryless: bool = False) -> Rollout:
    """Run one batch of episodes from a zero LSTM state, sampling actions.

    ``keep_obs`` (by default ``keep_records``) keeps the observations. A task that shows
    windows of a few screens (``BatchedTask.screens``) has them encoded once per episode (or
    once for the whole batch, when its episodes share them), and each step reads its window's
    features; its observations are then not needed for the encoder's gradients (the
    ``conv-mask`` encoder's masks are kept instead). With ``rpe_input`` the agent's input carries its previous
    prediction error r - V instead of its previous reward (the value it held when it acted;
    a constant input to the gradients, like the reward). ``feature_activation``: the
    encoder's last layer's (``Config.feature_activation``). ``memoryless``: the LSTM's state is
    zero before every step (``Config.memoryless``).
    """
    n_steps = task.n_steps
    n_seeds, batch = u_init.shape[:2]
    env_state = task.initial_state(u_init)
    zeros = tf.zeros([n_seeds, batch, hidden])
    prev_action = -tf.ones([n_seeds, batch], tf.int32)  # -1: no previous action
    prev_reward = tf.zeros([n_seeds, batch])
    _, _, record_proto = task.step(env_state, tf.constant(0), prev_action, u_env[0])
    encoder = task.encoder
    screens = task.screens(env_state) if encoder else None
    shared = screens is not None and screens.shape.rank == 4  # one set of screens for every episode
    masked = encoder == MASKED  # each step's mask is encoded apart from its screen
    if screens is not None:  # the encoder works once per screen, each step reads its view
        maps = (shared_features(encoder, params, screens, feature_activation) if shared
                else episode_maps(encoder, params, screens, feature_activation))
        view_width = task.obs_shape[1]
    arrays = {
        "cache": {k: tf.TensorArray(tf.float32, n_steps) for k in ("xh", "gates", "c")},
        "actions": tf.TensorArray(tf.int32, n_steps),
        "rewards": tf.TensorArray(tf.float32, n_steps),
        "records": {k: tf.TensorArray(v.dtype, n_steps) for k, v in record_proto.items()
                    if keep_records},
    }
    # observations are kept for the encoder's gradients (unless it reads screens) or on request
    keep_obs = (bool(encoder) and screens is None) or (keep_records if keep_obs is None else keep_obs)
    if keep_obs:
        arrays["obs"] = tf.TensorArray(tf.float32, n_steps)
    if screens is not None:  # for the encoder's gradients
        arrays["view"] = {k: tf.TensorArray(tf.int32, n_steps) for k in ("index", "column")}
        if masked:
            arrays["masks"] = tf.TensorArray(tf.float32, n_steps)

    def step(t, h, c, env_state, prev_action, prev_reward, prev_value, arrays):
        obs = task.observation(env_state) if keep_obs or masked or not encoder else None
        if screens is not None:
            index, column = (tf.cast(v, tf.int32) for v in task.view(env_state))
            if shared:
                features = tf.gather(maps, index, batch_dims=1)
            else:
                features = view_features(encoder, params, tf.gather(maps, index, batch_dims=2), column,
                                         view_width, feature_activation)
            written = {"view": {"index": arrays["view"]["index"].write(t, index),
                                "column": arrays["view"]["column"].write(t, column)}}
            if masked:
                features += mask_features(params, obs[..., -1])
                written["masks"] = arrays["masks"].write(t, obs[..., -1])
        else:
            features = encode(encoder, params, obs, feature_activation) if encoder else obs
            written = {}
        signal = prev_reward - prev_value if rpe_input else prev_reward
        x = agent_input(features, prev_action, signal, t, n_steps, task.n_actions)
        if memoryless:
            h, c = tf.zeros_like(h), tf.zeros_like(c)
        h, c, cache = lstm_step(params, x, h, c)
        logits = tf.matmul(h, params["policy_w"]) + params["policy_b"][:, None]
        value = tf.matmul(h, params["value_w"])[..., 0] + params["value_b"] if rpe_input else prev_value
        action = sample_action(tf.stop_gradient(logits), u_action[t])
        env_state, reward, record = task.step(env_state, t, action, u_env[t])
        if keep_obs:
            written["obs"] = arrays["obs"].write(t, obs)
        arrays = {
            **written,
            "cache": {k: ta.write(t, cache[k]) for k, ta in arrays["cache"].items()},
            "actions": arrays["actions"].write(t, action),
            "rewards": arrays["rewards"].write(t, reward),
            "records": {k: ta.write(t, record[k]) for k, ta in arrays["records"].items()},
        }
        return t + 1, h, c, env_state, action, reward, tf.stop_gradient(value), arrays

    unroll = UNROLL if n_steps % UNROLL == 0 else 1

    def body(*state):
        for _ in range(unroll):  # a few steps per loop iteration: less loop overhead
            state = step(*state)
        return state

    loop = tf.while_loop(lambda t, *_: t < n_steps, body,
                         (tf.constant(0), zeros, zeros, env_state, prev_action, prev_reward,
                          tf.zeros_like(prev_reward), arrays), maximum_iterations=n_steps // unroll)
    arrays = loop[-1]
    cache = {k: ta.stack() for k, ta in arrays["cache"].items()}
    hs = cache["gates"][..., -hidden:] * tf.tanh(cache["c"])  # h = o * tanh(c)
    logits, values = sequence_heads(params, hs)  # once for the whole sequence
    obs = arrays["obs"].stack() if keep_obs else None
    seen = None
    if screens is not None:
        seen = Seen(screens=screens, view_index=arrays["view"]["index"].stack(),
                    view_column=arrays["view"]["column"].stack(), view_width=view_width,
                    masks=arrays["masks"].stack() if masked else None)
    elif encoder:
        seen = Seen(obs=obs)
    records = {k: ta.stack() for k, ta in arrays["records"].items()}
    return Rollout(h=hs, cache=cache, logits=logits, values=values, actions=arrays["actions"].stack(),
                   rewards=arrays["rewards"].stack(), records=records, obs=obs, seen=seen)
