"""The Harlow task's reference runs (Wang et al. 2018, Simulation 5): ``meta-rl reproduce
harlow``.

Trains every level's seeds (``HARLOW_SEEDS``) into ``results/harlow/<level>/model_<seed>/``,
tests each seed's final checkpoint on held-out objects with frozen weights, tests the
checkpoints kept along each level's first seed (accuracy by trial position over training,
the paper's Fig. 6c), and writes, besides what every experiment writes
(``meta_rl.reproduce``), ``accuracy_by_trial.png``, ``accuracy_over_training.png`` and
``reward_curves.png``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meta_rl import runs
from meta_rl.agent.encoders import FEATURES
from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.experiment import RESULTS, Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.learn.tensorboard import read_scalars
from meta_rl.plotting import plot_reward_curves
from meta_rl.reproduce import test_checkpoints
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.harlow.features import N_OBJECTS, dead_object_features
from meta_rl.tasks.harlow.plots import (
    LEVEL_COLORS,
    TRIALS_2_6,
    plot_harlow_accuracy,
    plot_harlow_over_training,
    plot_value_loss,
)
from meta_rl.tasks.harlow.presets import BETA_V_ABLATION, HARLOW_LEVELS, PIXELS_ABLATION, PRESETS
from meta_rl.tasks.harlow.result import SIGNATURE_ACCURACY, side_counting_accuracy

FIRST_FIVE_SEEDS = (0, 1, 2, 3, 4)
LEVEL_SEEDS = {"harlow-symbolic": tuple(range(10)), "harlow-pixels": tuple(range(10)),
               "harlow-psychlab": tuple(range(10)), "harlow-psychlab-one-frame": (1, 2)}
"""Seeds trained per level; the one-frame ablation of psychlab on two of its seeds."""
HARLOW_SEEDS = {**LEVEL_SEEDS, **{name: LEVEL_SEEDS["harlow-symbolic"] for name in BETA_V_ABLATION},
                **{name: FIRST_FIVE_SEEDS for name in PIXELS_ABLATION}}
"""Every run set's seeds: the levels', then the symbolic level at other value-loss weights
(``value_loss_table``) and the pixels level without its preset's changes
(``pixels_ablation_table``), on the level's first five seeds."""
ABLATIONS = {"value_loss_ablation": BETA_V_ABLATION, "pixels_ablation": PIXELS_ABLATION}
"""The summary's key for each ablation's run sets."""
QUANTILES = {"harlow-symbolic": 8, "harlow-pixels": 8, "harlow-psychlab": 3, "harlow-psychlab-one-frame": 1,
             **{name: 1 for name in BETA_V_ABLATION}, **{name: 1 for name in PIXELS_ABLATION}}
"""Checkpoints of each level's first seed kept along training (the accuracy-over-training
figure); psychlab keeps fewer, its checkpoints being larger; the value-loss ablation keeps
the final one."""
TEST_EPISODES = 300
DIRECTORY = "harlow"


def harlow_config(name: str, episodes: int | None = None) -> Config:
    """The preset as trained for the reference results: a checkpoint kept at every
    ``QUANTILES[name]``-th of training, one written at every eighth (a killed run resumes
    from it), 320 TensorBoard points."""
    config = PRESETS[name]
    episodes = episodes or config.episodes
    batch = config.batch_episodes

    def share(n: int) -> int:
        return max(batch, episodes // n // batch * batch)
    keep = share(QUANTILES[name])
    return scheduled_config(config, episodes, keep, min(keep, share(8)), share(320))


def level_dir(name: str, root: Path = RESULTS) -> Path:
    return Path(root) / DIRECTORY / name.removeprefix("harlow-")


def run_dir(name: str, seed: int, root: Path = RESULTS) -> Path:
    return runs.run_dir(level_dir(name, root), seed)


def run_sets(episodes: int | None = None, seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS) -> list[RunSet]:
    """Each level's seeds; the first keeps its checkpoints along training."""
    return [RunSet(harlow_config(name, episodes), level_seeds,
                   f"{DIRECTORY}/{name.removeprefix('harlow-')}", level_seeds[:1])
            for name, level_seeds in seeds.items()]


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: accuracy by trial position per level and seed, and over
    the training of each level's first seed; the ablations apart (``ABLATIONS``)."""
    levels: dict = {}
    ablations: dict = {key: {} for key in ABLATIONS}
    for run_set in tested.run_sets:
        name = run_set.name
        rs = [tested.results[name, s] for s in run_set.seeds]
        after_first = [r.accuracy_after_first for r in rs]
        episodes = int(rs[0].trials["choice"].shape[0])
        dead = ({"dead_object_features_per_seed": [dead_object_features(run_set.run_dir(s, tested.root),
                                                                         run_set.config)
                                                    for s in run_set.seeds]}
                if run_set.config.task.level == "pixels" else {})
        ablation = next((key for key, names in ABLATIONS.items() if name in names), None)
        if ablation:
            ablations[ablation][name] = {
                "value_coef": run_set.config.value_coef, "seeds": list(run_set.seeds),
                "training_episodes": run_set.config.episodes,
                "trial_2_per_seed": [round(float(r.accuracy[1]), 4) for r in rs],
                "accuracy_trials_2_6_per_seed": [round(a, 4) for a in after_first],
                "after_loss_same_sides_per_seed": [round(r.after_loss_same_sides, 4) for r in rs], **dead}
            continue
        seed = run_set.seeds[0]
        over = test_checkpoints(tested.family, run_set.run_dir(seed, tested.root), seed, episodes)
        levels[name] = {
            "value_coef": run_set.config.value_coef,
            "seeds": list(run_set.seeds),
            "test_episodes": episodes,
            "accuracy_by_trial_per_seed": [np.round(r.accuracy, 4).tolist() for r in rs],
            "accuracy_by_trial_mean": np.round(np.mean([r.accuracy for r in rs], axis=0), 4).tolist(),
            "accuracy_trials_2_6_per_seed": [round(a, 4) for a in after_first],
            "seeds_at_least_90": int(sum(a >= SIGNATURE_ACCURACY for a in after_first)),
            "seeds_at_least_95": int(sum(a >= 0.95 for a in after_first)),
            "after_loss_same_sides_per_seed": [round(r.after_loss_same_sides, 4) for r in rs],
            **dead,
            "reward_per_episode_per_seed": [round(r.reward, 3) for r in rs],
            "left_rewarded": round(float(np.mean([r.left_rewarded for r in rs])), 4),
            "no_choice": round(float(np.mean([r.no_choice for r in rs])), 4),
            "over_training": {"seed": run_set.seeds[0],
                              "checkpoint_episodes": [int(e) for e, _ in over],
                              "accuracy_by_trial": np.round([r.accuracy for _, r in over], 4).tolist()},
        }
    return {"levels": levels, **ablations}


def accuracy_table(summary: dict) -> str:
    """Accuracy by trial position (mean over seeds), trials 2-6 per seed, and reward."""
    rows = [f"{'level':<17}{'seeds':>6}" + "".join(f"{'trial ' + str(t):>9}" for t in range(1, 7))
            + f"{'trials 2-6 per seed':>34}{'reward/25':>11}"]
    for name, lv in summary["levels"].items():
        per_seed = " ".join(f"{a:.3f}" for a in lv["accuracy_trials_2_6_per_seed"])
        rows.append(f"{name.removeprefix('harlow-'):<17}{len(lv['seeds']):>6}"
                    + "".join(f"{a:>9.3f}" for a in lv["accuracy_by_trial_mean"])
                    + f"{per_seed:>34}{np.mean(lv['reward_per_episode_per_seed']):>11.2f}")
    rows.append("(fraction of held-out test episodes choosing the rewarded object; mean over seeds)")
    return "\n".join(rows)


def reward_curves(seeds: dict[str, tuple[int, ...]], root: Path = RESULTS) -> dict[str, list[tuple]]:
    """``{level: [(episodes, reward per episode) of each seed]}`` from TensorBoard."""
    return {n: [read_scalars(run_dir(n, s, root), "perf/reward") for s in level_seeds]
            for n, level_seeds in seeds.items()}


def optimal_reward(name: str) -> float:
    """The expected reward per episode of a perfect learner: trial 1 is a guess worth 0 on
    average, trials 2-6 pay ``reward_correct``, and at the gaze level each trial's fixation
    pays ``fixation_reward`` (Psychlab: 6 x 1 + 25 = 31)."""
    task = PRESETS[name].task
    fixation = task.n_trials * task.fixation_reward if task.level == "psychlab" else 0.0
    guess = (task.reward_correct + task.reward_wrong) / 2
    return fixation + guess + (task.n_trials - 1) * task.reward_correct


TRAINING_CURVES = {TRIALS_2_6: "perf/trials2to6_correct", "trial 1": "perf/trial1_correct",
                   "trial 2": "perf/trial2_correct",
                   "fixation rewarded": "perf/fixation", "no choice": "perf/no_choice"}
"""The learning curves of the accuracy-over-training figure and their TensorBoard tags
(``BatchedHarlow.training_metrics``; the last two at the gaze level only): trials 2-6 per
seed in its top row, the others as means across seeds below."""


def training_curves(seeds: dict[str, tuple[int, ...]], root: Path = RESULTS) -> dict[str, dict[str, list]]:
    """``{level: {curve: [(episodes, values) of each seed]}}`` from TensorBoard, for the
    curves every seed of the level logged."""
    curves: dict[str, dict[str, list]] = {}
    for name, level_seeds in seeds.items():
        for label, tag in TRAINING_CURVES.items():
            try:
                runs = [read_scalars(run_dir(name, s, root), tag) for s in level_seeds]
            except MetaRLError:  # not logged by this level (or by runs older than the tag)
                continue
            curves.setdefault(name, {})[label] = runs
    return curves


def write_figures(tested: Tested, summary: dict, out: Path) -> None:
    """``Experiment.figures``."""
    seeds = {r.name: r.seeds for r in tested.run_sets if r.name in summary["levels"]}
    plot_harlow_accuracy(summary, path=out / "accuracy_by_trial.png")
    levels = {name: seeds[name] for name in LEVEL_PRESETS if name in seeds}
    plot_harlow_over_training(summary, training_curves(levels, tested.root), levels=tuple(levels),
                              path=out / "accuracy_over_training.png")
    plot_reward_curves(reward_curves(seeds, tested.root), title="training: choice and fixation reward",
                       ylabel="reward per episode", colors=LEVEL_COLORS,
                       references={f"optimal, {n.removeprefix('harlow-')}": optimal_reward(n) for n in seeds},
                       path=out / "reward_curves.png")
    if summary.get("value_loss_ablation"):
        plot_value_loss(value_loss_runs(summary), path=out / "value_loss.png")


def table(summary: dict) -> str:
    """``Experiment.table``: accuracy by trial position on held-out objects (mean ± s.e.
    across seeds), beside the side-counting player, the original reimplementation and the
    paper; whether each level beats side counting on trials 2-5 (then it remembers objects)."""
    counting = side_counting_accuracy()
    seconds = summary.get("timing", {}).get("train_seconds", {})
    rows = [["level", "seeds", "training episodes", "trial 1", "trial 2", "trials 3–6",
             "trials 2–6, per seed", "seeds ≥ 90 % on trials 2–6", "above side counting on trials 2–5",
             "training wall time, all seeds"]]
    for name, lv in summary["levels"].items():
        per_seed = np.array(lv["accuracy_by_trial_per_seed"])
        mean = per_seed.mean(axis=0)
        episodes = lv["over_training"]["checkpoint_episodes"][-1]
        rows.append([name.removeprefix("harlow-"), str(len(per_seed)), f"{episodes:,}",
                     mean_se(per_seed[:, 0]), mean_se(per_seed[:, 1]), mean_se(per_seed[:, 2:].mean(axis=1)),
                     ", ".join(f"{a:.3f}" for a in lv["accuracy_trials_2_6_per_seed"]),
                     f"{lv['seeds_at_least_90']} of {len(per_seed)}",
                     "yes" if np.all(mean[1:5] > counting[1:5]) else "no",
                     f"{seconds[name] / 60:.1f} min" if name in seconds else ""])
    rows.append(["side-counting player (ignores the objects)", "", "", f"{counting[0]:.3f}",
                 f"{counting[1]:.3f}", f"{counting[2:].mean():.3f}", "", "", "", ""])
    rows.append(["original reimplementation (symbolic)", "", "", "", "", "",
                 "about 40 % of the optimal reward", "", "", "about 3 days per seed"])
    rows.append(["paper (Psychlab, Fig. 6c, read off)", "", "", "≈ 0.5", "≈ 0.97–0.98", "", "", "", "", ""])
    n = next(iter(summary["levels"].values()))["test_episodes"]
    return (markdown_table(rows) + f"\n\nFraction of {n} held-out test episodes per seed ({TEST_STREAM}, "
            "frozen weights) choosing the rewarded object; mean ± s.e. across seeds. "
            "Wall time: `meta-rl reproduce harlow` training the level's seeds, one process per "
            "core (2 cores).")


ABLATION_BASE = "harlow-symbolic"
"""The level the value-loss ablation varies (its preset's beta_v is the ablation's own row)."""


def value_loss_runs(summary: dict) -> list[dict]:
    """The symbolic level by the weight of the value loss, ascending: the ablation's run sets
    and the level's own (the preset), each ``{"value_coef", "note", "trial_2",
    "after_loss_same_sides"}`` with one value per seed."""
    base = summary["levels"][ABLATION_BASE]
    runs = [{"value_coef": base["value_coef"], "note": "the preset",
             "trial_2": [a[1] for a in base["accuracy_by_trial_per_seed"]],
             "after_loss_same_sides": base["after_loss_same_sides_per_seed"]}]
    runs += [{"value_coef": lv["value_coef"],
              "note": "the original's" if lv["value_coef"] == Config.value_coef else "",
              "trial_2": lv["trial_2_per_seed"],
              "after_loss_same_sides": lv["after_loss_same_sides_per_seed"]}
             for lv in summary.get("value_loss_ablation", {}).values()]
    return sorted(runs, key=lambda r: r["value_coef"])


def value_loss_table(summary: dict) -> dict[str, str]:
    """``Experiment.extra_tables``: trial 2 of the symbolic level by the weight of the value
    loss, and the case that tells a partial strategy from remembering the objects."""
    base = summary["levels"][ABLATION_BASE]
    rows = [["βv", "seeds", "trial 2", "trial 2 per seed", "after a trial-1 loss, same sides: per seed",
             "seeds below 0.5 there"]]
    for run in value_loss_runs(summary):
        after_loss = run["after_loss_same_sides"]
        rows.append([f"{run['value_coef']:g}" + (f" ({run['note']})" if run["note"] else ""),
                     str(len(after_loss)), mean_se(np.array(run["trial_2"])),
                     ", ".join(f"{a:.2f}" for a in run["trial_2"]), ", ".join(f"{a:.2f}" for a in after_loss),
                     f"{sum(a < 0.5 for a in after_loss)} of {len(after_loss)}"])
    return {"harlow-value-loss": markdown_table(rows) + (
        f"\n\nSymbolic level, {base['over_training']['checkpoint_episodes'][-1]:,} training episodes, "
        f"each seed tested on {base['test_episodes']} held-out episodes ({TEST_STREAM}); "
        "mean ± s.e. across seeds. After a trial-1 loss with "
        "the pair on the same sides, the other object is on the other side: remembering the "
        "objects scores 1 there, counting sides 0.")}


PIXELS_BASE = "harlow-pixels"
"""The level the pixels ablation varies."""


def pixels_ablation_table(summary: dict) -> dict[str, str]:
    """``Experiment.extra_tables``: the pixels level's preset beside runs without each of its
    changes (``PIXELS_ABLATION``): trial 2 per seed, the case that tells a partial strategy
    from remembering the objects, and the training's wall time."""
    base = summary["levels"][PIXELS_BASE]
    seconds = summary.get("timing", {}).get("train_seconds", {})
    runs = {PIXELS_BASE: {"trial_2_per_seed": [a[1] for a in base["accuracy_by_trial_per_seed"]],
                          "after_loss_same_sides_per_seed": base["after_loss_same_sides_per_seed"],
                          "dead_object_features_per_seed": base["dead_object_features_per_seed"],
                          "training_episodes": base["over_training"]["checkpoint_episodes"][-1]},
            **summary.get("pixels_ablation", {})}
    rows = [["run", "LSTM units", "object features", "preview step", "training episodes", "trial 2",
             "trial 2 per seed", "seeds ≥ 0.9 on trial 2", "after a trial-1 loss, same sides: per seed",
             f"dead object features (of {FEATURES // 2}) per seed", "training wall time, all seeds"]]
    for name, run in runs.items():
        config = PRESETS[name]
        trial_2 = np.array(run["trial_2_per_seed"])
        rows.append([name.removeprefix("harlow-") + (" (the preset)" if name == PIXELS_BASE else ""),
                     str(config.hidden), config.feature_activation,
                     "yes" if config.task.preview_steps else "no", f"{run['training_episodes']:,}",
                     mean_se(trial_2), ", ".join(f"{a:.3f}" for a in trial_2),
                     f"{int(np.sum(trial_2 >= 0.9))} of {len(trial_2)}",
                     ", ".join(f"{a:.2f}" for a in run["after_loss_same_sides_per_seed"]),
                     "none can die" if config.feature_activation == "linear"
                     else ", ".join(str(n) for n in run["dead_object_features_per_seed"]),
                     f"{seconds[name] / 60:.1f} min" if name in seconds else ""])
    return {"harlow-pixels-ablation": markdown_table(rows) + (
        f"\n\nPixels level, each seed tested on {base['test_episodes']} held-out episodes "
        f"({TEST_STREAM}); mean ± s.e. across seeds. Dead object features: units of the "
        f"conv net's last layer at 0 for every one of {N_OBJECTS} held-out objects (ReLU), which "
        "pass no gradient. Wall time: `meta-rl reproduce harlow` training the run set's seeds, one process "
        "per core (2 cores).")}


def ablation_tables(summary: dict) -> dict[str, str]:
    """``Experiment.extra_tables``: the value-loss and the pixels ablations."""
    return {**value_loss_table(summary), **pixels_ablation_table(summary)}


def describe(summary: dict) -> str:
    return f"harlow: accuracy by trial position on held-out objects\n{accuracy_table(summary)}"


LEVEL_PRESETS = tuple(f"harlow-{level}" for level in HARLOW_LEVELS)
"""The three levels' presets (their ablations aside)."""


def headline(summary: dict) -> str:
    """``Overview.headline``: trial 2 on held-out objects at each level."""
    levels = {name: summary["levels"][name] for name in LEVEL_PRESETS if name in summary["levels"]}
    trial_2 = ", ".join(f"{name.removeprefix('harlow-')} {lv['accuracy_by_trial_mean'][1]:.3f}"
                        for name, lv in levels.items())
    return f"trial 2 on novel objects: {trial_2}"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: learning to learn at each level."""
    return [Signature(name, "trials 2–6 correct ≥ 90 % on novel objects", lv["seeds_at_least_90"],
                      len(lv["seeds"]), label=name.removeprefix("harlow-"))
            for name, lv in summary["levels"].items() if name in LEVEL_PRESETS]


OVERVIEW = Overview("Wang et al. 2018, Sim. 5: Harlow's learning to learn",
                    ", ".join(f"`{name}`" for name in LEVEL_PRESETS), "docs/harlow.md", headline)

EXPERIMENTS = {"harlow": Experiment(name="harlow", directory=DIRECTORY, run_sets=run_sets,
                                    summarize=summarize, figures=write_figures, describe=describe,
                                    table=table, test_episodes=TEST_EPISODES,
                                    extra_tables=ablation_tables, overview=OVERVIEW, signatures=signatures)}
