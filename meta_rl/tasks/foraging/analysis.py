"""Analyses of the matching task (Wang et al. 2018, Fig. 2; Tsutsui et al. 2016; Lau &
Glimcher 2005): the matching law across blocks, choices regressed on past rewards and
choices, and which task variables single LSTM units code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from meta_rl.analysis.logistic import logistic_regression


@dataclass
class Matching:
    """log(choice ratio) = intercept + slope · log(reward ratio), one point per block."""

    slope: float
    intercept: float
    r2: float
    log_reward_ratio: np.ndarray
    log_choice_ratio: np.ndarray


def matching(actions, rewards, skip: int = 0) -> Matching:
    """The matching law over blocks (rows of ``actions`` and ``rewards [blocks, N]``, option
    1 over option 0) by least squares, from trial ``skip`` on; blocks where an option was
    never chosen or never paid are left out (their log ratio is infinite)."""
    actions, rewards = np.asarray(actions)[:, skip:], np.asarray(rewards, np.float64)[:, skip:]
    chosen1 = (actions == 1).sum(axis=1)
    chosen0 = (actions == 0).sum(axis=1)
    income1 = (rewards * (actions == 1)).sum(axis=1)
    income0 = (rewards * (actions == 0)).sum(axis=1)
    keep = (chosen0 > 0) & (chosen1 > 0) & (income0 > 0) & (income1 > 0)
    x, y = np.log(income1[keep] / income0[keep]), np.log(chosen1[keep] / chosen0[keep])
    fit = stats.linregress(x, y)
    return Matching(float(fit.slope), float(fit.intercept), float(fit.rvalue ** 2), x, y)


def history_regression(actions, rewards, lags: int = 5):
    """Logistic regression of choosing option 1 on the past ``lags`` trials' rewards (+1 a
    reward from option 1, −1 from option 0, 0 none) and choices (+1 option 1, −1 option 0),
    Lau & Glimcher 2005 style. Returns ``(reward weights [lags], choice weights [lags],
    their standard errors [2, lags])``."""
    actions, rewards = np.asarray(actions), np.asarray(rewards, np.float64)
    signed_choice = np.where(actions == 1, 1.0, -1.0)
    signed_reward = signed_choice * rewards
    n = actions.shape[1]
    x = np.concatenate([np.stack([signed_reward[:, lags - k:n - k] for k in range(1, lags + 1)], axis=-1),
                        np.stack([signed_choice[:, lags - k:n - k] for k in range(1, lags + 1)], axis=-1)],
                       axis=-1).reshape(-1, 2 * lags)
    y = (actions[:, lags:] == 1).reshape(-1).astype(float)
    coef, se = logistic_regression(np.concatenate([np.ones((len(x), 1)), x], axis=1), y)
    coef, se = coef[1:], se[1:]  # the intercept: a side bias
    return coef[:lags], coef[lags:], np.stack([se[:lags], se[lags:]])


def decay_slope(weights) -> float:
    """Least-squares slope of regression weights against their lag (1, 2, ...): below zero
    when the weights fall with lag overall."""
    weights = np.asarray(weights, np.float64)
    return float(np.polyfit(np.arange(1, len(weights) + 1), weights, 1)[0])


UNIT_REGRESSORS = ("previous action", "previous reward", "previous action x reward", "chosen value")
"""What single units are tested for (Wang et al. 2018, Fig. 2e; Tsutsui et al. 2016)."""


def unit_coding(h, actions, rewards, chosen_value, alpha: float = 0.05) -> dict[str, float]:
    """Fraction of units whose activity at the choice ``h [E, N, units]`` depends on each of
    ``UNIT_REGRESSORS`` (t-test of its coefficient in a per-unit least-squares regression on
    all four, two-sided, at level ``alpha``; trials from the second on)."""
    actions, rewards = np.asarray(actions, np.float64), np.asarray(rewards, np.float64)
    prev_a, prev_r = 2 * actions[:, :-1] - 1, 2 * rewards[:, :-1] - 1
    x = np.stack([prev_a, prev_r, prev_a * prev_r, np.asarray(chosen_value, np.float64)[:, 1:]], axis=-1)
    x = x.reshape(-1, 4)
    x = np.concatenate([np.ones((len(x), 1)), (x - x.mean(axis=0)) / x.std(axis=0).clip(1e-12)], axis=1)
    y = np.asarray(h, np.float64)[:, 1:].reshape(len(x), -1)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ coef
    dof = len(x) - x.shape[1]
    sigma2 = (residual ** 2).sum(axis=0) / dof
    se = np.sqrt(np.outer(np.diag(np.linalg.inv(x.T @ x)), sigma2))
    p = 2 * stats.t.sf(np.abs(coef / np.where(se > 0, se, np.inf)), dof)
    return {name: float(np.mean(p[k + 1] < alpha)) for k, name in enumerate(UNIT_REGRESSORS)}
