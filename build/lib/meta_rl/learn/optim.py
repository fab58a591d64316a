"""RMSProp and gradient clipping as pure functions on stacked (per-seed) weights."""

from __future__ import annotations

import tensorflow as tf


def clip_per_seed(grads: dict[str, tf.Tensor], max_norm: float) -> dict[str, tf.Tensor]:
    """Scale each seed's gradients so their global norm is at most ``max_norm``."""
    sq = sum(tf.reduce_sum(tf.reshape(tf.square(g), [tf.shape(g)[0], -1]), axis=1)
             for g in grads.values())
    scale = tf.minimum(1.0, max_norm / tf.maximum(tf.sqrt(sq), 1e-12))
    return {k: g * tf.reshape(scale, [-1] + [1] * (len(g.shape) - 1)) for k, g in grads.items()}


def rmsprop_init(params: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    """Squared-gradient averages, started at 1 as TF1's RMSPropOptimizer does."""
    return {k: tf.ones_like(v) for k, v in params.items()}


def rmsprop_update(params, grads, ms, lr: float, decay: float, eps: float):
    """ms <- decay ms + (1 - decay) g^2;  w <- w - lr g / sqrt(ms + eps). Returns (params, ms)."""
    ms = {k: decay * ms[k] + (1.0 - decay) * tf.square(grads[k]) for k in params}
    params = {k: params[k] - lr * grads[k] / tf.sqrt(ms[k] + eps) for k in params}
    return params, ms
