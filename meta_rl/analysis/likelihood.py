"""Profile-likelihood confidence intervals for maximum-likelihood fits."""

from __future__ import annotations

from collections.abc import Callable

from scipy import optimize, stats


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
