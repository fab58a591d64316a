"""The restless bandits' reference runs (Wang et al. 2016, section 3.1.4): ``meta-rl reproduce
restless``.

Trains ``SEEDS`` of ``restless`` into ``results/restless/model_<seed>/``, tests each final
checkpoint with frozen weights beside the reference players on the same drifts and reward
draws, fits the delta rule with one learning rate per volatility level to every player
(``meta_rl.analysis.phase_fit``), and writes ``regret.png``, ``learning_rates.png`` and
``reward_curves.png`` besides what every experiment writes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.plotting import plot_learning_rates, plot_training_reward
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.restless.env import LEVELS
from meta_rl.tasks.restless.players import TUNED
from meta_rl.tasks.restless.plots import plot_regret
from meta_rl.tasks.restless.presets import PRESET, PRESETS

SEEDS = tuple(range(10))
DIRECTORY = "restless"
TEST_EPISODES = 300
BEATEN = ("ucb1", "thompson", "rescorla-wagner")
"""The players whose regret the agent must beat (the issue; the paper: all three)."""
SEEDS_REQUIRED = 8


def run_sets(episodes: int | None = None, seeds: tuple[int, ...] = SEEDS) -> list[RunSet]:
    """The one run set (``episodes`` shortens the runs)."""
    config = PRESETS[PRESET]
    return [RunSet(scheduled_config(config, episodes or config.episodes), seeds, DIRECTORY)]


def _fit_dict(fit) -> dict:
    return {"alpha_stable": round(fit.params["alpha_stable"], 4),
            "alpha_volatile": round(fit.params["alpha_volatile"], 4), "beta": round(fit.params["beta"], 3),
            "intervals": {k: [round(lo, 4), round(hi, 4)] for k, (lo, hi) in fit.intervals.items()}}


def signature(entry: dict, players: dict) -> dict[str, bool]:
    """One seed's tests: regret below each of ``BEATEN``'s (on the same episodes), and the
    fitted learning rate higher at the high level with disjoint 95 % intervals."""
    out = {f"below_{p}": entry["regret"]["all"] < players[p]["regret"]["all"] for p in BEATEN}
    low, high = entry["fit"]["intervals"]["alpha_stable"], entry["fit"]["intervals"]["alpha_volatile"]
    out["alpha_higher_when_volatile"] = high[0] > low[1]
    return out


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: per seed, the regret (overall and per level) and the fitted
    learning rates of the agent and of every player on that seed's episodes."""
    run_set = tested.run_sets[0]
    per_seed = []
    for seed in run_set.seeds:
        r = tested.results[run_set.name, seed]
        players = {p: {"regret": r.regret(p), "fit": _fit_dict(r.fit(p))} for p in r.players}
        entry = {"seed": seed, "regret": r.regret(), "fit": _fit_dict(r.fit()), "players": players}
        entry["signature"] = signature(entry, players)
        entry["meets"] = all(entry["signature"].values())
        per_seed.append(entry)
    first = tested.results[run_set.name, run_set.seeds[0]]
    return {"preset": PRESET, "seeds": list(run_set.seeds), "params": dataclasses.asdict(run_set.config.task),
            "player_settings": TUNED,
            "test_episodes": int(first.trials["action"].shape[0]), "per_seed": per_seed,
            "seeds_meeting_target": int(sum(s["meets"] for s in per_seed))}


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    plot_regret(summary, path=out / "regret.png")
    fits = {"meta-RL agent": [s["fit"] for s in summary["per_seed"]],
            **{p: [s["players"][p]["fit"] for s in summary["per_seed"]]
               for p in ("bayes", "rescorla-wagner")}}
    plot_learning_rates(fits, path=out / "learning_rates.png",
                        phases=tuple(f"{level} volatility" for level in LEVELS))
    plot_training_reward(tested, out / "reward_curves.png")


def _mean_over_seeds(summary: dict, player: str | None, key: str) -> list[float]:
    return [(s if player is None else s["players"][player])["regret"][key] for s in summary["per_seed"]]


def table(summary: dict) -> str:
    """``Experiment.table``: regret per level and the fitted learning rates, the agent (mean ±
    s.e. over seeds) beside every player (mean over the same seeds' episodes)."""
    def alphas(fits):
        low = [f["alpha_stable"] for f in fits]
        high = [f["alpha_volatile"] for f in fits]
        return mean_se(low, 3), mean_se(high, 3)

    rows = [["player", "regret per episode", "low volatility", "high volatility", "fitted α, low",
             "fitted α, high"]]
    seeds = summary["per_seed"]
    players = list(seeds[0]["players"])
    for player in (None, *players):
        fits = [s["fit"] if player is None else s["players"][player]["fit"] for s in seeds]
        rows.append([f"meta-RL agent ({len(seeds)} seeds)" if player is None else player,
                     *(mean_se(_mean_over_seeds(summary, player, k), 2) for k in ("all", *LEVELS)),
                     *alphas(fits)])
    per_seed = [["seed", "regret", *(f"below {p}" for p in BEATEN), "α high > α low (95 % CIs apart)"]]
    for s in seeds:
        sig = s["signature"]
        per_seed.append([str(s["seed"]), f"{s['regret']['all']:.2f}",
                         *("yes" if sig[f"below_{p}"] else "no" for p in BEATEN),
                         "yes" if sig["alpha_higher_when_volatile"] else "no"])
    params = summary["params"]
    return (markdown_table(rows) + f"\n\n{summary['test_episodes']} test episodes of {params['n_trials']} "
            f"pulls per seed ({TEST_STREAM}), frozen weights; every player on each seed's episodes "
            f"(the same drifts and reward draws). Drift s.d. {params['drift_low']} (low) and "
            f"{params['drift_high']} (high). The delta rule (one learning rate per level, one inverse "
            "temperature) fitted by maximum likelihood to each player's choices.\n\n"
            + markdown_table(per_seed) + f"\n\nSeeds showing the whole signature: "
            f"{summary['seeds_meeting_target']} of {len(seeds)}.")


def describe(summary: dict) -> str:
    regrets = ", ".join(f"{s['regret']['all']:.2f}" for s in summary["per_seed"])
    return (f"restless: regret per seed {regrets}; signature in {summary['seeds_meeting_target']} of "
            f"{len(summary['per_seed'])} seeds")


def headline(summary: dict) -> str:
    """``Overview.headline``."""
    agent = np.mean(_mean_over_seeds(summary, None, "all"))
    rw = np.mean(_mean_over_seeds(summary, "rescorla-wagner", "all"))
    bayes = np.mean(_mean_over_seeds(summary, "bayes", "all"))
    return f"regret {agent:.2f} (best fixed-α delta rule {rw:.2f}, Bayesian observer {bayes:.2f})"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: ``signature``."""
    test = ("regret below UCB1's, Thompson sampling's and the best fixed-α delta rule's on the same "
            "episodes; fitted α higher at high volatility, 95 % intervals apart")
    return [Signature(summary["preset"], test, summary["seeds_meeting_target"], len(summary["per_seed"]))]


OVERVIEW = Overview("Wang et al. 2016: restless bandits", f"`{PRESET}`", "docs/restless.md", headline)

EXPERIMENTS = {"restless": Experiment(name="restless", directory=DIRECTORY, run_sets=run_sets,
                                      summarize=summarize, figures=write_figures, describe=describe,
                                      table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                      signatures=signatures)}
