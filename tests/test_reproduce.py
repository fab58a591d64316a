"""The reference-results pipeline (meta-rl reproduce) on a tiny run of a real family."""

import dataclasses
import json

import numpy as np
import pytest

from meta_rl import reproduce
from meta_rl.cli import main
from meta_rl.errors import MetaRLError
from meta_rl.experiment import RunSet, scheduled_config
from meta_rl.learn.checkpoints import checkpoint_seconds, list_checkpoints
from meta_rl.learn.evaluate import read_trials_csv
from meta_rl.learn.tensorboard import read_scalars
from meta_rl.learn.trainer import train
from meta_rl.provenance import measured_train_seconds
from meta_rl.tasks import registry
from meta_rl.tasks.registry import get_config
from meta_rl.tasks.two_step import FAMILY
from meta_rl.tasks.two_step import reference as rp

TINY = rp.Reference("arxiv", "arxiv", (0, 1), episodes=200, keep_every=100, test_episodes=30,
                    evolution_seeds=(0,), animation_trials=4)


def test_unknown_experiment_is_one_line_error(capsys):
    with pytest.raises(MetaRLError, match="unknown experiment 'nope'"):
        registry.select_experiments("nope")
    assert main(["reproduce", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: unknown experiment")


def test_every_experiment_is_offered():
    assert set(registry.experiments()) == {"biorxiv-final", "biorxiv-first-try", "arxiv", "bandits",
                                           "harlow", "volatility", "reversal", "foraging", "risky-choice",
                                           "informative-arm", "restless", "maze"}
    assert len(registry.select_experiments("all")) == 12


def test_reference_configs():
    final = rp.reference_config(rp.reference("biorxiv-final"))
    assert (final.episodes, final.keep_every, final.keep_checkpoints) == (20000, 2000, 1)
    short = rp.reference_config(rp.reference("biorxiv-final"), episodes=200)
    assert short.episodes == 200 and short.keep_every == short.checkpoint_every == 20
    with pytest.raises(MetaRLError):
        rp.reference_config(rp.reference("arxiv"), episodes=-5)


def test_episode_with_swap():
    rich = np.ones((3, 20), int)
    rich[2, 10:] = 2  # episode 2 swaps in the middle
    rich[1, 1:] = 2  # episode 1 swaps too early to be seen adapting
    assert rp.episode_with_swap({"rich_state": rich}, 20) == 2
    assert rp.episode_with_swap({"rich_state": np.ones((2, 20), int)}, 20) == 0


def test_reproduce_writes_everything_and_reruns_without_training(tmp_path):
    experiment = rp.experiment(TINY)
    logged = []
    summary = reproduce.reproduce(FAMILY, experiment, tmp_path, progress=False, log=logged.append)
    out = tmp_path / "arxiv"
    for name in ("results.json", "report.txt", "reward_curves.png", "stay_probabilities.png",
                 "stay_evolution.png", "episode.gif"):
        assert (out / name).stat().st_size > 0, name
    # evolution seed 0 keeps its milestones, seed 1 only its final checkpoint
    assert [e for e, _ in list_checkpoints(out / "model_0")] == [100, 200]
    assert [e for e, _ in list_checkpoints(out / "model_1")] == [200]
    # finished: the TensorBoard files keep the training curves, history.npz is dropped
    assert not any((out / f"model_{s}" / "history.npz").exists() for s in (0, 1))
    trials = read_trials_csv(out / "model_1" / "test_trials.csv.gz")
    assert trials["action"].shape == (30, 10)
    saved = json.loads((out / "results.json").read_text())
    assert saved["test_episodes"] == 30 and [s["seed"] for s in saved["per_seed"]] == [0, 1]
    assert saved["evolution"]["checkpoint_episodes"] == [100, 200]
    stay = np.array([list(s["stay"].values()) for s in saved["per_seed"]])
    np.testing.assert_allclose(list(saved["mean"]["stay"].values()), stay.mean(axis=0))
    assert saved["timing"]["train_seconds"]["arxiv"] > 0
    # the recorded time is the checkpoints': the longest any seed's process trained
    assert saved["timing"]["train_seconds"]["arxiv"] == round(max(
        checkpoint_seconds(list_checkpoints(out / f"model_{s}")[-1][1]) for s in (0, 1)), 1)
    assert saved["command"] == "meta-rl reproduce arxiv"
    assert "== arxiv seed 1: checkpoint at episode 200" in (out / "report.txt").read_text()
    steps, values = read_scalars(out / "model_0", rp.REWARD_TAG)
    assert steps[-1] == 200 and len(values) == len(steps)

    # a second run trains nothing, keeps the measured training time, gives the same numbers
    before = saved["timing"]["train_seconds"]
    again = reproduce.reproduce(FAMILY, experiment, tmp_path, progress=False, log=logged.append)
    assert again["timing"]["train_seconds"] == before
    assert again["per_seed"] == summary["per_seed"]


def test_checkpoints_record_the_training_time_over_resumes(tmp_path):
    config = dataclasses.replace(get_config("arxiv"), episodes=40, checkpoint_every=20, chunk=20)
    train(config, [0], tmp_path, progress=False)
    first = checkpoint_seconds(tmp_path / "model_0" / "ckpt-40.npz")
    assert first > 0
    train(dataclasses.replace(config, episodes=80), [0], tmp_path, progress=False)
    assert checkpoint_seconds(tmp_path / "model_0" / "ckpt-80.npz") > first  # the resume adds to it


def test_only_runs_trained_now_get_a_new_training_time():
    previous = {"timing": {"train_seconds": {"a": 2800.0, "b": 40.0}}}
    recorded = measured_train_seconds(previous, {"a": 15.6, "b": 45.0}, {"b"})
    assert recorded == {"a": 2800.0, "b": 45.0}
    assert measured_train_seconds({"timing": {"train_seconds": 31.5}}, {"arxiv": 1.2}, set()) \
        == {"arxiv": 31.5}  # results.json written before there were run sets
    assert measured_train_seconds({}, {"a": 1.2}, set()) == {"a": 1.2}
    # resumed from checkpoints: the time before the resume plus the time now
    assert measured_train_seconds(previous, {"a": 15.6, "b": 45.0}, {"a"}, {"a"}) \
        == {"a": 2815.6, "b": 40.0}


def test_reproduce_refuses_a_file_as_results(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["reproduce", "arxiv", "--results", str(target)]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_scheduled_config_keeps_what_is_learned():
    base = registry.get_config("biorxiv-final")
    short = scheduled_config(base, 300, keep_every=100)
    assert short.differences(base) == []
    assert (short.episodes, short.checkpoint_every, short.keep_checkpoints) == (300, 100, 1)
    assert dataclasses.replace(short, lr=1e-3).differences(base) == ["lr: 0.0007 -> 0.001"]
    batched = dataclasses.replace(base, batch_episodes=16)  # counts round up to whole updates
    short = scheduled_config(batched, 300)
    assert (short.episodes, short.checkpoint_every, short.log_every) == (304, 304, 112)
    short.validate()


def finished(run_set: RunSet, root) -> bool:
    return all(run.finished(run_set.config) for run in reproduce.open_run_set(run_set, root))


def test_a_derived_run_set_takes_the_weights_under_its_own_config(tmp_path):
    """``weights_from``: not trained, the source's final weights saved under its own config
    (the same agents tested under another task setting); a second pass leaves it alone."""
    from meta_rl.learn.evaluate import load_agent

    config = dataclasses.replace(get_config("bandit-easy"), episodes=32, checkpoint_every=32, log_every=16)
    source = RunSet(config, (0,), "source")
    derived_config = dataclasses.replace(config, name="bandit-easy-other",
                                         task=dataclasses.replace(config.task, difficulty="hard"))
    derived = RunSet(derived_config, (0,), "derived", weights_from="source")
    reproduce.train_run_set(source, tmp_path, progress=False)
    assert not finished(derived, tmp_path)
    reproduce.train_run_set(derived, tmp_path, progress=False)
    assert finished(derived, tmp_path)
    got_config, episode, got = load_agent(derived.run_dir(0, tmp_path), registry.task_classes())
    _, _, want = load_agent(source.run_dir(0, tmp_path), registry.task_classes())
    assert got_config == derived_config and episode == 32
    assert all(np.array_equal(got[k], want[k]) for k in want)
    with pytest.raises(MetaRLError, match="no checkpoint of seed 1"):
        other = RunSet(derived_config, (1,), "other", weights_from="source")
        reproduce.derive_run_set(other, reproduce.open_run_set(other, tmp_path), tmp_path)


def test_a_test_log_keeps_the_logged_episodes_only(tmp_path):
    """``Experiment.logged_episodes``: the log keeps the first episodes, row for row."""
    rng = np.random.default_rng(0)
    trials = {"action": rng.integers(0, 2, (5, 4)), "reward": rng.integers(0, 2, (5, 4))}
    result = dataclasses.make_dataclass("Result", ["trials", "csv_columns"])(
        trials, ("episode", "trial", "action", "reward"))
    reproduce.write_trials_gz(tmp_path, result, 2)
    logged = read_trials_csv(tmp_path / "test_trials.csv.gz")
    np.testing.assert_array_equal(logged["action"], trials["action"][:2])
    np.testing.assert_array_equal(logged["reward"], trials["reward"][:2])
    reproduce.write_trials_gz(tmp_path, result)
    assert read_trials_csv(tmp_path / "test_trials.csv.gz")["action"].shape == (5, 4)
