"""Behavioural analysis of the two-step task, as pure numpy functions.

All functions take per-trial arrays ``[episodes, trials]`` of one seed: ``actions`` (stage-1
choice, 0/1), ``common`` (1 if the transition was common) and ``rewards`` (0/1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from meta_rl.analysis.logistic import logistic_regression
from meta_rl.tables import format_columns
from meta_rl.tasks.two_step.env import TwoStepParams, initial_rich, step_trial

BINS = ("common-rewarded", "common-unrewarded", "uncommon-rewarded", "uncommon-unrewarded")
"""Order of the four stay-probability bins (previous trial's transition and reward)."""

PAPER_STAY = np.array([0.94, 0.59, 0.71, 0.95])
"""Wang et al. 2018, Simulation 4 (read off the figure), in ``BINS`` order."""
ORIGINAL_STAY = np.array([0.939, 0.539, 0.706, 0.975])
"""The original biorxiv-final checkpoint of seed 0, 301 test episodes."""
ORIGINAL_REWARD = 66.9
"""The same checkpoint's reward per 100 trials."""
PAPER_RPE_R2 = {"model-free": 5.8e-7, "model-based": 0.89}
"""Wang et al. 2018, Simulation 4 (Fig. 5, stated in the text): r² of the agent's RPE
regressed on a model-free and on a model-based learner's RPE, each alone."""


def _previous_trial_bins(actions, common, rewards):
    actions, common, rewards = (np.asarray(x) for x in (actions, common, rewards))
    stay = actions[:, 1:] == actions[:, :-1]  # the first trial of an episode has no "before"
    prev_common = common[:, :-1].astype(bool)
    prev_reward = rewards[:, :-1] > 0
    return stay.ravel(), prev_common.ravel(), prev_reward.ravel()


def stay_probabilities(actions, common, rewards) -> np.ndarray:
    """P(repeat the stage-1 choice) in the four ``BINS``, pooled over episodes.

    An empty bin gives NaN.
    """
    stays, totals = stay_counts(actions, common, rewards)
    with np.errstate(invalid="ignore", divide="ignore"):
        return stays.sum(axis=0) / totals.sum(axis=0)


def stay_counts(actions, common, rewards) -> tuple[np.ndarray, np.ndarray]:
    """Per episode, the stays and the trials of each of the four ``BINS``: ``[episodes, 4]``
    each (the first trial of an episode has no previous trial)."""
    actions, common, rewards = (np.asarray(x) for x in (actions, common, rewards))
    stay = actions[:, 1:] == actions[:, :-1]
    prev_common, prev_reward = common[:, :-1].astype(bool), rewards[:, :-1] > 0
    masks = [(prev_common == c) & (prev_reward == r)
             for c, r in ((True, True), (True, False), (False, True), (False, False))]
    return (np.stack([(stay & m).sum(axis=1) for m in masks], axis=1),
            np.stack([m.sum(axis=1) for m in masks], axis=1))


def stay_bootstrap_ci(actions, common, rewards, level: float = 0.95, n_boot: int = 2000,
                      seed: int = 0) -> np.ndarray:
    """Bootstrap confidence interval of the four stay probabilities, resampling whole
    episodes with replacement: ``[2, 4]`` (lower, upper) in ``BINS`` order."""
    stays, totals = stay_counts(actions, common, rewards)
    picks = np.random.default_rng(seed).integers(0, len(stays), (n_boot, len(stays)))
    with np.errstate(invalid="ignore", divide="ignore"):
        samples = stays[picks].sum(axis=1) / totals[picks].sum(axis=1)
    tail = (1 - level) / 2 * 100
    return np.nanpercentile(samples, [tail, 100 - tail], axis=0)


INTERACTION = "reward x transition"
"""The model-based term of ``stay_regression``."""


@dataclass(frozen=True)
class Regression:
    """Logistic regression of stay on reward, transition and their interaction (±1 coded)."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray

    @property
    def z(self) -> np.ndarray:
        return self.coef / self.se

    @property
    def p(self) -> np.ndarray:
        """Two-sided p-values of the Wald tests."""
        return 2 * stats.norm.sf(np.abs(self.z))

    @property
    def interaction(self) -> float:
        """The reward x transition coefficient: the model-based signature."""
        return float(self.coef[self.names.index(INTERACTION)])

    def table(self) -> str:
        """The coefficients as a small text table."""
        cells = [[name, f"{c:.3f}", f"{se:.3f}", f"{z:.2f}", f"{p:.2g}"]
                 for name, c, se, z, p in zip(self.names, self.coef, self.se, self.z, self.p)]
        return format_columns([["term", "coef", "se", "z", "p"], *cells])


def stay_regression(actions, common, rewards) -> Regression:
    """Daw et al. (2011): stay ~ 1 + reward + transition + reward x transition.

    Predictors are coded +1 (rewarded / common) and -1 (unrewarded / uncommon), so the
    interaction is the model-based signature and the reward term the model-free one.
    """
    stay, prev_common, prev_reward = _previous_trial_bins(actions, common, rewards)
    r = np.where(prev_reward, 1.0, -1.0)
    t = np.where(prev_common, 1.0, -1.0)
    x = np.stack([np.ones_like(r), r, t, r * t], axis=1)
    coef, se = logistic_regression(x, stay.astype(float))
    return Regression(("intercept", "reward", "transition", INTERACTION), coef, se)


@dataclass(frozen=True)
class LaggedRegression:
    """Choice regressed on the past ``lags`` trials by outcome type (Miller et al. 2016):
    ``coef[j, k - 1]`` is the tendency to repeat the choice of trial t - k when that trial
    was of type ``BINS[j]``; positive: repeat, negative: switch."""

    coef: np.ndarray
    """``[4, lags]`` in ``BINS`` order."""
    se: np.ndarray
    intercept: float

    @property
    def lags(self) -> int:
        return self.coef.shape[1]


def lagged_regression(actions, common, rewards, lags: int = 5) -> LaggedRegression:
    """Logistic regression of each stage-1 choice on the ``lags`` previous trials: for lag k
    and outcome type j (``BINS``), the regressor is +1 if trial t - k chose action 1 and was of
    type j, -1 if it chose action 0 and was of type j, else 0 (also before an episode's
    start). A model-free learner repeats rewarded choices after either transition; a
    model-based one repeats common-rewarded and uncommon-unrewarded choices and switches
    after the other two."""
    actions, common, rewards = (np.asarray(x) for x in (actions, common, rewards))
    n_episodes, n_trials = actions.shape
    signed = np.where(actions == 1, 1.0, -1.0)
    kinds = [(common == c) & ((rewards > 0) == r)
             for c, r in ((True, True), (True, False), (False, True), (False, False))]
    columns = []
    for kind in kinds:
        for k in range(1, lags + 1):
            column = np.zeros((n_episodes, n_trials))
            column[:, k:] = (signed * kind)[:, :-k]
            columns.append(column[:, 1:].ravel())  # trial 0 has no past: left out
    x = np.stack([np.ones_like(columns[0]), *columns], axis=1)
    coef, se = logistic_regression(x, (actions[:, 1:] == 1).ravel().astype(float))
    return LaggedRegression(coef[1:].reshape(4, lags), se[1:].reshape(4, lags), float(coef[0]))


def swap_aligned(actions, rich_state, window: int = 15, common_prob: float = 0.8) -> np.ndarray:
    """P(choosing the action whose common transition leads to the rich state) on the
    ``window`` trials from each swap of the rich state on (0: the first trial after it),
    pooled over the swaps of all episodes; NaN where no swap is followed that far."""
    actions, rich_state = np.asarray(actions), np.asarray(rich_state)
    toward = (actions == 0) == ((rich_state == 1) == (common_prob >= 0.5))  # a1 leads commonly to S2
    hits, counts = np.zeros(window), np.zeros(window)
    for e, t in zip(*np.nonzero(rich_state[:, 1:] != rich_state[:, :-1])):
        span = toward[e, t + 1:t + 1 + window]
        hits[:len(span)] += span
        counts[:len(span)] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return hits / counts


def is_model_based(stay: np.ndarray, regression: Regression, alpha: float = 0.05) -> bool:
    """The model-based signature: common-rewarded > uncommon-rewarded, uncommon-unrewarded
    > common-unrewarded, and a positive reward x transition interaction with p < alpha."""
    return bool(stay[0] > stay[2] and stay[3] > stay[1]
                and regression.coef[3] > 0 and regression.p[3] < alpha)


def reward_per_100(rewards) -> float:
    """Mean reward per 100 trials."""
    return float(np.mean(rewards) * 100.0)


def bayes_observer(u_trials: np.ndarray, u_init: np.ndarray, params: TwoStepParams) -> dict:
    """The Bayes-optimal observer played on given task randomness.

    It knows the task's parameters, keeps the posterior that S2 is the rich state (with the
    swap hazard applied before each trial), and picks the action whose common transition
    leads to the more probably rich state. ``u_trials [E, N, 3]`` and ``u_init [E]`` are the
    uniforms the task uses (see ``trial_uniforms``); returns per-trial arrays.
    """
    return _play(u_trials, u_init, params, policy=None)


def random_agent(u_trials: np.ndarray, u_init: np.ndarray, params: TwoStepParams,
                 seed: int) -> dict:
    """An agent choosing a1/a2 with equal probability, on the same task randomness."""
    rng = np.random.default_rng(seed)
    return _play(u_trials, u_init, params, policy=rng)


def _play(u_trials, u_init, params: TwoStepParams, policy) -> dict:
    n_episodes, n_trials, _ = u_trials.shape
    rich = initial_rich(np.asarray(u_init))
    belief = np.full(n_episodes, 0.5)  # P(S2 is rich)
    q, hi, lo = params.swap_prob, params.rich_reward_prob, params.poor_reward_prob
    out = {k: np.zeros((n_episodes, n_trials), int)
           for k in ("action", "state", "common", "reward", "rich_state")}
    for n in range(n_trials):
        belief = belief * (1 - q) + (1 - belief) * q
        if policy is None:
            # a1 leads commonly to S2: choose it when S2 is more probably rich.
            better_a1 = (belief >= 0.5) == (params.common_prob >= 0.5)
            action = np.where(better_a1, 0, 1)
        else:
            action = policy.integers(0, 2, n_episodes)
        rich, state, common, reward = step_trial(rich, action, u_trials[:, n], params)
        like_s2 = np.where(state == 1, np.where(reward > 0, hi, 1 - hi), np.where(reward > 0, lo, 1 - lo))
        like_s3 = np.where(state == 1, np.where(reward > 0, lo, 1 - lo), np.where(reward > 0, hi, 1 - hi))
        belief = belief * like_s2 / (belief * like_s2 + (1 - belief) * like_s3)
        for key, value in zip(out, (action, state, common, reward, rich)):
            out[key][:, n] = value
    return out
