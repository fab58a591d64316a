"""The A2C maths as pure functions (time on axis 0)."""

from __future__ import annotations

import tensorflow as tf


def discounted_returns(rewards: tf.Tensor, gamma: float) -> tf.Tensor:
    """R_t = r_t + gamma * R_{t+1}, bootstrapping 0 after the last step. ``[T, ...]``."""
    return tf.scan(lambda acc, r: r + gamma * acc, rewards, reverse=True)


def lambda_returns(rewards: tf.Tensor, values: tf.Tensor, gamma: float, lam: float) -> tf.Tensor:
    """The lambda-return G_t = r_t + gamma * ((1 - lam) V(s_{t+1}) + lam G_{t+1}), 0 after the
    last step (``[T, ...]``; ``values`` held constant). ``G_t - V(s_t)`` is the generalised
    advantage estimate (Schulman et al. 2016); lam = 1 gives ``discounted_returns``, lam = 0
    the one-step target r_t + gamma V(s_{t+1}). A lam below 1 trades the Monte-Carlo return's
    variance over long episodes for the critic's bias."""
    values = tf.stop_gradient(values)
    following = tf.concat([values[1:], tf.zeros_like(values[:1])], axis=0)
    return tf.scan(lambda acc, x: x[0] + gamma * ((1 - lam) * x[1] + lam * acc), (rewards, following),
                   initializer=tf.zeros_like(rewards[0]), reverse=True)


def advantages(returns: tf.Tensor, values: tf.Tensor) -> tf.Tensor:
    """A_t = R_t - V(s_t), held constant for the policy gradient (GAE: ``R`` the
    ``lambda_returns``; with lambda = 1 the discounted returns)."""
    return tf.stop_gradient(returns - values)


def a2c_loss(logits: tf.Tensor, values: tf.Tensor, actions: tf.Tensor, returns: tf.Tensor,
             value_coef: float, entropy_coef: float):
    """A2C loss per leading-batch element, summed over time (axis 0), mean over axis -1.

    Shapes: logits ``[T, S, B, A]``, values/actions/returns ``[T, S, B]``.
    Returns ``(total, policy, value, entropy)``, each ``[S]``:
    ``total = policy + value_coef * value - entropy_coef * entropy`` with
    ``policy = -sum log pi(a_t) A_t``, ``value = 0.5 sum (R_t - V_t)^2``,
    ``entropy = -sum pi log pi``.
    """
    log_pi = tf.nn.log_softmax(logits)
    log_pi_a = tf.reduce_sum(log_pi * tf.one_hot(actions, tf.shape(logits)[-1]), axis=-1)
    policy = -tf.reduce_sum(log_pi_a * advantages(returns, values), axis=0)
    value = 0.5 * tf.reduce_sum(tf.square(returns - values), axis=0)
    entropy = -tf.reduce_sum(tf.reduce_sum(tf.exp(log_pi) * log_pi, axis=-1), axis=0)
    policy, value, entropy = (tf.reduce_mean(x, axis=-1) for x in (policy, value, entropy))
    return policy + value_coef * value - entropy_coef * entropy, policy, value, entropy


def annealed(first: float, final: float, anneal_episodes: int, episode):
    """A training coefficient at training episode ``episode`` (a number or a tensor): ``first``
    falling linearly to ``final`` over the first ``anneal_episodes`` episodes, then ``final``;
    ``first`` throughout when ``anneal_episodes`` is 0. The entropy weight (a sampled policy pays
    for the entropy it keeps, so annealing lets it end near deterministic: ``Config.entropy_final``)
    and the learning rate (``Config.lr_final``)."""
    if anneal_episodes <= 0:
        return first  # a constant: the compiled loss is the one without annealing
    done = episode / anneal_episodes
    done = tf.minimum(tf.cast(done, tf.float32), 1.0) if tf.is_tensor(done) else min(done, 1.0)
    return first + (final - first) * done
