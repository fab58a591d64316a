"""Two-armed Bernoulli bandits, the simple example of Wang et al. 2016 ("Learning to
reinforcement learn", section 3.1): a room with two levers, new reward probabilities every
episode, 100 pulls per episode.

* Dependent arms: the left lever pays with probability p, the right with 1 - p; p is drawn
  per episode uniformly in [0, 1] or from the paper's easy {0.1, 0.9}, medium {0.25, 0.75}
  or hard {0.4, 0.6} sets.
* Independent arms: each lever's probability is drawn uniformly in [0, 1].

``BatchedBandit`` is the task on ``[seeds, batch]`` tensors, played by the compiled trainer
and test and, one episode at a time, by the gymnasium wrapper (``meta_rl.tasks.gym``); p is
drawn from two uniforms (``arm_probs``). There is nothing to observe: the agent sees a
constant observation (1.0) and learns from its previous action and reward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask, constant_observation

N_ARMS = 2
PROBABILITY_SETS = {"easy": (0.1, 0.9), "medium": (0.25, 0.75), "hard": (0.4, 0.6)}
"""The paper's discrete sets for p (Wang et al. 2016, Fig. 2)."""
DIFFICULTIES = ("uniform", *PROBABILITY_SETS)


@dataclass(frozen=True)
class BanditParams:
    """Bandit parameters; defaults: dependent arms, p ~ U[0, 1] (Wang et al. 2016, Fig. 2)."""

    kind: ClassVar[str] = "bandit"

    arms: str = "dependent"
    """``dependent``: arms pay with p and 1 - p; ``independent``: each p is uniform."""
    difficulty: str = "uniform"
    """How p is drawn for dependent arms: uniform, easy {.1,.9}, medium {.25,.75}, hard {.4,.6}."""
    n_trials: int = 100
    """Pulls per episode (Wang et al. 2016: 100)."""

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: one pull per step."""
        return self.n_trials

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.arms not in ("dependent", "independent"):
            raise ValueError(f"arms must be 'dependent' or 'independent', got {self.arms!r}")
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, "
                             f"got {self.difficulty!r}")
        if self.arms == "independent" and self.difficulty != "uniform":
            raise ValueError("independent arms are drawn uniformly: difficulty must be 'uniform'")
        if self.n_trials < 1:
            raise ValueError(f"n_trials must be at least 1, got {self.n_trials}")

    def make_task(self, held_out: bool = False) -> BatchedBandit:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedBandit(self, held_out)


def arm_probs(params: BanditParams, u0, u1, where=np.where):
    """The two arms' reward probabilities from two uniforms (numpy or TensorFlow).

    Dependent arms use ``u0`` for p (or to pick one value of the discrete set) and ignore
    ``u1``; independent arms take ``u0`` and ``u1`` as the two probabilities.
    """
    if params.arms == "independent":
        return u0, u1
    if params.difficulty == "uniform":
        p = u0
    else:
        low, high = PROBABILITY_SETS[params.difficulty]
        p = where(u0 < 0.5, low + 0.0 * u0, high + 0.0 * u0)
    return p, 1.0 - p


class BatchedBandit(BatchedTask):
    """The bandit on ``[seeds, batch]`` tensors for the compiled trainer.

    Per-step records: action, reward (0/1) and the arms' probabilities ``p0``, ``p1``.
    """

    obs_shape = (1,)
    n_actions = N_ARMS
    n_uniforms = 1  # the reward draw
    n_init = 2  # the arms' probabilities
    params: BanditParams

    def initial_state(self, u_init):
        import tensorflow as tf

        p0, p1 = arm_probs(self.params, u_init[..., 0], u_init[..., 1], tf.where)
        return {"p": tf.stack([p0, p1], axis=-1)}

    def observation(self, state):
        return constant_observation(state["p"])

    def step(self, state, t, action, u):
        import tensorflow as tf

        p_chosen = tf.gather(state["p"], action, batch_dims=2)
        reward = tf.cast(u[..., 0] < p_chosen, tf.float32)
        record = {"action": action, "reward": reward, "p0": state["p"][..., 0],
                  "p1": state["p"][..., 1]}
        return state, reward, record


def records_to_trials(records: dict[str, np.ndarray], params: BanditParams) -> dict[str, np.ndarray]:
    """Per-step records ``[episodes, n_steps]`` -> per-trial arrays (one pull per step)."""
    return {k: np.asarray(records[k]) for k in ("action", "reward", "p0", "p1")}
