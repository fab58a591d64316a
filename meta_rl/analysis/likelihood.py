"""Profile-likelihood confidence intervals for maximum-likelihood fits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import optimize, stats


def maximise(objective: Callable[[np.ndarray], float], starts: Sequence, bounds: Sequence
             ) -> tuple[np.ndarray, float]:
    """Minimise ``objective`` (a negative log-likelihood) by L-BFGS-B from each of ``starts``
    within ``bounds``: the best parameters and the log-likelihood there."""
    best = None
    for start in starts:
        result = optimize.minimize(objective, np.asarray(start, np.float64), method="L-BFGS-B", bounds=bounds)
        if best is None or result.fun < best.fun:
            best = result
    return np.asarray(best.x), -float(best.fun)


def parameter_interval(nll: Callable[[np.ndarray], float], theta: np.ndarray, best: float, index: int,
                       bounds: Sequence[tuple[float, float]], level: float = 0.95) -> tuple[float, float]:
    """The profile-likelihood interval of parameter ``index`` of a fit at ``theta`` (log-
    likelihood ``best``) of the negative log-likelihood ``nll``: the other parameters are
    refitted, from ``theta``'s values, at every value tried."""
    others = [b for k, b in enumerate(bounds) if k != index]
    start = np.delete(np.asarray(theta, np.float64), index)

    def profile(x: float) -> float:
        return maximise(lambda rest: nll(np.insert(rest, index, x)), [start], others)[1]

    return profile_interval(profile, best, float(theta[index]), bounds[index], level)


def profile_interval(profile: Callable[[float], float], best: float, estimate: float,
                     bounds: tuple[float, float], level: float = 0.95) -> tuple[float, float]:
    """The values of one parameter whose profile log-likelihood (``profile(x)``: the best
    log-likelihood with the parameter held at ``x``) lies within chi2(1, level) / 2 of the
    maximum ``best``, reached at ``estimate``: the interval's ends by root finding on either
    side, or the bound where the profile never falls that far."""
    threshold = stats.chi2.ppf(level, df=1) / 2

    def gap(x: float) -> float:
        return best - profile(x) - threshold

    lo = bounds[0] if estimate <= bounds[0] or gap(bounds[0]) <= 0 else optimize.brentq(
        gap, bounds[0], estimate, xtol=1e-4)
    hi = bounds[1] if estimate >= bounds[1] or gap(bounds[1]) <= 0 else optimize.brentq(
        gap, estimate, bounds[1], xtol=1e-4)
    return float(lo), float(hi)
