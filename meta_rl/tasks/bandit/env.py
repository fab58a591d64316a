"""Bernoulli bandits: the two-armed ones of Wang et al. 2016 ("Learning to reinforcement
learn", section 3.1) and the k-armed ones of Duan et al. 2016 ("RL²", arXiv:1611.02779,
section 3.1): new reward probabilities every episode, a fixed number of pulls per episode.

* Dependent arms (two): the left lever pays with probability p, the right with 1 - p; p is
  drawn per episode uniformly in [0, 1] or from the paper's easy {0.1, 0.9}, medium
  {0.25, 0.75} or hard {0.4, 0.6} sets.
* Independent arms (two or more): each lever's probability is drawn uniformly in [0, 1]
  (RL²: k in {5, 10, 50} arms, n in {10, 100, 500} pulls).

``BatchedBandit`` is the task on ``[seeds, batch]`` tensors, played by the compiled trainer
and test and, one episode at a time, by the gymnasium wrapper (``meta_rl.tasks.gym``); p is
drawn from one uniform per arm (``arm_probs``). There is nothing to observe: the agent sees a
constant observation (1.0), with ``trial_input`` also the trial number (t / n_trials, as Wang et
al. 2016 gave their bandit agents the time step), and learns from its previous action and reward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask, OneStepPerTrial, constant_observation

N_ARMS = 2
"""Arms of Wang et al.'s bandits, the default of ``BanditParams.n_arms``."""
PROBABILITY_SETS = {"easy": (0.1, 0.9), "medium": (0.25, 0.75), "hard": (0.4, 0.6)}
"""The paper's discrete sets for p (Wang et al. 2016, Fig. 2)."""
DIFFICULTIES = ("uniform", *PROBABILITY_SETS)


@dataclass(frozen=True)
class BanditParams(OneStepPerTrial):
    """Bandit parameters; defaults: two dependent arms, p ~ U[0, 1], 100 pulls (Wang et al.
    2016, Fig. 2)."""

    kind: ClassVar[str] = "bandit"

    arms: str = "dependent"
    """``dependent``: arms pay with p and 1 - p; ``independent``: each p is uniform."""
    difficulty: str = "uniform"
    """How p is drawn for dependent arms: uniform, easy {.1,.9}, medium {.25,.75}, hard {.4,.6}."""
    n_trials: int = 100
    """Pulls per episode (Wang et al. 2016: 100; RL², Table 1: n = 10, 100 or 500)."""
    n_arms: int = N_ARMS
    """Arms (levers) per episode (Wang et al. 2016: 2; RL², Table 1: k = 5, 10 or 50, each
    p_i ~ U[0, 1] independently, so more than two arms need ``arms="independent"``)."""
    trial_input: bool = False
    """Whether the observation also holds the trial number, t / n_trials (Wang et al. 2016's
    bandit agents saw the time step; RL²'s did not). Off by default: runs saved without this
    field saw none."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.arms not in ("dependent", "independent"):
            raise ValueError(f"arms must be 'dependent' or 'independent', got {self.arms!r}")
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, "
                             f"got {self.difficulty!r}")
        if self.arms == "independent" and self.difficulty != "uniform":
            raise ValueError("independent arms are drawn uniformly: difficulty must be 'uniform'")
        self.check_trials()
        if self.n_arms < 2:
            raise ValueError(f"n_arms must be at least 2, got {self.n_arms}")
        if self.n_arms > 2 and self.arms != "independent":
            raise ValueError(f"n_arms must be 2 for dependent arms (p and 1 - p), got {self.n_arms}: "
                             "more arms need arms='independent'")

    def make_task(self, held_out: bool = False) -> BatchedBandit:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedBandit(self, held_out)


def arm_probs(params: BanditParams, *u, where=np.where) -> tuple:
    """The arms' reward probabilities from ``params.n_arms`` uniforms (numpy or TensorFlow).

    Dependent arms use the first uniform for p (or to pick one value of the discrete set) and
    ignore the second; independent arms take each uniform as one arm's probability.
    """
    if len(u) != params.n_arms:
        raise TypeError(f"arm_probs takes one uniform per arm ({params.n_arms}), got {len(u)}")
    if params.arms == "independent":
        return tuple(u)
    u0 = u[0]
    if params.difficulty == "uniform":
        p = u0
    else:
        low, high = PROBABILITY_SETS[params.difficulty]
        p = where(u0 < 0.5, low + 0.0 * u0, high + 0.0 * u0)
    return p, 1.0 - p


def arm_prob_matrix(params: BanditParams, u_init: np.ndarray) -> np.ndarray:
    """Every episode's arm probabilities ``[episodes, n_arms]`` from its initial uniforms
    ``u_init [episodes, n_init]`` (a test's ``u_init``), as ``BatchedBandit.initial_state`` draws them."""
    u_init = np.asarray(u_init)
    return np.stack(arm_probs(params, *(u_init[:, i] for i in range(params.n_arms))), axis=1)


class BatchedBandit(BatchedTask):
    """The bandit on ``[seeds, batch]`` tensors for the compiled trainer.

    Per-step records: action, reward (0/1) and, with two arms, both arms' probabilities ``p0``,
    ``p1``; with more, the chosen arm's ``p_action`` and the best arm's ``p_best`` (the full
    vector is ``arm_prob_matrix`` of the episode's ``u_init``).
    """

    n_uniforms = 1  # the reward draw
    params: BanditParams

    def __init__(self, params: BanditParams, held_out: bool = False):
        super().__init__(params, held_out)
        self.n_actions = params.n_arms
        self.n_init = params.n_arms  # one uniform per arm's probability
        self.obs_shape = (2,) if params.trial_input else (1,)

    def initial_state(self, u_init):
        import tensorflow as tf

        n = self.params.n_arms
        p = tf.stack(arm_probs(self.params, *(u_init[..., i] for i in range(n)), where=tf.where), axis=-1)
        return {"p": p, "trial": tf.zeros_like(p[..., 0])}

    def observation(self, state):
        import tensorflow as tf

        constant = constant_observation(state["p"])
        if not self.params.trial_input:
            return constant
        return tf.concat([constant, state["trial"][..., None] / self.params.n_trials], axis=-1)

    def step(self, state, t, action, u):
        import tensorflow as tf

        p_chosen = tf.gather(state["p"], action, batch_dims=2)
        reward = tf.cast(u[..., 0] < p_chosen, tf.float32)
        state = {**state, "trial": state["trial"] + 1.0}
        record = {"action": action, "reward": reward}
        if self.params.n_arms == N_ARMS:  # the committed two-armed logs keep both probabilities
            record.update(p0=state["p"][..., 0], p1=state["p"][..., 1])
        else:
            record.update(p_action=p_chosen, p_best=tf.reduce_max(state["p"], axis=-1))
        return state, reward, record


def record_keys(params: BanditParams) -> tuple[str, ...]:
    """The per-step record of ``BatchedBandit.step``: two arms log both probabilities, more
    arms the chosen one's and the best one's."""
    probs = ("p0", "p1") if params.n_arms == N_ARMS else ("p_action", "p_best")
    return ("action", "reward", *probs)


def records_to_trials(records: dict[str, np.ndarray], params: BanditParams) -> dict[str, np.ndarray]:
    """Per-step records ``[episodes, n_steps]`` -> per-trial arrays (one pull per step)."""
    return {k: np.asarray(records[k]) for k in record_keys(params)}
