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
RESULTS = ROOT / "benchmarks" / "results"
"""Published measurements: ``<name>.md``, included by the documents' ``benchmark-<name>`` blocks."""
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


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


def publish(name: str, table: str) -> None:
    """Record a measurement: ``benchmarks/results/<name>.md`` gets the table with the command
    that measured it, this machine and the date, and every ``<!-- table: benchmark-<name> -->``
    block of the README and ``docs/`` is rewritten with it (the documents test checks
    that they agree)."""
    from meta_rl.documents import update_documents

    command = " ".join(["python", f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    text = (f"{table}\n\n`{command}` on {machine()}, {time.strftime('%Y-%m-%d')}; import and "
            "XLA compilation included.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text + "\n")
    for path in update_documents(DOCUMENTS, {f"benchmark-{name}": text}):
        print(f"updated {path.relative_to(ROOT)}")
