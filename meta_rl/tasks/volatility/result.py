"""Test results on the volatility task: the agent's choices per phase, the learning rates
of the delta rule fitted to them, and the reference players on the same episodes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.analysis.phase_fit import PhaseFit, fit_phase_learning_rates
from meta_rl.tasks.volatility.analysis import phase_accuracy
from meta_rl.tasks.volatility.players import PLAYERS, play

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p0", "p1", "volatile", "block", "value")
"""One row per choice: the option chosen, its reward, both options' probabilities of paying
(p0 + p1 = 1), 1 in the volatile phase, the block's index in the episode, the critic's value."""


@dataclass
class VolatilityResult:
    """The agent's trials ``[episodes, trials]`` and the reference players' on the same
    episodes."""

    trials: dict[str, np.ndarray]
    players: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    _fits: dict[str, PhaseFit] = field(default_factory=dict, repr=False)
    csv_columns = CSV_COLUMNS

    def choices(self, player: str = "agent") -> dict[str, np.ndarray]:
        return self.trials if player == "agent" else self.players[player]

    def accuracy(self, player: str = "agent") -> dict[str, float]:
        """Choices of the better option, per phase."""
        return phase_accuracy(self.choices(player)["action"], self.trials["p0"], self.trials["volatile"])

    def fit(self, player: str = "agent") -> PhaseFit:
        """The delta rule with one learning rate per phase, fitted to the player's choices
        (once per player: the intervals take a few seconds)."""
        if player not in self._fits:
            c = self.choices(player)
            self._fits[player] = fit_phase_learning_rates(c["action"], c["reward"], self.trials["volatile"])
        return self._fits[player]


    def metrics(self) -> dict[str, float]:
        """Accuracy per phase and the fitted learning rates."""
        fit, acc = self.fit(), self.accuracy()
        return {"accuracy_stable": acc["stable"], "accuracy_volatile": acc["volatile"],
                "alpha_stable": fit.params["alpha_stable"], "alpha_volatile": fit.params["alpha_volatile"],
                "alpha_ratio": fit.ratio}

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""
        n_episodes, n_trials = self.trials["action"].shape
        lines = [f"{n_episodes} episodes of {n_trials} trials; choices of the better option "
                 "(stable / volatile phase) and the delta rule fitted per phase:"]
        for player in ("agent", *self.players):
            acc = self.accuracy(player)
            lines.append(f"  {player:<34} {acc['stable']:6.1%} / {acc['volatile']:6.1%}   "
                         f"{self.fit(player).describe()}")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> VolatilityResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the reference
    players on the same episodes; the players' own randomness comes from ``seed``."""
    records = played.records
    names = ("action", "reward", "p0", "p1", "volatile", "block", "paid")
    trials = {k: np.asarray(records[k]) for k in names}
    for k in ("action", "reward", "volatile", "block", "paid"):
        trials[k] = trials[k].astype(int)
    trials["value"] = played.values
    rng = np.random.default_rng([seed, 7])
    u_paid = played.u_steps[..., 0]
    players = {name: play(*rates, trials["p0"], trials["volatile"], u_paid, rng)
               for name, rates in PLAYERS.items()}
    return VolatilityResult(trials, players)
