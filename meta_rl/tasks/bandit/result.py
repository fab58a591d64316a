"""Test results on the bandits: the agent beside the classical players, all playing the same
arms with the same reward draws.

Two arms (Wang et al. 2016, Fig. 2): cumulative regret, the exact Bayes-optimal player of the
set's prior (``bayes_optimal.py``) as the floor. More arms (Duan et al. 2016, "RL²", Table 1):
the expected total reward, beside RL²'s players (``rl2.py``) and its published numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import meta_rl.tasks.bandit.bayes_optimal as bayes_optimal
import meta_rl.tasks.bandit.k_optimal as k_optimal
import meta_rl.tasks.bandit.rl2 as rl2
from meta_rl.tasks.bandit.env import N_ARMS, arm_prob_matrix, records_to_trials
from meta_rl.tasks.bandit.players import cumulative_regret, expected_reward, play, regret

CSV_COLUMNS = ("episode", "trial", "action", "reward", "p0", "p1", "value")
"""Two arms: one row per pull, the arm pulled, its reward, both arms' probabilities, the critic's value."""
K_ARMED_CSV_COLUMNS = ("episode", "trial", "action", "reward", "p_action", "p_best", "value")
"""More arms: the chosen arm's and the best arm's probabilities instead of every arm's."""
BAYES_OPTIMAL = "bayes-optimal"
BASELINES = ("thompson", "gittins", "ucb1", "epsilon-greedy", "random", BAYES_OPTIMAL)
"""Players compared with the agent on two arms: the classical ones, best first (as usually
ranked), then the exact Bayes-optimal player (last: it draws no random numbers, so the others
play exactly as they did before it joined)."""
K_ARMED_BASELINES = rl2.PLAYERS
"""Players compared with the agent on more arms: RL²'s Table 1, in its column order; the exact
Bayes-optimal player (``k_optimal.py``) joins them where episodes are short enough for it."""
MAX_BAYES_STATES = 25_000_000
"""The largest Bayes-optimal table played (independent arms: C(n + 3, 4) states after fewer than
n pulls, 9 bytes each; measured: 100 pulls, 4.4 million states, 40 MB, 0.4 s to build; 150 pulls,
22 million, 198 MB, 1.9 s). Longer independent episodes are tested without it."""


@dataclass
class BanditResult:
    """The agent's trials ``[episodes, trials]`` and each baseline's actions on the same arms.

    ``probabilities``: every arm's p ``[episodes, k]`` when there are more than two arms (the
    trials keep only the chosen and the best arm's); with two, None (read from ``p0``, ``p1``).
    """

    trials: dict[str, np.ndarray]
    baselines: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    probabilities: np.ndarray | None = None
    csv_columns = CSV_COLUMNS

    def __post_init__(self):
        if "p_action" in self.trials:
            if self.probabilities is None:
                raise ValueError("a k-armed result needs every arm's probabilities")
            self.csv_columns = K_ARMED_CSV_COLUMNS

    @property
    def p(self) -> np.ndarray:
        """The arms' reward probabilities ``[episodes, k]``."""
        if self.probabilities is not None:
            return self.probabilities
        return np.stack([self.trials["p0"][:, 0], self.trials["p1"][:, 0]], axis=1)

    @property
    def n_arms(self) -> int:
        """Arms per episode."""
        return self.p.shape[1]

    def actions(self, player: str = "agent") -> np.ndarray:
        """The arms ``player`` (``agent`` or a baseline) pulled, ``[episodes, trials]``."""
        return self.trials["action"] if player == "agent" else self.baselines[player]["action"]

    def cumulative_regret(self, player: str = "agent") -> np.ndarray:
        """Mean cumulative regret after each trial, ``[trials]``."""
        return cumulative_regret(self.p, self.actions(player))

    def final_regret(self, player: str = "agent") -> tuple[float, float]:
        """Mean cumulative regret over the whole episode and its standard error."""
        return _mean_se(regret(self.p, self.actions(player)).sum(axis=1))

    def regret_ratio_se(self, reference: str = BAYES_OPTIMAL) -> float:
        """Standard error of the agent's mean regret over ``reference``'s on the same episodes:
        ``ratio_se`` of the two players' per-episode regrets."""
        return ratio_se(regret(self.p, self.actions()).sum(axis=1),
                        regret(self.p, self.actions(reference)).sum(axis=1))

    def expected_reward(self, player: str = "agent") -> tuple[float, float]:
        """Mean expected total reward per episode (the sum of the chosen arms' p) and its s.e."""
        return _mean_se(expected_reward(self.p, self.actions(player)))

    def metrics(self) -> dict[str, float]:
        """Two arms: final cumulative regret of the agent, and relative to Thompson sampling's and
        the Bayes-optimal player's (NaN where it was not played). More arms: the expected total
        reward per episode of the agent and of every baseline (``expected_reward_<player>``)."""
        if self.n_arms > N_ARMS:
            out = {"expected_reward": self.expected_reward()[0]}
            out.update({f"expected_reward_{name}": self.expected_reward(name)[0] for name in self.baselines})
            return out
        regret = self.final_regret()[0]
        bayes = self.final_regret(BAYES_OPTIMAL)[0] if BAYES_OPTIMAL in self.baselines else np.nan
        return {"regret": regret, "regret_over_thompson": regret / self.final_regret("thompson")[0],
                "regret_over_bayes_optimal": regret / bayes}

    def report(self) -> str:
        """The text the ``test`` command prints: every player's final cumulative regret (two
        arms) or expected total reward beside RL²'s Table 1 (more)."""
        if self.n_arms > N_ARMS:
            return self._k_armed_report()
        n_episodes, n_trials = self.trials["action"].shape
        thompson = self.final_regret("thompson")[0] if "thompson" in self.baselines else np.nan
        bayes = self.final_regret(BAYES_OPTIMAL)[0] if BAYES_OPTIMAL in self.baselines else np.nan
        lines = [f"cumulative regret over {n_trials} trials (mean ± s.e. over {n_episodes} "
                 "episodes; same arms and reward draws for every player):"]
        for player in ("agent", *self.baselines):
            mean, se = self.final_regret(player)
            best = self._best_arm_rate(player)
            floor = f", {mean / bayes:4.2f} x Bayes-optimal" if np.isfinite(bayes) else ""
            lines.append(f"  {player:<15} {mean:6.2f} ± {se:4.2f}   best arm pulled {best:5.1%}"
                         f"   ({mean / thompson:4.2f} x Thompson{floor})")
        return "\n".join(lines)

    def _k_armed_report(self) -> str:
        n_episodes, n_trials = self.trials["action"].shape
        paper = rl2.paper_rewards(n_trials, self.n_arms) or {}
        lines = [f"expected total reward over {n_trials} pulls of {self.n_arms} arms (mean ± s.e. over "
                 f"{n_episodes} episodes; same arms and reward draws for every player)"
                 + (", RL² Table 1 beside:" if paper else ":")]
        for player in ("agent", *self.baselines):
            mean, se = self.expected_reward(player)
            published = paper.get("rl2" if player == "agent" else player)
            lost = self.final_regret(player)[0]
            lines.append(f"  {player:<15} {mean:7.2f} ± {se:4.2f}   regret {lost:6.2f}"
                         f"   best arm pulled {self._best_arm_rate(player):5.1%}"
                         + (f"   (RL² Table 1: {published})" if published is not None else ""))
        return "\n".join(lines)

    def _best_arm_rate(self, player: str) -> float:
        return float(np.mean(self.actions(player) == np.argmax(self.p, axis=1)[:, None]))


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def ratio_se(x: np.ndarray, y: np.ndarray) -> float:
    """Standard error of ``mean(x) / mean(y)`` for paired samples (the same episodes), by the
    delta method: the s.e. of the mean of ``x - r y`` over ``mean(y)``, ``r`` the ratio.
    Pairing removes what the episodes share (the arms drawn), which dominates either mean's
    own standard error."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    residual = x - x.mean() / y.mean() * y
    return float(residual.std(ddof=1) / np.sqrt(len(x)) / y.mean())


def bayes_optimal_fits(params) -> bool:
    """Whether the Bayes-optimal table of these two-armed parameters is small enough to play."""
    if params.arms != "independent":
        return True  # dependent arms: (n + 1)^2 states
    return int(bayes_optimal.layer_start(params.n_trials)) <= MAX_BAYES_STATES


def test_result(config, played, seed: int, held_out: bool = True,
                baselines: tuple[str, ...] | None = None) -> BanditResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the baselines
    (default ``BASELINES`` on two arms, ``K_ARMED_BASELINES`` on more) on the same arms and
    reward uniforms; the baselines' own randomness comes from ``seed``, one generator that the
    players use in turn (so a player plays the same whichever players follow it)."""
    params = config.task
    trials = records_to_trials(played.records, params)
    trials["action"] = trials["action"].astype(int)
    trials["reward"] = trials["reward"].astype(int)
    trials["value"] = played.values
    u_reward = played.u_steps[..., 0]
    rng = np.random.default_rng([seed, 6])
    if params.n_arms > N_ARMS:
        # The trials keep two probabilities per pull; the episode's every arm comes from its
        # initial uniforms, drawn by the function the environment draws them with.
        p = arm_prob_matrix(params, played.u_init).astype(float)
        settings = rl2.player_kwargs(params.n_trials, params.n_arms)
        names = K_ARMED_BASELINES if baselines is None else baselines
        played_by = {name: play(name, p, u_reward, rng, **settings.get(name, {}))
                     for name in names if name != BAYES_OPTIMAL}
        if (baselines is None or BAYES_OPTIMAL in baselines) and params.n_trials <= k_optimal.MAX_HORIZON:
            played_by[BAYES_OPTIMAL] = k_optimal.play(p, u_reward)  # last: it draws no random numbers
        return BanditResult(trials, played_by, probabilities=p)
    result = BanditResult(trials)
    p = result.p.astype(float)
    for name in BASELINES if baselines is None else baselines:
        if name != BAYES_OPTIMAL:
            result.baselines[name] = play(name, p, u_reward, rng)
        elif bayes_optimal_fits(params):
            result.baselines[name] = bayes_optimal.play(bayes_optimal.prior_name(params), p, u_reward)
    return result
