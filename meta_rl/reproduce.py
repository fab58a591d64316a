"""The committed reference results of the two-step task: train, test, plot.

``python -m meta_rl reproduce [biorxiv-final|biorxiv-first-try|arxiv|all]`` trains each
variant with its reference settings into ``results/`` (resuming, or leaving finished runs as
they are), tests the final checkpoint of every seed on fresh episodes with frozen weights,
measures the stay probabilities of the checkpoints kept along the way, and writes into the
variant's directory:

* ``results.json``: every number (per seed and mean over seeds), wall times, versions;
* ``report.txt``: the ``test`` command's report for every seed;
* ``reward_curves.png``, ``stay_probabilities.png``, ``stay_evolution.png``, ``episode.gif``;
* ``model_<seed>/test_trials.csv.gz``: one row per test trial (``meta_rl.evaluate``'s CSV,
  gzip-compressed; ``meta_rl.evaluate.read_trials_csv`` reads it as it is).

The notebooks use the same functions, so they show what this command wrote.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meta_rl import analysis
from meta_rl.config import Config, get_config
from meta_rl.errors import MetaRLError

ROOT = Path(__file__).resolve().parent.parent
"""The repository (where ``helper.py`` and ``results/`` live)."""
REWARD_TAG = "perf/reward_per_100_trials"
TEST_SEED_OFFSET = 1000
"""Seed ``s`` is tested on test stream ``1000 + s`` (training never uses the test stream)."""
LOG_EVERY = 100
"""TensorBoard points every 100 episodes: 200 points per 20k-episode curve, small files."""


@dataclass(frozen=True)
class Reference:
    """How one variant's reference run is trained and tested."""

    name: str
    """Config preset (``meta_rl.config.get_config``)."""
    directory: str
    """Where the runs go, relative to the results directory."""
    seeds: tuple[int, ...]
    episodes: int
    """Training episodes per seed."""
    keep_every: int
    """Checkpoints kept along the way (for the evolution of the stay probabilities)."""
    test_episodes: int
    """Test episodes per seed with frozen weights."""
    evolution_seeds: tuple[int, ...]
    """Seeds whose intermediate checkpoints are kept (the others keep their final one only)."""
    animation_trials: int
    """Trials of test episode 0 shown in ``episode.gif``."""


REFERENCES = {
    # the original: 8 seeds x 20k episodes, 300 test episodes per seed
    "biorxiv-final": Reference("biorxiv-final", "biorxiv/final", tuple(range(8)), 20000, 2000, 300,
                               (0, 1), 50),
    # the original needed ~50k (its run: 194k); this one shows the signature well before 20k
    "biorxiv-first-try": Reference("biorxiv-first-try", "biorxiv/first-try", (0,), 20000, 2000, 300,
                                   (0,), 50),
    # episodes are 10 trials long: 3000 test episodes (the original's) = 30,000 trials, as above
    "arxiv": Reference("arxiv", "arxiv", (0,), 40000, 4000, 3000, (0,), 10),
}


def reference(name: str) -> Reference:
    """The reference settings of variant ``name``; ``MetaRLError`` listing the choices."""
    if name not in REFERENCES:
        raise MetaRLError(f"unknown variant {name!r}; choose one of: {', '.join(REFERENCES)}, all")
    return REFERENCES[name]


def select(name: str) -> list[Reference]:
    """``"all"`` or one variant name -> the references to run."""
    return list(REFERENCES.values()) if name == "all" else [reference(name)]


def reference_config(ref: Reference, episodes: int | None = None) -> Config:
    """The training config of ``ref``: the preset with the reference episodes and checkpoints.

    ``episodes`` trains a shorter (or longer) run with proportionally spaced checkpoints
    (the notebooks' smoke mode). Only the newest checkpoint and multiples of ``keep_every``
    are kept.
    """
    config = get_config(ref.name)
    if episodes is None or episodes == ref.episodes:
        # checkpoints must be written at every multiple of keep_every to be kept
        every = math.gcd(config.checkpoint_every, ref.keep_every)
        return dataclasses.replace(config, episodes=ref.episodes, keep_every=ref.keep_every,
                                   checkpoint_every=every, keep_checkpoints=1,
                                   chunk=min(config.chunk, every), log_every=min(LOG_EVERY, every))
    if episodes <= 0:
        raise MetaRLError(f"episodes must be positive, got {episodes}")
    keep = max(1, ref.keep_every * episodes // ref.episodes)
    return dataclasses.replace(config, episodes=episodes, keep_every=keep, checkpoint_every=keep,
                               keep_checkpoints=1, chunk=min(config.chunk, keep),
                               log_every=min(LOG_EVERY, keep))


def results_dir(ref: Reference, root: Path = ROOT / "results") -> Path:
    """``root/<variant directory>``: holds ``model_<seed>`` run directories."""
    return Path(root) / ref.directory


def run_dir(ref: Reference, seed: int, root: Path = ROOT / "results") -> Path:
    return results_dir(ref, root) / f"model_{seed}"


def train_reference(ref: Reference, root: Path = ROOT / "results", episodes: int | None = None,
                    progress: bool = True) -> float:
    """Train (or resume) every seed of ``ref`` into ``root``; returns the wall time in seconds.

    Seeds train together in one batched computation (``meta_rl.train.train``). Afterwards
    the seeds outside ``ref.evolution_seeds`` keep their final checkpoint only.
    """
    from meta_rl.train import train

    config = reference_config(ref, episodes)
    out = results_dir(ref, root)
    start = time.perf_counter()
    train(config, list(ref.seeds), out, progress=progress)
    seconds = time.perf_counter() - start
    prune_intermediate(ref, root)
    return seconds


def train_timed(config: Config, seeds: list[int], out: Path, progress: bool = True) -> float:
    """Train (or resume) ``seeds`` of ``config`` into ``out``, split over one process per core;
    returns the wall time in seconds."""
    from meta_rl.parallel import default_workers, train_local

    start = time.perf_counter()
    train_local(config, list(seeds), Path(out), default_workers(len(seeds)), progress=progress)
    return round(time.perf_counter() - start, 1)


def measured_train_seconds(previous: dict, seconds: dict[str, float], minimum: float = 10.0) -> dict:
    """Training wall times to record: a rerun on finished runs trains nothing (a few seconds),
    so the times a previous ``results.json`` measured are kept for those."""
    old = previous.get("timing", {}).get("train_seconds", {})
    return {**old, **{k: old[k] if v < minimum and k in old else v for k, v in seconds.items()}}


def results_root(root: Path) -> Path:
    """``root`` as a Path, refused with a one-line error if it exists and is not a directory."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise MetaRLError(f"{root} is not a directory")
    return root


def prune_intermediate(ref: Reference, root: Path = ROOT / "results") -> None:
    """Delete all but the final checkpoint of seeds outside ``ref.evolution_seeds``."""
    from meta_rl.checkpoint import list_checkpoints

    for seed in ref.seeds:
        if seed in ref.evolution_seeds:
            continue
        for _, path in list_checkpoints(run_dir(ref, seed, root))[:-1]:
            path.unlink()


def needs_training(ref: Reference, root: Path = ROOT / "results", episodes: int | None = None) -> bool:
    """Whether some seed of ``ref`` has not reached its training episodes yet."""
    from meta_rl.checkpoint import list_checkpoints

    target = reference_config(ref, episodes).episodes
    for seed in ref.seeds:
        ckpts = list_checkpoints(run_dir(ref, seed, root))
        if not ckpts or ckpts[-1][0] < target:
            return True
    return False


def read_scalars(path: Path, tag: str = REWARD_TAG) -> tuple[np.ndarray, np.ndarray]:
    """``(steps, values)`` of one TensorBoard scalar from the event files in ``path``.

    Read with TensorBoard's ``EventAccumulator``. A resumed run has several event files;
    if a step appears twice the last value wins.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(path), size_guidance={"scalars": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags().get("scalars", []):
        raise MetaRLError(f"no TensorBoard scalar {tag!r} in {path}")
    by_step = {event.step: event.value for event in accumulator.Scalars(tag)}
    steps = np.array(sorted(by_step))
    return steps, np.array([by_step[s] for s in steps])


def reward_curves(ref: Reference, root: Path = ROOT / "results") -> dict[str, tuple]:
    """``{"seed s": (episodes, reward per 100 trials)}`` from every seed's TensorBoard files."""
    return {f"seed {s}": read_scalars(run_dir(ref, s, root)) for s in ref.seeds}


@dataclass
class SeedResult:
    """One seed's final checkpoint tested with frozen weights."""

    seed: int
    episode: int
    """Training episodes of the checkpoint tested."""
    test_seed: int
    result: object
    """``meta_rl.evaluate.TestResult``."""

    @property
    def stay(self) -> np.ndarray:
        return self.result.stay

    @property
    def regression(self) -> analysis.Regression:
        return self.result.regression

    @property
    def model_based(self) -> bool:
        return analysis.is_model_based(self.stay, self.regression)

    def reward(self, player: str = "trials") -> float:
        """Reward per 100 trials of the agent (``"trials"``), ``"random"`` or ``"bayes"``."""
        return analysis.reward_per_100(getattr(self.result, player)["reward"])


def evaluate_seeds(ref: Reference, root: Path = ROOT / "results", episodes: int | None = None,
               log=None) -> list[SeedResult]:
    """Test the final checkpoint of every seed on ``episodes`` (default ``ref.test_episodes``)
    episodes of test stream ``1000 + seed``."""
    from meta_rl.evaluate import load_agent, run_test

    episodes = episodes or ref.test_episodes
    out = []
    for seed in ref.seeds:
        config, episode, params = load_agent(run_dir(ref, seed, root))
        if log:
            log(f"{ref.name}: testing seed {seed} (checkpoint at episode {episode}) on "
                f"{episodes} episodes")
        out.append(SeedResult(seed, episode, TEST_SEED_OFFSET + seed,
                              run_test(config, params, TEST_SEED_OFFSET + seed, episodes)))
    return out


@dataclass
class Evolution:
    """Stay probabilities and reward of the checkpoints kept during training."""

    episodes: np.ndarray
    """Training episodes of the checkpoints ``[K]``."""
    seeds: list[int]
    stay: np.ndarray
    """``[K, n_seeds, 4]`` in ``meta_rl.analysis.BINS`` order."""
    reward: np.ndarray
    """``[K, n_seeds]`` reward per 100 trials."""
    test_episodes: int


def stay_evolution(ref: Reference, root: Path = ROOT / "results", episodes: int | None = None,
                   max_checkpoints: int | None = None) -> Evolution:
    """Test every checkpoint kept for the evolution seeds on the same test episodes.

    ``episodes`` defaults to a third of ``ref.test_episodes``. Only checkpoints present for
    every evolution seed are used; ``max_checkpoints`` keeps that many, evenly spaced,
    always including the last.
    """
    from meta_rl.checkpoint import list_checkpoints, load_checkpoint
    from meta_rl.config import load_config
    from meta_rl.evaluate import run_test

    episodes = episodes or max(1, ref.test_episodes // 3)
    seeds = list(ref.evolution_seeds)
    found = {s: dict(list_checkpoints(run_dir(ref, s, root))) for s in seeds}
    common = sorted(set.intersection(*(set(f) for f in found.values())))
    if not common:
        raise MetaRLError(f"no checkpoints in {results_dir(ref, root)}: train first")
    if max_checkpoints and len(common) > max_checkpoints:
        picks = np.linspace(len(common) - 1, 0, max_checkpoints).round().astype(int)
        common = [common[i] for i in sorted(set(picks))]
    stay = np.zeros((len(common), len(seeds), 4))
    reward = np.zeros((len(common), len(seeds)))
    for j, seed in enumerate(seeds):
        config = load_config(run_dir(ref, seed, root))
        for k, episode in enumerate(common):
            _, params, _ = load_checkpoint(found[seed][episode], config)
            result = run_test(config, params, TEST_SEED_OFFSET + seed, episodes)
            stay[k, j] = result.stay
            reward[k, j] = analysis.reward_per_100(result.trials["reward"])
    return Evolution(np.array(common), seeds, stay, reward, episodes)


def summarize(ref: Reference, seeds: list[SeedResult], evolution: Evolution | None = None) -> dict:
    """The numbers of a tested reference run as a JSON-ready dict."""
    per_seed = []
    for r in seeds:
        reg = r.regression
        per_seed.append({
            "seed": r.seed, "checkpoint_episode": r.episode, "test_seed": r.test_seed,
            "stay": dict(zip(analysis.BINS, _floats(r.stay))),
            "reward_per_100": r.reward(), "random_per_100": r.reward("random"),
            "bayes_per_100": r.reward("bayes"),
            "regression": {name: {"coef": float(c), "se": float(s), "z": float(z), "p": float(p)}
                           for name, c, s, z, p in zip(reg.names, reg.coef, reg.se, reg.z, reg.p)},
            "model_based": r.model_based,
        })
    stays = np.array([r.stay for r in seeds])
    interaction = [r.regression.coef[3] for r in seeds]
    out = {
        "variant": ref.name,
        "seeds": list(ref.seeds),
        "training_episodes": max(r.episode for r in seeds),
        "test_episodes": len(seeds[0].result.trials["action"]),
        "trials_per_episode": int(seeds[0].result.trials["action"].shape[1]),
        "mean": {
            "stay": dict(zip(analysis.BINS, _floats(stays.mean(axis=0)))),
            "reward_per_100": float(np.mean([r.reward() for r in seeds])),
            "random_per_100": float(np.mean([r.reward("random") for r in seeds])),
            "bayes_per_100": float(np.mean([r.reward("bayes") for r in seeds])),
            "interaction": float(np.mean(interaction)),
            "bayes_stay": dict(zip(analysis.BINS, _floats(np.mean([bayes_stay(r) for r in seeds], axis=0)))),
        },
        "model_based_seeds": int(sum(r.model_based for r in seeds)),
        "per_seed": per_seed,
    }
    if evolution is not None:
        out["evolution"] = {"seeds": evolution.seeds, "test_episodes": evolution.test_episodes,
                            "checkpoint_episodes": [int(e) for e in evolution.episodes],
                            "stay": np.round(evolution.stay, 4).tolist(),
                            "reward_per_100": np.round(evolution.reward, 2).tolist()}
    return out


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def environment() -> dict:
    """Versions and machine, recorded next to the numbers."""
    import tensorflow as tf

    try:
        git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, text=True,
                             capture_output=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        git = "unknown"
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "numpy": np.__version__, "machine": platform.machine(),
            "cpus": os.cpu_count(), "git": git}


def helper_module():
    """``helper.py`` from the repository root (it is not part of the package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import helper

    return helper


def write_figures(ref: Reference, seeds: list[SeedResult], evolution: Evolution | None,
                  out: Path, root: Path = ROOT / "results") -> None:
    """The four figures of a variant into ``out``."""
    helper = helper_module()
    label = f"{ref.name}, {len(ref.seeds)} seed{'s' * (len(ref.seeds) > 1)}"
    refs = {"random agent": float(np.mean([r.reward("random") for r in seeds])),
            "Bayes-optimal observer": float(np.mean([r.reward("bayes") for r in seeds]))}
    helper.plot_reward_curves(reward_curves(ref, root), title=f"training, {label}",
                              references=refs, path=out / "reward_curves.png")
    helper.plot_stay_probabilities(
        np.array([r.stay for r in seeds]), title=f"{label}, {seeds[0].result.trials['action'].shape[0]} "
        "test episodes each", references=paper_references(), path=out / "stay_probabilities.png")
    if evolution is not None and len(evolution.episodes) > 1:
        helper.plot_stay_evolution(evolution.episodes, evolution.stay, references=analysis.PAPER_STAY,
                                   title=f"{ref.name}: stay probabilities of checkpoints "
                                   f"(seed{'s' * (len(evolution.seeds) > 1)} "
                                   f"{', '.join(map(str, evolution.seeds))})",
                                   path=out / "stay_evolution.png")
    first = seeds[0]
    n_trials = min(ref.animation_trials, first.result.trials["action"].shape[1])
    episode = episode_with_swap(first.result.trials, n_trials)
    helper.animate_episode(first.result.trials, out / "episode.gif", episode=episode,
                           n_trials=n_trials, params=get_config(ref.name).task,
                           title=f"{ref.name}, seed {first.seed}, test episode {episode} (frozen weights)")


def episode_with_swap(trials: dict, n_trials: int) -> int:
    """The first test episode whose rich state swaps within the middle of its first
    ``n_trials`` trials (so an animation shows the agent adapting); 0 if there is none."""
    rich = trials["rich_state"][:, :n_trials]
    margin = max(1, n_trials // 5)
    swapped = rich[:, 1:] != rich[:, :-1]  # [:, t - 1]: the rich state swapped before trial t
    found = np.flatnonzero(swapped[:, margin - 1:n_trials - 1 - margin].any(axis=1))
    return int(found[0]) if len(found) else 0


def paper_references() -> dict[str, np.ndarray]:
    """The reference stay probabilities drawn beside the bars."""
    return {"paper (Sim. 4)": analysis.PAPER_STAY, "original, seed 0": analysis.ORIGINAL_STAY}


def write_trials(ref: Reference, seeds: list[SeedResult], root: Path = ROOT / "results") -> None:
    """``model_<seed>/test_trials.csv.gz``: the test trials, gzip-compressed (no timestamp)."""
    for r in seeds:
        write_trials_gz(run_dir(ref, r.seed, root), r.result)


def write_trials_gz(directory: Path, result) -> None:
    """``directory/test_trials.csv.gz``: a test result's trial CSV, gzip-compressed without a
    timestamp (so rewriting the same trials gives the same bytes)."""
    from meta_rl.evaluate import write_trials_csv

    plain = Path(directory) / ".test_trials.csv"
    write_trials_csv(plain, result.trials, result.csv_columns)
    try:
        with gzip.GzipFile(Path(directory) / "test_trials.csv.gz", "wb", mtime=0) as f:
            f.write(plain.read_bytes())
    finally:
        plain.unlink()


def reproduce(name: str, root: Path = ROOT / "results", progress: bool = True,
              log=lambda msg: print(msg, file=sys.stderr)) -> list[dict]:
    """Train, test and plot ``name`` (a variant or ``"all"``); returns each variant's summary."""
    from meta_rl.evaluate import report

    refs = select(name)
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise MetaRLError(f"{root} is not a directory")
    summaries = []
    for ref in refs:
        out = results_dir(ref, root)
        previous = _read_json(out / "results.json")
        trained = needs_training(ref, root)
        seconds = train_reference(ref, root, progress=progress)
        # a rerun on finished runs trains nothing: keep what the training run measured
        timing = {"train_seconds": round(seconds, 1) if trained else
                  previous.get("timing", {}).get("train_seconds")}
        env = environment()
        trained_with = env["git"] if trained else previous.get("trained_with_git")
        start = time.perf_counter()
        seeds = evaluate_seeds(ref, root, log=log)
        timing["test_seconds"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        log(f"{ref.name}: stay probabilities of the checkpoints kept along the way")
        evolution = stay_evolution(ref, root)
        timing["evolution_seconds"] = round(time.perf_counter() - start, 1)
        summary = summarize(ref, seeds, evolution)
        summary["command"] = f"python -m meta_rl reproduce {ref.name}"
        summary["timing"] = timing
        summary["environment"] = env
        summary["trained_with_git"] = trained_with
        write_trials(ref, seeds, root)
        (out / "report.txt").write_text("".join(
            f"== seed {r.seed}: checkpoint at episode {r.episode}, test seed {r.test_seed}, "
            f"{summary['test_episodes']} episodes\n{report(r.result)}\n\n" for r in seeds))
        start = time.perf_counter()
        write_figures(ref, seeds, evolution, out, root)
        timing["figures_seconds"] = round(time.perf_counter() - start, 1)
        (out / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
        log(f"{ref.name}: results written to {out}")
        summaries.append(summary)
    return summaries


def _read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def describe(summary: dict) -> str:
    """A few lines of text about one variant's summary."""
    mean = summary["mean"]
    stay = " / ".join(f"{v:.3f}" for v in mean["stay"].values())
    lines = [
        f"{summary['variant']}: {len(summary['seeds'])} seed(s) x {summary['training_episodes']} "
        f"episodes (training took {summary['timing']['train_seconds']} s)",
        f"  stay (common-rew / common-unrew / uncommon-rew / uncommon-unrew), mean: {stay}",
        f"  reward per 100 trials: {mean['reward_per_100']:.1f} (random {mean['random_per_100']:.1f}, "
        f"Bayes-optimal {mean['bayes_per_100']:.1f}); reward x transition {mean['interaction']:.2f}",
        f"  model-based signature in {summary['model_based_seeds']} of {len(summary['seeds'])} seeds",
    ]
    return "\n".join(lines)


def seed_table(seeds: list[SeedResult]) -> str:
    """One line per seed: stay probabilities, rewards, interaction and the signature."""
    head = (f"{'seed':>4} {'episode':>8} {'c-rew':>6} {'c-unr':>6} {'u-rew':>6} {'u-unr':>6} "
            f"{'reward':>7} {'random':>7} {'Bayes':>6} {'r x t (z)':>14} {'model-based':>12}")
    rows = [head]
    for r in seeds:
        stay = " ".join(f"{p:>6.3f}" for p in r.stay)
        reg = r.regression
        rows.append(f"{r.seed:>4} {r.episode:>8} {stay} {r.reward():>7.1f} {r.reward('random'):>7.1f} "
                    f"{r.reward('bayes'):>6.1f} {reg.coef[3]:>6.2f} ({reg.z[3]:>5.1f}) "
                    f"{'yes' if r.model_based else 'no':>12}")
    stays = np.array([r.stay for r in seeds])
    mean = " ".join(f"{p:>6.3f}" for p in stays.mean(axis=0))
    rows.append(f"{'mean':>4} {'':>8} {mean} {np.mean([r.reward() for r in seeds]):>7.1f} "
                f"{np.mean([r.reward('random') for r in seeds]):>7.1f} "
                f"{np.mean([r.reward('bayes') for r in seeds]):>6.1f} "
                f"{np.mean([r.regression.coef[3] for r in seeds]):>6.2f} {'':>7} "
                f"{sum(r.model_based for r in seeds):>8} of {len(seeds)}")
    return "\n".join(rows)


def stay_comparison(seeds: list[SeedResult]) -> str:
    """Mean stay probabilities (and range over seeds) beside the paper's and the original's."""
    stays = np.array([r.stay for r in seeds])
    bayes = np.array([bayes_stay(r) for r in seeds]).mean(axis=0)
    rows = [f"{'previous trial':<22}{'this repository':>24}{'paper (Sim. 4)':>16}"
            f"{'original, seed 0':>18}{'Bayes-optimal':>15}"]
    for b, name in enumerate(analysis.BINS):
        spread = f" ({stays[:, b].min():.2f}-{stays[:, b].max():.2f})" if len(stays) > 1 else ""
        rows.append(f"{name:<22}{stays[:, b].mean():>12.3f}{spread:>12}"
                    f"{analysis.PAPER_STAY[b]:>16.2f}{analysis.ORIGINAL_STAY[b]:>18.3f}{bayes[b]:>15.3f}")
    rows.append("(mean over seeds, range in brackets; Bayes-optimal observer on the same test episodes)")
    return "\n".join(rows)


def bayes_stay(seed: SeedResult) -> np.ndarray:
    """Stay probabilities of the Bayes-optimal observer on the seed's test episodes."""
    b = seed.result.bayes
    return analysis.stay_probabilities(b["action"], b["common"], b["reward"])


def import_tensorflow_quietly() -> None:
    """Import TensorFlow without its C++ start-up banner (for notebooks; see ``meta_rl.cli``)."""
    from meta_rl.cli import _import_tensorflow_quietly

    _import_tensorflow_quietly()
