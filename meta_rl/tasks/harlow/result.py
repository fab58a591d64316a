"""Test results on the Harlow task: accuracy by trial position (Wang et al. 2018, Fig. 6c).

Trial 1 of an episode is a guess (the objects are new); from trial 2 on, an agent that has
learned to learn picks the object that was rewarded, wherever it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.tasks.harlow.episodes import SIDE_PATTERNS
from meta_rl.tasks.harlow.params import N_TRIALS
from meta_rl.tasks.harlow.trials import records_to_trials

CSV_COLUMNS = ("episode", "trial", "left_object", "right_object", "rewarded_object", "choice", "reward",
               "value")
"""One row per trial; ``value`` is the critic's value at the step the choice is made (NaN
for a trial without a choice)."""
OPTIMAL_REWARD = 25.0
"""Expected choice reward per episode of a perfect learner: trial 1 is worth 0 on average,
trials 2-6 pay +5 each."""

SIGNATURE_ACCURACY = 0.9
"""Trials 2-6 correct on held-out objects that a seed must reach to show the signature."""


def side_counting_accuracy() -> np.ndarray:
    """Expected accuracy by trial position ``[6]`` of a player that ignores the objects and
    counts the rewarded sides: every episode puts the rewarded object 3 times left and 3
    times right (``env.SIDE_PATTERNS``, all 20 orders equally likely), so after each outcome
    it picks the side with more rewarded trials left (a coin when even). An agent above it
    on trials 2-5 remembers the objects."""
    patterns = SIDE_PATTERNS.astype(int)
    right_left = N_TRIALS // 2 - np.cumsum(patterns, axis=1) + patterns  # rewarded-right trials to come
    left_left = N_TRIALS // 2 - np.cumsum(1 - patterns, axis=1) + (1 - patterns)
    p_right = np.where(right_left > left_left, 1.0, np.where(right_left < left_left, 0.0, 0.5))
    return np.where(patterns == 1, p_right, 1 - p_right).mean(axis=0)


def correct(trials: dict[str, np.ndarray]) -> np.ndarray:
    """``[episodes, trials]`` booleans: the rewarded object was chosen."""
    chosen = np.where(trials["choice"] == 0, trials["left_object"], trials["right_object"])
    return (trials["choice"] >= 0) & (chosen == trials["rewarded_object"])


def accuracy_by_trial(trials: dict[str, np.ndarray]) -> np.ndarray:
    """Fraction of episodes choosing the rewarded object at each trial position ``[6]``
    (a trial with no choice counts as wrong)."""
    return correct(trials).mean(axis=0)


def after_loss_same_sides(trials: dict[str, np.ndarray]) -> float:
    """Trial-2 accuracy in the episodes that lost trial 1 (a wrong object chosen) and show
    the pair on the same sides again: there the other object is on the other side, while
    counting sides says stay (side counting: 0; remembering the objects: 1). A partial
    strategy that finds the other object only when the pair swapped sides scores near 0."""
    ok = correct(trials)
    lost = (trials["choice"][:, 0] >= 0) & ~ok[:, 0]
    same = trials["left_object"][:, 1] == trials["left_object"][:, 0]
    cases = lost & same
    return float(ok[cases, 1].mean()) if cases.any() else float("nan")


@dataclass
class HarlowResult:
    """The agent's test trials ``[episodes, 6]`` (``CSV_COLUMNS`` after episode and trial)."""

    trials: dict[str, np.ndarray]
    held_out: bool = True
    csv_columns = CSV_COLUMNS

    @property
    def accuracy(self) -> np.ndarray:
        return accuracy_by_trial(self.trials)

    @property
    def accuracy_after_first(self) -> float:
        """Accuracy over trials 2-6 (the issue's and the paper's measure of learning to learn)."""
        return float(correct(self.trials)[:, 1:].mean())

    @property
    def after_loss_same_sides(self) -> float:
        return after_loss_same_sides(self.trials)

    @property
    def left_rewarded(self) -> float:
        """Fraction of trials with the rewarded object on the left (0.5 by construction)."""
        return float(np.mean(self.trials["left_object"] == self.trials["rewarded_object"]))

    @property
    def no_choice(self) -> float:
        return float(np.mean(self.trials["choice"] < 0))

    @property
    def reward(self) -> float:
        """Mean choice reward per episode (fixation rewards excluded; optimal 25)."""
        return float(self.trials["reward"].sum(axis=1).mean())

    def metrics(self) -> dict[str, float]:
        """Accuracy on trials 1 and 2-6, and the choice reward per episode."""
        return {"trial_1": float(self.accuracy[0]), "trials_2_6": self.accuracy_after_first,
                "reward": self.reward}

    def report(self) -> str:
        """The text the ``test`` command prints."""
        n = self.trials["choice"].shape[0]
        se = np.sqrt(np.maximum(self.accuracy * (1 - self.accuracy), 1e-12) / n)
        objects = "held-out objects" if self.held_out else "training objects"
        counting = side_counting_accuracy()
        lines = [f"accuracy by trial position ({n} episodes of {objects}; ± binomial s.e.):"]
        lines += [f"  trial {t + 1}: {a:6.1%} ± {s:4.1%}" for t, (a, s) in enumerate(zip(self.accuracy, se))]
        lines += [
            f"trial 2: {self.accuracy[1]:.1%} correct (paper, Fig. 6c: about 97-98 %); trials 2-6: "
            f"{self.accuracy_after_first:.1%} (the side-counting player: {counting[1]:.1%} and "
            f"{counting[1:].mean():.1%})",
            f"choice reward per episode: {self.reward:.2f} of an optimal {OPTIMAL_REWARD:.0f} "
            f"({self.reward / OPTIMAL_REWARD:.0%}); the original reimplementation: about 10 (40 %)",
            f"rewarded object on the left in {self.left_rewarded:.1%} of trials; no choice made in "
            f"{self.no_choice:.1%}",
        ]
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> HarlowResult:
    """The Harlow test result of the played test episodes
    (``meta_rl.learn.evaluate.TestEpisodes``)."""
    trials = records_to_trials(played.records, config.task)
    trials = {k: np.asarray(trials[k]).astype(int) for k in CSV_COLUMNS[2:-1]}
    trials["value"] = np.full(trials["choice"].shape, np.nan)
    episode, step = np.nonzero(played.records["choice"] >= 0)
    trials["value"][episode, played.records["trial"][episode, step]] = played.values[episode, step]
    return HarlowResult(trials, held_out)
