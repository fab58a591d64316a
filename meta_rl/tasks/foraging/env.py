"""The matching task of Tsutsui et al. 2016 (Nature Communications) and Lau & Glimcher 2005,
as Wang et al. 2018 ran it in Simulation 1: two options with unsignalled reward
probabilities, and a reward scheduled on an option stays there until that option is chosen
(baiting). Baiting makes matching (choosing each option in proportion to its income) the
best policy: an option left alone for n trials pays with probability 1 − (1 − p)^(n+1).

Base probabilities: p_L + p_R = 0.5. In training p_L is drawn from U(0, 0.1), U(0.2, 0.3)
or U(0.4, 0.5) (which arm gets p_L at random), so the intervals 0.1–0.2 and 0.3–0.4 are
never trained; at test (``held_out``) p_L ~ U(0, 0.5). One probability pair per episode
(one block). These follow the paper's Methods as two public reimplementations read them;
the paper's episodes were 50–100 trials long in training, 100 at test; here 100 throughout
(batched episodes have one length).

``BatchedForaging`` is the task on ``[seeds, batch]`` tensors (the gymnasium wrapper,
``meta_rl.tasks.gym``, plays it one episode at a time); it draws the probabilities from
uniforms (``base_probs``). The agent sees a constant observation (1.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask, OneStepPerTrial, constant_observation

TRAIN_INTERVALS = ((0.0, 0.1), (0.2, 0.3), (0.4, 0.5))
"""Where p_L is drawn in training (Wang et al. 2018, Methods, as reimplemented)."""


@dataclass(frozen=True)
class ForagingParams(OneStepPerTrial):
    """The task's parameters; defaults: Wang et al. 2018, Simulation 1."""

    kind: ClassVar[str] = "foraging"

    n_trials: int = 100
    """Trials per episode (the paper: 100 at test)."""
    total_p: float = 0.5
    """p_L + p_R (the paper: 0.5)."""
    baiting: bool = True
    """A reward scheduled on an unchosen option waits for it (Lau & Glimcher 2005)."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        self.check_trials()
        if not 0.0 < self.total_p <= 1.0:
            raise ValueError(f"total_p must be in (0, 1], got {self.total_p}")

    def make_task(self, held_out: bool = False) -> BatchedForaging:
        """The batched task; ``held_out`` draws p_L over the whole range (test)."""
        return BatchedForaging(self, held_out)


def base_probs(params: ForagingParams, u, held_out: bool, xp=np):
    """The options' base probabilities ``(p0, p1)`` from uniforms ``u [..., 3]``: u[0] places
    p_L (in one of the training intervals, or anywhere when ``held_out``), u[1] picks the
    interval, u[2] decides which option gets p_L."""
    f32 = np.float32
    scale = f32(params.total_p / 0.5)
    if held_out:
        p_low = u[..., 0] * f32(0.5)
    else:
        which = xp.floor(u[..., 1] * f32(len(TRAIN_INTERVALS)))
        starts = xp.where(which < 1.0, f32(0.0), xp.where(which < 2.0, f32(0.2), f32(0.4)))
        p_low = starts + u[..., 0] * f32(0.1)
    p_low = p_low * scale
    swap = u[..., 2] < 0.5
    p0 = xp.where(swap, f32(params.total_p) - p_low, p_low)
    return p0, f32(params.total_p) - p0


class BatchedForaging(BatchedTask):
    """The task on ``[seeds, batch]`` tensors. Per-step records: action, reward, ``p0``,
    ``p1`` and ``block`` (0: one block per episode)."""

    obs_shape = (1,)
    n_actions = 2
    n_uniforms = 2  # a reward scheduled on each option
    n_init = 3
    params: ForagingParams

    def initial_state(self, u_init):
        import tensorflow as tf
        import tensorflow.experimental.numpy as tnp

        p0, p1 = base_probs(self.params, u_init, self.held_out, tnp)
        p = tf.stack([p0, p1], axis=-1)
        return {"p": p, "armed": tf.zeros_like(p)}

    def observation(self, state):
        return constant_observation(state["p"])

    def step(self, state, t, action, u):
        import tensorflow as tf

        scheduled = tf.cast(u < state["p"], tf.float32)
        kept = state["armed"] if self.params.baiting else tf.zeros_like(state["armed"])
        armed = tf.maximum(kept, scheduled)
        chosen = tf.one_hot(action, 2, dtype=tf.float32)
        reward = tf.reduce_sum(armed * chosen, axis=-1)
        record = {"action": action, "reward": reward, "p0": state["p"][..., 0], "p1": state["p"][..., 1],
                  "block": tf.zeros_like(action)}
        return {**state, "armed": armed * (1.0 - chosen)}, reward, record
