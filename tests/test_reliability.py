"""Faults and bad input: concurrent runs, signals, unreachable clusters, absurd settings,
broken files, full disks, lost config files, TensorBoard after a kill, and small ones.
Every bad input is one ``error:`` line, exit status 2, and leaves the disk as it was."""

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from meta_rl import files
from meta_rl.cli import main
from meta_rl.errors import MetaRLError
from meta_rl.learn import parallel, trainer
from meta_rl.learn.checkpoints import list_checkpoints
from meta_rl.learn.tensorboard import last_logged_step
from meta_rl.tasks.registry import get_config
from meta_rl.tasks.two_step.analysis import Regression

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--episodes", "40", "--checkpoint-every", "20", "--chunk", "20", "--quiet"]
CONFIG = dataclasses.replace(get_config("arxiv"), episodes=40, checkpoint_every=20, chunk=20, log_every=10)


def snapshot(path: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(Path(path).rglob("*")) if p.is_file()}


def expect_error(capsys, args, pattern):
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ") and pattern in err[0], err
    return err[0]


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "meta_rl", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# 1. two runs into one run directory


def test_a_second_run_into_a_locked_directory_is_refused(tmp_path, capsys):
    args = ["train", "biorxiv-first-try", "--out", str(tmp_path), "--episodes", "20000",
            "--checkpoint-every", "100", "--chunk", "50", "--quiet"]
    first = start(*args)
    try:
        wait_for(lambda: list_checkpoints(tmp_path / "model_0"))
        before = snapshot(tmp_path / "model_0")
        message = expect_error(capsys, args, "is in use by")
        assert str(tmp_path / "model_0") in message and f"pid {first.pid}" in message
        # the refused run wrote nothing: no event file, config or lock of its own, no file
        # written by this process (the first run goes on writing checkpoints and history)
        run = tmp_path / "model_0"
        assert len(list(run.glob("events.out.tfevents.*"))) == 1
        after = snapshot(run)
        for name in ("config.json", files.LOCK_NAME):
            assert after[run / name] == before[run / name], name
        assert not [p for p in run.iterdir() if f".tmp{os.getpid()}" in p.name]
    finally:
        first.kill()
        first.wait()
    # the killed run's lock file holds nothing: the same command takes it over and resumes
    stopped_at = list_checkpoints(tmp_path / "model_0")[-1][0]
    shorter = [a if a != "20000" else str(stopped_at + 100) for a in args]
    assert main(shorter) == 0
    assert f"resuming from checkpoint at episode {stopped_at}" in capsys.readouterr().err


def test_locks_are_released_and_exclusive(tmp_path):
    with files.locked([tmp_path / "a", tmp_path / "b"]):
        with pytest.raises(MetaRLError, match="is in use by pid"), files.locked([tmp_path / "b"]):
            pass
    with files.locked([tmp_path / "b"]):  # released on leaving the block
        pass


# 2. stopping the parent stops its workers


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_the_parent_stops_its_workers(tmp_path, how, capsys):
    def args(episodes, workers=2):
        return ["train", "arxiv", "--seeds", "0-1", "--workers", str(workers), "--out", str(tmp_path),
                "--episodes", str(episodes), "--checkpoint-every", "200", "--chunk", "100", "--quiet"]

    parent = start(*args(40000))
    try:
        wait_for(lambda: all(list_checkpoints(tmp_path / f"model_{s}") for s in (0, 1)))
        workers = [pid for pid in children(parent.pid) if "spawn" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2
        parent.send_signal(how)
        parent.wait(timeout=30)
        wait_for(lambda: not any(alive(pid) for pid in workers), seconds=15)
    finally:
        parent.kill()
    if how == signal.SIGTERM:
        assert parent.returncode == 130
        assert "interrupted: rerun the same command" in parent.stderr.read()
    # the last checkpoints are valid: the same command (shorter; in one process, which reads
    # the checkpoints as the workers would) resumes from them
    stopped = {s: list_checkpoints(tmp_path / f"model_{s}")[-1][0] for s in (0, 1)}
    assert main(args(max(stopped.values()) + 200, workers=1)) == 0
    err = capsys.readouterr().err
    for s in (0, 1):
        assert f"model_{s}: resuming from checkpoint at episode {stopped[s]}" in err


# 3. an unreachable cluster


def test_unreachable_ray_cluster_fails_fast(tmp_path, capsys):
    started = time.perf_counter()
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), "--ray", "127.0.0.1:1", *TINY],
                 "cannot reach a Ray cluster at 127.0.0.1:1")
    assert time.perf_counter() - started < 60
    assert not any(tmp_path.iterdir())


def test_a_cluster_that_never_answers_is_given_up():
    class Silent:
        def init(self, **kwargs):
            time.sleep(30)

    with socket.socket() as server:  # something listens, nothing answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        started = time.perf_counter()
        with pytest.raises(MetaRLError, match="no answer within"):
            parallel.connect_ray(Silent(), f"127.0.0.1:{server.getsockname()[1]}", timeout=0.5)
    assert time.perf_counter() - started < 5


# 4. non-finite and absurd settings; divergence


@pytest.mark.parametrize("args, pattern", [
    (["--lr", "inf"], "lr must be a finite number"),
    (["--entropy-coef", "nan"], "entropy_coef must be a finite number"),
    (["--common-prob", "nan"], "common_prob must be a finite number"),
    (["--lr", "5"], "lr must be at most 1.0"),
    (["--hidden", "100000"], "hidden must be at most 16384"),
    (["--hidden", "16384", "--batch-episodes", "65536", "--episodes", "65536", "--checkpoint-every",
      "65536", "--log-every", "65536"], "GiB of memory, this machine has"),
])
def test_absurd_settings_are_refused(tmp_path, capsys, args, pattern):
    expect_error(capsys, ["train", "biorxiv-final", "--out", str(tmp_path), *args], pattern)
    assert not any(tmp_path.iterdir())


def test_divergence_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    build = trainer.make_train_fn
    calls = []

    def poisoned(config, jit=True):
        train_fn = build(config, jit)

        def run(*args):
            params, opt, metrics = train_fn(*args)
            calls.append(1)
            if len(calls) == 2:
                metrics = {k: v * np.nan for k, v in metrics.items()}
            return params, opt, metrics

        return run

    monkeypatch.setattr(trainer, "make_train_fn", poisoned)
    with pytest.raises(MetaRLError, match=r"training diverged.*last good checkpoint \(episode 20\)"):
        trainer.train(CONFIG, [0], tmp_path, progress=False)
    assert [e for e, _ in list_checkpoints(tmp_path / "model_0")] == [20]


# 5. one-line errors, nothing changed on disk


def test_output_under_a_regular_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path / "file" / "runs"), *TINY],
                 "is not a directory")
    expect_error(capsys, ["reproduce", "arxiv", "--results", str(tmp_path / "file" / "results")],
                 "--results")
    assert snapshot(tmp_path) == {tmp_path / "file": b"x"}


def test_unwritable_places_are_refused_before_any_work(capsys):
    # /proc takes no files, root or not
    expect_error(capsys, ["train", "arxiv", "--out", "/proc/meta-rl-runs", *TINY], "cannot write in /proc")
    expect_error(capsys, ["reproduce", "arxiv", "--results", "/proc/meta-rl"], "cannot write in /proc")


def test_a_full_disk_is_one_line_and_keeps_the_last_checkpoint(tmp_path, capsys, monkeypatch):
    assert main(["train", "arxiv", "--out", str(tmp_path), "--episodes", "20", "--checkpoint-every", "20",
                 "--chunk", "20", "--quiet"]) == 0
    before = snapshot(tmp_path)

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), *TINY], "No space left on device")
    monkeypatch.undo()
    after = snapshot(tmp_path)
    assert {p: b for p, b in after.items() if "tfevents" not in p.name and p.name != files.LOCK_NAME} == \
        {p: b for p, b in before.items() if "tfevents" not in p.name and p.name != files.LOCK_NAME}
    assert main(["train", "arxiv", "--out", str(tmp_path), *TINY]) == 0  # and it resumes


@pytest.fixture
def trained(tmp_path):
    assert main(["train", "arxiv", "--out", str(tmp_path), *TINY]) == 0
    return tmp_path / "model_0"


def test_another_family_into_a_run_directory(trained, capsys):
    before = snapshot(trained)
    batched = ["--episodes", "32", "--checkpoint-every", "32", "--log-every", "16", "--chunk", "2", "--quiet"]
    expect_error(capsys, ["train", "bandit-easy", "--out", str(trained.parent), *batched],
                 "config of task kind 'two-step', expected 'bandit'")
    assert snapshot(trained) == before


@pytest.mark.parametrize("content, pattern", [
    (lambda text: text.replace('"hidden": 48', '"hidden": "abc"'), "hidden must be int, got 'abc'"),
    (lambda text: text.replace('"lr": 0.0007', '"lr": true'), "lr must be float, got True"),
    (lambda text: "\xff\xfe".encode("latin-1") + b"\x00binary", "not a text file"),
    (lambda text: text.replace('"kind": "two-step"', '"kind": "chess"'), "task kind 'chess'"),
])
def test_broken_config_json(trained, capsys, content, pattern):
    path = trained / "config.json"
    new = content(path.read_text())
    path.write_bytes(new if isinstance(new, bytes) else new.encode())
    before = snapshot(trained)
    expect_error(capsys, ["test", str(trained)], pattern)
    expect_error(capsys, ["train", "arxiv", "--out", str(trained.parent), *TINY], pattern)
    assert snapshot(trained) == before


# 6. a lost config.json


def test_the_checkpoint_embeds_its_config(trained, capsys):
    (trained / "config.json").unlink()
    before = snapshot(trained)
    expect_error(capsys, ["train", "arxiv", "--out", str(trained.parent), *TINY, "--lr", "1e-3"],
                 "another config (lr: 0.0007 -> 0.001)")
    assert snapshot(trained) == before
    assert main(["test", str(trained), "--episodes", "5"]) == 0  # read with the embedded config


# 7. TensorBoard after a kill between a checkpoint and its points


def test_every_tensorboard_step_is_written_once_after_a_kill(tmp_path, monkeypatch):
    class Killed(Exception):
        pass

    write = trainer.log_scalars
    calls = []

    def dies_at_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # after the checkpoint at episode 40 is on disk
            raise Killed
        return write(*args, **kwargs)

    monkeypatch.setattr(trainer, "log_scalars", dies_at_the_second)
    with pytest.raises(Killed):
        trainer.train(dataclasses.replace(CONFIG, episodes=60), [0], tmp_path, progress=False)
    monkeypatch.undo()
    run = tmp_path / "model_0"
    assert list_checkpoints(run)[-1][0] == 40 and last_logged_step(run) == 20
    trainer.train(dataclasses.replace(CONFIG, episodes=60), [0], tmp_path, progress=False)
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    steps = [e.step for p in sorted(run.glob("events.out.tfevents.*")) for e in EventFileLoader(str(p)).Load()
             if any(v.tag == "perf/reward" for v in e.summary.value)]
    assert sorted(steps) == [10, 20, 30, 40, 50, 60]


# 9. small ones


def test_a_repeated_flag_is_refused(tmp_path, capsys):
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), "--lr", "1e-3", "--lr=2e-3"],
                 "--lr is given twice")
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), "--common-prob", "0.7",
                          "--common_prob", "0.8"], "is given twice")


@pytest.mark.parametrize("seeds", ["1_0", "+3", "4-", "0x1", "2-1_0", ""])
def test_odd_seed_spellings_are_refused(tmp_path, capsys, seeds):
    expect_error(capsys, ["train", "arxiv", "--out", str(tmp_path), "--seeds", seeds], "malformed seeds")


def test_reproduce_help_lists_every_experiment():
    shown = subprocess.run([sys.executable, "-m", "meta_rl", "reproduce", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120).stdout
    for name in ("biorxiv-final", "biorxiv-first-try", "arxiv", "bandits", "harlow"):
        assert name in shown


def test_regression_table_columns_never_run_together():
    reg = Regression(("intercept", "reward x transition"), np.array([1.5, -123456.789]),
                     np.array([0.1, 98765.4321]))
    rows = [line.split() for line in reg.table().splitlines()]
    assert rows[0] == ["term", "coef", "se", "z", "p"]
    assert rows[2][-4:] == ["-123456.789", "98765.432", "-1.25", "0.21"]


def test_sweep_table_columns_never_run_together():
    from meta_rl.learn.sweep import format_table

    rows = [{"setting": "lr=1e-3", "reward_mean": "123456.7"}, {"setting": "x", "reward_mean": "1"}]
    assert [line.split() for line in format_table(rows).splitlines()] == [
        ["setting", "reward_mean"], ["lr=1e-3", "123456.7"], ["x", "1"]]
