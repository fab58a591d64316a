"""The committed reference results of the Harlow task (Wang et al. 2018, Simulation 5):
train, test on held-out objects, plot.

``python -m meta_rl reproduce harlow`` trains every level's seeds (``HARLOW_SEEDS``) into
``results/harlow/<level>/model_<seed>/`` (resuming, or leaving finished runs as they are),
tests each seed's final checkpoint on 300 episodes of held-out objects from test stream
``1000 + seed`` with frozen weights, tests the checkpoints kept along seed 0's training
(accuracy by trial position over training, the paper's Fig. 6c), and writes
``results/harlow/``:

* ``results.json``: every number, wall times, versions; ``report.txt``: the test reports;
* ``accuracy_by_trial.png``, ``accuracy_over_training.png``, ``reward_curves.png``;
* ``<level>/model_<seed>/test_trials.csv.gz``: the ``test --trials-csv`` rows.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

from meta_rl.config import Config, get_config
from meta_rl.errors import MetaRLError
from meta_rl.reproduce import (
    ROOT,
    TEST_SEED_OFFSET,
    _read_json,
    environment,
    helper_module,
    measured_train_seconds,
    read_scalars,
    results_root,
    train_timed,
    write_trials_gz,
)

HARLOW_SEEDS = {"harlow-symbolic": (0, 1, 2, 3, 4), "harlow-pixels": (0, 1, 2, 3, 4),
                "harlow-psychlab": (0,)}
"""Seeds trained per level."""
QUANTILES = 8
"""Checkpoints of seed 0 kept along training for the accuracy-over-training figure."""
TEST_EPISODES = 300
DIRECTORY = "harlow"


def harlow_config(name: str, episodes: int | None = None) -> Config:
    """The preset as trained for the reference results: checkpoints kept at every eighth of
    training (pruned afterwards for seeds other than the first), 320 TensorBoard points."""
    config = get_config(name)
    episodes = episodes or config.episodes
    batch = config.batch_episodes
    quantiles = QUANTILES // 2 if name == "harlow-psychlab" else QUANTILES  # its checkpoints: 0.9 MB
    keep = max(batch, episodes // quantiles // batch * batch)
    log = max(batch, episodes // 320 // batch * batch)
    return dataclasses.replace(config, episodes=episodes, keep_every=keep, checkpoint_every=keep,
                               keep_checkpoints=1, log_every=log)


def level_dir(name: str, root: Path = ROOT / "results") -> Path:
    return Path(root) / DIRECTORY / name.removeprefix("harlow-")


def run_dir(name: str, seed: int, root: Path = ROOT / "results") -> Path:
    return level_dir(name, root) / f"model_{seed}"


def train_all(root: Path = ROOT / "results", episodes: int | None = None, progress: bool = True,
              seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS) -> dict[str, float]:
    """Train (or resume) every level's seeds; returns the wall time per level (seconds).
    Afterwards only seed 0 keeps its intermediate checkpoints."""
    from meta_rl.checkpoint import list_checkpoints

    seconds = {}
    for name, level_seeds in seeds.items():
        seconds[name] = train_timed(harlow_config(name, episodes), level_seeds, level_dir(name, root),
                                    progress)
        for seed in level_seeds:
            if seed != level_seeds[0]:
                for _, path in list_checkpoints(run_dir(name, seed, root))[:-1]:
                    path.unlink()
    return seconds


def test_all(root: Path = ROOT / "results", episodes: int = TEST_EPISODES,
             seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS, log=None) -> dict:
    """``{(level, seed): HarlowResult}``: final checkpoints on held-out objects."""
    from meta_rl.evaluate import load_agent, run_test

    results = {}
    for name, level_seeds in seeds.items():
        for seed in level_seeds:
            config, episode, params = load_agent(run_dir(name, seed, root))
            if log:
                log(f"{name} seed {seed} (episode {episode}): testing on {episodes} held-out episodes")
            results[name, seed] = run_test(config, params, TEST_SEED_OFFSET + seed, episodes)
    return results


def accuracy_over_training(name: str, seed: int = 0, root: Path = ROOT / "results",
                           episodes: int = TEST_EPISODES) -> tuple[np.ndarray, np.ndarray]:
    """``(training episodes [K], accuracy by trial position [K, 6])`` of the checkpoints kept
    along ``seed``'s training, each tested on the same held-out episodes."""
    from meta_rl.checkpoint import list_checkpoints, load_checkpoint
    from meta_rl.config import load_config
    from meta_rl.evaluate import run_test

    directory = run_dir(name, seed, root)
    config = load_config(directory)
    found = list_checkpoints(directory)
    if not found:
        raise MetaRLError(f"no checkpoints in {directory}: train first")
    accuracy = []
    for _, path in found:
        _, params, _ = load_checkpoint(path, config)
        accuracy.append(run_test(config, params, TEST_SEED_OFFSET + seed, episodes).accuracy)
    return np.array([e for e, _ in found]), np.array(accuracy)


def summarize(results: dict, evolution: dict, seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS) -> dict:
    """The numbers as a JSON-ready dict."""
    levels = {}
    for name, level_seeds in seeds.items():
        rs = [results[name, s] for s in level_seeds]
        after_first = [r.accuracy_after_first for r in rs]
        levels[name] = {
            "seeds": list(level_seeds),
            "test_episodes": int(rs[0].trials["choice"].shape[0]),
            "accuracy_by_trial_per_seed": [np.round(r.accuracy, 4).tolist() for r in rs],
            "accuracy_by_trial_mean": np.round(np.mean([r.accuracy for r in rs], axis=0), 4).tolist(),
            "accuracy_trials_2_6_per_seed": [round(a, 4) for a in after_first],
            "seeds_at_least_90": int(sum(a >= 0.9 for a in after_first)),
            "seeds_at_least_95": int(sum(a >= 0.95 for a in after_first)),
            "reward_per_episode_per_seed": [round(r.reward, 3) for r in rs],
            "left_rewarded": round(float(np.mean([r.left_rewarded for r in rs])), 4),
            "no_choice": round(float(np.mean([r.no_choice for r in rs])), 4),
        }
        if name in evolution:
            episodes, accuracy = evolution[name]
            levels[name]["over_training"] = {"seed": level_seeds[0],
                                             "checkpoint_episodes": [int(e) for e in episodes],
                                             "accuracy_by_trial": np.round(accuracy, 4).tolist()}
    return {"levels": levels}


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


def write_trials(results: dict, root: Path) -> None:
    """``model_<seed>/test_trials.csv.gz``: the test trials."""
    for (name, seed), result in results.items():
        write_trials_gz(run_dir(name, seed, root), result)


def write_figures(summary: dict, root: Path, seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS) -> None:
    helper = helper_module()
    out = Path(root) / DIRECTORY
    helper.plot_harlow_accuracy(summary, path=out / "accuracy_by_trial.png")
    helper.plot_harlow_over_training(summary, path=out / "accuracy_over_training.png")
    curves = {f"{n.removeprefix('harlow-')}, seed {s}": read_scalars(run_dir(n, s, root), "perf/reward")
              for n, level_seeds in seeds.items() for s in level_seeds}
    helper.plot_reward_curves(curves, title="training: choice and fixation reward per episode",
                              ylabel="reward per episode (optimal choices: 25)",
                              path=out / "reward_curves.png")


def reproduce(root: Path = ROOT / "results", progress: bool = True, episodes: int | None = None,
              test_episodes: int = TEST_EPISODES, seeds: dict[str, tuple[int, ...]] = HARLOW_SEEDS,
              log=lambda msg: print(msg, file=sys.stderr)) -> dict:
    """Train, test and plot every Harlow level; returns the summary written to results.json."""
    root = results_root(root)
    out = root / DIRECTORY
    previous = _read_json(out / "results.json")
    train_seconds = train_all(root, episodes, progress, seeds)
    start = time.perf_counter()
    results = test_all(root, test_episodes, seeds, log)
    evolution = {name: accuracy_over_training(name, level_seeds[0], root, test_episodes)
                 for name, level_seeds in seeds.items()}
    test_seconds = round(time.perf_counter() - start, 1)
    summary = summarize(results, evolution, seeds)
    summary["timing"] = {"train_seconds": measured_train_seconds(previous, train_seconds),
                         "test_seconds": test_seconds}
    summary["command"] = "python -m meta_rl reproduce harlow"
    summary["environment"] = environment()
    write_trials(results, root)
    (out / "report.txt").write_text("".join(
        f"== {name} seed {s}: test seed {TEST_SEED_OFFSET + s}\n{results[name, s].report()}\n\n"
        for name, level_seeds in seeds.items() for s in level_seeds))
    write_figures(summary, root, seeds)
    (out / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"harlow: results written to {out}")
    return summary


def describe(summary: dict) -> str:
    return f"harlow: accuracy by trial position on held-out objects\n{accuracy_table(summary)}"
