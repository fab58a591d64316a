"""Checkpoints and training history on disk: atomic writes, validated reads.

A checkpoint ``ckpt-<episode>.npz`` holds one seed's weights (``params/*``), its RMSProp
state (``opt/*``), the episode count and the config it was trained with. A finished reference
run keeps its weights only (``strip_optimizer``: half the bytes): training it further starts
RMSProp's running average afresh, as a new run starts it (``fresh_optimizer``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meta_rl.agent.network import weight_shapes
from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write
from meta_rl.runs import list_checkpoints

HISTORY_KEYS = ("reward", "policy_loss", "value_loss", "entropy")


def fresh_optimizer(params: dict) -> dict:
    """RMSProp's state at the start of training (``meta_rl.learn.optim.rmsprop_init``'s, in
    numpy): the running average of squared gradients at one."""
    return {k: np.ones_like(np.asarray(v)) for k, v in params.items()}


def save_checkpoint(run_dir: Path, episode: int, params: dict, opt: dict | None, config: Config,
                    seconds: float = float("nan")) -> Path:
    """Atomically write one seed's checkpoint; returns its path. ``seconds``: the wall time
    its process has spent training it so far, over all resumes (NaN: unknown); ``opt`` None:
    the weights only."""
    arrays = {f"params/{k}": np.asarray(v) for k, v in params.items()}
    arrays.update({f"opt/{k}": np.asarray(v) for k, v in (opt or {}).items()})
    return _write(Path(run_dir), episode, arrays, config.to_json(), seconds)


def _write(run_dir: Path, episode: int, arrays: dict, config_json: str, seconds: float) -> Path:
    arrays = {**arrays, "episode": np.int64(episode), "train_seconds": np.float64(seconds),
              "config": np.array(config_json)}
    path = run_dir / f"ckpt-{episode}.npz"
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


@dataclass(frozen=True)
class Checkpoint:
    """What one read of a checkpoint file gives (``read_checkpoint``)."""

    path: Path
    episode: int
    seconds: float
    """The training wall time it records (NaN: written before checkpoints recorded it)."""
    config_json: str
    """The config it was trained with, as ``config.json`` holds it."""
    arrays: dict[str, np.ndarray] | None
    """``params/*`` and ``opt/*`` (None when read without its weights)."""


def read_checkpoint(path: Path, weights: bool = True) -> Checkpoint:
    """The one place a checkpoint file is read: its episode, time and config, and with
    ``weights`` its arrays (unvalidated: ``checkpoint_weights``). A missing or unreadable
    file is a ``MetaRLError`` naming it."""
    path = Path(path)
    if not path.is_file():
        raise MetaRLError(f"checkpoint not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            names = data.files
            arrays = ({k: data[k] for k in names if k.startswith(("params/", "opt/"))}
                      if weights else None)
            return Checkpoint(path, int(data["episode"]),
                              float(data["train_seconds"]) if "train_seconds" in names else float("nan"),
                              str(data["config"]), arrays)
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        raise MetaRLError(f"corrupt checkpoint {path}: {err}") from None


def checkpoint_seconds(path: Path) -> float:
    """The training wall time a checkpoint records (``save_checkpoint``); NaN when it was
    written before checkpoints recorded it, or cannot be read."""
    try:
        return read_checkpoint(path, weights=False).seconds
    except MetaRLError:
        return float("nan")


def checkpoint_config(path: Path, task_classes) -> Config:
    """The config a checkpoint embeds (the one it was trained with)."""
    return embedded_config(read_checkpoint(path, weights=False), task_classes)


def embedded_config(checkpoint: Checkpoint, task_classes) -> Config:
    """The config a read checkpoint embeds, parsed with ``task_classes``."""
    try:
        return Config.from_json(checkpoint.config_json, task_classes)
    except MetaRLError as err:
        raise MetaRLError(f"checkpoint {checkpoint.path}: {err}") from None


def checkpoint_weights(checkpoint: Checkpoint, config: Config) -> tuple[dict, dict]:
    """``(params, opt)`` of a checkpoint read with its weights, validated against ``config``
    (a weights-only checkpoint, ``strip_optimizer``: ``opt`` is ``fresh_optimizer``'s)."""
    path, arrays = checkpoint.path, checkpoint.arrays or {}
    shapes = weight_shapes(config)
    parts = ("params", "opt") if any(k.startswith("opt/") for k in arrays) else ("params",)
    missing = [f"{part}/{k}" for k in shapes for part in parts if f"{part}/{k}" not in arrays]
    if missing:
        raise MetaRLError(f"corrupt checkpoint {path}: missing {missing}")
    for k, shape in shapes.items():
        for part in parts:
            got = arrays[f"{part}/{k}"].shape
            if got != shape:
                raise MetaRLError(f"checkpoint {path} does not match its config: {part}/{k} has "
                                  f"shape {got}, config (hidden={config.hidden}) needs {shape}")
    params = {k: arrays[f"params/{k}"] for k in shapes}
    opt = {k: arrays[f"opt/{k}"] for k in shapes} if "opt" in parts else fresh_optimizer(params)
    if not all(np.all(np.isfinite(v)) for v in params.values()):
        raise MetaRLError(f"corrupt checkpoint {path}: non-finite weights")
    return params, opt


def load_checkpoint(path: Path, config: Config) -> tuple[int, dict, dict]:
    """Read and validate a checkpoint against ``config``; returns ``(episode, params, opt)``."""
    checkpoint = read_checkpoint(path)
    params, opt = checkpoint_weights(checkpoint, config)
    return checkpoint.episode, params, opt


def strip_optimizer(path: Path) -> None:
    """Rewrite a checkpoint without its RMSProp state (atomically; nothing to do when it has
    none): what a finished reference run keeps (module docstring)."""
    checkpoint = read_checkpoint(path)
    arrays = checkpoint.arrays or {}
    if not any(k.startswith("opt/") for k in arrays):
        return
    params = {k: v for k, v in arrays.items() if k.startswith("params/")}
    _write(Path(path).parent, checkpoint.episode, params, checkpoint.config_json, checkpoint.seconds)


def prune_checkpoints(run_dir: Path, keep: int, keep_every: int) -> None:
    """Delete all but the ``keep`` newest checkpoints and those at multiples of ``keep_every``."""
    ckpts = list_checkpoints(run_dir)
    for episode, path in ckpts[:-keep] if keep > 0 else ckpts:
        if keep_every and episode % keep_every == 0:
            continue
        path.unlink()


def history_keys(task) -> tuple[str, ...]:
    """The training curves a run of ``task`` keeps, one entry per update: ``HISTORY_KEYS``
    and the task's own ``training_metrics`` (``BatchedTask.TRAINING_METRICS``)."""
    return HISTORY_KEYS + tuple(task.TRAINING_METRICS)


HISTORY_FILE = "history.npz"
"""A run's training curves, one entry per update: what resuming needs to log its TensorBoard
points exactly once. A finished reference run drops it (``drop_history``): its TensorBoard
files hold the curves."""


def save_history(run_dir: Path, history: dict[str, np.ndarray]) -> None:
    """Training curves, one entry per update: reward per episode (mean over the update's
    ``batch_episodes`` episodes), the three losses and the task's own metrics."""
    path = Path(run_dir) / HISTORY_FILE
    atomic_write(path, lambda f: np.savez_compressed(
        f, **{k: np.asarray(v, np.float32) for k, v in history.items()}))


def load_history(run_dir: Path, updates: int, keys: tuple[str, ...] = HISTORY_KEYS) -> dict[str, np.ndarray]:
    """The first ``updates`` entries of ``history.npz`` (written before each checkpoint).

    A task metric missing from the file (a run trained before the task logged it) is NaN
    for the updates it lacks; the four ``HISTORY_KEYS`` must be there. A run without the
    file (a finished reference run, ``drop_history``, trained further) has NaN for every
    update so far: its TensorBoard files already hold those points."""
    path = Path(run_dir) / HISTORY_FILE
    if not path.exists():
        return {k: np.full(updates, np.nan, np.float32) for k in keys}
    try:
        with np.load(path) as data:
            history = {k: data[k][:updates] if k in data.files or k in HISTORY_KEYS
                       else np.full(updates, np.nan, np.float32) for k in keys}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise MetaRLError(f"cannot read training history {path}: {err}") from None
    if any(len(v) < updates for v in history.values()):
        raise MetaRLError(f"training history {path} is shorter than its checkpoint ({updates} updates)")
    return history


def drop_history(run_dir: Path) -> None:
    """Delete a finished run's ``history.npz``: only resuming reads it, and the TensorBoard
    files keep the curves (the committed reference runs stay small)."""
    (Path(run_dir) / HISTORY_FILE).unlink(missing_ok=True)
