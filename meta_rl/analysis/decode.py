"""Linear decoders of task variables from the agent's hidden state, cross-validated.

What the network's activity holds is read with the simplest tool that could find it: an
L2-regularised logistic regression from the LSTM's output ``lstm_h`` (``meta-rl test
--steps-npz``) to a binary task variable (which state is rich, which arm is better, which
object is rewarded: ``inside-the-agent.ipynb``). Folds split by episode, so
no episode is in both the training and the test part of a fold; the features are
standardised with the training part's statistics. A decoder fitted to labels shuffled
across episodes gives the chance level the real accuracy is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from meta_rl.analysis.logistic import logistic_regression


def fit_logistic(x, y, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Weights and bias maximising sum log p(y | x) - l2/2 |w|^2 (the bias unpenalised).
    ``x [n, d]``, ``y [n]`` of 0/1."""
    x = np.asarray(x, np.float64)
    penalty = np.r_[np.full(x.shape[1], float(l2)), 0.0]
    coef, _ = logistic_regression(np.hstack([x, np.ones((len(x), 1))]), y, penalty)
    return coef[:-1], float(coef[-1])


def predict_logistic(x, weights: np.ndarray, bias: float) -> np.ndarray:
    """P(y = 1 | x) ``[n]``."""
    return expit(np.asarray(x, np.float64) @ weights + bias)


def cross_validated_accuracy(x, y, groups, folds: int = 5, l2: float = 1.0, seed: int = 0) -> float:
    """Fraction of held-out samples classified correctly, ``folds``-fold over ``groups``
    (e.g. the episode of each sample: a group is never split between training and test)."""
    x, y, groups = np.asarray(x, np.float64), np.asarray(y), np.asarray(groups)
    unique = np.random.default_rng(seed).permutation(np.unique(groups))
    correct = 0
    for part in np.array_split(unique, folds):
        test = np.isin(groups, part)
        train = ~test
        if not test.any() or len(np.unique(y[train])) < 2:  # nothing to learn: guess the majority
            correct += int(np.sum(y[test] == np.round(np.mean(y[train]))))
            continue
        mean, sd = x[train].mean(axis=0), x[train].std(axis=0) + 1e-6
        weights, bias = fit_logistic((x[train] - mean) / sd, y[train], l2)
        guess = predict_logistic((x[test] - mean) / sd, weights, bias) > 0.5
        correct += int(np.sum(guess == (y[test] > 0.5)))
    return correct / len(y)


@dataclass
class Decoding:
    """Decoding accuracy at each position of an episode (step or trial), beside a decoder
    fitted to labels shuffled across episodes."""

    accuracy: np.ndarray
    """``[positions]``: cross-validated accuracy on the true labels."""
    shuffled: np.ndarray
    """``[positions]``: the same with labels permuted across episodes (mean of the shuffles)."""
    episodes: int

    def standard_error(self) -> np.ndarray:
        """Binomial standard error of each accuracy over the episodes."""
        return np.sqrt(self.accuracy * (1 - self.accuracy) / self.episodes)


def decode_over_episode(features, labels, folds: int = 5, l2: float = 1.0, shuffles: int = 5,
                        seed: int = 0) -> Decoding:
    """Decode ``labels [E, N]`` (0/1) from ``features [E, N, D]`` separately at each of the
    ``N`` positions, folds over episodes; the shuffled baseline permutes each position's
    labels across episodes ``shuffles`` times."""
    features, labels = np.asarray(features, np.float64), np.asarray(labels)
    n_episodes, n_positions = labels.shape
    episodes = np.arange(n_episodes)
    rng = np.random.default_rng(seed)
    accuracy, shuffled = np.zeros(n_positions), np.zeros(n_positions)
    for t in range(n_positions):
        accuracy[t] = cross_validated_accuracy(features[:, t], labels[:, t], episodes, folds, l2, seed)
        shuffled[t] = np.mean([cross_validated_accuracy(features[:, t], rng.permutation(labels[:, t]),
                                                        episodes, folds, l2, seed)
                               for _ in range(shuffles)])
    return Decoding(accuracy, shuffled, n_episodes)
