"""Test results on the restless bandits: the agent's regret beside the reference players' on
the same episodes, and the delta rule fitted to its choices with one learning rate per
volatility level (``meta_rl.analysis.phase_fit``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.analysis.phase_fit import PhaseFit, fit_phase_learning_rates
from meta_rl.tasks.restless.env import LEVELS
from meta_rl.tasks.restless.players import PLAYERS, TUNED, play, regret

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p0", "p1", "volatility", "value")
"""One row per pull: the arm pulled, its reward, both arms' probabilities at that pull, the
episode's volatility level (0 low, 1 high), the critic's value."""


@dataclass
class RestlessResult:
    """The agent's trials ``[episodes, trials]`` and the players' on the same episodes."""

    trials: dict[str, np.ndarray]
    players: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    _fits: dict[str, PhaseFit] = field(default_factory=dict, repr=False)
    csv_columns = CSV_COLUMNS

    def choices(self, player: str = "agent") -> dict[str, np.ndarray]:
        return self.trials if player == "agent" else self.players[player]

    @property
    def high(self) -> np.ndarray:
        """Each episode's level ``[episodes]`` (True: high volatility)."""
        return self.trials["volatility"][:, 0] > 0

    def regret(self, player: str = "agent") -> dict[str, float]:
        """Mean expected regret per episode, overall and per level."""
        per_episode = regret(self.trials["p0"], self.choices(player)["action"]).sum(axis=1)
        out = {"all": float(per_episode.mean())}
        out.update({level: float(per_episode[self.high == bool(i)].mean()) for i, level in enumerate(LEVELS)})
        return out

    def fit(self, player: str = "agent") -> PhaseFit:
        """The delta rule with one learning rate per level fitted to the player's choices
        (``alpha_stable``: the low level, ``alpha_volatile``: the high), once per player."""
        if player not in self._fits:
            c = self.choices(player)
            self._fits[player] = fit_phase_learning_rates(c["action"], c["reward"], self.trials["volatility"])
        return self._fits[player]

    def metrics(self) -> dict[str, float]:
        """The agent's regret (and over each player's) and its fitted learning rates."""
        mine, fit = self.regret()["all"], self.fit()
        out = {"regret": mine}
        out.update({f"regret_over_{p}": mine / self.regret(p)["all"] for p in self.players})
        return {**out, "alpha_low": fit.params["alpha_stable"], "alpha_high": fit.params["alpha_volatile"]}

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""
        n_episodes, n_trials = self.trials["action"].shape
        lines = [f"{n_episodes} episodes of {n_trials} pulls; regret per episode (all / low / high "
                 "volatility) and the delta rule fitted per level (learning rate low, high):"]
        for player in ("agent", *self.players):
            r, fit = self.regret(player), self.fit(player)
            (lo_low, hi_low) = fit.intervals["alpha_stable"]
            (lo_high, hi_high) = fit.intervals["alpha_volatile"]
            lines.append(f"  {player:<16} {r['all']:6.2f} / {r['low']:5.2f} / {r['high']:5.2f}   α "
                         f"{fit.params['alpha_stable']:.3f} [{lo_low:.3f}, {hi_low:.3f}], "
                         f"{fit.params['alpha_volatile']:.3f} [{lo_high:.3f}, {hi_high:.3f}]")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> RestlessResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the reference
    players on the same drifts and reward draws; the players' own randomness comes from ``seed``."""
    records = played.records
    trials = {k: np.asarray(records[k]) for k in ("action", "reward", "p0", "p1", "volatility")}
    for k in ("action", "reward", "volatility"):
        trials[k] = trials[k].astype(int)
    trials["value"] = played.values
    rng = np.random.default_rng([seed, 12])
    u_reward = played.u_steps[..., 0]
    settings = {**TUNED, "bayes": {"params": config.task}}
    return RestlessResult(trials, {name: play(name, trials["p0"], u_reward, rng, **settings.get(name, {}))
                                   for name in PLAYERS})
