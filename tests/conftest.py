"""Shared test setup: headless plotting, and the ``cli`` fixture. The package is imported as
installed (``pip install -r requirements.txt`` installs it in editable mode)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports matplotlib

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli():
    """``cli(*args)``: run ``python -m meta_rl ARGS`` in the repository root, output captured."""
    def run(*args, timeout=300):
        return subprocess.run([sys.executable, "-m", "meta_rl", *args], cwd=ROOT, timeout=timeout,
                              capture_output=True, text=True)
    return run
