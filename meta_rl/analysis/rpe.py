"""The agent's reward prediction error, the quantity Wang et al. 2018 read as phasic dopamine.

δ_t = r_t + γ·V(s_{t+1}) − V(s_t): the temporal-difference error of the critic that trains
the weights, computed from a test's recorded rewards and values (``meta-rl test
--steps-npz``), with V = 0 after the episode's last step (the trainer bootstraps 0 there).
"""

from __future__ import annotations

import numpy as np


def prediction_errors(rewards, values, gamma: float) -> np.ndarray:
    """δ ``[..., T]`` from rewards and values ``[..., T]`` (time on the last axis)."""
    rewards, values = np.asarray(rewards, np.float64), np.asarray(values, np.float64)
    if rewards.shape != values.shape:
        raise ValueError(f"rewards {rewards.shape} and values {values.shape} differ in shape")
    following = np.concatenate([values[..., 1:], np.zeros_like(values[..., :1])], axis=-1)
    return rewards + gamma * following - values


def at_steps(per_step, steps) -> np.ndarray:
    """``per_step [E, T]`` read at one step per trial: ``steps [E, N]`` (step indices, -1
    for none, read as NaN) -> ``[E, N]``."""
    per_step, steps = np.asarray(per_step, np.float64), np.asarray(steps)
    picked = np.take_along_axis(per_step, np.maximum(steps, 0), axis=-1)
    return np.where(steps >= 0, picked, np.nan)
