"""Logistic regression by Newton's method, the one fit behind the stay regressions, the
lagged regressions and the hidden-state decoders."""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def logistic_regression(x, y, l2=0.0, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients maximising ``sum log p(y | x) - 1/2 sum l2 * coef**2`` and their standard
    errors (from the inverse of the penalised Hessian at the optimum).

    ``x [n, k]`` holds every predictor (add a column of ones for an intercept), ``y [n]`` 0/1;
    ``l2`` is one penalty for all coefficients or one per column (0: unpenalised)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    penalty = np.broadcast_to(np.asarray(l2, np.float64), (x.shape[1],))
    coef = np.zeros(x.shape[1])

    def hessian(coef: np.ndarray) -> np.ndarray:
        p = expit(x @ coef)
        return x.T @ (x * (p * (1 - p))[:, None]) + np.diag(penalty + 1e-9)

    for _ in range(iterations):
        p = expit(x @ coef)
        step = np.linalg.solve(hessian(coef), x.T @ (y - p) - penalty * coef)
        coef = coef + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return coef, np.sqrt(np.diag(np.linalg.inv(hessian(coef))))
