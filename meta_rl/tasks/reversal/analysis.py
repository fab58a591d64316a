"""The inferred-value analysis of Bromberg-Martin et al. 2010 on reversal-task trials.

At a reversal the first trial of the new block shows a stimulus X and its reward reveals the
change. The next trial shows X again (its new value was *experienced*) or the other
stimulus Y (its new value can only be *inferred*). For that second trial, the change of a
signal at stimulus onset (the value, or the prediction error) since the same stimulus's
last presentation in the old block, signed so that a move toward the stimulus's new value
is positive, is the effect; a learner that infers moves both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass
class InferredValue:
    """Signed changes after reversals, one per reversal: ``experienced`` and ``inferred``."""

    experienced: np.ndarray
    inferred: np.ndarray

    @property
    def ratio(self) -> float:
        """Mean inferred change over mean experienced change."""
        return float(np.mean(self.inferred) / np.mean(self.experienced))

    def p_inferred(self) -> float:
        """One-sided t-test p-value that the inferred change is above zero, across reversals."""
        return float(stats.ttest_1samp(self.inferred, 0.0, alternative="greater").pvalue)

    def summary(self) -> dict:
        def describe(x):
            return {"mean": float(np.mean(x)), "se": float(np.std(x, ddof=1) / np.sqrt(len(x))), "n": len(x)}
        return {"experienced": describe(self.experienced), "inferred": describe(self.inferred),
                "ratio": self.ratio, "p_inferred": self.p_inferred()}


def inferred_value(stimulus, big, signal) -> InferredValue:
    """``stimulus``, ``big`` (the stimulus paying large) and ``signal`` (at stimulus onset),
    each ``[E, N]`` per trial -> the signed changes on the trial after each reversal's
    first trial (reversals whose second trial's stimulus was not shown in the old block are
    left out)."""
    stimulus, big, signal = np.asarray(stimulus), np.asarray(big), np.asarray(signal, np.float64)
    experienced, inferred = [], []
    for e, k in zip(*np.nonzero(np.diff(big, axis=1) != 0)):
        k += 1  # the new block's first trial
        if k + 1 >= stimulus.shape[1]:
            continue
        first, second = stimulus[e, k], stimulus[e, k + 1]
        before = np.nonzero(stimulus[e, :k] == second)[0]
        if len(before) == 0:
            continue
        sign = 1.0 if big[e, k + 1] == second else -1.0
        change = sign * (signal[e, k + 1] - signal[e, before[-1]])
        (experienced if second == first else inferred).append(change)
    return InferredValue(np.array(experienced), np.array(inferred))
