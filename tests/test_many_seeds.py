"""Many seeds: split over processes, on a local Ray instance, and sweeps."""

import csv
import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from meta_rl.cli import main
from meta_rl.learn.checkpoints import list_checkpoints, load_checkpoint
from meta_rl.learn.evaluate import load_agent, run_test
from meta_rl.learn.parallel import split_seeds, train_local
from meta_rl.learn.sweep import FIRST_COLUMNS
from meta_rl.learn.trainer import train
from meta_rl.streams import STREAM_TEST, STREAM_VALIDATION, TEST_SEED_OFFSET
from meta_rl.tasks.registry import family, get_config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = dataclasses.replace(get_config("arxiv"), episodes=40, checkpoint_every=20, chunk=20)
TINY = ["--episodes", "40", "--checkpoint-every", "20", "--chunk", "20", "--quiet"]


def final(run: Path):
    return load_checkpoint(list_checkpoints(run)[-1][1], CONFIG)[1]


def test_split_seeds():
    assert split_seeds(list(range(8)), 2) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert split_seeds([1, 5, 9], 2) == [[1, 5], [9]]
    assert split_seeds([3], 4) == [[3]]


def test_two_processes_give_the_batched_run(tmp_path):
    train_local(CONFIG, [0, 1, 2], tmp_path / "procs", workers=2, progress=False)
    train(CONFIG, [0, 1, 2], tmp_path / "batch", progress=False)
    for seed in (0, 1, 2):
        a, b = final(tmp_path / "procs" / f"model_{seed}"), final(tmp_path / "batch" / f"model_{seed}")
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6)


def test_a_worker_that_cannot_start_fails_the_run_in_one_line(tmp_path):
    # A script read from stdin: its workers cannot import it and die before reading their
    # runs (weights, more than a pipe's buffer); the parent must report it, not wait forever.
    script = "\n".join([
        "import dataclasses", "from pathlib import Path", "from meta_rl.errors import MetaRLError",
        "from meta_rl.learn.parallel import train_local", "from meta_rl.tasks.registry import get_config",
        "config = dataclasses.replace(get_config('arxiv'), episodes=40, checkpoint_every=20, chunk=20)",
        "try:", f"    train_local(config, [0, 1], Path({str(tmp_path)!r}), workers=2, progress=False)",
        "except MetaRLError as err:", "    print(err)", ""])
    done = subprocess.run([sys.executable, "-"], input=script, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert "failed: exit status 1 (a worker process could not start" in done.stdout


def test_ray_local_instance(tmp_path):
    args = [sys.executable, "-m", "meta_rl", "train", "arxiv", "--seeds", "0-1", "--out",
            str(tmp_path), "--ray", *TINY]
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    for seed in (0, 1):
        assert (tmp_path / f"model_{seed}" / "ckpt-40.npz").exists()
    again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "model_0: already trained" in again.stderr


def test_sweep_writes_summary(tmp_path, capsys):
    code = main(["sweep", "arxiv", "--grid", "lr=7e-4,1e-3", "--seeds", "0-1", "--out",
                 str(tmp_path), "--test-episodes", "20", "--workers", "1", *TINY])
    assert code == 0
    with open(tmp_path / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["setting"] for r in rows] == ["lr=7e-4", "lr=1e-3"]
    metrics = ("reward", "interaction", "model_based")  # the two-step result's headline metrics
    assert list(rows[0]) == [*FIRST_COLUMNS, *(f"{m}_{s}" for m in metrics for s in ("mean", "sd"))]
    assert all(r["seeds"] == "2" for r in rows)
    assert (tmp_path / "lr=1e-3" / "model_1" / "ckpt-40.npz").exists()
    assert "interaction_mean" in capsys.readouterr().out
    # settings are chosen on the validation stream, never on the reference runs' test episodes
    two_step = family("two-step")

    def reward(seed, stream):
        config, _, params = load_agent(tmp_path / "lr=1e-3" / f"model_{seed}", two_step.task_classes())
        result = run_test(two_step, config, params, TEST_SEED_OFFSET + seed, 20, stream=stream)
        return result.metrics()["reward"]

    validation = [reward(s, STREAM_VALIDATION) for s in (0, 1)]
    assert float(rows[1]["reward_mean"]) == pytest.approx(np.mean(validation), rel=1e-3)  # 4 digits
    with open(tmp_path / "per_seed.csv") as f:
        per_seed = [r for r in csv.DictReader(f) if r["setting"] == "lr=1e-3"]
    assert [r["seed"] for r in per_seed] == ["0", "1"]
    assert [float(r["reward"]) for r in per_seed] == pytest.approx(validation, rel=1e-3)
    assert validation[0] != reward(0, STREAM_TEST)


def test_bad_sweep_grid(capsys):
    assert main(["sweep", "arxiv", "--grid", "lr"]) == 2
    assert "malformed --grid" in capsys.readouterr().err
    assert main(["sweep", "arxiv", "--grid", "bogus=1,2"]) == 2
    assert "unknown config field --bogus" in capsys.readouterr().err
