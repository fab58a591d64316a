"""The volatility task of Behrens et al. 2007 (Nature Neuroscience), as Wang et al. 2018 ran it
in Simulation 2: two options, exactly one of which pays on each trial (option 0 with
probability p, option 1 with 1 − p), in a stable and a volatile phase.

* Stable phase: p = 0.75 for one option (which one is drawn per episode), 120 trials.
* Volatile phase: p alternates between 0.8 and 0.2, each block lasting 30 to 40 trials
  (uniform), 170 trials.
* The order of the phases is drawn per episode (Behrens counterbalanced it across subjects).

Behrens' subjects also saw a random reward size on each option; here every win pays 1,
since the simulation concerns the learning rate, not the weighting of magnitudes.

``BatchedVolatility`` is the task on ``[seeds, batch]`` tensors (the gymnasium wrapper,
``meta_rl.tasks.gym``, plays it one episode at a time); it builds an episode's schedule from
uniforms with ``schedule``. The agent observes nothing but its previous action and reward
(and a constant 1.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask, constant_observation
from meta_rl.tasks.blocks import block_ends, blocks_before

ORDERS = ("random", "stable-first", "volatile-first")


@dataclass(frozen=True)
class VolatilityParams:
    """The task's parameters; defaults: Behrens et al. 2007's."""

    kind: ClassVar[str] = "volatility"

    stable_trials: int = 120
    """Trials of the stable phase (Behrens et al. 2007: 120)."""
    volatile_trials: int = 170
    """Trials of the volatile phase (Behrens et al. 2007: 170)."""
    stable_p: float = 0.75
    """Probability that the favoured option pays in the stable phase (Behrens: 0.75)."""
    volatile_p: float = 0.8
    """Probability that the favoured option pays in a volatile block (Behrens: 0.8)."""
    block_min: int = 30
    """Shortest volatile block, in trials (Behrens: reversals every 30-40 trials)."""
    block_max: int = 40
    """Longest volatile block, in trials."""
    order: str = "random"
    """``random`` (drawn per episode), ``stable-first`` or ``volatile-first``."""

    @property
    def n_trials(self) -> int:
        """Trials per episode: both phases."""
        return self.stable_trials + self.volatile_trials

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: one choice per step."""
        return self.n_trials

    @property
    def max_blocks(self) -> int:
        """Volatile blocks drawn per episode (enough to cover the phase)."""
        return math.ceil(self.volatile_trials / self.block_min)

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.stable_trials < 0 or self.volatile_trials < 0 or self.n_trials < 1:
            raise ValueError("stable_trials and volatile_trials must be >= 0, with at least one trial")
        for name in ("stable_p", "volatile_p"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a probability, got {getattr(self, name)}")
        if not 1 <= self.block_min <= self.block_max:
            raise ValueError(f"need 1 <= block_min <= block_max, got {self.block_min} and {self.block_max}")
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {self.order!r}")

    def make_task(self, held_out: bool = False) -> BatchedVolatility:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedVolatility(self)


def n_init(params: VolatilityParams) -> int:
    """Uniforms per episode: order, stable favourite, volatile start, one per block length."""
    return 3 + params.max_blocks


def schedule(params: VolatilityParams, u, xp=np):
    """An episode's schedule from its uniforms ``u [..., n_init]`` (``xp``: numpy, or
    ``tensorflow.experimental.numpy`` inside the compiled trainer).

    Returns ``(p0, volatile, block)``, each ``[..., n_trials]``: the probability that option 0
    pays, 1.0 in the volatile phase (else 0.0), and the index of the trial's block in the
    episode (the stable phase is one block; each volatile block another)."""
    f32 = np.float32
    t = xp.arange(params.n_trials, dtype=f32)
    u0 = u[..., 0:1]
    if params.order == "random":
        volatile_first = u0 < 0.5
    else:  # fixed: a constant of u's shape
        volatile_first = u0 * 0.0 + f32(params.order == "volatile-first") > 0.5
    start = xp.where(volatile_first, f32(0.0), f32(params.stable_trials))
    in_volatile = (t >= start) & (t < start + f32(params.volatile_trials))
    ends = block_ends(u[..., 3:3 + params.max_blocks], params.block_min, params.block_max, xp)
    one, zero = f32(1.0), f32(0.0)
    within = blocks_before(t - start, ends, xp)
    n_blocks = xp.sum(xp.where(ends <= f32(params.volatile_trials - 1), one, zero), axis=-1)[..., None] + one
    p_stable = xp.where(u[..., 1:2] < 0.5, f32(params.stable_p), f32(1.0 - params.stable_p))
    high = xp.equal(xp.equal(within % 2.0, zero), u[..., 2:3] < 0.5)
    p_volatile = xp.where(high, f32(params.volatile_p), f32(1.0 - params.volatile_p))
    p0 = xp.where(in_volatile, p_volatile, p_stable)
    block = xp.where(in_volatile, xp.where(volatile_first, within, within + one),
                     xp.where(volatile_first, n_blocks, zero))
    return p0, xp.where(in_volatile, one, zero), block


class BatchedVolatility(BatchedTask):
    """The task on ``[seeds, batch]`` tensors for the compiled trainer.

    Per-step records: action, reward, ``p0``, ``p1``, ``volatile``, ``block`` and ``paid``
    (the option that paid)."""

    obs_shape = (1,)
    n_actions = 2
    n_uniforms = 1  # which option pays
    params: VolatilityParams

    def __init__(self, params: VolatilityParams, held_out: bool = False):
        super().__init__(params, held_out)
        self.n_init = n_init(params)

    def initial_state(self, u_init):
        import tensorflow.experimental.numpy as tnp

        p0, volatile, block = schedule(self.params, u_init, tnp)
        return {"p0": p0, "volatile": volatile, "block": block}

    def observation(self, state):
        return constant_observation(state["p0"])

    def step(self, state, t, action, u):
        import tensorflow as tf

        p0 = tf.gather(state["p0"], t, axis=-1)
        paid = tf.where(u[..., 0] < p0, 0, 1)
        reward = tf.cast(tf.equal(action, paid), tf.float32)
        record = {"action": action, "reward": reward, "p0": p0, "p1": 1.0 - p0,
                  "volatile": tf.gather(state["volatile"], t, axis=-1),
                  "block": tf.gather(state["block"], t, axis=-1), "paid": paid}
        return state, reward, record
