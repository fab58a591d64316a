"""The two-step task (Daw et al. 2011) in the three variants of the original notebooks.

* ``step_trial``: the trial dynamics as a pure function of three uniforms, written once
  and evaluated either with numpy (the reference players) or with TensorFlow (``where`` is
  the only backend op).
* ``BatchedTwoStep``: the task on ``[seeds, batch]`` tensors, played by the compiled
  trainer and test (a whole episode in one XLA call) and, one episode at a time, by the
  gymnasium wrapper (``meta_rl.tasks.gym``).

States: 0 = S1 (first stage), 1 = S2, 2 = S3. Actions: 0 = a1, 1 = a2. Action a1 commonly
leads to S2 and a2 to S3; the "rich" second-stage state pays 1 with probability 0.9, the
other with 0.1. The observation is the one-hot of the observed state: with
``steps_per_trial=2`` the agent sees S1, acts, sees S2/S3 (reward 0), acts again (the action
has no effect) and receives the stage-2 reward; with ``steps_per_trial=1`` it sees the
stage-2 state reached on the previous trial (S1 on the first) and gets the reward of the
whole trial for its one action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask

N_STATES = 3
N_ACTIONS = 2
N_UNIFORMS = 3  # per agent step: swap, transition, reward


@dataclass(frozen=True)
class TwoStepParams:
    """Task parameters; defaults are biorxiv-final (Wang et al. 2018, Simulation 4)."""

    kind: ClassVar[str] = "two-step"

    common_prob: float = 0.8
    """Probability of the common transition (a1->S2, a2->S3). arXiv 2016: 0.75."""
    rich_reward_prob: float = 0.9
    """Reward probability in the rich second-stage state (Wang et al. 2018)."""
    poor_reward_prob: float = 0.1
    """Reward probability in the other second-stage state."""
    swap_prob: float = 0.025
    """Probability that the rich state swaps, drawn before every trial. arXiv: 0 (drawn once)."""
    n_trials: int = 100
    """Trials per episode (Wang et al. 2018: 100; arXiv 2016: 10)."""
    steps_per_trial: int = 1
    """1: one agent step per trial (biorxiv-final); 2: a stage-2 step whose action is ignored."""

    @property
    def n_steps(self) -> int:
        """Agent steps per episode."""
        return self.n_trials * self.steps_per_trial

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        for name in ("common_prob", "rich_reward_prob", "poor_reward_prob", "swap_prob"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1], got {value}")
        if self.n_trials < 2:
            raise ValueError(f"n_trials must be at least 2, got {self.n_trials}")
        if self.steps_per_trial not in (1, 2):
            raise ValueError(f"steps_per_trial must be 1 or 2, got {self.steps_per_trial}")

    def make_task(self, held_out: bool = False) -> BatchedTwoStep:
        """The batched task for the compiled trainer (nothing is held out)."""
        return BatchedTwoStep(self, held_out)


ARXIV = TwoStepParams(common_prob=0.75, swap_prob=0.0, n_trials=10, steps_per_trial=2)
"""Wang et al. 2016 (arXiv): 0.75 common, rich state drawn once per episode, 10 trials."""
BIORXIV_FIRST_TRY = TwoStepParams(steps_per_trial=2)
"""Wang et al. 2018 read as two agent steps per trial (the original's first try)."""
BIORXIV_FINAL = TwoStepParams()
"""Wang et al. 2018, Simulation 4: one agent step per trial."""


def initial_rich(u0: Any, where: Callable = np.where) -> Any:
    """Rich state (1 = S2, 2 = S3) at the start of an episode, from one uniform."""
    return where(u0 < 0.5, 1, 2)


def step_trial(rich: Any, action: Any, u: Any, p: TwoStepParams, where: Callable = np.where):
    """One trial: swap the rich state, make the transition, draw the reward.

    ``u[..., 0]`` decides the swap, ``u[..., 1]`` the transition, ``u[..., 2]`` the reward.
    Works elementwise on numpy arrays (``where=np.where``) and tensors (``where=tf.where``).
    Returns ``(rich, state, common, reward)``; ``rich`` is the rich state *of this trial*.
    """
    rich = where(u[..., 0] < p.swap_prob, 3 - rich, rich)
    common = u[..., 1] < p.common_prob
    state = where((action == 0) == common, 1, 2)
    reward = stage2_reward(state, rich, u[..., 2], p, where)
    return rich, state, common, reward


def stage2_reward(state: Any, rich: Any, u: Any, p: TwoStepParams, where: Callable = np.where):
    """Reward (0.0 or 1.0) in second-stage ``state`` given the rich state, from one uniform."""
    prob = where(state == rich, p.rich_reward_prob, p.poor_reward_prob)
    return where(u < prob, 1.0, 0.0)


def trial_uniforms(u_steps: np.ndarray, steps_per_trial: int) -> np.ndarray:
    """Map per-step uniforms ``[..., n_steps, 3]`` to the three uniforms each trial uses.

    With two steps per trial the swap and transition are drawn on the stage-1 step and the
    reward on the stage-2 step, exactly as ``BatchedTwoStep`` does.
    """
    if steps_per_trial == 1:
        return u_steps
    return np.concatenate([u_steps[..., 0::2, :2], u_steps[..., 1::2, 2:3]], axis=-1)


class BatchedTwoStep(BatchedTask):
    """The two-step task on ``[seeds, batch]`` tensors for the compiled trainer.

    ``step`` returns a per-step record (action, state, common, reward, rich) from which
    ``records_to_trials`` rebuilds one row per trial. ``held_out`` is accepted for a common
    interface with the other tasks; the two-step task has nothing to hold out.
    """

    obs_shape = (N_STATES,)
    n_actions = N_ACTIONS
    n_uniforms = N_UNIFORMS
    n_init = 1  # which second-stage state starts rich
    params: TwoStepParams

    def initial_state(self, u_init):
        import tensorflow as tf

        rich = tf.cast(initial_rich(u_init[..., 0], tf.where), tf.int32)
        zeros = tf.zeros_like(rich)
        return {"rich": rich, "state": zeros, "common": tf.zeros_like(rich, tf.bool),
                "obs": zeros}

    def observation(self, env_state):
        import tensorflow as tf

        return tf.one_hot(env_state["obs"], N_STATES)

    def step(self, env_state, t, action, u):
        import tensorflow as tf

        p = self.params
        rich, state, common, reward = step_trial(env_state["rich"], action, u, p, tf.where)
        rich = tf.cast(rich, tf.int32)
        state = tf.cast(state, tf.int32)
        reward = tf.cast(reward, tf.float32)
        if p.steps_per_trial == 1:
            obs = state
        else:
            first = tf.equal(t % 2, 0)
            reward2 = tf.cast(stage2_reward(env_state["state"], env_state["rich"], u[..., 2], p,
                                            tf.where), tf.float32)
            rich = tf.where(first, rich, env_state["rich"])
            state = tf.where(first, state, env_state["state"])
            common = tf.where(first, common, env_state["common"])
            reward = tf.where(first, 0.0, reward2)
            obs = tf.where(first, state, 0)
        new_state = {"rich": rich, "state": state, "common": common, "obs": obs}
        record = {"action": action, "state": state, "common": tf.cast(common, tf.int32),
                  "reward": reward, "rich_state": rich}
        return new_state, reward, record


def records_to_trials(records: dict[str, np.ndarray], steps_per_trial: int) -> dict[str, np.ndarray]:
    """Per-step records ``[..., n_steps]`` -> per-trial arrays ``[..., n_trials]``.

    The trial's action, state, transition and rich state are those of its stage-1 step;
    its reward is paid on its last step.
    """
    k = steps_per_trial
    trials = {name: np.asarray(records[name])[..., 0::k] for name in
              ("action", "state", "common", "rich_state")}
    trials["reward"] = np.asarray(records["reward"])[..., k - 1::k]
    return trials
