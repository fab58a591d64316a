"""The agent a config trains: the shapes and initial values of its weights, which depend on
the task (its observations, actions and the encoder they need)."""

from __future__ import annotations

import numpy as np

from meta_rl.agent.encoders import FEATURES, Seen, encoder_backward, encoder_shapes, init_encoder
from meta_rl.agent.lstm import init_params, lstm_backward, param_shapes
from meta_rl.config import Config
from meta_rl.tasks.base import BatchedTask


def make_task(config: Config, held_out: bool = False) -> BatchedTask:
    """The batched task a config trains on (``held_out``: the test's held-out items)."""
    return config.task.make_task(held_out)


def _lstm_input_width(task: BatchedTask) -> int:
    return FEATURES if task.encoder else int(np.prod(task.obs_shape))


def weight_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    """Shapes of one seed's weights for ``config`` (checked when loading a checkpoint)."""
    task = make_task(config)
    shapes = param_shapes(_lstm_input_width(task), task.n_actions, config.hidden)
    if task.encoder:
        shapes.update(encoder_shapes(task.encoder, task.obs_shape))
    return shapes


def initial_weights(seed: int, config: Config) -> dict[str, np.ndarray]:
    """One seed's initial weights (numpy), a function of the seed alone."""
    task = make_task(config)
    params = init_params([seed], _lstm_input_width(task), task.n_actions, config.hidden)
    if task.encoder:
        params.update(init_encoder(task.encoder, [seed], task.obs_shape))
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


def agent_gradients(task: BatchedTask, params: dict, cache: dict, dh, seen: Seen | None,
                    activation: str = "relu", memoryless: bool = False) -> dict:
    """Gradients of the LSTM's weights, and of the encoder's in front of it, from the loss
    gradient ``dh [T, S, B, H]`` with respect to the LSTM's outputs: backpropagation through
    time over the rollout's ``cache``, then, for a task with an encoder, through the
    encoder from the LSTM's input gradients, over what it ``seen`` (``memoryless``: each step
    from a zero state, ``Config.memoryless``)."""
    if not task.encoder:
        return lstm_backward(params, cache, dh, memoryless=memoryless)
    grads, dx = lstm_backward(params, cache, dh, with_input=True, memoryless=memoryless)
    grads.update(encoder_backward(task.encoder, params, seen, dx[..., :FEATURES], activation))
    return grads
