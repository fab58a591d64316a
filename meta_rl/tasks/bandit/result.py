"""Test results on the bandits: the agent's cumulative regret beside the classical
algorithms', all playing the same arms with the same reward draws (Wang et al. 2016, Fig. 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.tasks.bandit.players import cumulative_regret, play, regret

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p0", "p1", "value")
"""One row per pull: the arm pulled, its reward, both arms' probabilities, the critic's value."""
BASELINES = ("thompson", "gittins", "ucb1", "epsilon-greedy", "random")
"""Classical players compared with the agent, best first (as usually ranked)."""


@dataclass
class BanditResult:
    """The agent's trials ``[episodes, trials]`` and each baseline's actions on the same arms."""

    trials: dict[str, np.ndarray]
    baselines: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    @property
    def p(self) -> np.ndarray:
        """The arms' reward probabilities ``[episodes, 2]``."""
        return np.stack([self.trials["p0"][:, 0], self.trials["p1"][:, 0]], axis=1)

    def cumulative_regret(self, player: str = "agent") -> np.ndarray:
        """Mean cumulative regret after each trial, ``[trials]``."""
        actions = self.trials["action"] if player == "agent" else self.baselines[player]["action"]
        return cumulative_regret(self.p, actions)

    def final_regret(self, player: str = "agent") -> tuple[float, float]:
        """Mean cumulative regret over the whole episode and its standard error."""
        actions = self.trials["action"] if player == "agent" else self.baselines[player]["action"]
        totals = regret(self.p, actions).sum(axis=1)
        return float(totals.mean()), float(totals.std(ddof=1) / np.sqrt(len(totals)))

    def metrics(self) -> dict[str, float]:
        """Final cumulative regret of the agent, and relative to Thompson sampling's."""
        regret = self.final_regret()[0]
        return {"regret": regret, "regret_over_thompson": regret / self.final_regret("thompson")[0]}

    def report(self) -> str:
        """The text the ``test`` command prints: final cumulative regret of every player."""
        n_episodes, n_trials = self.trials["action"].shape
        thompson = self.final_regret("thompson")[0] if "thompson" in self.baselines else np.nan
        lines = [f"cumulative regret over {n_trials} trials (mean ± s.e. over {n_episodes} "
                 "episodes; same arms and reward draws for every player):"]
        for player in ("agent", *self.baselines):
            mean, se = self.final_regret(player)
            best = self._best_arm_rate(player)
            lines.append(f"  {player:<15} {mean:6.2f} ± {se:4.2f}   best arm pulled {best:5.1%}"
                         f"   ({mean / thompson:4.2f} x Thompson)")
        return "\n".join(lines)

    def _best_arm_rate(self, player: str) -> float:
        actions = self.trials["action"] if player == "agent" else self.baselines[player]["action"]
        return float(np.mean(actions == np.argmax(self.p, axis=1)[:, None]))


def test_result(config, played, seed: int, held_out: bool = True,
                baselines: tuple[str, ...] = BASELINES) -> BanditResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the baselines
    on the same arms and reward uniforms; the baselines' own randomness comes from ``seed``."""
    trials = {k: np.asarray(played.records[k]) for k in ("action", "reward", "p0", "p1")}
    trials["action"] = trials["action"].astype(int)
    trials["reward"] = trials["reward"].astype(int)
    trials["value"] = played.values
    p = np.stack([trials["p0"][:, 0], trials["p1"][:, 0]], axis=1).astype(float)
    u_reward = played.u_steps[..., 0]
    rng = np.random.default_rng([seed, 6])
    return BanditResult(trials, {name: play(name, p, u_reward, rng) for name in baselines})
