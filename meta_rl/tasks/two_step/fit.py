"""The hybrid learner of Daw et al. (2011) fitted to two-step choices by maximum likelihood.

The model mixes the two reference players (``players.ModelFree`` and ``players.ModelBased``)
on the same values: stage-2 state values V(s), model-free stage-1 values Q_MF(a) learned by
SARSA(λ), model-based values Q_MB(a) = Σ_s P(s | a) V(s) from the known transitions, and

    P(a_t) ∝ exp(β [w Q_MB(a) + (1 − w) Q_MF(a)] + π [a = a_{t−1}])

with learning rate α, eligibility trace λ, inverse temperature β, model-based weight w and
perseveration π. Values start at 0 in every episode (the agent's own memory is reset too).
w near 1 reads as model-based, near 0 as model-free; the confidence interval of w is its
profile likelihood interval (every other parameter refitted at each w).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.analysis.likelihood import maximise, parameter_interval

NAMES = ("alpha", "lam", "beta", "w", "persev")
BOUNDS = ((0.0, 1.0), (0.0, 1.0), (0.0, 30.0), (0.0, 1.0), (-5.0, 5.0))
"""Bounds of each parameter in ``NAMES`` order."""


def hybrid_log_likelihood(theta, actions, states, rewards, common_prob: float = 0.8) -> float:
    """Log-likelihood of stage-1 ``actions [E, N]`` (0/1) given the stage-2 ``states``
    (1 or 2, reached after each action) and ``rewards``, for ``theta`` in ``NAMES`` order.

    Two actions, so the softmax is a logistic of the logit difference (action 1 minus
    action 0); each value pair is kept as two vectors and updated through 0/1 masks, which
    is twice as fast as indexing by the chosen action (the fits call this thousands of times).
    """
    alpha, lam, beta, w, persev = theta
    chose_1 = (np.asarray(actions) == 1).astype(np.float64)
    in_2 = (np.asarray(states) == 2).astype(np.float64)
    rewards = np.asarray(rewards, np.float64)
    n_episodes, n_trials = chose_1.shape
    q0, q1, v1, v2 = (np.zeros(n_episodes) for _ in range(4))
    previous = np.zeros(n_episodes)  # +1 after action 1, -1 after action 0, 0 before the first
    total = 0.0
    for t in range(n_trials):
        c, s = chose_1[:, t], in_2[:, t]
        q_mb_difference = (2 * common_prob - 1) * (v2 - v1)
        logit_difference = beta * (w * q_mb_difference + (1 - w) * (q1 - q0)) + persev * previous
        sign = 2 * c - 1
        total -= np.sum(np.logaddexp(0.0, -sign * logit_difference))
        value_reached = v1 + s * (v2 - v1)
        delta1 = value_reached - (q0 + c * (q1 - q0))
        delta2 = rewards[:, t] - value_reached
        q_step = alpha * (delta1 + lam * delta2)
        q1, q0 = q1 + c * q_step, q0 + (1 - c) * q_step
        v2, v1 = v2 + s * alpha * delta2, v1 + (1 - s) * alpha * delta2
        previous = sign
    return float(total)


@dataclass
class HybridFit:
    """The maximum-likelihood parameters and the profile-likelihood interval of ``w``."""

    params: dict[str, float]
    log_likelihood: float
    w_interval: tuple[float, float]
    """Profile-likelihood confidence interval of ``w`` (``level``)."""
    level: float
    trials: int

    def describe(self) -> str:
        lo, hi = self.w_interval
        return (f"w = {self.params['w']:.2f} [{lo:.2f}, {hi:.2f}] ({self.level:.0%} CI), "
                + ", ".join(f"{k} {self.params[k]:.2f}" for k in NAMES if k != "w"))


def fit_hybrid(actions, states, rewards, common_prob: float = 0.8, level: float = 0.95,
               seed: int = 0) -> HybridFit:
    """Fit ``NAMES`` by maximum likelihood (L-BFGS-B from several starting points) and the
    profile-likelihood interval of ``w``."""
    data = (actions, states, rewards, common_prob)
    rng = np.random.default_rng(seed)
    starts = [np.array([0.5, 0.5, 3.0, 0.5, 0.0])] + [
        np.array([rng.uniform(*b) if k != "beta" else rng.uniform(0.5, 10) for k, b in zip(NAMES, BOUNDS)])
        for _ in range(3)]
    def nll(theta):
        return -hybrid_log_likelihood(theta, *data)
    theta, best = maximise(nll, starts, BOUNDS)
    return HybridFit(params=dict(zip(NAMES, map(float, theta))), log_likelihood=best,
                     w_interval=parameter_interval(nll, theta, best, NAMES.index("w"), BOUNDS, level),
                     level=level, trials=int(np.asarray(actions).size))


def arrival_prediction_errors(actions, states, rewards, alpha: float, lam: float = 1.0,
                              common_prob: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The prediction errors a model-free and a model-based learner would compute on arrival
    at the second-stage state of each trial (Daw et al. 2011): δ_MF = V(s) − Q_MF(a) and
    δ_MB = V(s) − Q_MB(a), both ``[E, N]``, from the values the hybrid model's two learners
    (learning rate ``alpha``, trace ``lam``) hold before the trial, played on these trials."""
    actions, states = np.asarray(actions), np.asarray(states)
    rewards = np.asarray(rewards, np.float64)
    n_episodes, n_trials = actions.shape
    rows = np.arange(n_episodes)
    q = np.zeros((n_episodes, 2))
    v = np.zeros((n_episodes, 3))
    p = common_prob
    mf, mb = np.zeros((n_episodes, n_trials)), np.zeros((n_episodes, n_trials))
    for t in range(n_trials):
        a, s = actions[:, t], states[:, t]
        q_mb = np.where(a == 0, p * v[:, 1] + (1 - p) * v[:, 2], (1 - p) * v[:, 1] + p * v[:, 2])
        mf[:, t], mb[:, t] = v[rows, s] - q[rows, a], v[rows, s] - q_mb
        q[rows, a] += alpha * (v[rows, s] - q[rows, a])
        delta2 = rewards[:, t] - v[rows, s]
        v[rows, s] += alpha * delta2
        q[rows, a] += alpha * lam * delta2
    return mf, mb


@dataclass
class RPERegression:
    """Least squares of a prediction error on the model-free and model-based ones:
    ``delta ≈ intercept + b_MF δ_MF + b_MB δ_MB`` (regressors in their own units)."""

    coef: np.ndarray
    """``[intercept, b_MF, b_MB]``."""
    se: np.ndarray
    r2: float
    """Of the joint regression."""
    r2_alone: tuple[float, float]
    """``(r² on δ_MF alone, r² on δ_MB alone)``: Wang et al. 2018 (Simulation 4) report the
    agent's RPE regressed on each learner's separately."""

    @property
    def model_based_share(self) -> float:
        """b_MB / (|b_MF| + |b_MB|): 1 for a purely model-based signal, 0 for model-free."""
        mf, mb = self.coef[1], self.coef[2]
        return float(mb / (abs(mf) + abs(mb))) if abs(mf) + abs(mb) > 0 else float("nan")


def rpe_regression(delta, delta_mf, delta_mb) -> RPERegression:
    """Regress ``delta`` (e.g. the agent's δ on arrival at stage 2) on ``delta_mf`` and
    ``delta_mb`` (``arrival_prediction_errors``) over all trials; ordinary least squares
    with the usual standard errors."""
    y = np.asarray(delta, np.float64).ravel()
    x = np.stack([np.ones_like(y), np.asarray(delta_mf, np.float64).ravel(),
                  np.asarray(delta_mb, np.float64).ravel()], axis=1)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ coef
    dof = max(len(y) - x.shape[1], 1)
    cov = np.linalg.pinv(x.T @ x) * (residual @ residual / dof)
    r2 = 1 - residual @ residual / max(np.sum((y - y.mean()) ** 2), 1e-300)
    alone = tuple(_squared_correlation(y, x[:, k]) for k in (1, 2))
    return RPERegression(coef, np.sqrt(np.diag(cov)), float(r2), alone)


def _squared_correlation(y: np.ndarray, x: np.ndarray) -> float:
    """r² of the least-squares line of ``y`` on one regressor (0 when either is constant)."""
    y, x = y - y.mean(), x - x.mean()
    denominator = (y @ y) * (x @ x)
    return float((y @ x) ** 2 / denominator) if denominator > 0 else 0.0
