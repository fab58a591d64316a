"""Where each seed's run stands: the one reading of a run directory before training.

``check_run_dirs`` validates every run directory of a command and reads each newest
checkpoint exactly once (``open_run``); the ``Run`` objects it returns are passed on to the
trainer, to worker processes and back to ``meta-rl reproduce``, so nothing re-reads a
checkpoint before training starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from meta_rl.agent.network import initial_weights, make_task, memory_estimate
from meta_rl.config import Config, load_config
from meta_rl.errors import MetaRLError
from meta_rl.files import check_output_dir
from meta_rl.learn.checkpoints import (
    checkpoint_weights,
    embedded_config,
    fresh_optimizer,
    history_keys,
    load_history,
    read_checkpoint,
)
from meta_rl.runs import list_checkpoints, newest_episode, run_dir


@dataclass
class Run:
    """One seed's run directory and where it stands."""

    seed: int
    dir: Path
    episode: int
    """Episodes trained so far (its newest checkpoint's; 0 for a new run)."""
    params: dict
    opt: dict
    history: dict
    """The training history so far (``history.npz``); empty for a finished run."""
    seconds: float = 0.0
    """Wall time spent training this run so far, over all resumes (NaN: unknown, a run
    whose checkpoints predate the record)."""

    def finished(self, config: Config) -> bool:
        return self.episode >= config.episodes

    def progress(self) -> tuple[int, int, float]:
        """``(seed, episode, seconds)``: what a worker process reports back."""
        return self.seed, self.episode, self.seconds


def open_run(out: Path, seed: int, config: Config) -> Run:
    """Validate ``out/model_<seed>`` for ``config`` and load where it stands (no writes):
    its newest checkpoint is read once, with its weights, time and embedded config. A run
    of another config or task family is refused."""
    directory = run_dir(out, seed)
    ckpts = list_checkpoints(directory)
    checkpoint = read_checkpoint(ckpts[-1][1]) if ckpts else None
    classes = {config.task.kind: type(config.task)}
    try:
        if (directory / "config.json").exists():
            saved = load_config(directory, classes)
        else:  # config.json lost: the one the checkpoint embeds
            saved = embedded_config(checkpoint, classes) if checkpoint else None
    except MetaRLError as err:
        raise MetaRLError(f"{err} (use another --out for a new run)") from None
    if saved is not None and (diffs := config.differences(saved)):
        raise MetaRLError(f"{directory} holds a run with another config ({'; '.join(diffs)}): "
                          "use another --out")
    keys = history_keys(make_task(config))
    if checkpoint is None:
        params = initial_weights(seed, config)
        return Run(seed, directory, 0, params, fresh_optimizer(params),
                   {k: np.zeros(0, np.float32) for k in keys})
    params, opt = checkpoint_weights(checkpoint, config)
    # a finished run trains no further, so its history is not needed (a run set that takes
    # another's weights, ``RunSet.weights_from``, has none)
    history = (load_history(directory, checkpoint.episode // config.batch_episodes, keys)
               if checkpoint.episode < config.episodes else {})
    return Run(seed, directory, checkpoint.episode, params, opt, history, checkpoint.seconds)


def check_resources(config: Config, n_seeds: int) -> None:
    """Refuse a config whose training would not fit in this machine's memory."""
    need = memory_estimate(config, n_seeds)
    have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need > 0.8 * have:
        raise MetaRLError(f"training {n_seeds} seed(s) of this config needs about {need / 2**30:,.1f} GiB "
                          f"of memory, this machine has {have / 2**30:.1f} GiB: lower --hidden, "
                          "--batch-episodes or the task's sizes")


def check_run_dirs(config: Config, seeds: list[int], out: Path) -> list[Run]:
    """Every check before training: the config, the memory it needs, the output directory
    and each seed's run directory (nothing is written); returns where each run stands."""
    config.validate()
    check_resources(config, len(seeds))
    check_output_dir(out)
    return [open_run(out, seed, config) for seed in seeds]


def current(run: Run, config: Config) -> Run:
    """``run`` as it stands on disk now: itself when its directory still ends at its
    checkpoint (the usual case: nothing is read), else re-opened (another process, or an
    earlier attempt of a retried Ray task, trained it further meanwhile)."""
    if newest_episode(run.dir) == run.episode:
        return run
    return open_run(run.dir.parent, run.seed, config)


def with_progress(runs: list[Run], reports: list[tuple[int, int, float]]) -> list[Run]:
    """``runs`` updated with the ``(seed, episode, seconds)`` their workers reported."""
    by_seed = {seed: (episode, seconds) for seed, episode, seconds in reports}
    return [replace(r, episode=by_seed[r.seed][0], seconds=by_seed[r.seed][1]) if r.seed in by_seed else r
            for r in runs]
