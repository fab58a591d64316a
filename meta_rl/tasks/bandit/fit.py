"""A delta-rule (Rescorla-Wagner) learner with softmax choice, fitted to two-armed bandit
choices by maximum likelihood: the learning rate a classical learner would need to behave
like the agent.

Each arm's value starts at ``q0`` in every episode; after pulling arm a with reward r,
Q(a) += α (r − Q(a)); the next choice is arm 1 with probability σ(β (Q(1) − Q(0))).
Confidence intervals are profile-likelihood intervals (the other parameter refitted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.analysis.likelihood import maximise, parameter_interval

BOUNDS = {"alpha": (1e-4, 1.0), "beta": (1e-3, 50.0)}


def delta_rule_log_likelihood(alpha: float, beta: float, actions, rewards, q0: float = 0.5) -> float:
    """Log-likelihood of ``actions [E, N]`` (0/1) with ``rewards [E, N]`` under the learner."""
    actions, rewards = np.asarray(actions), np.asarray(rewards, np.float64)
    rows = np.arange(len(actions))
    q = np.full((len(actions), 2), float(q0))
    total = 0.0
    for t in range(actions.shape[1]):
        z = beta * (q[:, 1] - q[:, 0])
        a = actions[:, t]
        total += np.sum(np.where(a == 1, -np.logaddexp(0, -z), -np.logaddexp(0, z)))
        q[rows, a] += alpha * (rewards[:, t] - q[rows, a])
    return float(total)


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
        (a_lo, a_hi) = self.alpha_interval
        return (f"learning rate {self.alpha:.3f} [{a_lo:.3f}, {a_hi:.3f}], "
                f"inverse temperature {self.beta:.2f} [{self.beta_interval[0]:.2f}, "
                f"{self.beta_interval[1]:.2f}] ({self.level:.0%} CI)")


def fit_delta_rule(actions, rewards, q0: float = 0.5, level: float = 0.95) -> DeltaRuleFit:
    """Fit ``alpha`` and ``beta`` to the choices (L-BFGS-B from a few starts)."""
    def nll(theta):
        return -delta_rule_log_likelihood(theta[0], theta[1], actions, rewards, q0)
    bounds = [BOUNDS["alpha"], BOUNDS["beta"]]
    theta, top = maximise(nll, ([0.3, 5.0], [0.05, 2.0], [0.8, 15.0]), bounds)
    return DeltaRuleFit(float(theta[0]), float(theta[1]),
                        parameter_interval(nll, theta, top, 0, bounds, level),
                        parameter_interval(nll, theta, top, 1, bounds, level), top, level)


def simulate_delta_rule(alpha: float, beta: float, p, u_reward, seed: int = 0, q0: float = 0.5):
    """Choices and rewards ``[E, N]`` of the learner on arms ``p [E, 2]`` with the reward
    uniforms ``u_reward [E, N]`` (reward: ``u < p[action]``, as in ``env.py``)."""
    p, u_reward = np.asarray(p), np.asarray(u_reward)
    rng = np.random.default_rng(seed)
    rows = np.arange(len(p))
    q = np.full((len(p), 2), float(q0))
    actions = np.zeros(u_reward.shape, int)
    rewards = np.zeros(u_reward.shape, int)
    for t in range(u_reward.shape[1]):
        a = (rng.random(len(p)) < 1 / (1 + np.exp(-beta * (q[:, 1] - q[:, 0])))).astype(int)
        r = (u_reward[:, t] < p[rows, a]).astype(int)
        q[rows, a] += alpha * (r - q[rows, a])
        actions[:, t], rewards[:, t] = a, r
    return actions, rewards
