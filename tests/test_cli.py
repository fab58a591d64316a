"""The command line end to end: train, SIGKILL, resume, test, and every bad input."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from meta_rl.cli import main
from meta_rl.learn.evaluate import STEP_ARRAYS, read_trials_csv, write_trials_csv
from meta_rl.tasks.two_step.result import CSV_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--episodes", "40", "--checkpoint-every", "20", "--chunk", "20", "--quiet"]


def cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "meta_rl", *args], cwd=ROOT, timeout=timeout,
                          capture_output=True, text=True)


def snapshot(path: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    assert main(["train", "arxiv", "--seeds", "0", "--out", str(out), *TINY]) == 0
    return out / "model_0"


def test_train_interrupt_resume_and_test(tmp_path):
    """SIGKILL during training, rerun the same command: resumes, TensorBoard steps continue."""
    out = tmp_path / "runs"
    args = ["train", "biorxiv-first-try", "--seeds", "0", "--out", str(out), "--episodes", "1500",
            "--checkpoint-every", "100", "--chunk", "50", "--log-every", "50", "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "meta_rl", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = out / "model_0"
    deadline = time.time() + 120
    while not list(run.glob("ckpt-*.npz")) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stopped_at = max(int(p.stem.split("-")[1]) for p in run.glob("ckpt-*.npz"))
    assert 0 < stopped_at < 1500, "the run should have been interrupted midway"

    resumed = cli(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming from checkpoint at episode {stopped_at}" in resumed.stderr
    assert (run / "ckpt-1500.npz").exists()
    steps = tensorboard_steps(run, "perf/reward")
    assert steps == sorted(set(steps)) and steps[0] == 50 and steps[-1] == 1500

    csv = tmp_path / "trials.csv"
    tested = cli("test", str(run), "--episodes", "30", "--seed", "7", "--trials-csv", str(csv))
    assert tested.returncode == 0, tested.stderr
    assert "reward per 100 trials: agent" in tested.stdout and "Bayes-optimal" in tested.stdout
    assert "common-rewarded" in tested.stdout and "reward x transition" in tested.stdout
    assert csv.read_text().splitlines()[0] == ",".join(CSV_COLUMNS) + ",value_stage2"  # two steps a trial
    trials = read_trials_csv(csv)
    assert trials["action"].shape == (30, 100)
    assert trials["value"].dtype == float and np.all(np.isfinite(trials["value_stage2"]))
    assert np.all((trials["state"] == trials["action"] + 1) == (trials["common"] == 1))


def tensorboard_steps(run: Path, tag: str) -> list[int]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    steps = []
    for path in sorted(run.glob("events.out.tfevents.*")):
        acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
        acc.Reload()
        if tag in acc.Tags()["scalars"]:  # a run killed early may have written none yet
            steps += [e.step for e in acc.Scalars(tag)]
    return steps


@pytest.mark.parametrize("variant", ["arxiv", "biorxiv-final"])
def test_trials_csv_format(tmp_path, variant):
    out = tmp_path / "runs"
    assert main(["train", variant, "--out", str(out), *TINY]) == 0
    csv = tmp_path / "t.csv"
    assert main(["test", str(out / "model_0"), "--episodes", "20", "--trials-csv", str(csv)]) == 0
    two_steps = ("value_stage2",) if variant == "arxiv" else ()  # arxiv: two agent steps a trial
    assert csv.read_text().splitlines()[0] == ",".join((*CSV_COLUMNS, *two_steps))
    rows = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=range(7), dtype=int)
    n_trials = 10 if variant == "arxiv" else 100
    assert len(rows) == 20 * n_trials
    assert rows[:, 0].tolist() == np.repeat(np.arange(20), n_trials).tolist()
    assert rows[:, 1].tolist() == np.tile(np.arange(n_trials), 20).tolist()
    assert set(rows[:, 2]) <= {0, 1} and set(rows[:, 3]) <= {1, 2} and set(rows[:, 6]) <= {1, 2}
    assert set(rows[:, 4]) <= {0, 1} and set(rows[:, 5]) <= {0, 1}



def test_ragged_trials_csv_round_trip(tmp_path):
    """Masked trials (episodes with different numbers of them) get no row and come back masked."""
    steps = np.ma.masked_array([[5, 3, 0], [7, 0, 0], [2, 4, 6]], mask=[[0, 0, 1], [0, 1, 1], [0, 0, 0]])
    value = np.ma.masked_array(np.full((3, 3), 0.25), mask=np.ma.getmaskarray(steps))
    path = tmp_path / "finds.csv"
    write_trials_csv(path, {"steps": steps, "value": value}, ("episode", "find", "steps", "value"))
    lines = path.read_text().splitlines()
    assert lines == ["episode,find,steps,value", "0,0,5,0.25", "0,1,3,0.25", "1,0,7,0.25",
                     "2,0,2,0.25", "2,1,4,0.25", "2,2,6,0.25"]
    back = read_trials_csv(path)
    for name, sent in (("steps", steps), ("value", value)):
        np.testing.assert_array_equal(np.ma.getmaskarray(back[name]), np.ma.getmaskarray(sent))
        assert back[name].compressed().tolist() == sent.compressed().tolist()

def expect_error(capsys, args, pattern):
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and err[0].startswith("error: ") and pattern in err[0], err
    return err[0]


@pytest.mark.parametrize("args, pattern", [
    (["train", "nonsense"], "unknown config 'nonsense'"),
    (["train", "arxiv", "--episodes", "0"], "episodes must be positive"),
    (["train", "arxiv", "--episodes", "-5"], "episodes must be positive"),
    (["train", "arxiv", "--seeds", "a-b"], "malformed seeds"),
    (["train", "arxiv", "--seeds", "5-2"], "malformed seeds"),
    (["train", "arxiv", "--lr", "-1e-3"], "lr must be positive"),
    (["train", "arxiv", "--lr", "fast"], "--lr expects float"),
    (["train", "arxiv", "--gamma", "1.5"], "gamma must be in [0, 1]"),
    (["train", "arxiv", "--common-prob", "2"], "common_prob must be a probability"),
    (["train", "harlow-pixels", "--feature-activation", "tanh"], "feature_activation must be one of"),
    (["train", "harlow-pixels", "--preview-steps", "-1"], "preview_steps must be at least 0"),
    (["train", "arxiv", "--no-such-field", "1"], "unknown config field --no-such-field"),
    (["test", "/nonexistent/model_0"], "not found"),
])
def test_bad_input_is_one_line(capsys, args, pattern):
    expect_error(capsys, args, pattern)


@pytest.mark.parametrize("variant", ["arxiv", "bandit-easy", "harlow-symbolic"])
def test_steps_npz_matches_the_trials_csv(tmp_path, variant):
    """``--steps-npz`` records the very episodes of ``--trials-csv``: same actions, rewards and
    values, one array per step quantity, shaped (episode, step, ...)."""
    out = tmp_path / "runs"
    tiny = TINY if variant == "arxiv" else [  # the others train 16 episodes per update
        "--episodes", "64", "--checkpoint-every", "32", "--log-every", "32", "--chunk", "2", "--quiet"]
    assert main(["train", variant, "--out", str(out), *tiny]) == 0
    csv, npz = tmp_path / "t.csv", tmp_path / "s.npz"
    assert main(["test", str(out / "model_0"), "--episodes", "12", "--seed", "4", "--trials-csv", str(csv),
                 "--steps-npz", str(npz)]) == 0
    trials, steps = read_trials_csv(csv), np.load(npz)
    assert sorted(steps.files) == sorted(STEP_ARRAYS)
    n_steps = steps["action"].shape[1]
    for name in STEP_ARRAYS:
        assert steps[name].shape[:2] == (12, n_steps), name
    np.testing.assert_allclose(steps["policy"].sum(axis=-1), 1.0, rtol=1e-5)
    assert steps["lstm_h"].shape == steps["lstm_c"].shape
    every = n_steps // trials["value"].shape[1]  # steps per trial (fixation steps, two stages)
    choice_step = every - 1 if variant.startswith("harlow") else 0
    np.testing.assert_allclose(trials["value"], steps["value"][:, choice_step::every], rtol=1e-5, atol=1e-5)
    if "action" in trials:
        np.testing.assert_array_equal(trials["action"], steps["action"][:, choice_step::every])


def test_bad_test_arguments(capsys, trained, tmp_path):
    before = snapshot(trained)
    expect_error(capsys, ["test", str(trained), "--episodes", "0"], "episodes must be positive")
    expect_error(capsys, ["test", str(trained), "--trials-csv", str(tmp_path / "no" / "x.csv")],
                 "cannot write")
    expect_error(capsys, ["test", str(trained), "--trials-csv", str(tmp_path)], "is a directory")
    expect_error(capsys, ["test", str(trained), "--steps-npz", str(tmp_path / "no" / "s.npz")],
                 "cannot write")
    expect_error(capsys, ["test", str(tmp_path)], "not a run directory")
    assert snapshot(trained) == before


def copy_run(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for p in src.iterdir():
        if p.is_file():
            (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_corrupt_checkpoint(capsys, trained, tmp_path):
    run = copy_run(trained, tmp_path / "model_0")
    (run / "ckpt-40.npz").write_bytes(b"not a zip file at all")
    before = snapshot(run)
    expect_error(capsys, ["test", str(run)], "corrupt checkpoint")
    # training on top of it refuses too, and changes nothing
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), *TINY], "corrupt checkpoint")
    assert snapshot(run) == before


def test_mismatched_checkpoint(capsys, trained, tmp_path):
    run = copy_run(trained, tmp_path / "model_0")
    config = (run / "config.json").read_text().replace('"hidden": 48', '"hidden": 32')
    (run / "config.json").write_text(config)
    before = snapshot(run)
    expect_error(capsys, ["test", str(run)], "does not match its config")
    assert snapshot(run) == before


def test_train_into_other_config_refused(capsys, trained):
    before = snapshot(trained)
    expect_error(capsys, ["train", "arxiv", "--out", str(trained.parent), *TINY, "--lr", "1e-3"],
                 "another config")
    assert snapshot(trained) == before


def test_missing_checkpoint_file(capsys, trained):
    expect_error(capsys, ["test", str(trained / "ckpt-999.npz")], "checkpoint not found")
