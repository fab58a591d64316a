"""Reference agents for the two-step task: a model-free and a model-based learner.

These are the two "canonical" agents of Daw et al. (2011), whose stay probabilities define
what model-free and model-based behaviour look like on the two-step task:

* ``ModelFree``: SARSA(lambda) on the task's two stages. The stage-1 action values move
  towards the value of the stage-2 state reached and then (eligibility trace ``lam``)
  towards the reward, whatever the transition was. A rewarded action is repeated, even
  after an uncommon transition: a reward main effect, no reward x transition interaction.
* ``ModelBased``: learns the value of each stage-2 state and plans with the known
  transition matrix: ``Q(a) = sum_s P(s | a) V(s)``. A reward after an uncommon transition
  raises the value of the *other* action: the reward x transition interaction.

The Bayes-optimal observer lives in ``analysis.bayes_observer``; ``play_bayes``
plays it on the same task randomness as ``play``.

Everything is plain numpy. Agents play many episodes side by side (one row of values per
episode) and choose with a softmax of inverse temperature ``beta``. ``play`` runs the task
dynamics directly (``env.step_trial``, vectorised over episodes);
``play_env`` plays the gymnasium environment one step at a time. Both return per-trial
arrays ``[episodes, trials]`` in the format of ``analysis``: ``action``, ``state``,
``common``, ``reward`` and ``rich_state``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import meta_rl.tasks.two_step.analysis as analysis
from meta_rl.tasks.gym import TaskEnv
from meta_rl.tasks.two_step.env import N_UNIFORMS, TwoStepParams, initial_rich, step_trial

TRIAL_KEYS = ("action", "state", "common", "reward", "rich_state")
SEPARATED_SE = 100.0
"""A logistic-regression standard error above this means the fit diverged (separation)."""


def softmax_choice(values: np.ndarray, beta: float, rng: np.random.Generator) -> np.ndarray:
    """Sample one action per row of ``values [E, 2]`` with P(a) proportional to exp(beta Q(a))."""
    logits = beta * (values - values.max(axis=1, keepdims=True))
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    return (rng.random(len(values)) < probs[:, 1]).astype(int)


@dataclass
class ModelFree:
    """SARSA(lambda) learner (Daw et al. 2011, the model-free part of their hybrid model).

    After a trial with stage-1 ``action``, stage-2 ``state`` and ``reward``::

        delta1 = V(state) - Q(action);   Q(action) += alpha * delta1
        delta2 = reward - V(state);      V(state)  += alpha * delta2
                                         Q(action) += alpha * lam * delta2

    With ``lam = 1`` the stage-1 value learns from the reward directly; with ``lam = 0`` only
    through the stage-2 value (still blind to whether the transition was common).
    """

    alpha: float = 1.0
    """Learning rate (1: each value is replaced by its latest target)."""
    beta: float = 3.0
    """Softmax inverse temperature."""
    lam: float = 1.0
    """Eligibility trace: how much of the stage-2 prediction error reaches the stage-1 value."""
    q: np.ndarray = field(default=None, init=False, repr=False)
    v: np.ndarray = field(default=None, init=False, repr=False)

    def reset(self, n_episodes: int) -> None:
        """Start ``n_episodes`` fresh episodes: all values 0."""
        self.q = np.zeros((n_episodes, 2))
        self.v = np.zeros((n_episodes, 3))  # indexed by state: 1 = S2, 2 = S3 (0 unused)

    def action_values(self) -> np.ndarray:
        """Stage-1 action values ``[E, 2]`` the choice is made from."""
        return self.q

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        """One stage-1 action per episode."""
        return softmax_choice(self.action_values(), self.beta, rng)

    def update(self, action: np.ndarray, state: np.ndarray, reward: np.ndarray) -> None:
        """Learn from one trial of every episode."""
        rows = np.arange(len(action))
        delta1 = self.v[rows, state] - self.q[rows, action]
        self.q[rows, action] += self.alpha * delta1
        delta2 = reward - self.v[rows, state]
        self.v[rows, state] += self.alpha * delta2
        self.q[rows, action] += self.alpha * self.lam * delta2


@dataclass
class ModelBased:
    """Planner with the known transition matrix (Daw et al. 2011, the model-based part).

    Learns the stage-2 state values ``V(s) += alpha * (reward - V(s))`` and chooses from
    ``Q(a1) = p V(S2) + (1 - p) V(S3)``, ``Q(a2) = (1 - p) V(S2) + p V(S3)``, where ``p`` is
    the probability of the common transition.
    """

    common_prob: float = 0.8
    """The transition structure the planner knows (the task's common probability)."""
    alpha: float = 0.5
    """Learning rate of the stage-2 values."""
    beta: float = 5.0
    """Softmax inverse temperature."""
    v: np.ndarray = field(default=None, init=False, repr=False)

    def reset(self, n_episodes: int) -> None:
        """Start ``n_episodes`` fresh episodes: all values 0."""
        self.v = np.zeros((n_episodes, 3))

    def action_values(self) -> np.ndarray:
        """Stage-1 action values ``[E, 2]``: expected stage-2 value under the transitions."""
        p = self.common_prob
        s2, s3 = self.v[:, 1], self.v[:, 2]
        return np.stack([p * s2 + (1 - p) * s3, (1 - p) * s2 + p * s3], axis=1)

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        """One stage-1 action per episode."""
        return softmax_choice(self.action_values(), self.beta, rng)

    def update(self, action: np.ndarray, state: np.ndarray, reward: np.ndarray) -> None:
        """Learn from one trial of every episode (the action itself carries no value)."""
        rows = np.arange(len(state))
        self.v[rows, state] += self.alpha * (reward - self.v[rows, state])


def task_uniforms(params: TwoStepParams, episodes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The task's randomness for ``episodes`` episodes: ``u_trials [E, N, 3]``, ``u_init [E]``.

    ``u_trials[..., 0]`` decides the swap of the rich state, ``[..., 1]`` the transition and
    ``[..., 2]`` the reward of each trial (see ``step_trial``).
    """
    rng = np.random.default_rng([seed, 0])
    return rng.random((episodes, params.n_trials, N_UNIFORMS)), rng.random(episodes)


def play(agent, params: TwoStepParams, episodes: int, seed: int) -> dict[str, np.ndarray]:
    """Play ``episodes`` episodes, all at once, on the task randomness of ``task_uniforms``.

    The agent's own choices use a separate random stream, so agents compared on one seed
    face exactly the same transitions, rewards and swaps.
    """
    u_trials, u_init = task_uniforms(params, episodes, seed)
    rng = np.random.default_rng([seed, 1])
    rich = initial_rich(u_init)
    agent.reset(episodes)
    out = {k: np.zeros((episodes, params.n_trials), int) for k in TRIAL_KEYS}
    for n in range(params.n_trials):
        action = agent.choose(rng)
        rich, state, common, reward = step_trial(rich, action, u_trials[:, n], params)
        agent.update(action, state, reward)
        for key, value in zip(TRIAL_KEYS, (action, state, common, reward, rich)):
            out[key][:, n] = value
    return out


def play_bayes(params: TwoStepParams, episodes: int, seed: int) -> dict[str, np.ndarray]:
    """The Bayes-optimal observer (``analysis.bayes_observer``) on the randomness of
    ``play(..., seed)``."""
    u_trials, u_init = task_uniforms(params, episodes, seed)
    return analysis.bayes_observer(u_trials, u_init, params)


def play_env(agent, env: TaskEnv, episodes: int, seed: int) -> dict[str, np.ndarray]:
    """Play a two-step gymnasium environment (``gym.make("meta_rl/TwoStep-...-v0").unwrapped``)
    one step at a time: test episodes 0 to ``episodes - 1`` of its test stream ``seed``.

    With two agent steps per trial the stage-2 action is a dummy (it has no effect on the
    task): a trial's action, state, transition and rich state are its stage-1 step's
    ``info``, its reward the stage-2 step's (as ``records_to_trials`` reads them).
    """
    params = env.params
    rng = np.random.default_rng([seed, 1])
    out = {k: np.zeros((episodes, params.n_trials), int) for k in TRIAL_KEYS}
    for e in range(episodes):
        env.reset(seed=seed if e == 0 else None)  # then the stream's next episodes
        agent.reset(1)
        for n in range(params.n_trials):
            action = int(agent.choose(rng)[0])
            _, reward, _, _, info = env.step(action)
            if params.steps_per_trial == 2:
                _, reward, _, _, _ = env.step(0)
            for key in TRIAL_KEYS:
                out[key][e, n] = reward if key == "reward" else info[key]
            agent.update(np.array([action]), np.array([info["state"]]), np.array([reward]))
    return out


def summary(trials: dict[str, np.ndarray]) -> dict:
    """Stay probabilities, logistic regression and reward per 100 trials of a played batch.

    ``regression`` and ``model_based`` are ``None`` when the logistic regression has no
    finite solution: an agent whose stays are deterministic in some bin (the Bayes-optimal
    observer always repeats after a common rewarded trial) separates the data perfectly,
    and the fit diverges (singular or huge standard errors).
    """
    args = (trials["action"], trials["common"], trials["reward"])
    stay = analysis.stay_probabilities(*args)
    regression = model_based = None
    with np.errstate(all="ignore"):
        try:
            fit = analysis.stay_regression(*args)
        except np.linalg.LinAlgError:
            fit = None
    if fit is not None and np.all(np.isfinite(fit.se)) and fit.se.max() < SEPARATED_SE:
        regression, model_based = fit, analysis.is_model_based(stay, fit)
    return {"stay": stay, "regression": regression,
            "reward_per_100": analysis.reward_per_100(trials["reward"]),
            "model_based": model_based}
