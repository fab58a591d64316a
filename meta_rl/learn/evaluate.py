"""Testing a trained agent: frozen weights, sampled actions, one row per trial.

``play_test`` plays test episodes of any task; ``run_test`` hands them to the task family,
whose ``test_result`` reads them into its own result (``meta_rl.tasks.base.TestResult``):
its trials, CSV columns, report and headline metrics.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.agent.network import make_task
from meta_rl.config import Config, load_config
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write, atomic_write_text
from meta_rl.learn.checkpoints import checkpoint_config, list_checkpoints, load_checkpoint
from meta_rl.learn.rollout import rollout
from meta_rl.streams import STREAM_TEST, TEST_BLOCK, episode_uniforms


def resolve_checkpoint(path: Path, task_classes: Mapping[str, type]) -> tuple[Config, Path]:
    """A run directory (its newest checkpoint) or a checkpoint file -> (config, file); the
    config's task is read with ``task_classes`` (kind -> parameters class)."""
    path = Path(path)
    if path.is_dir():
        ckpts = list_checkpoints(path)
        if not ckpts:
            if not (path / "config.json").exists():
                raise MetaRLError(f"no config.json in {path}: not a run directory")
            raise MetaRLError(f"no checkpoint in {path}")
        ckpt = ckpts[-1][1]
    elif path.exists():
        ckpt = path
    else:
        raise MetaRLError(f"checkpoint not found: {path}")
    if (ckpt.parent / "config.json").exists():
        return load_config(ckpt.parent, task_classes), ckpt
    return checkpoint_config(ckpt, task_classes), ckpt  # config.json lost: the embedded one


def load_agent(path: Path, task_classes: Mapping[str, type]) -> tuple[Config, int, dict]:
    """Config, episode and weights (numpy, one seed) of a checkpoint or run directory."""
    config, ckpt = resolve_checkpoint(path, task_classes)
    episode, params, _ = load_checkpoint(ckpt, config)
    return config, episode, params


STEP_ARRAYS = ("observation", "action", "reward", "value", "policy", "lstm_h", "lstm_c")
"""What ``play_test(..., with_steps=True)`` keeps of every step (``meta-rl test --steps-npz``)."""


@dataclass
class TestEpisodes:
    """What test episodes played: per-step ``records [E, T]`` (the task's), the critic's
    ``values [E, T]``, the task's uniforms ``u_steps [E, T, n_uniforms]`` and ``u_init
    [E, n_init]``, and on request every step's ``steps`` (``STEP_ARRAYS``, each ``[E, T, ...]``)."""

    records: dict[str, np.ndarray]
    values: np.ndarray
    u_steps: np.ndarray
    u_init: np.ndarray
    steps: dict[str, np.ndarray] | None = None


@functools.lru_cache(maxsize=8)
def _make_test_fn(config: Config, held_out: bool, with_steps: bool, stream: int):
    """The compiled test function of ``config``, built once per config: XLA compilation takes
    seconds, so testing many seeds or checkpoints of one config compiles only once."""
    task = make_task(config, held_out)

    @tf.function(jit_compile=True, autograph=False)
    def play(params, seeds, block):
        u_env, u_action, u_init = episode_uniforms(seeds, stream, block, task, TEST_BLOCK)
        out = rollout(params, task, u_env, u_action, u_init, config.hidden, rpe_input=config.rpe_input,
                      feature_activation=config.feature_activation, memoryless=config.memoryless)
        steps = {}
        if with_steps:
            steps = {"observation": out.obs, "action": out.actions, "reward": out.rewards,
                     "value": out.values, "policy": tf.nn.softmax(out.logits),
                     "lstm_h": out.h, "lstm_c": out.cache["c"]}
        return out.records, out.values, u_env, u_init, steps

    return play


def _per_episode(x: np.ndarray) -> np.ndarray:
    """``[T, 1, B, ...]`` (one seed) -> ``[B, T, ...]``."""
    x = np.asarray(x)[:, 0]
    return np.swapaxes(x, 0, 1)


def play_test(config: Config, params: dict, seed: int, episodes: int,
              held_out: bool = True, with_steps: bool = False, stream: int = STREAM_TEST) -> TestEpisodes:
    """Play ``episodes`` test episodes with frozen ``params`` from test stream ``seed`` (on
    the task's held-out items unless ``held_out`` is False, where it holds some out);
    ``with_steps`` keeps every step's observation, action, reward, value, policy and LSTM
    state as well. ``stream``: ``meta_rl.streams.STREAM_VALIDATION`` plays the validation
    episodes of seed ``seed`` instead (as ``meta-rl sweep`` does)."""
    if episodes <= 0:
        raise MetaRLError(f"episodes must be positive, got {episodes}")
    play = _make_test_fn(config, held_out, with_steps, stream)
    weights = {k: tf.constant(np.asarray(v)[None]) for k, v in params.items()}
    seeds = tf.constant([seed], tf.int32)
    parts: dict[str, list] = {"records": [], "values": [], "u_steps": [], "u_init": [], "steps": []}
    for block in range(-(-episodes // TEST_BLOCK)):
        records, values, u_env, u_init, steps = play(weights, seeds, tf.constant(block))
        parts["records"].append({k: _per_episode(v.numpy()) for k, v in records.items()})
        parts["values"].append(_per_episode(values.numpy()))
        parts["u_steps"].append(_per_episode(u_env.numpy()))
        parts["u_init"].append(u_init.numpy()[0])
        parts["steps"].append({k: _per_episode(v.numpy()) for k, v in steps.items()})

    def joined(blocks: list) -> np.ndarray:  # the blocks' episodes, the first ``episodes`` of them
        return np.concatenate(blocks)[:episodes]

    def joined_dicts(blocks: list[dict]) -> dict[str, np.ndarray]:
        return {k: joined([b[k] for b in blocks]) for k in blocks[0]}

    return TestEpisodes(joined_dicts(parts["records"]), joined(parts["values"]), joined(parts["u_steps"]),
                        joined(parts["u_init"]), joined_dicts(parts["steps"]) if with_steps else None)


def run_test(family, config: Config, params: dict, seed: int, episodes: int, held_out: bool = True,
             with_steps: bool = False, stream: int = STREAM_TEST):
    """Test ``params`` on ``episodes`` episodes from test stream ``seed``: the family's result
    (``meta_rl.tasks.base.TestResult``: ``.trials``, ``.csv_columns``, ``.report()``...);
    with ``with_steps`` also the played episodes' every step, as ``.steps``; ``stream`` as
    ``play_test``."""
    played = play_test(config, params, seed, episodes, held_out, with_steps, stream)
    result = family.test_result(config, played, seed, held_out)
    result.steps = played.steps
    return result


def write_steps_npz(path: Path, steps: dict[str, np.ndarray]) -> None:
    """The per-step arrays (``STEP_ARRAYS``, each ``[episode, step, ...]``), written atomically
    (a failed write is a ``MetaRLError`` naming the file: ``atomic_write``)."""
    atomic_write(Path(path), lambda f: np.savez_compressed(f, **{k: steps[k] for k in STEP_ARRAYS}))


def write_trials_csv(path: Path, trials: dict[str, np.ndarray], columns: tuple[str, ...]) -> None:
    """One row per trial: ``episode,trial`` then ``columns[2:]`` (integers, or floats as
    written by ``%.6g``). Ragged trials (a task whose episodes hold different numbers of
    them) come as numpy masked arrays: masked trials get no row."""
    n_episodes = trials[columns[2]].shape[0]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    present = ~np.ma.getmaskarray(trials[columns[2]])
    values = [np.ma.getdata(trials[k]) for k in columns[2:]]
    # + 0.0 writes a negative zero (e.g. a manipulation's -2 x 0) as 0, as integers would be
    fmt = [int if np.issubdtype(v.dtype, np.integer) else (lambda x: f"{x + 0.0:.6g}") for v in values]
    for e in range(n_episodes):
        for t in np.flatnonzero(present[e]):
            writer.writerow([e, t] + [f(v[e, t]) for f, v in zip(fmt, values)])
    atomic_write_text(Path(path), buf.getvalue())  # a failed write: MetaRLError naming the file


def read_trials_csv(path: Path) -> dict[str, np.ndarray]:
    """Read a trials CSV back into ``[episodes, trials]`` arrays (columns from its header;
    whole-number columns as integers). A ragged CSV (episodes with different numbers of
    rows) comes back as masked arrays, the missing trials masked."""
    with (gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)) as f:
        columns = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    episode, trial = data[:, 0].astype(int), data[:, 1].astype(int)
    n_episodes, n_trials = int(episode.max()) + 1, int(trial.max()) + 1
    ragged = len(data) != n_episodes * n_trials
    out = {}
    for i, k in enumerate(columns[2:], start=2):
        whole = np.all(data[:, i] == np.round(data[:, i]))
        if ragged:
            col = np.ma.masked_all((n_episodes, n_trials), int if whole else float)
            col[episode, trial] = data[:, i]
        else:
            col = data[:, i].reshape(n_episodes, n_trials)
            col = col.astype(int) if whole else col
        out[k] = col
    return out
