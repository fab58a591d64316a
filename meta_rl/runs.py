"""Where runs live on disk: a seed's run directory and the checkpoints in it (no TensorFlow,
no file contents read: names only)."""

from __future__ import annotations

import os
import re
from pathlib import Path

CKPT_PATTERN = re.compile(r"^ckpt-(\d+)\.npz$")
"""A checkpoint's file name: ``ckpt-<episode>.npz``."""


def run_dir(out: Path, seed: int) -> Path:
    """The run directory of ``seed`` under an output directory: ``out/model_<seed>``."""
    return Path(out) / f"model_{seed}"


def list_checkpoints(directory: Path) -> list[tuple[int, Path]]:
    """``(episode, path)`` of every checkpoint in a run directory, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [(int(m.group(1)), directory / name) for name in os.listdir(directory)
             if (m := CKPT_PATTERN.match(name))]
    return sorted(found)


def newest_episode(directory: Path) -> int:
    """The episode of a run directory's newest checkpoint (0: none yet)."""
    found = list_checkpoints(directory)
    return found[-1][0] if found else 0
