"""Test results on the matching task: the agent's choices, the matching law and the choice
history regression, beside the reference players on the same episodes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.tasks.foraging.analysis import Matching, history_regression, matching
from meta_rl.tasks.foraging.players import PLAYERS, play

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p0", "p1", "block", "value")
"""One row per choice: the option chosen, its reward, both options' base (scheduled) reward
probabilities in the block, the block's index in the episode (one block per episode), the
critic's value."""
SKIP = 20
"""Trials at the start of each block left out of the matching law (Wang et al. 2018 and
Tsutsui et al. fitted steady-state behaviour)."""


@dataclass
class ForagingResult:
    """The agent's trials ``[episodes, trials]`` and the reference players' on the same
    episodes."""

    trials: dict[str, np.ndarray]
    players: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    def choices(self, player: str = "agent") -> dict[str, np.ndarray]:
        return self.trials if player == "agent" else self.players[player]

    def matching(self, player: str = "agent") -> Matching:
        c = self.choices(player)
        return matching(c["action"], c["reward"], SKIP)

    def history(self, player: str = "agent", lags: int = 5):
        c = self.choices(player)
        return history_regression(c["action"], c["reward"], lags)

    def reward_per_trial(self, player: str = "agent") -> float:
        return float(np.mean(self.choices(player)["reward"]))

    def metrics(self) -> dict[str, float]:
        m = self.matching()
        return {"matching_slope": m.slope, "matching_r2": m.r2, "reward_per_trial": self.reward_per_trial()}

    def report(self) -> str:
        n_episodes, n_trials = self.trials["action"].shape
        lines = [f"{n_episodes} episodes (blocks) of {n_trials} trials; matching law over blocks from trial "
                 f"{SKIP + 1} (log choice ratio on log income ratio) and reward per trial:"]
        for player in ("agent", *self.players):
            m = self.matching(player)
            rewards, _, _ = self.history(player)
            weights = " ".join(f"{w:+.2f}" for w in rewards)
            lines.append(f"  {player:<16} slope {m.slope:5.2f}  R² {m.r2:4.2f}  "
                         f"reward {self.reward_per_trial(player):.3f}  reward weights by lag {weights}")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> ForagingResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the reference
    players on the same scheduled rewards; the players' own randomness comes from ``seed``."""
    records = played.records
    trials = {k: np.asarray(records[k]) for k in ("action", "reward", "p0", "p1", "block")}
    for k in ("action", "reward", "block"):
        trials[k] = trials[k].astype(int)
    trials["value"] = played.values
    p = np.stack([trials["p0"][:, 0], trials["p1"][:, 0]], axis=1).astype(np.float64)
    rng = np.random.default_rng([seed, 8])
    players = {name: play(kind, rate, beta, p, played.u_steps, rng, config.task.baiting)
               for name, (kind, rate, beta) in PLAYERS.items()}
    return ForagingResult(trials, players)
