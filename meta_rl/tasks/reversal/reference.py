"""The reversal task's reference runs (Wang et al. 2018, Simulation 3): ``meta-rl reproduce
reversal``.

Trains ``SEEDS`` of ``reversal-bromberg-martin`` into ``results/reversal/model_<seed>/``,
tests each final checkpoint with frozen weights (test stream ``TEST_SEED_OFFSET + seed``), runs the
inferred-value analysis on the agent's value and prediction error at stimulus onset and on
the reference learners' values, and writes ``inferred_value.png`` and ``reward_curves.png``
besides what every experiment writes.
"""

from __future__ import annotations

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.plotting import plot_training_reward
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.reversal.plots import plot_inferred_value
from meta_rl.tasks.reversal.presets import PRESETS

PRESET = "reversal-bromberg-martin"
SEEDS = tuple(range(10))
DIRECTORY = "reversal"
TEST_EPISODES = 300
RATIO_TARGET = 0.5
"""The inferred change must be at least this fraction of the experienced one."""
SIGNALS = {"value": "value_cue", "prediction error": "rpe_cue"}
"""The agent's signals at stimulus onset: label -> trial column."""


def run_sets(episodes: int | None = None) -> list[RunSet]:
    config = PRESETS[PRESET]
    return [RunSet(scheduled_config(config, episodes or config.episodes), SEEDS, DIRECTORY)]


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: per seed, the inferred-value analysis of the agent's value
    and prediction error at stimulus onset and of the reference learners' values."""
    run_set = tested.run_sets[0]
    results = [tested.results[run_set.name, s] for s in run_set.seeds]
    per_seed = []
    for seed, r in zip(run_set.seeds, results):
        entry = {"seed": seed, "responded": r.responded(),
                 "checkpoint_episode": tested.checkpoint_episode.get((run_set.name, seed))}
        entry.update({label: r.effect(column).summary() for label, column in SIGNALS.items()})
        entry["players"] = {p: r.effect(player=p).summary() for p in r.players}
        per_seed.append(entry)

    def meets(s):
        return s["ratio"] >= RATIO_TARGET and s["p_inferred"] < 0.05
    return {"preset": PRESET, "seeds": list(run_set.seeds), "test_episodes": TEST_EPISODES,
            "per_seed": per_seed, "ratio_target": RATIO_TARGET,
            "seeds_meeting_target": {label: int(sum(meets(s[label]) for s in per_seed)) for label in SIGNALS}}


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    plot_inferred_value(effects(summary), path=out / "inferred_value.png")
    plot_training_reward(tested, out / "reward_curves.png")


def effects(summary: dict) -> dict[str, list[dict]]:
    """The figure's groups: the agent's signals across seeds, the learners' values."""
    per_seed = summary["per_seed"]
    groups = {f"agent: {label}": [s[label] for s in per_seed] for label in SIGNALS}
    groups.update({f"{p}: value": [s["players"][p] for s in per_seed] for p in per_seed[0]["players"]})
    return groups


def table(summary: dict) -> str:
    """``Experiment.table``: experienced and inferred changes per seed, with the ratio."""
    rows = [["signal at stimulus onset", "seed", "experienced", "inferred", "inferred / experienced",
             "p (inferred > 0)"]]
    for label in SIGNALS:
        for s in summary["per_seed"]:
            e = s[label]
            rows.append([f"agent: {label}", str(s["seed"]),
                         f"{e['experienced']['mean']:+.3f} ± {e['experienced']['se']:.3f}",
                         f"{e['inferred']['mean']:+.3f} ± {e['inferred']['se']:.3f}", f"{e['ratio']:.2f}",
                         f"{e['p_inferred']:.1g}"])
        ratios = [s[label]["ratio"] for s in summary["per_seed"]]
        rows.append([f"agent: {label}", "mean ± s.e.", "", "", mean_se(ratios, 2), ""])
    first = summary["per_seed"][0]
    for p, e in first["players"].items():
        rows.append([f"{p}: value", "(seed 0's trials)", f"{e['experienced']['mean']:+.3f}",
                     f"{e['inferred']['mean']:+.3f}", f"{e['ratio']:.2f}", f"{e['p_inferred']:.1g}"])
    meets = summary["seeds_meeting_target"]
    seconds = summary.get("timing", {}).get("train_seconds", {}).get(PRESET)
    timing = f" Training took {seconds / 60:.1f} min for all seeds." if seconds else ""
    n = len(summary["per_seed"])
    return (markdown_table(rows) + f"\n\nChange toward the new value (mean ± s.e. over reversals) on the "
            "second trial of a block, against the same stimulus's last showing in the old block; "
            f"{summary['test_episodes']} test episodes per seed ({TEST_STREAM}), frozen weights. "
            f"Seeds whose inferred change is at least {summary['ratio_target']} x the experienced one and "
            f"above zero (p < 0.05): value {meets['value']} of {n}, prediction error "
            f"{meets['prediction error']} of {n}.{timing}")


def describe(summary: dict) -> str:
    ratios = ", ".join(f"{s['prediction error']['ratio']:.2f}" for s in summary["per_seed"])
    return f"reversal: inferred / experienced change of the prediction error at onset, per seed: {ratios}"


def headline(summary: dict) -> str:
    """``Overview.headline``: what the signals at onset carry."""
    return "inferred value in the prediction error and in the value at stimulus onset"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: the inferred value in each signal at stimulus onset."""
    n = len(summary["per_seed"])
    return [Signature(summary["preset"], f"the inferred change of value in the {label} at onset: ≥ "
                      f"{summary['ratio_target']} × the experienced change, p < 0.05",
                      summary["seeds_meeting_target"][label], n, label=label)
            for label in ("prediction error", "value")]


OVERVIEW = Overview("Wang et al. 2018, Sim. 3: inferred value in prediction errors (Bromberg-Martin et al. "
                    "2010)", f"`{PRESET}`", "docs/reversal.md", headline)

EXPERIMENTS = {"reversal": Experiment(name="reversal", directory=DIRECTORY, run_sets=run_sets,
                                      summarize=summarize, figures=write_figures, describe=describe,
                                      table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                      signatures=signatures)}
