"""The agent a config trains: the shapes and initial values of its weights, which depend on
the task (its observations, actions and the encoder they need)."""

from __future__ import annotations

import numpy as np

from meta_rl.agent.encoders import FEATURES, encoder_shapes, init_encoder
from meta_rl.agent.lstm import init_params, param_shapes
from meta_rl.config import Config


def make_task(config: Config, held_out: bool = False):
    """The batched task a config trains on (``held_out``: the test's held-out items)."""
    return config.task.make_task(held_out)


def encoder_kind(task) -> str | None:
    """The encoder in front of the LSTM (``meta_rl.agent.encoders``) that the task asks for:
    "conv", "objects", "embedding", or None when the observation goes to the LSTM as it is."""
    return task.encoder


def _lstm_input_width(task) -> int:
    return FEATURES if encoder_kind(task) else int(np.prod(task.obs_shape))


def weight_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    """Shapes of one seed's weights for ``config`` (checked when loading a checkpoint)."""
    task = make_task(config)
    shapes = param_shapes(_lstm_input_width(task), task.n_actions, config.hidden)
    if encoder_kind(task):
        shapes.update(encoder_shapes(encoder_kind(task), task.obs_shape))
    return shapes


def initial_weights(seed: int, config: Config) -> dict[str, np.ndarray]:
    """One seed's initial weights (numpy), a function of the seed alone."""
    task = make_task(config)
    params = init_params([seed], _lstm_input_width(task), task.n_actions, config.hidden)
    if encoder_kind(task):
        params.update(init_encoder(encoder_kind(task), [seed], task.obs_shape))
    return {k: v[0].numpy() for k, v in params.items()}


def memory_estimate(config: Config, n_seeds: int = 1) -> int:
    """Bytes that training ``n_seeds`` seeds of ``config`` needs, roughly: the weights with
    their optimiser state, gradients and update temporaries (5 copies), and what one update
    keeps for the backward pass, per step of each of its episodes: the LSTM's input and
    state, its gates, the observation and an encoder's activations, and the gradients
    flowing back (x 3)."""
    task = make_task(config)
    weights = sum(int(np.prod(shape)) for shape in weight_shapes(config).values())
    n_in = _lstm_input_width(task) + task.n_actions + 2
    per_step = (n_in + config.hidden) + 6 * config.hidden + 6 * int(np.prod(task.obs_shape))
    steps = task.n_steps * config.batch_episodes
    return 4 * n_seeds * (5 * weights + 3 * steps * per_step)
