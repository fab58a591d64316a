"""Run state has one owner: before training starts, each checkpoint is read at most once
(``meta_rl.learn.runs.open_run``), by ``meta-rl train`` resuming and by ``meta-rl reproduce``."""

import collections
import dataclasses
from pathlib import Path

import numpy as np

from meta_rl import reproduce
from meta_rl.learn import trainer
from meta_rl.learn.parallel import train_local
from meta_rl.runs import list_checkpoints, run_dir
from meta_rl.tasks.registry import get_config
from meta_rl.tasks.two_step import FAMILY
from meta_rl.tasks.two_step import reference as rp

CONFIG = dataclasses.replace(get_config("arxiv"), episodes=40, checkpoint_every=20, chunk=20)


class CheckpointReads:
    """Counts every opening of a checkpoint file (all readers go through ``np.load``) and
    keeps the counts as they stood when training began (``make_train_fn`` is called)."""

    def __init__(self, monkeypatch):
        self.counts: collections.Counter = collections.Counter()
        self.before_training: collections.Counter | None = None
        load, make = np.load, trainer.make_train_fn

        def counting_load(path, *args, **kwargs):
            if Path(str(path)).name.startswith("ckpt-"):
                self.counts[Path(path)] += 1
            return load(path, *args, **kwargs)

        def first_training(*args, **kwargs):
            if self.before_training is None:
                self.before_training = collections.Counter(self.counts)
            return make(*args, **kwargs)

        monkeypatch.setattr(np, "load", counting_load)
        monkeypatch.setattr(trainer, "make_train_fn", first_training)


def test_a_resumed_training_reads_each_checkpoint_once(tmp_path, monkeypatch):
    trainer.train(CONFIG, [0, 1], tmp_path, progress=False)
    reads = CheckpointReads(monkeypatch)
    longer = dataclasses.replace(CONFIG, episodes=60)
    runs = train_local(longer, [0, 1], tmp_path, workers=1, progress=False)
    assert [r.episode for r in runs] == [60, 60]
    newest = [run_dir(tmp_path, s) / "ckpt-40.npz" for s in (0, 1)]
    assert reads.before_training == {path: 1 for path in newest}


def test_reproduce_reads_each_checkpoint_once_before_training(tmp_path, monkeypatch):
    tiny = rp.Reference("arxiv", "arxiv", (0, 1), episodes=40, keep_every=20, test_episodes=5,
                        evolution_seeds=(0,), animation_trials=2)
    experiment = rp.experiment(tiny)
    run_set = experiment.run_sets(None)[0]
    trainer.train(dataclasses.replace(run_set.config, episodes=20), [0, 1], tmp_path / run_set.directory,
                  progress=False)
    reads = CheckpointReads(monkeypatch)
    trained = {}
    train_local = reproduce.train_local

    def training(*args, **kwargs):
        runs = train_local(*args, **kwargs)
        trained.update(reads.counts)
        return runs

    monkeypatch.setattr(reproduce, "train_local", training)
    reproduce.reproduce(FAMILY, experiment, tmp_path, progress=False, log=lambda _: None)
    resumed_from = [run_dir(tmp_path / run_set.directory, s) / "ckpt-20.npz" for s in (0, 1)]
    # workers=2 on this machine: trained in worker processes, whose reads np.load here cannot
    # see; the parent read each checkpoint once, and handed the runs over (a finished run's
    # checkpoints are read again after training, to keep their weights only)
    assert all(trained[p] == 1 for p in resumed_from)
    kept = {s: [e for e, _ in list_checkpoints(run_dir(tmp_path / run_set.directory, s))] for s in (0, 1)}
    assert kept == {0: [20, 40], 1: [40]}  # the evolution seed keeps every 20 episodes, the other the last
