"""The risky-choice task of Stopper et al. 2014 (Neuron), after St Onge et al. 2011's
probabilistic discounting, as Wang et al. 2018 ran it in Simulation 6.

Each trial the agent chooses a safe lever (action 0: a small reward, always) or a risky
one (action 1: a large reward with probability p, else nothing). An episode is four blocks
in which p is 1, 0.5, 0.25 and 0.125; rats met them in that order, here the order is drawn
per episode (``order = "random"``, so the agent must learn p from the outcomes) or fixed
(``"descending"``, the rats' session). As for the rats (St Onge et al. 2011), each block
starts with forced trials, where only one lever is out (either, at random: the observation
says which; pressing the absent one earns nothing), then free choices.

The dopamine manipulations of Stopper et al. act on the prediction error the agent receives
as input (``Config.rpe_input``), as Wang et al. 2018 modelled them with the weights frozen:
``manipulation = "stimulation"`` adds ``manipulation_size`` to it when the risky lever pays
nothing (phasic stimulation at the omission), ``"inhibition"`` subtracts it when the risky
lever pays (suppression at the win). The task does this by shifting the reward it hands the
agent at those outcomes; the recorded reward stays the true one.

``BatchedRiskyChoice`` is the task on ``[seeds, batch]`` tensors (the gymnasium wrapper,
``meta_rl.tasks.gym``, plays it one episode at a time: its reward is the one the agent
receives, the record's ``reward`` the true one); it orders the blocks from a uniform
(``block_order``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask

BLOCK_PROBS = (1.0, 0.5, 0.25, 0.125)
"""P(the risky lever pays) in the four blocks (St Onge et al. 2011; Stopper et al. 2014)."""
PERMUTATIONS = np.array(list(itertools.permutations(range(len(BLOCK_PROBS)))), np.int32)
MANIPULATIONS = ("none", "stimulation", "inhibition")
ORDERS = ("random", "descending")


@dataclass(frozen=True)
class RiskyChoiceParams:
    """The task's parameters (see ``presets.py`` for their sources)."""

    kind: ClassVar[str] = "risky-choice"

    forced_trials: int = 10
    """Forced trials at the start of each block (St Onge et al. 2011: 10)."""
    free_trials: int = 10
    """Free choices after them (St Onge et al. 2011: 10)."""
    safe_reward: float = 1.0
    """The safe lever's reward (1 pellet)."""
    risky_reward: float = 4.0
    """The risky lever's reward when it pays (4 pellets)."""
    order: str = "random"
    """Block order: ``random`` (drawn per episode) or ``descending`` (p = 1 first)."""
    manipulation: str = "none"
    """``none``, ``stimulation`` (the prediction error raised at a risky omission) or
    ``inhibition`` (lowered at a risky win)."""
    manipulation_size: float = 2.0
    """How much the manipulation moves the prediction error the agent receives."""

    @property
    def trials_per_block(self) -> int:
        return self.forced_trials + self.free_trials

    @property
    def n_trials(self) -> int:
        return self.trials_per_block * len(BLOCK_PROBS)

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: one choice per step."""
        return self.n_trials

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.forced_trials < 0 or self.free_trials < 1:
            raise ValueError(f"need forced_trials >= 0 and free_trials >= 1, got {self.forced_trials} "
                             f"and {self.free_trials}")
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {self.order!r}")
        if self.manipulation not in MANIPULATIONS:
            raise ValueError(f"manipulation must be one of {', '.join(MANIPULATIONS)}, "
                             f"got {self.manipulation!r}")
        if self.manipulation_size < 0:
            raise ValueError(f"manipulation_size must be >= 0, got {self.manipulation_size}")

    def make_task(self, held_out: bool = False) -> BatchedRiskyChoice:
        """The batched task (nothing is held out)."""
        return BatchedRiskyChoice(self)


def block_order(params: RiskyChoiceParams, u, xp=np):
    """The index into ``PERMUTATIONS`` (as a float) of an episode's block order from a
    uniform ``u`` (``xp``: numpy or ``tf.math``); index 0 is the descending order."""
    if params.order == "descending":
        return 0.0 * u
    return xp.minimum(xp.floor(u * len(PERMUTATIONS)), float(len(PERMUTATIONS) - 1))


def shift(params: RiskyChoiceParams, risky, paid):
    """The manipulation's shift of the reward the agent receives, from ``risky`` (1 when
    the risky lever was chosen) and ``paid`` (1 when it paid), numpy or TensorFlow floats."""
    if params.manipulation == "stimulation":
        return params.manipulation_size * risky * (1.0 - paid)
    if params.manipulation == "inhibition":
        return -params.manipulation_size * risky * paid
    return 0.0 * paid


def observation(forced, lever, xp=np):
    """One-hot observation: a free choice, or a forced trial with the safe or the risky
    lever out (``forced`` 1 on forced trials; ``lever`` the lever out)."""
    f32 = np.float32
    return xp.stack([xp.where(forced == 0, f32(1.0), f32(0.0)),
                     xp.where((forced == 1) & (lever == 0), f32(1.0), f32(0.0)),
                     xp.where((forced == 1) & (lever == 1), f32(1.0), f32(0.0))], axis=-1)


class BatchedRiskyChoice(BatchedTask):
    """The task on ``[seeds, batch]`` tensors. Per-step records: action, reward (the true
    one), ``p_risky``, block, ``forced``, ``lever`` (the one out on a forced trial) and
    ``shift`` (the manipulation's, added to what the agent receives)."""

    obs_shape = (3,)
    n_actions = 2
    n_uniforms = 2  # whether the risky lever pays; the next forced trial's lever
    n_init = 1  # the block order
    params: RiskyChoiceParams

    def initial_state(self, u_init):
        import tensorflow as tf

        index = tf.cast(block_order(self.params, u_init[..., 0], tf.math), tf.int32)
        probs = tf.gather(tf.constant(np.array(BLOCK_PROBS, np.float32)[PERMUTATIONS]), index)
        lever = tf.cast(u_init[..., 0] * 24.0 % 1.0 < 0.5, tf.int32)  # the first forced lever
        forced = tf.fill(tf.shape(lever), int(self.params.forced_trials > 0))
        return {"probs": probs, "lever": lever, "forced": forced}

    def observation(self, state):
        import tensorflow.experimental.numpy as tnp

        return observation(state["forced"], state["lever"], tnp)

    def step(self, state, t, action, u):
        import tensorflow as tf

        p = self.params
        block = t // p.trials_per_block
        p_risky = tf.gather(state["probs"], block, axis=-1)
        paid = tf.cast(u[..., 0] < p_risky, tf.float32)
        pressed = tf.cast(tf.equal(state["forced"], 0) | tf.equal(action, state["lever"]), tf.float32)
        risky = tf.cast(tf.equal(action, 1), tf.float32) * pressed
        reward = ((1.0 - risky) * p.safe_reward + risky * p.risky_reward * paid) * pressed
        moved = shift(p, risky, paid)
        record = {"action": action, "reward": reward, "p_risky": p_risky, "forced": state["forced"],
                  "lever": state["lever"],
                  "block": tf.fill(tf.shape(action), block), "shift": moved}
        following = (t + 1) % p.trials_per_block < p.forced_trials
        state = {**state, "forced": tf.fill(tf.shape(action), tf.cast(following, tf.int32)),
                 "lever": tf.cast(u[..., 1] < 0.5, tf.int32)}
        return state, reward + moved, record
