"""The learner Behrens et al. 2007 and Wang et al. 2018 (Simulation 2) fitted to choices, and
Wang et al. 2016 (section 3.1.4) to its drifting bandits: a delta rule (Rescorla-Wagner) with
softmax choice and one learning rate per phase (stable or volatile), fitted by maximum
likelihood, with profile-likelihood intervals.

Exactly one option pays on each trial, so a choice and its reward tell which one did: the
learner tracks q, its estimate that option 0 pays, with q += α (o − q) after each trial
(o = 1 when option 0 paid), α being the learning rate of the trial's phase; it chooses
option 0 with probability σ(β (q − (1 − q))). q starts at 0.5 in every episode
(``meta_rl.analysis.delta_rule.values`` on that one item). Where each option pays on its
own draw (p and 1 - p), o is what the pull says: 1 after a reward on
option 0 or none on option 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.analysis.delta_rule import values
from meta_rl.analysis.likelihood import maximise, parameter_interval

NAMES = ("alpha_stable", "alpha_volatile", "beta")
BOUNDS = ((1e-3, 1.0), (1e-3, 1.0), (1e-3, 50.0))


def paid_option(actions, rewards) -> np.ndarray:
    """Which option paid (0/1) on each trial, from the choice and its reward."""
    actions, rewards = np.asarray(actions), np.asarray(rewards)
    return np.where(rewards > 0, actions, 1 - actions)


def phase_log_likelihood(theta, actions, rewards, volatile) -> float:
    """Log-likelihood of ``actions [E, N]`` under the learner with ``theta = (alpha_stable,
    alpha_volatile, beta)``; ``volatile [E, N]`` marks the volatile phase's trials."""
    alpha_stable, alpha_volatile, beta = theta
    actions = np.asarray(actions)
    option0_paid = (paid_option(actions, rewards) == 0).astype(np.float64)
    alpha = np.where(np.asarray(volatile) > 0, alpha_volatile, alpha_stable)
    # one item, tracked on every trial: the estimate that option 0 pays
    q = values(np.zeros(actions.shape, int), option0_paid, alpha, q0=0.5, n_items=1)[..., 0]
    z = beta * (2.0 * q - 1.0)  # option 0's preference
    return float(np.sum(np.where(actions == 0, -np.logaddexp(0, -z), -np.logaddexp(0, z))))


@dataclass
class PhaseFit:
    """Maximum-likelihood parameters with profile-likelihood intervals."""

    params: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    log_likelihood: float
    level: float

    @property
    def ratio(self) -> float:
        """Volatile learning rate over the stable one."""
        return self.params["alpha_volatile"] / self.params["alpha_stable"]

    def describe(self) -> str:
        def show(name):
            lo, hi = self.intervals[name]
            return f"{self.params[name]:.3f} [{lo:.3f}, {hi:.3f}]"
        return (f"learning rate stable {show('alpha_stable')}, volatile {show('alpha_volatile')} "
                f"(ratio {self.ratio:.2f}), inverse temperature {self.params['beta']:.2f} "
                f"({self.level:.0%} CI)")


def fit_phase_learning_rates(actions, rewards, volatile, level: float = 0.95) -> PhaseFit:
    """Fit ``NAMES`` (L-BFGS-B from a few starts) and each learning rate's interval."""
    def nll(theta):
        return -phase_log_likelihood(theta, actions, rewards, volatile)
    starts = ([0.2, 0.2, 3.0], [0.05, 0.3, 5.0], [0.5, 0.5, 10.0])
    theta, best = maximise(nll, starts, BOUNDS)
    intervals = {NAMES[i]: parameter_interval(nll, theta, best, i, BOUNDS, level) for i in (0, 1)}
    return PhaseFit(dict(zip(NAMES, map(float, theta))), intervals, best, level)
