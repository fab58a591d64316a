"""The reference pipeline behind ``meta-rl reproduce NAME``, the same for every task family.

A family names its experiments (``TaskFamily.experiments``); each ``Experiment`` lists the
runs it trains (``RunSet``: a config, its seeds, where they go) and three hooks: what its
numbers are (``summarize``), which figures it draws (``figures``) and how it reads in a
terminal (``describe``). ``reproduce`` then, for any family:

1. trains every run set, split over one process per core (a finished run is left as it is,
   an interrupted one resumes), and keeps intermediate checkpoints only for the seeds that
   ask for them;
2. tests the final checkpoint of every seed with frozen weights on ``test_episodes``
   episodes of test stream ``TEST_SEED_OFFSET + seed``;
3. asks the family for its summary (which may test more: checkpoints along training, other
   tasks);
4. writes into ``RESULTS/<experiment directory>/``: ``results.json`` (the summary, wall
   times, versions), ``table.md`` (the family's markdown tables of it, which the README and
   ``docs/`` include: ``update_documents``), ``report.txt`` (every seed's test report), the
   family's figures, and
   ``<run set>/model_<seed>/test_trials.csv.gz`` (the ``test --trials-csv`` rows,
   gzip-compressed; ``meta_rl.learn.evaluate.read_trials_csv`` reads them as they are).

The notebooks call the same functions, so they show what this command wrote.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.streams import TEST_SEED_OFFSET

RESULTS = Path("results")
"""Default results directory (relative to where the command runs: the repository)."""
LOG_EVERY = 100
"""TensorBoard points every 100 episodes in reference runs: small files, smooth curves."""


@dataclass(frozen=True)
class RunSet:
    """Seeds of one config trained for an experiment."""

    config: Config
    """The training config: a preset with the reference schedule (episodes, checkpoints)."""
    seeds: tuple[int, ...]
    directory: str
    """Where its ``model_<seed>`` run directories go, relative to the results directory."""
    history_seeds: tuple[int, ...] = ()
    """Seeds that keep their intermediate checkpoints (the others keep the final one only)."""
    weights_from: str | None = None
    """Not trained: the directory (relative to the results) of another run set whose seeds'
    final weights this one takes unchanged, under its own config: the same agents tested
    under another task setting (e.g. a manipulation at test, weights frozen)."""

    @property
    def name(self) -> str:
        return self.config.name

    def run_dir(self, seed: int, root: Path = RESULTS) -> Path:
        return Path(root) / self.directory / f"model_{seed}"


@dataclass(frozen=True)
class Experiment:
    """What ``reproduce NAME`` trains, tests, summarises and plots."""

    name: str
    directory: str
    """Where ``results.json``, ``report.txt`` and the figures go, relative to the results."""
    run_sets: Callable[[int | None], list[RunSet]]
    """The run sets; an episode count trains shorter runs (the notebooks' smoke mode)."""
    summarize: Callable[[Tested], dict]
    """The experiment's numbers as a JSON-ready dict."""
    figures: Callable[[Tested, dict, Path], None]
    """Draw the figures of a summary into a directory."""
    describe: Callable[[dict], str]
    """A few lines of text about a summary."""
    table: Callable[[dict], str]
    """The summary as markdown tables, beside the paper's and the original's numbers
    (``table.md``, included by the README and ``docs/``)."""
    test_episodes: int = 300
    """Test episodes per seed."""
    extra_tables: Callable[[dict], dict[str, str]] | None = None
    """Further tables of the summary by block name (``<!-- table: NAME -->``), e.g. an
    ablation that the family's ``docs/`` page shows and the README does not
    (``table-NAME.md``)."""

    def tables(self, summary: dict) -> dict[str, str]:
        """Every generated table of a summary by block name: ``table`` under the
        experiment's name, then ``extra_tables``."""
        return {self.name: self.table(summary), **(self.extra_tables(summary) if self.extra_tables else {})}


def table_file(experiment: Experiment, name: str) -> str:
    """The file in the experiment's results directory that holds table ``name``."""
    return "table.md" if name == experiment.name else f"table-{name}.md"


@dataclass
class Tested:
    """The tested final checkpoints of an experiment's runs, handed to its hooks."""

    family: object
    """The task family (``meta_rl.tasks.base.TaskFamily``)."""
    experiment: Experiment
    root: Path
    run_sets: list[RunSet]
    results: dict[tuple[str, int], object] = field(default_factory=dict)
    """``(config name, seed) -> TestResult`` of the final checkpoint."""
    checkpoint_episode: dict[tuple[str, int], int] = field(default_factory=dict)

    def run_set(self, name: str) -> RunSet:
        return next(r for r in self.run_sets if r.name == name)

    def test_checkpoints(self, name: str, seed: int, episodes: int,
                         config: Config | None = None) -> list[tuple[int, object]]:
        """``(training episode, TestResult)`` of every checkpoint kept for ``seed`` of run set
        ``name``, each on the same test episodes (of ``config``'s task if given)."""
        return test_checkpoints(self.family, self.run_set(name).run_dir(seed, self.root),
                                TEST_SEED_OFFSET + seed, episodes, config)


def task_classes(family) -> dict[str, type]:
    """The kind -> parameters class mapping that reads a family's configs."""
    return {family.kind: family.params_class}


def scheduled_config(config: Config, episodes: int, keep_every: int = 0,
                     checkpoint_every: int | None = None, log_every: int = LOG_EVERY) -> Config:
    """``config`` trained for ``episodes`` with the final checkpoint (and those at multiples
    of ``keep_every``) kept; chunks and TensorBoard points no coarser than the checkpoints."""
    every = checkpoint_every or keep_every or min(config.checkpoint_every, episodes)
    return dataclasses.replace(config, episodes=episodes, keep_every=keep_every,
                               checkpoint_every=every, keep_checkpoints=1,
                               chunk=min(config.chunk, every), log_every=min(log_every, every))


def train_run_set(run_set: RunSet, root: Path = RESULTS, progress: bool = True) -> float:
    """Train (or resume) a run set, one process per core; prune the intermediate
    checkpoints of the seeds outside ``history_seeds``. Returns the wall time (s)."""
    from meta_rl.learn.checkpoints import list_checkpoints
    from meta_rl.learn.parallel import default_workers, train_local

    seeds = list(run_set.seeds)
    start = time.perf_counter()
    if run_set.weights_from:
        derive_run_set(run_set, root)
        return round(time.perf_counter() - start, 1)
    train_local(run_set.config, seeds, Path(root) / run_set.directory, default_workers(len(seeds)),
                progress=progress)
    seconds = round(time.perf_counter() - start, 1)
    for seed in seeds:
        if seed not in run_set.history_seeds:
            for _, path in list_checkpoints(run_set.run_dir(seed, root))[:-1]:
                path.unlink()
    return seconds


def derive_run_set(run_set: RunSet, root: Path = RESULTS) -> None:
    """Give each seed of ``run_set`` the final weights of the same seed of the run set in
    ``run_set.weights_from``, saved as a checkpoint of ``run_set.config`` (with its
    ``config.json``); seeds that have a checkpoint already are left as they are."""
    from meta_rl.files import atomic_write_text
    from meta_rl.learn.checkpoints import (
        checkpoint_seconds,
        list_checkpoints,
        load_checkpoint,
        save_checkpoint,
    )

    for seed in run_set.seeds:
        target = run_set.run_dir(seed, root)
        if list_checkpoints(target):
            continue
        source = list_checkpoints(Path(root) / run_set.weights_from / f"model_{seed}")
        if not source:
            raise MetaRLError(f"{run_set.name}: no checkpoint of seed {seed} in {run_set.weights_from} "
                              "to take its weights from")
        episode, params, opt = load_checkpoint(source[-1][1], run_set.config)
        target.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target / "config.json", run_set.config.to_json())
        save_checkpoint(target, episode, params, opt, run_set.config, checkpoint_seconds(source[-1][1]))


def needs_training(run_set: RunSet, root: Path = RESULTS) -> bool:
    """Whether some seed of the run set has not reached its training episodes yet."""
    from meta_rl.learn.checkpoints import list_checkpoints

    for seed in run_set.seeds:
        ckpts = list_checkpoints(run_set.run_dir(seed, root))
        if not ckpts or ckpts[-1][0] < run_set.config.episodes:
            return True
    return False


def has_checkpoints(run_set: RunSet, root: Path = RESULTS) -> bool:
    """Whether some seed of the run set has a checkpoint (training would resume it)."""
    from meta_rl.learn.checkpoints import list_checkpoints

    return any(list_checkpoints(run_set.run_dir(seed, root)) for seed in run_set.seeds)


def test_final(family, run_set: RunSet, seed: int, root: Path = RESULTS, episodes: int = 300):
    """``(checkpoint episode, TestResult)`` of a seed's final checkpoint, tested with frozen
    weights on test stream ``TEST_SEED_OFFSET + seed``."""
    from meta_rl.learn.evaluate import load_agent, run_test

    config, episode, params = load_agent(run_set.run_dir(seed, root), task_classes(family))
    return episode, run_test(family, config, params, TEST_SEED_OFFSET + seed, episodes)


def test_checkpoints(family, run_dir: Path, test_seed: int, episodes: int,
                     config: Config | None = None) -> list[tuple[int, object]]:
    """``(training episode, TestResult)`` of every checkpoint in ``run_dir`` (oldest first),
    all on the same test episodes of ``config``'s task (default: the run's own)."""
    from meta_rl.config import load_config
    from meta_rl.learn.checkpoints import list_checkpoints, load_checkpoint
    from meta_rl.learn.evaluate import run_test

    own = load_config(run_dir, task_classes(family))
    found = list_checkpoints(run_dir)
    if not found:
        raise MetaRLError(f"no checkpoints in {run_dir}: train first")
    out = []
    for episode, path in found:
        _, params, _ = load_checkpoint(path, own)
        out.append((episode, run_test(family, config or own, params, test_seed, episodes)))
    return out


def read_scalars(path: Path, tag: str = "perf/reward") -> tuple[np.ndarray, np.ndarray]:
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


def plot_training_reward(tested: Tested, path: Path, tag: str = "perf/reward_per_100_trials",
                         ylabel: str = "reward per 100 trials") -> None:
    """Each run set's training curve of ``tag`` (its seeds' mean and s.e.) into ``path``."""
    from meta_rl.plotting import plot_reward_curves

    curves = {r.name: [read_scalars(r.run_dir(s, tested.root), tag) for s in r.seeds]
              for r in tested.run_sets}
    plot_reward_curves(curves, title=f"training: {ylabel}", ylabel=ylabel, path=path)


def environment(where: Path = Path(".")) -> dict:
    """Versions and machine, recorded next to the numbers."""
    import tensorflow as tf

    try:
        git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=where, text=True,
                             capture_output=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        git = "unknown"
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "numpy": np.__version__, "machine": platform.machine(),
            "cpus": os.cpu_count(), "git": git}


def write_trials_gz(directory: Path, result) -> None:
    """``directory/test_trials.csv.gz``: a test result's trial CSV, gzip-compressed without a
    timestamp (so rewriting the same trials gives the same bytes)."""
    from meta_rl.learn.evaluate import write_trials_csv

    plain = Path(directory) / ".test_trials.csv"
    write_trials_csv(plain, result.trials, result.csv_columns)
    try:
        with gzip.GzipFile(Path(directory) / "test_trials.csv.gz", "wb", mtime=0) as f:
            f.write(plain.read_bytes())
    finally:
        plain.unlink()


def read_json(path: Path) -> dict:
    """A JSON file's content, or ``{}`` if it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def results_root(root: Path) -> Path:
    """``root`` as a Path, refused with a one-line error if it exists and is not a directory."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise MetaRLError(f"{root} is not a directory")
    return root


def test_all(family, experiment: Experiment, run_sets: list[RunSet], root: Path,
             episodes: int | None = None, log=None) -> Tested:
    """Test the final checkpoint of every seed of every run set."""
    tested = Tested(family, experiment, Path(root), run_sets)
    for run_set in run_sets:
        for seed in run_set.seeds:
            episode, result = test_final(family, run_set, seed, root,
                                         episodes or experiment.test_episodes)
            if log:
                log(f"{run_set.name} seed {seed}: tested the checkpoint at episode {episode}")
            tested.results[run_set.name, seed] = result
            tested.checkpoint_episode[run_set.name, seed] = episode
    return tested


def report_text(tested: Tested) -> str:
    """``report.txt``: every seed's test report."""
    parts = []
    for (name, seed), result in tested.results.items():
        n = len(result.trials[result.csv_columns[2]])
        parts.append(f"== {name} seed {seed}: checkpoint at episode "
                     f"{tested.checkpoint_episode[name, seed]}, test seed {TEST_SEED_OFFSET + seed}, "
                     f"{n} test episodes\n{result.report()}\n\n")
    return "".join(parts)


def reproduce(family, experiment: Experiment, root: Path = RESULTS, progress: bool = True,
              episodes: int | None = None, test_episodes: int | None = None,
              log=lambda msg: print(msg, file=sys.stderr)) -> dict:
    """Train, test, summarise and plot one experiment; returns what ``results.json`` holds.

    ``episodes`` and ``test_episodes`` shorten the runs and the tests (smoke mode)."""
    root = results_root(root)
    out = root / experiment.directory
    previous = read_json(out / "results.json")
    run_sets = experiment.run_sets(episodes)
    trained = {r.name for r in run_sets if needs_training(r, root)}
    resumed = {r.name for r in run_sets if r.name in trained and has_checkpoints(r, root)}
    train_seconds = {r.name: train_run_set(r, root, progress) for r in run_sets}
    env = environment()
    recorded = {r.name: recorded_train_seconds(r, root) for r in run_sets}
    measured = measured_train_seconds(previous, train_seconds, trained, resumed)
    timing = {"train_seconds": {**measured, **{k: v for k, v in recorded.items() if v == v}}}
    start = time.perf_counter()
    tested = test_all(family, experiment, run_sets, root, test_episodes, log)
    timing["test_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    summary = experiment.summarize(tested)
    timing["analysis_seconds"] = round(time.perf_counter() - start, 1)
    for (name, seed), result in tested.results.items():
        write_trials_gz(tested.run_set(name).run_dir(seed, root), result)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.txt").write_text(report_text(tested))
    start = time.perf_counter()
    experiment.figures(tested, summary, out)
    timing["figures_seconds"] = round(time.perf_counter() - start, 1)
    summary.update(command=f"meta-rl reproduce {experiment.name}", timing=timing, environment=env,
                   trained_with_git=env["git"] if trained else previous.get("trained_with_git"))
    (out / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name, text in experiment.tables(summary).items():
        (out / table_file(experiment, name)).write_text(text + "\n")
    log(f"{experiment.name}: results written to {out}")
    return summary


def update_documents(documents: list[Path], tables: dict[str, str]) -> list[Path]:
    """Rewrite the generated blocks (``<!-- table: NAME -->``) of these markdown documents
    with ``tables`` (experiment name -> ``table.md`` content); returns those changed."""
    from meta_rl.tables import include_tables

    changed = []
    for path in documents:
        text = Path(path).read_text()
        new = include_tables(text, tables)
        if new != text:
            Path(path).write_text(new)
            changed.append(Path(path))
    return changed


def recorded_train_seconds(run_set: RunSet, root: Path = RESULTS) -> float:
    """The wall time the run set's training took as its checkpoints record it, over every
    resume: the longest any seed's process spent (processes run side by side); NaN when a
    checkpoint predates the record."""
    from meta_rl.learn.checkpoints import checkpoint_seconds, list_checkpoints

    seconds = []
    for seed in run_set.seeds:
        ckpts = list_checkpoints(run_set.run_dir(seed, root))
        seconds.append(checkpoint_seconds(ckpts[-1][1]) if ckpts else float("nan"))
    return round(max(seconds), 1) if seconds and all(s == s for s in seconds) else float("nan")


def measured_train_seconds(previous: dict, seconds: dict[str, float], trained: set[str],
                           resumed: set[str] = frozenset()) -> dict:
    """Training wall times to record (where the checkpoints do not record them): those of
    the run sets trained now (``trained``), added to the previous ``results.json``'s time
    for a run set that resumed from checkpoints (``resumed``); a run set that was already
    finished keeps the time a previous ``results.json`` measured."""
    old = previous.get("timing", {}).get("train_seconds", {})
    if not isinstance(old, dict):  # results.json files written before there were run sets
        old = {k: old for k in seconds} if len(seconds) == 1 and old else {}

    def now(k: str, v: float) -> float:
        if k not in old:
            return v
        if k not in trained:
            return old[k]
        return round(old[k] + v, 1) if k in resumed else v
    return {**old, **{k: now(k, v) for k, v in seconds.items()}}
