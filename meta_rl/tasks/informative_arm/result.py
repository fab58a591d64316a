"""Test results on the informative-arm task: how often the agent pays for information (the
informative arm on the first pull), how often it then uses it (the target on the remaining
pulls), and its reward beside the reference players' on the same episodes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.tasks.informative_arm.players import PLAYERS, expected_optimal_reward, play

CSV_COLUMNS = ("episode", "trial", "action", "reward", "target", "value")
"""One row per pull: the arm pulled (0-based; the informative arm is ``informative_arm``, 10 by
default), its payout, the episode's target arm, the critic's value."""


def behaviour(actions: np.ndarray, target: np.ndarray, informative_arm: int) -> dict[str, float]:
    """The paper's signature in numbers, from ``actions [E, T]`` and ``target [E]``:
    ``informative_first`` (episodes whose first pull is the informative arm),
    ``target_after_informative`` (of those episodes' later pulls, the share on the target),
    ``target_later`` (the same over every episode's later pulls)."""
    actions, target = np.asarray(actions), np.asarray(target)
    first = actions[:, 0] == informative_arm
    on_target = actions[:, 1:] == target[:, None]
    return {"informative_first": float(first.mean()),
            "target_after_informative": float(on_target[first].mean()) if first.any() else float("nan"),
            "target_later": float(on_target.mean())}


@dataclass
class InformativeArmResult:
    """The agent's trials ``[episodes, trials]`` and the players' on the same episodes."""

    trials: dict[str, np.ndarray]
    params: object
    players: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    def choices(self, player: str = "agent") -> dict[str, np.ndarray]:
        return self.trials if player == "agent" else self.players[player]

    @property
    def target(self) -> np.ndarray:
        """Each episode's target arm ``[episodes]``."""
        return self.trials["target"][:, 0]

    def reward(self, player: str = "agent") -> tuple[float, float]:
        """Mean reward per episode and its standard error."""
        total = self.choices(player)["reward"].sum(axis=1)
        return float(total.mean()), float(total.std(ddof=1) / np.sqrt(len(total)))

    def behaviour(self, player: str = "agent") -> dict[str, float]:
        return behaviour(self.choices(player)["action"], self.target, self.params.informative_arm)

    def metrics(self) -> dict[str, float]:
        """The agent's reward (and over the optimal policy's) and its ``behaviour``."""
        reward = self.reward()[0]
        return {"reward": reward, "reward_over_optimal": reward / expected_optimal_reward(self.params),
                **self.behaviour()}

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""
        n_episodes, n_trials = self.trials["action"].shape
        lines = [f"{n_episodes} episodes of {n_trials} pulls (optimal policy: "
                 f"{expected_optimal_reward(self.params):.2f} per episode expected); reward per episode, "
                 "informative arm first, then on the target:"]
        for player in ("agent", *self.players):
            mean, se = self.reward(player)
            b = self.behaviour(player)
            lines.append(f"  {player:<18} {mean:6.2f} ± {se:4.2f}   informative first "
                         f"{b['informative_first']:6.1%}   target after it "
                         f"{b['target_after_informative']:6.1%}")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> InformativeArmResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the reference
    players on the same targets; the players' own randomness comes from ``seed``."""
    records = played.records
    trials = {"action": np.asarray(records["action"]).astype(int), "reward": np.asarray(records["reward"]),
              "target": np.asarray(records["target"]).astype(int), "value": played.values}
    rng = np.random.default_rng([seed, 11])
    target = trials["target"][:, 0]
    return InformativeArmResult(trials, config.task, {name: play(name, config.task, target, rng)
                                                      for name in PLAYERS})
