"""The reference pipeline behind ``meta-rl reproduce NAME``, the same for every task family.

A family names its experiments (``TaskFamily.experiments``); each ``Experiment``
(``meta_rl.experiment``) lists the runs it trains (``RunSet``: a config, its seeds, where
they go) and three hooks: what its numbers are (``summarize``), which figures it draws
(``figures``) and how it reads in a terminal (``describe``). ``reproduce`` then, for any family:

1. trains every run set, split over one process per core (a finished run is left as it is,
   an interrupted one resumes), and keeps intermediate checkpoints only for the seeds that
   ask for them;
2. tests the final checkpoint of every seed with frozen weights on ``test_episodes``
   episodes of test stream ``TEST_SEED_OFFSET + seed``;
3. asks the family for its summary (which may test more: checkpoints along training, other
   tasks);
4. writes into ``RESULTS/<experiment directory>/``: ``results.json`` (the summary, wall
   times, versions), ``table.md`` (the family's markdown tables of it, which the README and
   ``docs/`` include: ``meta_rl.documents``), ``report.txt`` (every seed's test report), the
   family's figures, and
   ``<run set>/model_<seed>/test_trials.csv.gz`` (the ``test --trials-csv`` rows,
   gzip-compressed, of the first ``Experiment.logged_episodes`` episodes where it is set;
   ``meta_rl.learn.evaluate.read_trials_csv`` reads them as they are).

The notebooks call the same functions, so they show what this command wrote.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.experiment import RESULTS, Experiment, RunSet, Tested
from meta_rl.files import atomic_write_text
from meta_rl.learn.checkpoints import (
    checkpoint_weights,
    drop_history,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
    strip_optimizer,
)
from meta_rl.learn.evaluate import load_agent, run_test, write_trials_csv
from meta_rl.learn.parallel import default_workers, train_local
from meta_rl.learn.runs import Run, check_run_dirs
from meta_rl.provenance import environment, measured_train_seconds, read_json, recorded_seconds
from meta_rl.runs import list_checkpoints, run_dir
from meta_rl.streams import TEST_SEED_OFFSET
from meta_rl.tasks.base import TaskFamily, TestResult


def open_run_set(run_set: RunSet, root: Path = RESULTS) -> list[Run]:
    """Where each seed of a run set stands (its newest checkpoint read once), after every
    check that comes before training (``meta_rl.learn.runs.check_run_dirs``)."""
    return check_run_dirs(run_set.config, list(run_set.seeds), Path(root) / run_set.directory)


def train_runs(run_set: RunSet, root: Path = RESULTS, progress: bool = True,
               runs: list[Run] | None = None) -> list[Run]:
    """Train (or resume) a run set, one process per core, from where ``runs`` (by default
    read now) say its seeds stand; prune the intermediate checkpoints of the seeds outside
    ``history_seeds`` and every finished seed's ``history.npz`` (``drop_history``) and RMSProp
    state (``strip_optimizer``). Returns the runs as they stand after training."""
    runs = open_run_set(run_set, root) if runs is None else runs
    if run_set.weights_from:
        runs = derive_run_set(run_set, runs, root)
    else:
        runs = train_local(run_set.config, list(run_set.seeds), Path(root) / run_set.directory,
                           default_workers(len(run_set.seeds)), progress=progress, runs=runs)
    for run in runs:
        if run.seed not in run_set.history_seeds:
            for _, path in list_checkpoints(run.dir)[:-1]:
                path.unlink()
        if run.finished(run_set.config):
            drop_history(run.dir)
            for _, path in list_checkpoints(run.dir):
                strip_optimizer(path)
    return runs


def train_run_set(run_set: RunSet, root: Path = RESULTS, progress: bool = True) -> float:
    """``train_runs``, timed: the wall time (s) it took."""
    start = time.perf_counter()
    train_runs(run_set, root, progress)
    return round(time.perf_counter() - start, 1)


def derive_run_set(run_set: RunSet, runs: list[Run], root: Path = RESULTS) -> list[Run]:
    """Give each seed of ``run_set`` without a checkpoint (``runs``: where they stand) the
    final weights of the same seed of the run set in ``run_set.weights_from``, saved as a
    checkpoint of ``run_set.config`` (with its ``config.json``); returns the runs then."""
    out = []
    for run in runs:
        if run.episode > 0:
            out.append(run)
            continue
        source = list_checkpoints(run_dir(Path(root) / run_set.weights_from, run.seed))
        if not source:
            raise MetaRLError(f"{run_set.name}: no checkpoint of seed {run.seed} in {run_set.weights_from} "
                              "to take its weights from")
        checkpoint = read_checkpoint(source[-1][1])
        params, opt = checkpoint_weights(checkpoint, run_set.config)
        run.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(run.dir / "config.json", run_set.config.to_json())
        # weights only: a derived run is finished, so train_runs would strip the state anyway
        save_checkpoint(run.dir, checkpoint.episode, params, None, run_set.config, checkpoint.seconds)
        out.append(Run(run.seed, run.dir, checkpoint.episode, params, opt, run.history, checkpoint.seconds))
    return out


def test_final(family: TaskFamily, run_set: RunSet, seed: int, root: Path = RESULTS,
               episodes: int = 300) -> tuple[int, TestResult]:
    """``(checkpoint episode, TestResult)`` of a seed's final checkpoint, tested with frozen
    weights on test stream ``TEST_SEED_OFFSET + seed``."""
    config, episode, params = load_agent(run_set.run_dir(seed, root), family.task_classes())
    return episode, run_test(family, config, params, TEST_SEED_OFFSET + seed, episodes)


def test_checkpoints(family: TaskFamily, directory: Path, seed: int, episodes: int,
                     config: Config | None = None) -> list[tuple[int, TestResult]]:
    """``(training episode, TestResult)`` of every checkpoint in the run directory of ``seed``
    (oldest first), all on the same test episodes (test stream ``TEST_SEED_OFFSET + seed``)
    of ``config``'s task (default: the run's own)."""
    from meta_rl.config import load_config

    own = load_config(directory, family.task_classes())
    found = list_checkpoints(directory)
    if not found:
        raise MetaRLError(f"no checkpoints in {directory}: train first")
    out = []
    for episode, path in found:
        _, params, _ = load_checkpoint(path, own)
        out.append((episode, run_test(family, config or own, params, TEST_SEED_OFFSET + seed, episodes)))
    return out


def write_trials_gz(directory: Path, result: TestResult, episodes: int | None = None) -> None:
    """``directory/test_trials.csv.gz``: a test result's trial CSV (its first ``episodes``
    episodes; None: all), gzip-compressed without a timestamp (so rewriting the same trials
    gives the same bytes)."""
    plain = Path(directory) / ".test_trials.csv"
    trials = {k: v[:episodes] for k, v in result.trials.items()} if episodes else result.trials
    write_trials_csv(plain, trials, result.csv_columns)
    try:
        with gzip.GzipFile(Path(directory) / "test_trials.csv.gz", "wb", mtime=0) as f:
            f.write(plain.read_bytes())
    finally:
        plain.unlink()


def results_root(root: Path) -> Path:
    """``root`` as a Path, refused with a one-line error if it exists and is not a directory."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise MetaRLError(f"{root} is not a directory")
    return root


def test_all(family: TaskFamily, experiment: Experiment, run_sets: list[RunSet], root: Path,
             episodes: int | None = None, log=None) -> Tested:
    """Test the final checkpoint of every seed of every run set, on ``episodes`` test episodes
    per seed (None: the run set's ``test_episodes``, else the experiment's)."""
    tested = Tested(family, experiment, Path(root), run_sets)
    for run_set in run_sets:
        for seed in run_set.seeds:
            episode, result = test_final(family, run_set, seed, root,
                                         episodes or run_set.test_episodes or experiment.test_episodes)
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


def reproduce(family: TaskFamily, experiment: Experiment, root: Path = RESULTS, progress: bool = True,
              episodes: int | None = None, test_episodes: int | None = None,
              log=lambda msg: print(msg, file=sys.stderr)) -> dict:
    """Train, test, summarise and plot one experiment; returns what ``results.json`` holds.

    ``episodes`` and ``test_episodes`` shorten the runs and the tests (smoke mode)."""
    root = results_root(root)
    out = root / experiment.directory
    previous = read_json(out / "results.json")
    run_sets = experiment.run_sets(episodes)
    runs = {r.name: open_run_set(r, root) for r in run_sets}  # where every run stands, read once
    trained = {r.name for r in run_sets if not all(run.finished(r.config) for run in runs[r.name])}
    resumed = {name for name in trained if any(run.episode > 0 for run in runs[name])}
    train_seconds = {}
    for r in run_sets:
        start = time.perf_counter()
        runs[r.name] = train_runs(r, root, progress, runs[r.name])
        train_seconds[r.name] = round(time.perf_counter() - start, 1)
    env = environment()
    recorded = {name: recorded_seconds([run.seconds for run in found]) for name, found in runs.items()}
    measured = measured_train_seconds(previous, train_seconds, trained, resumed)
    timing = {"train_seconds": {**measured, **{k: v for k, v in recorded.items() if v == v}}}
    start = time.perf_counter()
    tested = test_all(family, experiment, run_sets, root, test_episodes, log)
    timing["test_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    summary = experiment.summarize(tested)
    timing["analysis_seconds"] = round(time.perf_counter() - start, 1)
    for (name, seed), result in tested.results.items():
        write_trials_gz(tested.run_dir(name, seed), result, experiment.logged_episodes)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.txt").write_text(report_text(tested))
    start = time.perf_counter()
    experiment.figures(tested, summary, out)
    timing["figures_seconds"] = round(time.perf_counter() - start, 1)
    summary.update(command=f"meta-rl reproduce {experiment.name}", timing=timing, environment=env,
                   trained_with_git=env["git"] if trained else previous.get("trained_with_git"))
    (out / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name, text in experiment.tables(summary).items():
        (out / experiment.table_file(name)).write_text(text + "\n")
    log(f"{experiment.name}: results written to {out}")
    return summary
