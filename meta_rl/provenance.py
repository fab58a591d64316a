"""What ``results.json`` records beside the numbers: the versions and machine they were
measured on, and the wall times of training, carried over resumes and reruns."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

import numpy as np


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


def read_json(path: Path) -> dict:
    """A JSON file's content, or ``{}`` if it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def recorded_seconds(seconds: list[float]) -> float:
    """The wall time a run set's training took as its runs' checkpoints record it (over
    every resume): the longest any seed's process spent (processes run side by side); NaN
    when a checkpoint predates the record."""
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
