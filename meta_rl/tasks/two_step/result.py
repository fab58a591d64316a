"""The two-step test: the agent's trials beside the reference players' on the same task
randomness, their stay probabilities and the logistic regression of Daw et al. (2011)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import meta_rl.tasks.two_step.analysis as analysis
from meta_rl.tasks.two_step.env import records_to_trials, trial_uniforms

CSV_COLUMNS = ("episode", "trial", "action", "state", "common", "reward", "rich_state", "value")
"""``meta-rl test --trials-csv``: one row per trial (the trial's stage-1 action, the
second-stage state reached, whether the transition was common, the reward, the rich state,
the critic's value at the step of the choice); with two steps per trial also
``value_stage2``, the value on arrival at the second-stage state."""


@dataclass
class TestResult:
    """Per-trial arrays ``[episodes, trials]`` of the agent and of the reference players."""

    trials: dict[str, np.ndarray]
    bayes: dict[str, np.ndarray]
    random: dict[str, np.ndarray]
    csv_columns: tuple[str, ...] = CSV_COLUMNS

    @property
    def stay(self) -> np.ndarray:
        t = self.trials
        return analysis.stay_probabilities(t["action"], t["common"], t["reward"])

    @property
    def regression(self) -> analysis.Regression:
        t = self.trials
        return analysis.stay_regression(t["action"], t["common"], t["reward"])

    @property
    def model_based(self) -> bool:
        return analysis.is_model_based(self.stay, self.regression)

    def reward(self, player: str = "trials") -> float:
        """Reward per 100 trials of the agent (``"trials"``), ``"random"`` or ``"bayes"``."""
        return analysis.reward_per_100(getattr(self, player)["reward"])

    def metrics(self) -> dict[str, float]:
        """Reward per 100 trials, the reward x transition interaction, model-based (0/1)."""
        return {"reward": self.reward(), "interaction": float(self.regression.coef[3]),
                "model_based": float(self.model_based)}

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""
        stay, reg = self.stay, self.regression
        lines = [
            f"reward per 100 trials: agent {self.reward():.1f} | random agent "
            f"{self.reward('random'):.1f} | Bayes-optimal observer {self.reward('bayes'):.1f}",
            "stay probabilities (previous trial):",
        ]
        lines += [f"  {name:<20} {p:.3f}" for name, p in zip(analysis.BINS, stay)]
        lines += ["logistic regression of stay (Daw et al. 2011):", reg.table(),
                  f"model-based signature: {'yes' if analysis.is_model_based(stay, reg) else 'no'}"]
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> TestResult:
    """The agent's test trials and the reference players' (Bayes-optimal observer, random
    agent) on the same task randomness; the random agent's choices come from ``seed``."""
    k = config.task.steps_per_trial
    trials = records_to_trials(played.records, k)
    trials = {name: v.astype(int) for name, v in trials.items()}
    trials["value"] = played.values[:, 0::k]  # the stage-1 step: where the choice is made
    columns = CSV_COLUMNS
    if k == 2:
        trials["value_stage2"] = played.values[:, 1::2]
        columns = (*CSV_COLUMNS, "value_stage2")
    u_trials = trial_uniforms(played.u_steps, k)
    u_init = played.u_init[:, 0]
    return TestResult(trials, analysis.bayes_observer(u_trials, u_init, config.task),
                      analysis.random_agent(u_trials, u_init, config.task, seed), columns)


@dataclass
class SeedResult:
    """One seed's final checkpoint tested with frozen weights."""

    seed: int
    episode: int
    """Training episodes of the checkpoint tested."""
    test_seed: int
    result: TestResult

    @property
    def stay(self) -> np.ndarray:
        return self.result.stay

    @property
    def regression(self) -> analysis.Regression:
        return self.result.regression

    @property
    def model_based(self) -> bool:
        return self.result.model_based

    def reward(self, player: str = "trials") -> float:
        """Reward per 100 trials of the agent (``"trials"``), ``"random"`` or ``"bayes"``."""
        return self.result.reward(player)


def bayes_stay(seed: SeedResult) -> np.ndarray:
    """Stay probabilities of the Bayes-optimal observer on the seed's test episodes."""
    b = seed.result.bayes
    return analysis.stay_probabilities(b["action"], b["common"], b["reward"])
