"""Shared timing helper for the benchmark scripts."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_training(config: str, seeds: str, episodes: int, *extra: str) -> float:
    """Wall seconds of ``python -m meta_rl train`` in a fresh process, start to finish."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "meta_rl", "train", config, "--seeds", seeds,
               "--episodes", str(episodes), "--out", out, "--quiet", *extra]
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"
