"""The delta rule (Rescorla-Wagner), the one implementation every family uses: its update,
the values it holds over recorded trials, its softmax choice between two options, and its
learning rate and inverse temperature fitted to two-option choices by maximum likelihood.

Each item's value starts at ``q0`` in every episode; after a trial of item a with reward r,
Q(a) += α (r − Q(a)), the other items unchanged. The learner chooses option 1 with
probability σ(β (Q(1) − Q(0))). Fit intervals are profile-likelihood intervals (the other
parameter refitted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.analysis.likelihood import maximise, parameter_interval

BOUNDS = {"alpha": (1e-4, 1.0), "beta": (1e-3, 50.0)}
"""Where ``fit_delta_rule`` searches its two parameters."""


def update(q, items, rewards, alpha) -> np.ndarray:
    """The values ``q [E, n_items]`` after one trial: row e's item ``items[e]`` moves by
    ``alpha`` (a float or one rate per row) toward ``rewards[e]``. Returns a new array."""
    q = np.array(q, np.float64)
    _move(q, np.arange(len(q)), items, rewards, alpha)
    return q


def _move(q: np.ndarray, rows: np.ndarray, items, rewards, alpha) -> None:
    """The update in place on ``q``: row ``rows[e]``'s item ``items[e]`` moves by ``alpha``
    toward ``rewards[e]`` (``values`` calls it once a trial, the fits thousands of times)."""
    current = q[rows, items]
    q[rows, items] = current + alpha * (rewards - current)


def choice_probability(q, beta: float) -> np.ndarray:
    """The probability ``[E]`` that the softmax learner chooses option 1 with values ``q [E, 2]``."""
    q = np.asarray(q)
    return 1 / (1 + np.exp(-beta * (q[:, 1] - q[:, 0])))


def values(items, rewards, alpha, q0: float = 0.0, n_items: int = 2) -> np.ndarray:
    """Every item's value just before each trial, ``[E, N, n_items]``, for the trials' items
    ``[E, N]`` and rewards ``[E, N]``; ``alpha``: a float or each trial's rate ``[E, N]``."""
    items, rewards = np.asarray(items), np.asarray(rewards, np.float64)
    alpha = np.broadcast_to(np.asarray(alpha, np.float64), items.shape)
    q = np.full((len(items), n_items), float(q0))
    out = np.zeros(items.shape + (n_items,))
    rows = np.arange(len(items))
    for t in range(items.shape[1]):
        out[:, t] = q
        _move(q, rows, items[:, t], rewards[:, t], alpha[:, t])
    return out


def values_before(items, rewards, alpha, q0: float = 0.0, n_items: int = 2) -> np.ndarray:
    """The value of each trial's item (the option chosen, the stimulus shown) just before
    its outcome, ``[E, N]`` (``values`` at the trial's item)."""
    items = np.asarray(items)
    return np.take_along_axis(values(items, rewards, alpha, q0, n_items), items[..., None], -1)[..., 0]


def delta_rule_log_likelihood(alpha: float, beta: float, actions, rewards, q0: float = 0.5) -> float:
    """Log-likelihood of two-option choices ``actions [E, N]`` (0/1) with ``rewards [E, N]``
    under the softmax learner."""
    actions = np.asarray(actions)
    q = values(actions, rewards, alpha, q0)
    z = beta * (q[..., 1] - q[..., 0])
    log_p = np.where(actions == 1, -np.logaddexp(0, -z), -np.logaddexp(0, z))
    # trial by trial: the fits' committed numbers were summed in this order
    return float(sum(np.sum(log_p[:, t]) for t in range(actions.shape[1])))


@dataclass
class DeltaRuleFit:
    """Maximum-likelihood ``alpha`` and ``beta`` with profile-likelihood intervals."""

    alpha: float
    beta: float
    alpha_interval: tuple[float, float]
    beta_interval: tuple[float, float]
    log_likelihood: float
    level: float

    def describe(self) -> str:
        """One line: both parameters with their intervals."""
        (a_lo, a_hi) = self.alpha_interval
        return (f"learning rate {self.alpha:.3f} [{a_lo:.3f}, {a_hi:.3f}], "
                f"inverse temperature {self.beta:.2f} [{self.beta_interval[0]:.2f}, "
                f"{self.beta_interval[1]:.2f}] ({self.level:.0%} CI)")


def fit_delta_rule(actions, rewards, q0: float = 0.5, level: float = 0.95) -> DeltaRuleFit:
    """Fit ``alpha`` and ``beta`` to two-option choices (L-BFGS-B from a few starts): the
    learning rate a classical learner would need to behave like the agent."""
    def nll(theta):
        return -delta_rule_log_likelihood(theta[0], theta[1], actions, rewards, q0)
    bounds = [BOUNDS["alpha"], BOUNDS["beta"]]
    theta, top = maximise(nll, ([0.3, 5.0], [0.05, 2.0], [0.8, 15.0]), bounds)
    return DeltaRuleFit(float(theta[0]), float(theta[1]),
                        parameter_interval(nll, theta, top, 0, bounds, level),
                        parameter_interval(nll, theta, top, 1, bounds, level), top, level)
