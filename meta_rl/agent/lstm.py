"""The A2C-LSTM network as pure functions on a dict of weights.

Every weight carries a leading *seed* axis, so one set of functions trains one seed or
many seeds side by side (each with its own weights) in a single compiled computation.

Input at each step (Wang et al. 2018): one-hot observation, one-hot previous action (all
zeros when there is none, so "no action" differs from action 0), previous reward, and the
step index normalised to [0, 1).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

UNROLL = 4
"""Time steps per iteration of the compiled loops (fewer iterations run faster on CPU)."""
FORGET_BIAS = 1.0  # added inside the cell, as BasicLSTMCell(forget_bias=1.0) does

Params = dict[str, tf.Tensor]


def input_size(obs_dim: int, n_actions: int) -> int:
    """Width of the LSTM input vector."""
    return obs_dim + n_actions + 2


def param_shapes(obs_dim: int, n_actions: int, hidden: int) -> dict[str, tuple[int, ...]]:
    """Shapes of one seed's weights (without the leading seed axis)."""
    n_in = input_size(obs_dim, n_actions)
    return {"lstm_w": (n_in + hidden, 4 * hidden), "lstm_b": (4 * hidden,),
            "policy_w": (hidden, n_actions), "policy_b": (n_actions,),
            "value_w": (hidden, 1), "value_b": (1,)}


def _normalized_columns(seed: tf.Tensor, shape: tuple[int, int], scale: float) -> tf.Tensor:
    """Gaussian matrix whose columns have norm ``scale`` (the A3C heads' initialiser)."""
    w = tf.random.stateless_normal(shape, seed=seed)
    return w * scale / tf.sqrt(tf.reduce_sum(tf.square(w), axis=0, keepdims=True))


def init_params(seeds: list[int], obs_dim: int, n_actions: int, hidden: int) -> Params:
    """Initial weights for each seed, stacked on axis 0; a function of the seed alone.

    LSTM kernel: Glorot-uniform; policy head: columns of norm 0.01; value head: norm 1.0.
    """
    shapes = param_shapes(obs_dim, n_actions, hidden)
    per_seed = []
    for seed in seeds:
        key = [int(seed), -1]  # stream -1: initialisation, never used for episodes
        fan_in, fan_out = shapes["lstm_w"]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        per_seed.append({
            "lstm_w": tf.random.stateless_uniform(shapes["lstm_w"], seed=key,
                                                  minval=-limit, maxval=limit),
            "lstm_b": tf.zeros(shapes["lstm_b"]),
            "policy_w": _normalized_columns([int(seed), -2], shapes["policy_w"], 0.01),
            "policy_b": tf.zeros(shapes["policy_b"]),
            "value_w": _normalized_columns([int(seed), -3], shapes["value_w"], 1.0),
            "value_b": tf.zeros(shapes["value_b"]),
        })
    return {k: tf.stack([p[k] for p in per_seed]) for k in shapes}


def agent_input(obs: tf.Tensor, prev_action: tf.Tensor, prev_reward: tf.Tensor,
                step: tf.Tensor, n_steps: int, n_actions: int) -> tf.Tensor:
    """Concatenate the network input ``[seeds, batch, input_size]``.

    ``prev_action`` is -1 for "none" (encoded as all zeros). ``step`` is the 0-based index
    of the step being acted on: the same value is used when acting and when training.
    """
    time = tf.fill(tf.shape(prev_reward), tf.cast(step, tf.float32) / float(n_steps))
    return tf.concat([obs, tf.one_hot(prev_action, n_actions), prev_reward[..., None],
                      time[..., None]], axis=-1)


def lstm_step(params: Params, x: tf.Tensor, h: tf.Tensor, c: tf.Tensor):
    """One LSTM step on ``[seeds, batch, ...]`` tensors.

    Returns ``(h, c, cache)``; ``cache`` holds what ``lstm_backward`` needs: the cell input
    ``xh = [x, h_prev]`` and the activated gates ``[i, f, g, o]``.
    """
    xh = tf.concat([x, h], axis=-1)
    z = tf.matmul(xh, params["lstm_w"]) + params["lstm_b"][:, None]
    i, f, g, o = tf.split(z, 4, axis=-1)
    i, f, g, o = tf.sigmoid(i), tf.sigmoid(f + FORGET_BIAS), tf.tanh(g), tf.sigmoid(o)
    c = f * c + i * g
    h = o * tf.tanh(c)
    return h, c, {"xh": xh, "gates": tf.concat([i, f, g, o], axis=-1), "c": c}


def lstm_backward(params: Params, cache: dict[str, tf.Tensor], dh_out: tf.Tensor,
                  with_input: bool = False, memoryless: bool = False):
    """Backpropagation through time for a sequence of ``lstm_step`` calls from a zero state.

    ``cache`` holds the per-step caches stacked on a leading time axis ``[T, S, B, ...]``;
    ``dh_out [T, S, B, H]`` is the loss gradient with respect to each output ``h_t``.
    Returns the gradients of ``lstm_w`` and ``lstm_b`` (and, ``with_input``, the gradient
    with respect to every input ``x_t``, ``[T, S, B, n_in]``, for an encoder in front of
    the LSTM). ``memoryless``: every step started from a zero state (``Config.memoryless``),
    so no gradient flows from one step to the one before. Written by hand (and tested against
    ``tf.GradientTape``) because it runs about twice as fast as autodiff through the loop.
    """
    n_steps = dh_out.shape[0]
    hidden = dh_out.shape[-1]
    w_h = params["lstm_w"][:, -hidden:, :]  # rows that multiply h_prev
    c_prev_all = (tf.zeros_like(cache["c"]) if memoryless
                  else tf.concat([tf.zeros_like(cache["c"][:1]), cache["c"][:-1]], axis=0))

    def step(k, dh_next, dc_next, dz_all):
        t = n_steps - 1 - k
        i, f, g, o = tf.split(cache["gates"][t], 4, axis=-1)
        tanh_c = tf.tanh(cache["c"][t])
        dh = dh_out[t] + dh_next
        dc = dc_next + dh * o * (1.0 - tf.square(tanh_c))
        dz = tf.concat([dc * g * i * (1.0 - i), dc * c_prev_all[t] * f * (1.0 - f),
                        dc * i * (1.0 - tf.square(g)), dh * tanh_c * o * (1.0 - o)], axis=-1)
        if memoryless:
            return k + 1, tf.zeros_like(dh), tf.zeros_like(dc), dz_all.write(t, dz)
        dh_prev = tf.matmul(dz, w_h, transpose_b=True)
        return k + 1, dh_prev, dc * f, dz_all.write(t, dz)

    unroll = UNROLL if n_steps % UNROLL == 0 else 1

    def body(*state):
        for _ in range(unroll):  # a few steps per loop iteration: less loop overhead
            state = step(*state)
        return state

    zeros = tf.zeros_like(dh_out[0])
    _, _, _, dz_all = tf.while_loop(
        lambda k, *_: k < n_steps, body,
        (tf.constant(0), zeros, zeros, tf.TensorArray(tf.float32, n_steps)),
        maximum_iterations=n_steps // unroll)
    dz = dz_all.stack()  # [T, S, B, 4H]
    grad_w = tf.einsum("tsbi,tsbj->sij", cache["xh"], dz)
    grad_b = tf.reduce_sum(dz, axis=[0, 2])
    grads = {"lstm_w": grad_w, "lstm_b": grad_b}
    if not with_input:
        return grads
    w_x = params["lstm_w"][:, :-hidden, :]  # rows that multiply the input x
    return grads, tf.einsum("tsbj,sij->tsbi", dz, w_x)


def heads(params: Params, h: tf.Tensor):
    """Policy logits ``[S, B, n_actions]`` and value ``[S, B]`` from LSTM outputs ``[S, B, H]``."""
    logits = tf.matmul(h, params["policy_w"]) + params["policy_b"][:, None]
    value = tf.matmul(h, params["value_w"])[..., 0] + params["value_b"]
    return logits, value


def sequence_heads(params: Params, hs: tf.Tensor):
    """``heads`` applied to a whole sequence ``[T, S, B, H]`` in one matmul.

    Returns logits ``[T, S, B, A]`` and values ``[T, S, B]``.
    """
    n_steps, n_seeds, batch, hidden = hs.shape
    flat = tf.reshape(tf.transpose(hs, [1, 0, 2, 3]), [n_seeds, n_steps * batch, hidden])
    logits, values = heads(params, flat)
    logits = tf.transpose(tf.reshape(logits, [n_seeds, n_steps, batch, -1]), [1, 0, 2, 3])
    values = tf.transpose(tf.reshape(values, [n_seeds, n_steps, batch]), [1, 0, 2])
    return logits, values


def sample_action(logits: tf.Tensor, u: tf.Tensor) -> tf.Tensor:
    """Sample from ``softmax(logits)`` by inverting its CDF at the uniform ``u``."""
    cdf = tf.cumsum(tf.nn.softmax(logits), axis=-1)[..., :-1]
    return tf.reduce_sum(tf.cast(cdf < u[..., None], tf.int32), axis=-1)
