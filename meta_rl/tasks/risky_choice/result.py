"""Test results on the risky-choice task: risky choice by block probability, beside the
reference players on the same episodes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.tasks.risky_choice.analysis import risky_by_probability
from meta_rl.tasks.risky_choice.players import PLAYERS, play

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p_risky", "block", "forced", "shift", "value")
"""One row per trial: action 0 safe, 1 risky; the true reward; P(risky pays) in the block;
the block's index; 1 on a forced trial (one lever out); the manipulation's shift of the
prediction error the agent received; the critic's value."""


@dataclass
class RiskyChoiceResult:
    """The agent's trials ``[episodes, trials]`` and the reference players' on the same
    episodes."""

    trials: dict[str, np.ndarray]
    players: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    def risky(self, player: str = "agent") -> dict[float, float]:
        actions = self.trials["action"] if player == "agent" else self.players[player]["action"]
        return risky_by_probability(actions, self.trials["p_risky"], self.trials["forced"])

    def metrics(self) -> dict[str, float]:
        return {f"risky_p{p:g}": v for p, v in self.risky().items()}

    def report(self) -> str:
        n_episodes, n_trials = self.trials["action"].shape
        probs = list(self.risky())
        lines = [f"{n_episodes} episodes of {n_trials} trials; risky choices among the free choices of the "
                 "blocks where the risky lever pays with p = " + ", ".join(f"{p:g}" for p in probs) + ":"]
        for player in ("agent", *self.players):
            lines.append(f"  {player:<12} " + "  ".join(f"{v:6.1%}" for v in self.risky(player).values()))
        moved = self.trials["shift"]
        if np.any(moved != 0):
            lines.append(f"manipulation: the prediction error moved by {moved[moved != 0].mean():+.2f} on "
                         f"{np.mean(moved != 0):.1%} of trials")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> RiskyChoiceResult:
    """The agent's test episodes and the reference players on the same payouts."""
    records = played.records
    trials = {k: np.asarray(records[k]) for k in ("action", "reward", "p_risky", "block", "forced", "shift")}
    for k in ("action", "block", "forced"):
        trials[k] = trials[k].astype(int)
    lever = np.asarray(records["lever"]).astype(int)
    trials["value"] = played.values
    rng = np.random.default_rng([seed, 9])
    p = config.task
    players = {name: play(name, trials["p_risky"], played.u_steps[..., 0], p.safe_reward, p.risky_reward, rng,
                          trials["forced"], lever) for name in PLAYERS}
    return RiskyChoiceResult(trials, players)
