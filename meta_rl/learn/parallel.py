"""Many seeds at once: split over local processes (one per CPU core) or over a Ray cluster.

Inside each process the seeds train as one batched computation (``meta_rl.learn.trainer``);
this module only decides which process trains which seeds.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path

from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.files import locked
from meta_rl.runtime import sigterm_as_interrupt

RAY_CONNECT_SECONDS = 60.0
"""How long connecting to a Ray cluster may take before it is given up."""


def split_seeds(seeds: list, parts: int) -> list[list]:
    """Seeds (or their runs) dealt into at most ``parts`` non-empty, nearly equal groups (order kept)."""
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


def _train_worker(config: Config, runs: list, position: int, progress: bool) -> list[tuple[int, int, float]]:
    """Entry point of a worker process (or a Ray task): train ``runs`` (``meta_rl.learn.runs.Run``,
    as the parent read them) in one batch; returns each run's ``(seed, episode, seconds)``.
    The parent holds the run directories' locks. ``config`` arrives pickled: its task
    parameters' class comes along by reference."""
    from meta_rl.runtime import single_thread_per_process

    single_thread_per_process()
    from meta_rl.learn.trainer import train_runs

    return [run.progress() for run in train_runs(config, runs, progress=progress, position=position)]


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent dies, however the parent dies
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere the parent's clean-up has to do."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _process_main(conn, inbox, config: Config, position: int, progress: bool) -> None:
    """A worker process: read its runs from ``inbox``, train, then report ``("done",
    progress)`` or the error on ``conn``. SIGTERM (from the parent, or from Linux when the
    parent dies) ends it as Ctrl-C does, cleaning up."""
    _die_with_parent()
    sigterm_as_interrupt()
    try:
        runs = inbox.recv()
        inbox.close()
        conn.send(("done", _train_worker(config, runs, position, progress)))
    except MetaRLError as err:
        conn.send(str(err))
    except KeyboardInterrupt:
        conn.send("interrupted")
    except Exception as err:  # a crash: name it, the parent names the seeds
        conn.send(f"{type(err).__name__}: {err}")


def _main_importable() -> bool:
    """Whether spawned processes can import the main module: a script read from stdin or
    ``-c`` has no file to import (an interactive session or a notebook has none and needs none)."""
    main_file = getattr(sys.modules["__main__"], "__file__", None)
    return main_file is None or Path(main_file).exists()


def run_processes(config: Config, groups: list[list], workers: int,
                  progress: bool = True) -> list[tuple[int, int, float]]:
    """Train each group of runs (``meta_rl.learn.runs.Run``) in its own process, at most
    ``workers`` at a time; returns every run's ``(seed, episode, seconds)`` after training.

    The processes are started from this thread and die with it: an error in one, an
    interrupt (Ctrl-C, or SIGTERM, turned into ``KeyboardInterrupt`` by the command line)
    or the end of this process ends every one of them within seconds.
    """
    ctx = get_context("spawn")
    queue = list(enumerate(groups))
    running: dict = {}
    reports: list[tuple[int, int, float]] = []
    try:
        while queue or running:
            while queue and len(running) < workers:
                i, group = queue.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                inbox, outbox = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_process_main, daemon=True,
                                      args=(send, inbox, config, i % workers, progress))
                process.start()
                send.close()
                inbox.close()
                # The runs (weights included: more than a pipe holds) go after the start, on a
                # pipe whose reading end only the worker holds: a worker that dies before
                # reading breaks the pipe instead of blocking this write forever, as the start
                # would if they were its arguments.
                try:
                    outbox.send(group)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # it died starting: its exit status is reported below
                outbox.close()
                running[process.sentinel] = (process, receive, [r.seed for r in group])
            for sentinel in wait(list(running)):
                process, receive, seeds = running.pop(sentinel)
                process.join()
                try:
                    report = receive.recv() if receive.poll() else f"exit status {process.exitcode}"
                except EOFError:  # it died before reporting (e.g. a script without a __main__ guard)
                    report = f"exit status {process.exitcode}"
                if report == "exit status 1" and not _main_importable():
                    report += (" (a worker process could not start: it imports the script that started "
                               "it, which must be a file with an `if __name__ == \"__main__\":` guard)")
                if not (isinstance(report, tuple) and report[0] == "done"):
                    raise MetaRLError(f"training seeds {seeds} failed: {report}")
                reports.extend(report[1])
    finally:
        for process, _, _ in running.values():
            process.terminate()
        for process, _, _ in running.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return reports


def train_local(config: Config, seeds: list[int], out: Path, workers: int,
                progress: bool = True, runs: list | None = None) -> list:
    """Train ``seeds`` split over ``workers`` local processes (in-process when 1), the run
    directories locked by this process for the whole time. ``runs``: where the seeds stand
    (``meta_rl.learn.runs.check_run_dirs``), if the caller has read it already. Returns the
    runs as they stand after training (the weights of those trained by worker processes are
    not sent back: read the final checkpoints for them)."""
    from meta_rl.learn.runs import check_run_dirs, with_progress
    from meta_rl.learn.trainer import train, train_runs

    if runs is None:
        runs = check_run_dirs(config, seeds, out)  # every check before a process starts or a write
    pending = [run for run in runs if not run.finished(config)]
    groups = split_seeds(pending, workers)
    if len(groups) <= 1:  # one process's work, or none left: no worker processes to start
        return train(config, seeds, out, progress=progress, runs=runs)
    with locked([r.dir for r in runs]):
        done = train_runs(config, [r for r in runs if r.finished(config)], progress=False)
        return done + with_progress(pending, run_processes(config, groups, workers, progress))


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail at once, naming the address, when nothing listens at a ``host:port`` Ray address
    (``ray://host:port`` too); other forms are left to Ray."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as err:
        raise MetaRLError(f"cannot reach a Ray cluster at {address}: "
                          f"{err.strerror or err or 'timed out'}") from None


def connect_ray(ray, address: str | None, timeout: float = RAY_CONNECT_SECONDS) -> None:
    """``ray.init``, bounded in time for a cluster: nothing listening at the address fails at
    once, a cluster that does not answer within ``timeout`` seconds is given up (the
    attempt's thread dies with the process); both with a one-line error. A new local
    instance starts in this thread, as Ray requires."""
    kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False,
              "ignore_reinit_error": True}
    if not address:
        try:
            ray.init(**kwargs)
        except Exception as err:
            raise MetaRLError(f"cannot start a local Ray instance: {err}") from None
        return
    check_reachable(address)
    outcome: list = []

    def connect():
        try:
            ray.init(address=address, **kwargs)
            outcome.append(None)
        except Exception as err:
            outcome.append(err)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise MetaRLError(f"cannot connect to Ray at {address}: no answer within {timeout:.0f} s")
    if outcome[0] is not None:
        raise MetaRLError(f"cannot connect to Ray at {address}: {outcome[0]}")


def train_ray(config: Config, seeds: list[int], out: Path, address: str | None,
              seeds_per_task: int = 4, max_retries: int = 2,
              log=lambda msg: print(msg, file=sys.stderr)) -> None:
    """Send ``seeds`` to a Ray cluster as tasks of ``seeds_per_task`` seeds each.

    ``address`` None starts a local Ray instance. ``out`` must be on a filesystem every
    node sees. Failed tasks are retried ``max_retries`` times, then reported; seeds already
    finished in ``out`` are skipped (``train`` resumes or skips them).
    """
    import ray

    from meta_rl.learn.runs import check_run_dirs

    runs = check_run_dirs(config, seeds, Path(out).resolve())  # a path every node sees alike
    pending = [run for run in runs if not run.finished(config)]
    for run in runs:
        if run.finished(config):
            log(f"model_{run.seed}: already trained")
    if not pending:
        return
    connect_ray(ray, address)
    task = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=True)(_train_worker)
    groups = split_seeds(pending, -(-len(pending) // seeds_per_task))
    with locked([r.dir for r in pending]):  # held here, on the filesystem every node sees
        refs = {task.remote(config, g, i, False): [r.seed for r in g] for i, g in enumerate(groups)}
        try:
            _wait_with_progress(ray, refs, config, pending, log)
        except KeyboardInterrupt:
            for ref in refs:
                ray.cancel(ref, force=True)
            raise


def _wait_with_progress(ray, refs: dict, config: Config, runs: list, log) -> None:
    """Show progress read from the checkpoint names on disk until every task has finished."""
    from tqdm.auto import tqdm

    from meta_rl.runs import newest_episode

    def done_episodes() -> int:
        return sum(min(config.episodes, newest_episode(r.dir)) for r in runs)

    failed = []
    with tqdm(total=config.episodes * len(runs), unit="ep", desc=f"{config.name} on Ray",
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
