"""Many seeds at once: split over local processes (one per CPU core) or over a Ray cluster.

Inside each process the seeds train as one batched computation (``meta_rl.learn.trainer``),
except with a conv encoder, whose seeds a process trains one at a time
(``meta_rl.agent.encoders.PER_SEED``); this module only decides which process trains which
seeds.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from meta_rl.config import Config
from meta_rl.errors import MetaRLError


def split_seeds(seeds: list[int], parts: int) -> list[list[int]]:
    """Seeds dealt into at most ``parts`` non-empty, nearly equal groups (order kept)."""
    parts = max(1, min(parts, len(seeds)))
    size, extra = divmod(len(seeds), parts)
    groups, start = [], 0
    for i in range(parts):
        stop = start + size + (i < extra)
        groups.append(seeds[start:stop])
        start = stop
    return groups


def default_workers(n_seeds: int) -> int:
    """One process per CPU core, never more than there are seeds."""
    return max(1, min(os.cpu_count() or 1, n_seeds))


def trains_seeds_one_by_one(config: Config) -> bool:
    """Whether the config's seeds run one after another inside a process (a conv encoder,
    ``meta_rl.agent.encoders.PER_SEED``), so that a process should train one seed at a time."""
    from meta_rl.agent.encoders import PER_SEED
    from meta_rl.agent.network import encoder_kind, make_task

    return encoder_kind(make_task(config)) in PER_SEED


def _train_worker(config: Config, seeds: list[int], out: str, position: int,
                  progress: bool) -> list[int]:
    """Entry point of a worker process (or a Ray task): train ``seeds`` in one batch.
    ``config`` arrives pickled: its task parameters' class comes along by reference."""
    from meta_rl.runtime import single_thread_per_process

    single_thread_per_process()
    from meta_rl.learn.trainer import train

    train(config, seeds, Path(out), progress=progress, position=position)
    return seeds


def train_local(config: Config, seeds: list[int], out: Path, workers: int,
                progress: bool = True) -> None:
    """Train ``seeds`` split over ``workers`` local processes (in-process when 1)."""
    from meta_rl.learn.trainer import open_run, train

    for seed in seeds:  # every check before any process starts or anything is written
        open_run(out, seed, config)
    groups = split_seeds(seeds, workers)
    if len(groups) == 1:
        train(config, seeds, out, progress=progress)
        return
    if trains_seeds_one_by_one(config):  # a queue of one-seed jobs for the processes
        groups = [[seed] for seed in seeds]
    with ProcessPoolExecutor(min(workers, len(groups)), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_train_worker, config, group, str(out), i % workers,
                               progress)
                   for i, group in enumerate(groups)]
        for group, future in zip(groups, futures):
            try:
                future.result()
            except MetaRLError:
                raise
            except Exception as err:  # a crashed worker: name the seeds it had
                raise MetaRLError(f"training seeds {group} failed: {err!r}") from None


def train_ray(config: Config, seeds: list[int], out: Path, address: str | None,
              seeds_per_task: int = 4, max_retries: int = 2,
              log=lambda msg: print(msg, file=sys.stderr)) -> None:
    """Send ``seeds`` to a Ray cluster as tasks of ``seeds_per_task`` seeds each.

    ``address`` None starts a local Ray instance. ``out`` must be on a filesystem every
    node sees. Failed tasks are retried ``max_retries`` times, then reported; seeds already
    finished in ``out`` are skipped (``train`` resumes or skips them).
    """
    import ray

    from meta_rl.learn.trainer import open_run

    pending = [s for s in seeds if open_run(out, s, config).episode < config.episodes]
    for seed in sorted(set(seeds) - set(pending)):
        log(f"model_{seed}: already trained")
    if not pending:
        return
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, ignore_reinit_error=True)
    except Exception as err:
        raise MetaRLError(f"cannot connect to Ray at {address or 'a new local instance'}: {err}") \
            from None
    task = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=True)(_train_worker)
    groups = split_seeds(pending, -(-len(pending) // seeds_per_task))
    refs = {task.remote(config, g, str(Path(out).resolve()), i, False): g
            for i, g in enumerate(groups)}
    _wait_with_progress(ray, refs, config, pending, out, log)


def _wait_with_progress(ray, refs: dict, config: Config, seeds: list[int], out: Path, log) -> None:
    """Show progress read from the checkpoints on disk until every task has finished."""
    from tqdm.auto import tqdm

    from meta_rl.learn.checkpoints import list_checkpoints

    def done_episodes() -> int:
        return sum(min(config.episodes, (list_checkpoints(Path(out) / f"model_{s}") or [(0,)])[-1][0])
                   for s in seeds)

    failed = []
    with tqdm(total=config.episodes * len(seeds), unit="ep", desc=f"{config.name} on Ray",
              file=sys.stderr) as bar:
        waiting = list(refs)
        while waiting:
            ready, waiting = ray.wait(waiting, timeout=2.0)
            for ref in ready:
                try:
                    ray.get(ref)
                except Exception as err:  # retries exhausted
                    failed.append(refs[ref])
                    log(f"Ray task for seeds {refs[ref]} failed after retries: {err}")
            bar.update(done_episodes() - bar.n)
            time.sleep(0.1)
    if failed:
        raise MetaRLError(f"Ray tasks failed for seeds {failed}; rerun to resume them")
