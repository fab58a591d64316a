"""The volatility task's reference runs (Wang et al. 2018, Simulation 2): ``meta-rl reproduce
volatility``.

Trains ``SEEDS`` of ``volatility-behrens`` into ``results/volatility/model_<seed>/``, tests
each final checkpoint with frozen weights (test stream ``TEST_SEED_OFFSET + seed``,
which training never used) beside the delta-rule reference players on the same episodes, fits the delta rule
with one learning rate per phase to every player, and writes ``learning_rates.png``,
``reversal_aligned.png`` and ``reward_curves.png`` besides what every experiment writes.
"""

from __future__ import annotations

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.plotting import plot_learning_rates, plot_training_reward
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.volatility.analysis import reversal_aligned
from meta_rl.tasks.volatility.plots import plot_reversal_aligned
from meta_rl.tasks.volatility.presets import PRESETS

PRESET = "volatility-behrens"
SEEDS = tuple(range(10))
DIRECTORY = "volatility"
TEST_EPISODES = 300
RATIO_TARGET = 1.2
"""The volatile learning rate must be at least this many times the stable one."""


def run_sets(episodes: int | None = None, seeds: tuple[int, ...] = SEEDS) -> list[RunSet]:
    """The one run set (``episodes`` shortens the runs; ``seeds``: a subset, e.g. to look quickly)."""
    config = PRESETS[PRESET]
    return [RunSet(scheduled_config(config, episodes or config.episodes), seeds, DIRECTORY)]


def _fit_dict(fit) -> dict:
    return {**{k: round(v, 4) for k, v in fit.params.items()},
            "intervals": {k: [round(lo, 4), round(hi, 4)] for k, (lo, hi) in fit.intervals.items()},
            "ratio": round(fit.ratio, 3)}


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: per seed, accuracy per phase and the fitted learning rates;
    the same for the reference players (played on seed 0's test episodes)."""
    run_set = tested.run_sets[0]
    results = [tested.results[run_set.name, s] for s in run_set.seeds]
    per_seed = [{"seed": s, "accuracy": r.accuracy(), "fit": _fit_dict(r.fit()),
                 "checkpoint_episode": tested.checkpoint_episode.get((run_set.name, s))}
                for s, r in zip(run_set.seeds, results)]
    players = {p: {"accuracy": results[0].accuracy(p), "fit": _fit_dict(results[0].fit(p))}
               for p in results[0].players}
    curves = {"agent": [reversal_aligned(r.trials["action"], r.trials["p0"],
                                         r.trials["volatile"]).round(4).tolist() for r in results]}
    curves.update({p: [reversal_aligned(results[0].players[p]["action"], results[0].trials["p0"],
                                        results[0].trials["volatile"]).round(4).tolist()] for p in players})
    ratios = [s["fit"]["ratio"] for s in per_seed]
    return {"preset": PRESET, "seeds": list(run_set.seeds), "test_episodes": TEST_EPISODES,
            "trials_per_episode": int(results[0].trials["action"].shape[1]),
            "per_seed": per_seed, "players": players, "reversal_aligned": curves,
            "ratio_target": RATIO_TARGET,
            "seeds_meeting_target": int(sum(s["fit"]["ratio"] >= RATIO_TARGET and
                                            s["fit"]["intervals"]["alpha_volatile"][0] >
                                            s["fit"]["intervals"]["alpha_stable"][1] for s in per_seed)),
            "mean_ratio": float(np.mean(ratios))}


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    fits = {"meta-RL agent": [s["fit"] for s in summary["per_seed"]],
            **{p: [v["fit"]] for p, v in summary["players"].items()}}
    plot_learning_rates(fits, path=out / "learning_rates.png")
    plot_reversal_aligned({k: np.array(v) for k, v in summary["reversal_aligned"].items()},
                          path=out / "reversal_aligned.png")
    plot_training_reward(tested, out / "reward_curves.png")


def table(summary: dict) -> str:
    """``Experiment.table``: each seed's fitted learning rates beside the reference players'."""
    def interval(fit, name):
        lo, hi = fit["intervals"][name]
        return f"{fit[name]:.3f} [{lo:.3f}, {hi:.3f}]"
    rows = [["player", "better option chosen (stable / volatile)", "α stable [95 % CI]",
             "α volatile [95 % CI]", "volatile / stable"]]
    for s in summary["per_seed"]:
        acc = s["accuracy"]
        rows.append([f"meta-RL agent, seed {s['seed']}", f"{acc['stable']:.3f} / {acc['volatile']:.3f}",
                     interval(s["fit"], "alpha_stable"), interval(s["fit"], "alpha_volatile"),
                     f"{s['fit']['ratio']:.2f}"])
    rows.append(["meta-RL agent, mean ± s.e.", "", "", "",
                 mean_se([s["fit"]["ratio"] for s in summary["per_seed"]], 2)])
    for p, v in summary["players"].items():
        acc = v["accuracy"]
        rows.append([p, f"{acc['stable']:.3f} / {acc['volatile']:.3f}", interval(v["fit"], "alpha_stable"),
                     interval(v["fit"], "alpha_volatile"), f"{v['fit']['ratio']:.2f}"])
    seconds = summary.get("timing", {}).get("train_seconds", {}).get(PRESET)
    timing = f" Training took {seconds / 60:.1f} min for all seeds." if seconds else ""
    return (markdown_table(rows) + f"\n\n{summary['test_episodes']} test episodes of "
            f"{summary['trials_per_episode']} trials per seed ({TEST_STREAM}), frozen weights. "
            f"Seeds whose volatile rate is at least {summary['ratio_target']} x the stable one, with "
            f"non-overlapping intervals: {summary['seeds_meeting_target']} of {len(summary['per_seed'])}. "
            "Behrens et al. 2007's subjects, fitted the same way, also learned faster in the volatile "
            f"phase.{timing}")


def describe(summary: dict) -> str:
    ratios = ", ".join(f"{s['fit']['ratio']:.2f}" for s in summary["per_seed"])
    return (f"volatility: volatile / stable learning rate per seed {ratios}; "
            f"{summary['seeds_meeting_target']} of {len(summary['per_seed'])} seeds "
            f">= {summary['ratio_target']}")


def headline(summary: dict) -> str:
    """``Overview.headline``: the volatile / stable learning-rate ratio."""
    return f"learning rate {summary['mean_ratio']:.2f} x faster when volatile"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: the learning rate set by the volatility."""
    test = f"fitted learning rate volatile ≥ {summary['ratio_target']} × stable, 95 % intervals apart"
    return [Signature(summary["preset"], test, summary["seeds_meeting_target"], len(summary["per_seed"]))]


OVERVIEW = Overview("Wang et al. 2018, Sim. 2: learning rate and volatility (Behrens et al. 2007)",
                    f"`{PRESET}`", "docs/volatility.md", headline)

EXPERIMENTS = {"volatility": Experiment(name="volatility", directory=DIRECTORY, run_sets=run_sets,
                                        summarize=summarize, figures=write_figures, describe=describe,
                                        table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                        signatures=signatures)}
