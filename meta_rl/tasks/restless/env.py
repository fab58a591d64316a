"""Restless bandits (Wang et al. 2016, "Learning to reinforcement learn", section 3.1.4): does
the learned algorithm set its own learning rate to the volatility it infers?

Two arms pay 1 with probabilities p and 1 - p; p starts uniform in [0, 1] and drifts every pull
as a Gaussian random walk reflected at 0 and 1, p' = fold(p + sigma z), z ~ N(0, 1). The step
size sigma is drawn per episode from a low and a high level (``drift``), half the episodes
each; the agent is not told which. 100 pulls per episode (the paper).

``BatchedRestless`` is the task on ``[seeds, batch]`` tensors (trainer, test, gymnasium
wrapper). Per step two uniforms: the reward draw (``u < p`` of the arm pulled) and the drift's
(``z = sqrt(2) erfinv(2u - 1)``). The numpy functions (``fold``, ``normal``) are the same
rules for the players and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import erfinv

from meta_rl.tasks.base import BatchedTask, OneStepPerTrial, constant_observation

LEVELS = ("low", "high")
"""The two volatility levels, in the order of ``RestlessParams.drift`` (test log: 0 low, 1 high)."""


@dataclass(frozen=True)
class RestlessParams(OneStepPerTrial):
    """The task's parameters (``presets.py`` gives the sources of the drift values)."""

    kind: ClassVar[str] = "restless"

    n_trials: int = 100
    """Pulls per episode (the paper: 100)."""
    drift_low: float = 0.02
    """The random walk's step s.d. in low-volatility episodes."""
    drift_high: float = 0.15
    """The step s.d. in high-volatility episodes."""
    p_high: float = 0.5
    """Share of high-volatility episodes."""

    @property
    def drift(self) -> tuple[float, float]:
        """The step s.d. of each level, ``LEVELS`` order."""
        return self.drift_low, self.drift_high

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        self.check_trials()
        if not 0 <= self.drift_low <= self.drift_high:
            raise ValueError(f"need 0 <= drift_low <= drift_high, got {self.drift_low} and {self.drift_high}")
        if not 0 <= self.p_high <= 1:
            raise ValueError(f"p_high must be in [0, 1], got {self.p_high}")

    def make_task(self, held_out: bool = False) -> BatchedRestless:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedRestless(self, held_out)


def fold(x, floor=np.floor):
    """``x`` reflected into [0, 1] at both ends, as many times as it takes (numpy or TF)."""
    y = x - 2.0 * floor(x / 2.0)  # in [0, 2): the walk's period
    return 1.0 - abs(1.0 - y)


U_EDGE = 1e-6
"""Uniforms are kept this far inside (0, 1) before the inverse normal CDF (u = 0 would give an
infinite step; float32 uniforms do hit 0 over millions of draws)."""


def normal(u) -> np.ndarray:
    """Standard normal draws from uniforms (the inverse CDF, ``U_EDGE`` inside (0, 1))."""
    u = np.clip(np.asarray(u, np.float64), U_EDGE, 1 - U_EDGE)
    return np.sqrt(2.0) * erfinv(2.0 * u - 1.0)


def walk(params: RestlessParams, p0, high, u_drift) -> np.ndarray:
    """The probability of arm 0 on every trial ``[E, N]`` from its start ``p0 [E]``, the level
    ``high [E]`` (0/1) and the drift uniforms ``u_drift [E, N]`` (the last one unused: the walk
    moves after each pull), as ``BatchedRestless`` draws it."""
    sigma = np.where(np.asarray(high) > 0, params.drift_high, params.drift_low)[:, None]
    steps = sigma * normal(u_drift)
    p = np.zeros(np.shape(u_drift))
    p[:, 0] = p0
    for t in range(1, p.shape[1]):
        p[:, t] = fold(p[:, t - 1] + steps[:, t - 1])
    return p


class BatchedRestless(BatchedTask):
    """The restless bandit on ``[seeds, batch]`` tensors. Per-step records: ``action``,
    ``reward``, both arms' probabilities ``p0``, ``p1`` and the episode's ``volatility``
    (0 low, 1 high)."""

    obs_shape = (1,)
    n_actions = 2
    n_uniforms = 2  # the reward draw, the drift
    n_init = 2  # p's start, the level
    params: RestlessParams

    def initial_state(self, u_init):
        import tensorflow as tf

        high = tf.cast(u_init[..., 1] < self.params.p_high, tf.int32)
        return {"p": u_init[..., 0], "high": high}

    def observation(self, state):
        return constant_observation(state["p"])

    def step(self, state, t, action, u):
        import tensorflow as tf

        p = state["p"]
        p_chosen = tf.where(tf.equal(action, 0), p, 1.0 - p)
        reward = tf.cast(u[..., 0] < p_chosen, tf.float32)
        sigma = tf.where(state["high"] > 0, self.params.drift_high, self.params.drift_low)
        z = tf.sqrt(2.0) * tf.math.erfinv(2.0 * tf.clip_by_value(u[..., 1], U_EDGE, 1 - U_EDGE) - 1.0)
        moved = fold(p + sigma * z, floor=tf.floor)
        record = {"action": action, "reward": reward, "p0": p, "p1": 1.0 - p, "volatility": state["high"]}
        return {**state, "p": moved}, reward, record
