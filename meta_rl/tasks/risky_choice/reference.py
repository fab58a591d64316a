"""The risky-choice task's reference runs (Wang et al. 2018, Simulation 6): ``meta-rl
reproduce risky-choice``.

Trains ``SEEDS`` of ``risky-choice-stopper`` into ``results/risky-choice/control/``; the
stimulation and inhibition agents are the same weights under the manipulated task
(``results/risky-choice/{stimulation,inhibition}/``: the paper's protocol, weights frozen,
the prediction error the agent receives moved at the manipulated outcomes). Each is tested
on test stream ``TEST_SEED_OFFSET + seed`` (the same episodes in every condition) and ``risky_choice.png``
and ``reward_curves.png`` are written.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.plotting import plot_training_reward
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.risky_choice.env import BLOCK_PROBS
from meta_rl.tasks.risky_choice.plots import plot_risky_choice
from meta_rl.tasks.risky_choice.presets import PRESETS

PRESET = "risky-choice-stopper"
SEEDS = tuple(range(10))
DIRECTORY = "risky-choice"
CONDITIONS = ("control", "stimulation", "inhibition")
TEST_EPISODES = 300
FALL_TARGET = 0.3
"""Control's risky choice must fall at least this much from p = 1 to p = 0.125."""
SHIFT_TARGET = 0.05
"""Stimulation above and inhibition below control by at least this, over the blocks p < 1."""


def condition_config(condition: str, episodes: int | None = None):
    config = PRESETS[PRESET]
    config = scheduled_config(config, episodes or config.episodes)
    manipulation = "none" if condition == "control" else condition
    return dataclasses.replace(config, name=f"{PRESET}-{condition}",
                               task=dataclasses.replace(config.task, manipulation=manipulation))


def run_sets(episodes: int | None = None) -> list[RunSet]:
    """Control trained; stimulation and inhibition take its weights (``weights_from``)."""
    control = f"{DIRECTORY}/control"
    return [RunSet(condition_config(c, episodes), SEEDS, f"{DIRECTORY}/{c}",
                   weights_from=None if c == "control" else control) for c in CONDITIONS]


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: risky choice by block probability per condition and seed."""
    risky, players = {}, {}
    for run_set in tested.run_sets:
        condition = run_set.directory.rsplit("/", 1)[-1]
        results = [tested.results[run_set.name, s] for s in run_set.seeds]
        risky[condition] = [[r.risky()[p] for p in BLOCK_PROBS] for r in results]
        if condition == "control":
            players = {p: [results[0].risky(p)[q] for q in BLOCK_PROBS] for p in results[0].players}
    control = np.array(risky["control"])
    low = [k for k, p in enumerate(BLOCK_PROBS) if p < 1]
    fall = control[:, 0] - control[:, -1]
    stim = np.array(risky["stimulation"])[:, low].mean(axis=1) - control[:, low].mean(axis=1)
    inhib = control[:, low].mean(axis=1) - np.array(risky["inhibition"])[:, low].mean(axis=1)
    seeds = list(tested.run_sets[0].seeds)
    return {"preset": PRESET, "seeds": seeds, "test_episodes": TEST_EPISODES,
            "block_probs": list(BLOCK_PROBS),
            "manipulation_size": tested.run_sets[1].config.task.manipulation_size,
            "risky": risky, "players": players,
            "control_fall": fall.round(4).tolist(), "stimulation_minus_control": stim.round(4).tolist(),
            "control_minus_inhibition": inhib.round(4).tolist(),
            "targets": {"fall": FALL_TARGET, "shift": SHIFT_TARGET},
            "seeds_meeting": {"fall": int(np.sum(fall >= FALL_TARGET)),
                              "stimulation": int(np.sum(stim >= SHIFT_TARGET)),
                              "inhibition": int(np.sum(inhib >= SHIFT_TARGET))}}


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    curves = {c: np.array(v) for c, v in summary["risky"].items()}
    curves.update({p: np.array([v]) for p, v in summary["players"].items()})
    plot_risky_choice(curves, summary["block_probs"], path=out / "risky_choice.png")
    control = dataclasses.replace(tested, run_sets=tested.run_sets[:1])
    plot_training_reward(control, out / "reward_curves.png", ylabel="reward per 100 trials")


def table(summary: dict) -> str:
    """``Experiment.table``: risky choice by block probability, mean ± s.e. across seeds."""
    probs = summary["block_probs"]
    rows = [["condition", *(f"p = {p:g}" for p in probs)]]
    for condition, per_seed in summary["risky"].items():
        per_seed = np.array(per_seed)
        rows.append([condition, *(mean_se(per_seed[:, k], 2) for k in range(len(probs)))])
    for player, values in summary["players"].items():
        rows.append([f"{player} (seed 0's episodes)", *(f"{v:.2f}" for v in values)])
    n = len(summary["seeds"])
    met = summary["seeds_meeting"]
    seconds = summary.get("timing", {}).get("train_seconds", {}).get(f"{PRESET}-control")
    timing = f" Training (control) took {seconds / 60:.1f} min for all seeds." if seconds else ""
    size = summary["manipulation_size"]
    return (markdown_table(rows) + f"\n\nFraction of risky choices, {summary['test_episodes']} test "
            f"episodes per seed ({TEST_STREAM}, the same episodes in every condition), weights "
            f"frozen; stimulation: +{size:g} to the prediction error the agent receives when the risky "
            f"lever pays nothing, inhibition: −{size:g} when it pays. Seeds "
            f"whose control risky choice falls by at least {summary['targets']['fall']} from p = 1 to "
            f"p = 0.125: {met['fall']} of {n}; stimulation above control by at least "
            f"{summary['targets']['shift']} over the blocks p < 1: {met['stimulation']} of {n}; inhibition "
            f"below control by as much: {met['inhibition']} of {n}.{timing}")


def describe(summary: dict) -> str:
    met = summary["seeds_meeting"]
    return (f"risky-choice: seeds meeting the targets: fall {met['fall']}, stimulation {met['stimulation']}, "
            f"inhibition {met['inhibition']} (of {len(summary['seeds'])})")


def headline(summary: dict) -> str:
    """``Overview.headline``: the effects reproduced."""
    return "risky choice falls with p; stimulation raises it, inhibition lowers it"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: risky choice falling with p, and shifted by the manipulations."""
    met, n, targets = summary["seeds_meeting"], len(summary["seeds"]), summary["targets"]
    tests = {"fall": f"risky choice falls ≥ {targets['fall']} from p = 1 to p = {summary['block_probs'][-1]}",
             "stimulation": f"stimulation raises risky choice ≥ {targets['shift']} over the blocks p < 1",
             "inhibition": f"inhibition lowers risky choice ≥ {targets['shift']} over the blocks p < 1"}
    return [Signature(summary["preset"], test, met[label], n, label=label) for label, test in tests.items()]


OVERVIEW = Overview("Wang et al. 2018, Sim. 6: risky choice under dopamine manipulation (Stopper et al. "
                    "2014)", f"`{PRESET}`", "docs/risky-choice.md", headline)

EXPERIMENTS = {"risky-choice": Experiment(name="risky-choice", directory=DIRECTORY, run_sets=run_sets,
                                          summarize=summarize, figures=write_figures, describe=describe,
                                          table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                          signatures=signatures)}
