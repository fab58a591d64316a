"""Dependent arms II, the informative arm (Wang et al. 2016, "Learning to reinforcement learn",
section 3.1.3): paying now for information that pays later.

Eleven arms with deterministic payouts, 5 pulls per episode. One of ten arms is the target,
drawn uniformly each episode: it pays 5, the nine other arms pay 1. The informative arm pays
the target's rank among the ten divided by 10 (0.1 ... 1.0): on the first pull its expected
payout (0.55) is below any other arm's (1.4), but it names the target, worth 4 x 5 over the
remaining pulls. By default the informative arm is the last (action 10) and the targets are
arms 0-9; ``informative_arm`` moves it, ``target_payout`` changes the target's payout (the
held-out variants, never trained on).

The previous reward enters the network one-hot (the paper's choice: the payouts are
categories): the observation is the one-hot of the previous payout's category
(``N_CATEGORIES``: the informative arm's ten fractions, the fraction 1.0 shared with a
non-target arm's 1, then the target), zeros before the first pull. The scalar previous
reward enters too, as for every task (``meta_rl.agent.lstm.agent_input``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask, OneStepPerTrial

N_TARGETS = 10
"""Arms that can be the target (Wang et al. 2016: arms 1-10 of 11)."""
N_CATEGORIES = N_TARGETS + 1
"""Payout categories of the one-hot observation: rank r of the target (r = 0..9) says
``(r + 1) / 10`` (category r), a non-target arm's payout shares category 9 with the fraction 1.0
(both pay 1), the target's payout is category 10."""
NON_TARGET_CATEGORY = N_TARGETS - 1
TARGET_CATEGORY = N_TARGETS


@dataclass(frozen=True)
class InformativeArmParams(OneStepPerTrial):
    """The task's parameters; defaults: Wang et al. 2016, section 3.1.3."""

    kind: ClassVar[str] = "informative-arm"

    n_trials: int = 5
    """Pulls per episode (the paper: 5)."""
    informative_arm: int = N_TARGETS
    """Index of the informative arm among the 11 (the paper: the 11th, action 10); the other
    ten arms, in index order, are the possible targets."""
    target_payout: float = 5.0
    """What the target pays (the paper: 5)."""
    other_payout: float = 1.0
    """What each non-target arm pays (the paper's v3 text: 1)."""

    @property
    def n_arms(self) -> int:
        """Arms per episode: the ten possible targets and the informative one."""
        return N_TARGETS + 1

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        self.check_trials()
        if not 0 <= self.informative_arm < self.n_arms:
            raise ValueError(f"informative_arm must be in 0..{self.n_arms - 1}, got {self.informative_arm}")
        if not self.target_payout > self.other_payout >= 0:
            raise ValueError(f"need target_payout > other_payout >= 0, got {self.target_payout} and "
                             f"{self.other_payout}")

    def make_task(self, held_out: bool = False) -> BatchedInformativeArm:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedInformativeArm(self, held_out)


def target_rank(params: InformativeArmParams, target):
    """The rank (0..9) of target arm ``target`` among the arms other than the informative one."""
    return target - (target > params.informative_arm)


def payout(params: InformativeArmParams, action, target, rank=None, where=np.where):
    """What pulling ``action`` pays in an episode whose target is arm ``target``: numpy arrays,
    or (the batched task's step) TensorFlow tensors with ``where=tf.where`` and the target's
    ``rank`` as floats."""
    if rank is None:
        rank = target_rank(params, np.asarray(target))
    return where(action == params.informative_arm, (rank + 1) / N_TARGETS,
                 where(action == target, params.target_payout, params.other_payout))


class BatchedInformativeArm(BatchedTask):
    """The task on ``[seeds, batch]`` tensors. Per-step records: ``action``, ``reward`` and
    ``target`` (the target arm's index)."""

    obs_shape = (N_CATEGORIES,)
    n_uniforms = 0  # deterministic payouts
    n_init = 1  # the target
    params: InformativeArmParams

    def __init__(self, params: InformativeArmParams, held_out: bool = False):
        super().__init__(params, held_out)
        self.n_actions = params.n_arms

    def initial_state(self, u_init):
        import tensorflow as tf

        rank = tf.minimum(tf.cast(tf.floor(u_init[..., 0] * N_TARGETS), tf.int32), N_TARGETS - 1)
        target = rank + tf.cast(rank >= self.params.informative_arm, tf.int32)
        return {"rank": rank, "target": target,
                "last": tf.zeros(tf.concat([tf.shape(rank), [N_CATEGORIES]], axis=0))}

    def observation(self, state):
        return state["last"]

    def step(self, state, t, action, u):
        import tensorflow as tf

        reward = payout(self.params, action, state["target"], tf.cast(state["rank"], tf.float32),
                        where=tf.where)
        category = tf.where(tf.equal(action, self.params.informative_arm), state["rank"],
                            tf.where(tf.equal(action, state["target"]), TARGET_CATEGORY, NON_TARGET_CATEGORY))
        new = {**state, "last": tf.one_hot(category, N_CATEGORIES)}
        return new, reward, {"action": action, "reward": reward, "target": state["target"]}
