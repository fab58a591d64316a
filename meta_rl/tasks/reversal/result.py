"""Test results on the reversal task: per-trial behaviour, the value and the prediction
error at stimulus onset, the inferred-value effect beside the reference learners'."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.analysis.rpe import prediction_errors
from meta_rl.tasks.reversal.analysis import InferredValue, inferred_value
from meta_rl.tasks.reversal.players import inferring, model_free

CSV_COLUMNS = ("episode", "trial", "stimulus", "action", "reward", "block", "big_stimulus", "value_cue",
               "rpe_cue", "value")
"""One row per trial: the stimulus shown, the response, its reward, the block's index and
its large stimulus, the critic's value at stimulus onset and the prediction error there
(γ V(stimulus) − V(fixation)); ``value`` is the value where the choice is made (the same
step as ``value_cue``)."""
HAZARD_BLOCK = 15.0
"""The inferring learner's expected block length (the preset's 10-20 trials)."""


@dataclass
class ReversalResult:
    """The agent's trials ``[episodes, trials]`` and the reference learners' values at onset."""

    trials: dict[str, np.ndarray]
    players: dict[str, np.ndarray] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    def effect(self, signal: str = "value_cue", player: str = "agent") -> InferredValue:
        """The inferred-value analysis of the agent's ``signal`` (value_cue or rpe_cue) or of
        a reference learner's value."""
        values = self.trials[signal] if player == "agent" else self.players[player]
        return inferred_value(self.trials["stimulus"], self.trials["big_stimulus"], values)

    def responded(self) -> float:
        """Fraction of trials with a response toward the stimulus shown."""
        return float(np.mean(self.trials["action"] == self.trials["stimulus"]))

    def metrics(self) -> dict[str, float]:
        value, rpe = self.effect(), self.effect("rpe_cue")
        return {"responded": self.responded(), "value_ratio": value.ratio, "rpe_ratio": rpe.ratio,
                "value_p_inferred": value.p_inferred(), "rpe_p_inferred": rpe.p_inferred()}

    def report(self) -> str:
        lines = [f"responded toward the stimulus on {self.responded():.1%} of trials; after a reversal "
                 "(signed change toward the new value, mean ± s.e. over reversals):"]
        rows = [("agent, value at onset", self.effect()), ("agent, prediction error at onset",
                                                            self.effect("rpe_cue"))]
        rows += [(f"{p}, value at onset", self.effect(player=p)) for p in self.players]
        for name, eff in rows:
            s = eff.summary()
            ex, inf = s["experienced"], s["inferred"]
            lines.append(f"  {name:<36} experienced {ex['mean']:+.3f} ± {ex['se']:.3f}"
                         f"  inferred {inf['mean']:+.3f} ± {inf['se']:.3f}"
                         f"  (ratio {s['ratio']:.2f}, p = {s['p_inferred']:.1g})")
        return "\n".join(lines)


def test_result(config, played, seed: int, held_out: bool = True) -> ReversalResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``), read per trial,
    and the reference learners on the same trials."""
    records = played.records
    trials = {k: np.asarray(records[k])[:, 1::2].astype(int)
              for k in ("action", "stimulus", "block", "big_stimulus")}
    trials["reward"] = np.asarray(records["reward"])[:, 1::2]
    values = np.asarray(played.values)
    trials["value_cue"] = values[:, 1::2]
    trials["value"] = values[:, 1::2]
    delta = prediction_errors(np.asarray(records["reward"]), values, config.gamma)
    trials["rpe_cue"] = delta[:, 0::2]  # at the fixation step: γ V(stimulus) − V(fixation)
    p = config.task
    players = {"model-free learner": model_free(trials["stimulus"], trials["reward"]),
               "inferring learner": inferring(trials["stimulus"], trials["reward"], p.big_reward,
                                              p.small_reward, 1.0 / HAZARD_BLOCK)}
    return ReversalResult(trials, players)
