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


@pytest.fixture
def cli_here(capsys):
    """``cli_here(*args)``: the command line's ``main`` run in this process (no interpreter and
    TensorFlow to start), its exit status and output as ``cli`` returns them."""
    def run(*args):
        from meta_rl.cli import main

        code = main(list(args))
        printed = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, printed.out, printed.err)
    return run


@pytest.fixture
def train_and_test(tmp_path, cli_here):
    """``train_and_test(preset, episodes, schedule)``: train ``preset`` through the command line's
    ``main`` (``cli_here``: in this process, as a fresh one would spend its time importing
    TensorFlow) into ``tmp_path / "runs"`` (40 episodes, checkpoints every 20: ``schedule``
    replaces those flags, e.g. for a preset of 16 episodes per update), test it on ``episodes``
    episodes writing the trials CSV and the steps file; returns ``(test output, CSV header,
    trials, steps)``."""
    def run(preset: str, episodes: int = 20,
            schedule: tuple[str, ...] = ("--episodes", "40", "--checkpoint-every", "20", "--chunk", "20")):
        import numpy as np

        from meta_rl.learn.evaluate import read_trials_csv

        out = tmp_path / "runs"
        trained = cli_here("train", preset, "--seeds", "0", "--out", str(out), *schedule, "--quiet")
        assert trained.returncode == 0, trained.stderr
        csv, steps = tmp_path / "trials.csv", tmp_path / "steps.npz"
        tested = cli_here("test", str(out / "model_0"), "--episodes", str(episodes), "--seed", "5",
                          "--trials-csv", str(csv), "--steps-npz", str(steps))
        assert tested.returncode == 0, tested.stderr
        with np.load(steps) as recorded:
            arrays = dict(recorded)
        return tested.stdout, csv.read_text().splitlines()[0], read_trials_csv(csv), arrays
    return run
