"""Testing a trained agent: frozen weights, sampled actions, one row per trial.

``play_test`` plays test episodes of any task; ``run_test`` turns them into the task's
result (``TestResult`` for the two-step task, ``BanditResult``...), which knows its CSV
columns and its report.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl import analysis
from meta_rl.checkpoint import list_checkpoints, load_checkpoint
from meta_rl.config import Config, load_config
from meta_rl.envs.two_step import records_to_trials, trial_uniforms
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write_text
from meta_rl.model import make_task
from meta_rl.rollout import STREAM_TEST, episode_uniforms, rollout

TEST_BLOCK = 100
"""Test episodes are played in blocks of this many: episode e depends on (seed, e) only."""
CSV_COLUMNS = ("episode", "trial", "action", "state", "common", "reward", "rich_state")


@dataclass
class TestResult:
    """Per-trial arrays ``[episodes, trials]`` of the agent and of the reference players."""

    trials: dict[str, np.ndarray]
    bayes: dict[str, np.ndarray]
    random: dict[str, np.ndarray]
    csv_columns = CSV_COLUMNS

    @property
    def stay(self) -> np.ndarray:
        t = self.trials
        return analysis.stay_probabilities(t["action"], t["common"], t["reward"])

    @property
    def regression(self) -> analysis.Regression:
        t = self.trials
        return analysis.stay_regression(t["action"], t["common"], t["reward"])

    def report(self) -> str:
        """The text the ``test`` command prints."""
        return report(self)


def resolve_checkpoint(path: Path) -> tuple[Config, Path]:
    """A run directory (its newest checkpoint) or a checkpoint file -> (config, file)."""
    path = Path(path)
    if path.is_dir():
        config = load_config(path)
        ckpts = list_checkpoints(path)
        if not ckpts:
            raise MetaRLError(f"no checkpoint in {path}")
        return config, ckpts[-1][1]
    if not path.exists():
        raise MetaRLError(f"checkpoint not found: {path}")
    return load_config(path.parent), path


def load_agent(path: Path) -> tuple[Config, int, dict]:
    """Config, episode and weights (numpy, one seed) of a checkpoint or run directory."""
    config, ckpt = resolve_checkpoint(path)
    episode, params, _ = load_checkpoint(ckpt, config)
    return config, episode, params


@dataclass
class TestEpisodes:
    """What test episodes played: per-step ``records [E, T]``, the task's uniforms
    ``u_steps [E, T, n_uniforms]`` and ``u_init [E, n_init]``."""

    records: dict[str, np.ndarray]
    u_steps: np.ndarray
    u_init: np.ndarray


@functools.lru_cache(maxsize=8)
def _make_test_fn(config: Config, held_out: bool):
    """The compiled test function of ``config``, built once per config: XLA compilation takes
    seconds, so testing many seeds or checkpoints of one config compiles only once."""
    task = make_task(config, held_out)

    @tf.function(jit_compile=True, autograph=False)
    def play(params, seeds, block):
        u_env, u_action, u_init = episode_uniforms(seeds, STREAM_TEST, block, task, TEST_BLOCK)
        out = rollout(params, task, u_env, u_action, u_init, config.hidden)
        return out["records"], u_env, u_init

    return play


def play_test(config: Config, params: dict, seed: int, episodes: int,
              held_out: bool = True) -> TestEpisodes:
    """Play ``episodes`` test episodes with frozen ``params`` from test stream ``seed``
    (on held-out objects unless ``held_out`` is False, for tasks that have objects)."""
    if episodes <= 0:
        raise MetaRLError(f"episodes must be positive, got {episodes}")
    play = _make_test_fn(config, held_out)
    weights = {k: tf.constant(np.asarray(v)[None]) for k, v in params.items()}
    seeds = tf.constant([seed], tf.int32)
    records, u_steps, u_init = [], [], []
    for block in range(-(-episodes // TEST_BLOCK)):
        rec, u_env, u0 = play(weights, seeds, tf.constant(block))
        # [T, 1, B] -> [B, T]
        records.append({k: np.transpose(v.numpy()[:, 0]) for k, v in rec.items()})
        u_steps.append(np.transpose(u_env.numpy()[:, 0], (1, 0, 2)))
        u_init.append(u0.numpy()[0])
    return TestEpisodes({k: np.concatenate([r[k] for r in records])[:episodes] for k in records[0]},
                        np.concatenate(u_steps)[:episodes], np.concatenate(u_init)[:episodes])


def two_step_result(config: Config, played: TestEpisodes, seed: int) -> TestResult:
    """The two-step test result: the agent's trials and the reference players' on the same
    task randomness."""
    trials = records_to_trials(played.records, config.task.steps_per_trial)
    trials = {k: v.astype(int) for k, v in trials.items()}
    u_trials = trial_uniforms(played.u_steps, config.task.steps_per_trial)
    u_init = played.u_init[:, 0]
    return TestResult(trials, analysis.bayes_observer(u_trials, u_init, config.task),
                      analysis.random_agent(u_trials, u_init, config.task, seed))


def run_test(config: Config, params: dict, seed: int, episodes: int, held_out: bool = True):
    """Test ``params`` on ``episodes`` episodes from test stream ``seed``: the task's result
    (``TestResult``, ``BanditResult``...), with ``.trials``, ``.csv_columns`` and ``.report()``."""
    from meta_rl.bandit_analysis import bandit_result
    from meta_rl.harlow_analysis import harlow_result

    played = play_test(config, params, seed, episodes, held_out)
    if config.task.kind == "harlow":
        return harlow_result(config, played, seed, held_out)
    builders = {"two-step": two_step_result, "bandit": bandit_result}
    return builders[config.task.kind](config, played, seed)


def write_trials_csv(path: Path, trials: dict[str, np.ndarray],
                     columns: tuple[str, ...] = CSV_COLUMNS) -> None:
    """One row per trial: ``episode,trial`` then ``columns[2:]`` (integers, or floats as
    written by ``%.6g``)."""
    n_episodes, n_trials = trials[columns[2]].shape
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    values = [np.asarray(trials[k]) for k in columns[2:]]
    fmt = [int if np.issubdtype(v.dtype, np.integer) else (lambda x: f"{x:.6g}") for v in values]
    for e in range(n_episodes):
        for t in range(n_trials):
            writer.writerow([e, t] + [f(v[e, t]) for f, v in zip(fmt, values)])
    try:
        atomic_write_text(Path(path), buf.getvalue())
    except OSError as err:
        raise MetaRLError(f"cannot write {path}: {err.strerror}") from None


def read_trials_csv(path: Path) -> dict[str, np.ndarray]:
    """Read a trials CSV back into ``[episodes, trials]`` arrays (columns from its header;
    whole-number columns as integers)."""
    with (gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)) as f:
        columns = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    n_episodes, n_trials = int(data[:, 0].max()) + 1, int(data[:, 1].max()) + 1
    out = {}
    for i, k in enumerate(columns[2:], start=2):
        col = data[:, i].reshape(n_episodes, n_trials)
        out[k] = col.astype(int) if np.all(col == np.round(col)) else col
    return out


def report(result: TestResult) -> str:
    """The two-step ``test`` report."""
    stay, reg = result.stay, result.regression
    agent, rand, bayes = (analysis.reward_per_100(r["reward"])
                          for r in (result.trials, result.random, result.bayes))
    lines = [
        f"reward per 100 trials: agent {agent:.1f} | random agent {rand:.1f} | "
        f"Bayes-optimal observer {bayes:.1f}",
        "stay probabilities (previous trial):",
    ]
    lines += [f"  {name:<20} {p:.3f}" for name, p in zip(analysis.BINS, stay)]
    lines += ["logistic regression of stay (Daw et al. 2011):", reg.table(),
              f"model-based signature: {'yes' if analysis.is_model_based(stay, reg) else 'no'}"]
    return "\n".join(lines)
