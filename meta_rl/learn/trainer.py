"""Training: a compiled chunk of A2C updates, and the run loop around it.

``make_train_fn`` builds one ``tf.function(jit_compile=True)`` that plays and learns from
many episodes, environment included, with no per-step Python. ``train`` drives it for a
set of seeds, writing ``OUT/model_<seed>/`` run directories (config, checkpoints, history,
TensorBoard), and resumes from the last checkpoint when run again.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.agent.lstm import sequence_heads
from meta_rl.agent.network import agent_gradients, make_task
from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write_text, locked
from meta_rl.learn.a2c import a2c_loss, annealed, discounted_returns, lambda_returns
from meta_rl.learn.checkpoints import (
    HISTORY_KEYS,
    history_keys,
    prune_checkpoints,
    save_checkpoint,
    save_history,
)
from meta_rl.learn.optim import clip_per_seed, rmsprop_update
from meta_rl.learn.rollout import rollout
from meta_rl.learn.runs import Run, check_run_dirs, current
from meta_rl.learn.tensorboard import TensorBoardWriter, last_logged_step
from meta_rl.streams import STREAM_TRAIN, episode_uniforms


def make_train_fn(config: Config, jit: bool = True):
    """Compiled ``(params, opt, seeds, start, n) -> (params, opt, metrics)``.

    Plays ``n <= config.chunk`` updates for every seed at once, starting at episode index
    ``start`` (each update plays ``batch_episodes`` episodes). ``metrics``: one ``[chunk, S]``
    array per name of ``history_keys(task)``: reward per episode, policy loss, value loss,
    entropy, then the task's own ``training_metrics`` averaged over the update's episodes.
    """
    task = make_task(config)
    batch = config.batch_episodes
    task_metrics = task.TRAINING_METRICS
    keys = history_keys(task)

    def train_chunk(params, opt, seeds, start, n):
        def body(i, params, opt, metrics):
            u_env, u_action, u_init = episode_uniforms(seeds, STREAM_TRAIN, start + i, task,
                                                       batch)
            out = rollout(params, task, u_env, u_action, u_init, config.hidden,
                          keep_records=bool(task_metrics), keep_obs=False, rpe_input=config.rpe_input,
                          feature_activation=config.feature_activation, memoryless=config.memoryless)
            heads_params = {k: v for k, v in params.items() if k.startswith(("policy", "value"))}
            episode = tf.cast(start + i, tf.float32) * batch  # episodes trained before this update
            with tf.GradientTape() as tape:
                tape.watch([heads_params, out.h])
                logits, values = sequence_heads(heads_params, out.h)
                # lambda 1: the Monte-Carlo returns, computed as they always were (no values needed)
                returns = (discounted_returns(out.rewards, config.gamma) if config.gae_lambda == 1 else
                           lambda_returns(out.rewards, values, config.gamma, config.gae_lambda))
                total, policy, value, entropy = a2c_loss(
                    logits, values, out.actions, returns, config.value_coef,
                    annealed(config.entropy_coef, config.entropy_final, config.entropy_anneal_episodes,
                             episode))
                loss = tf.reduce_sum(total)  # seeds are independent: their sum separates
            grads, dh = tape.gradient(loss, [heads_params, out.h])
            grads.update(agent_gradients(task, params, out.cache, dh, out.seen, config.feature_activation,
                                         config.memoryless))
            grads = clip_per_seed(grads, config.max_grad_norm)
            lr = annealed(config.lr, config.lr_final, config.lr_anneal_episodes, episode)
            params, opt = rmsprop_update(params, grads, opt, lr, config.rmsprop_decay, config.rmsprop_eps)
            per_episode = task.training_metrics(out.records)
            row = {"reward": tf.reduce_mean(tf.reduce_sum(out.rewards, axis=0), axis=-1),
                   "policy_loss": policy, "value_loss": value, "entropy": entropy,
                   **{k: tf.reduce_mean(per_episode[k], axis=-1) for k in task_metrics}}
            metrics = {k: tf.tensor_scatter_nd_update(metrics[k], [[i]], row[k][None]) for k in keys}
            return i + 1, params, opt, metrics

        metrics = {k: tf.zeros([config.chunk, seeds.shape[0]]) for k in keys}
        _, params, opt, metrics = tf.while_loop(
            lambda i, *_: i < n, body, (tf.constant(0), params, opt, metrics),
            maximum_iterations=config.chunk)
        return params, opt, metrics
    return tf.function(train_chunk, jit_compile=jit, autograph=False)


def train(config: Config, seeds: list[int], out: Path, progress: bool = True,
          log=lambda msg: print(msg, file=sys.stderr), position: int = 0,
          lock: bool = True, runs: list[Run] | None = None) -> list[Run]:
    """Train ``config.episodes`` episodes for every seed into ``out/model_<seed>``.

    Runs already present are resumed from their last checkpoint; finished runs are left as
    they are. Seeds standing at the same episode train together in one computation. Each
    run directory is locked for the duration (``lock``; a caller that holds the locks
    already, as the parent of worker processes does, passes False). ``runs``: where the
    seeds stand, as a caller's ``check_run_dirs`` read them (else read here). Returns the
    runs as they stand after training.
    """
    if runs is None:
        runs = check_run_dirs(config, seeds, out)  # all checks before any write
    with locked([r.dir for r in runs]) if lock else contextlib.nullcontext():
        return train_runs(config, runs, progress, log, position)


def train_runs(config: Config, runs: list[Run], progress: bool = True,
               log=lambda msg: print(msg, file=sys.stderr), position: int = 0) -> list[Run]:
    """Train runs opened by ``check_run_dirs``, whose directories the caller has locked."""
    runs = [current(run, config) for run in runs]  # read again only if changed before the lock
    for run in runs:
        run.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(run.dir / "config.json", config.to_json())
        if run.finished(config):
            log(f"model_{run.seed}: already trained ({run.episode} episodes)")
        elif run.episode > 0:
            log(f"model_{run.seed}: resuming from checkpoint at episode {run.episode}")
    for run in runs:
        catch_up_scalars(run, config)
    groups: dict[int, list[Run]] = {}
    for run in runs:
        if not run.finished(config):
            groups.setdefault(run.episode, []).append(run)
    for group in groups.values():
        _train_group(config, group, progress, position)
    return runs


def _train_group(config: Config, runs: list[Run], progress: bool, position: int = 0) -> None:
    from tqdm.auto import tqdm

    train_fn = make_train_fn(config)
    params = {k: tf.constant(np.stack([r.params[k] for r in runs])) for k in runs[0].params}
    opt = {k: tf.constant(np.stack([r.opt[k] for r in runs])) for k in runs[0].opt}
    seeds = tf.constant([r.seed for r in runs], tf.int32)
    writers = [TensorBoardWriter(r.dir) for r in runs]
    episode = runs[0].episode
    per_update = config.batch_episodes
    names = ",".join(str(r.seed) for r in runs)
    bar = tqdm(total=config.episodes, initial=episode, unit="ep", disable=not progress,
               desc=f"{config.name} seed{'s' if len(runs) > 1 else ''} {names}", file=sys.stderr,
               position=position)
    logged = episode
    try:
        while episode < config.episodes:
            next_ckpt = (episode // config.checkpoint_every + 1) * config.checkpoint_every
            n_updates = min(config.chunk, -(-(min(next_ckpt, config.episodes) - episode) // per_update))
            t0 = time.perf_counter()
            params, opt, metrics = train_fn(params, opt, seeds, tf.constant(episode // per_update),
                                            tf.constant(n_updates))
            metrics = {k: v.numpy()[:n_updates] for k, v in metrics.items()}  # one entry per update
            if not all(np.all(np.isfinite(v)) for v in metrics.values()):
                raise diverged(runs, episode + n_updates * per_update)
            for i, run in enumerate(runs):
                for key in run.history:
                    run.history[key] = np.concatenate([run.history[key], metrics[key][:, i]])
            episode += n_updates * per_update
            elapsed = time.perf_counter() - t0
            for run in runs:  # seeds trained together share the time
                run.seconds += elapsed
            rate = n_updates * per_update / max(elapsed, 1e-9)
            bar.update(n_updates * per_update)
            bar.set_postfix(reward=f"{metrics['reward'].mean():.2f}/episode")
            if episode % config.checkpoint_every == 0 or episode >= config.episodes:
                params_np = {k: v.numpy() for k, v in params.items()}
                opt_np = {k: v.numpy() for k, v in opt.items()}
                if not all(np.all(np.isfinite(v)) for v in params_np.values()):
                    raise diverged(runs, episode)
                for i, (run, writer) in enumerate(zip(runs, writers)):
                    run.params = {k: v[i] for k, v in params_np.items()}
                    run.opt = {k: v[i] for k, v in opt_np.items()}
                    run.episode = episode
                    save_history(run.dir, run.history)  # before the checkpoint: may run ahead
                    save_checkpoint(run.dir, episode, run.params, run.opt, config, run.seconds)
                    prune_checkpoints(run.dir, config.keep_checkpoints, config.keep_every)
                    log_scalars(writer, run.history, logged, episode, config, rate)
                logged = episode
    finally:
        bar.close()
        for writer in writers:
            writer.close()


def catch_up_scalars(run: Run, config: Config) -> None:
    """Write the TensorBoard points up to the run's checkpoint that its event files lack
    (a run killed between writing a checkpoint and writing its points)."""
    done = last_logged_step(run.dir)
    if done < run.episode:
        writer = TensorBoardWriter(run.dir)
        log_scalars(writer, run.history, done, run.episode, config)
        writer.close()


def diverged(runs: list[Run], episode: int) -> MetaRLError:
    """The error that stops a run whose loss or weights became non-finite (nothing of it is
    saved: the last checkpoint stays the last good state)."""
    return MetaRLError(f"training diverged: a non-finite loss or weight before episode {episode} "
                       f"(seeds {', '.join(str(r.seed) for r in runs)}); the last good checkpoint "
                       f"(episode {runs[0].episode}) is kept: lower --lr or check the config")


def log_scalars(writer: TensorBoardWriter, history: dict, start: int, stop: int,
                config: Config, rate: float | None = None) -> None:
    """TensorBoard scalars for episodes ``[start, stop)``, averaged over ``log_every``.

    Written only after the checkpoint that covers them; a resumed run first writes the
    points of its last checkpoint that its event files lack (``last_logged_step``), so every
    step is written exactly once however the previous run ended.
    """
    per_update = config.batch_episodes  # history has one entry per update
    for lo in range(start, stop, config.log_every):
        hi = min(lo + config.log_every, stop)
        rows = slice(lo // per_update, hi // per_update)
        reward = float(history["reward"][rows].mean())
        writer.scalars(hi, {
            "perf/reward": reward,
            "perf/reward_per_100_trials": reward / config.task.n_trials * 100,
            "losses/policy": float(history["policy_loss"][rows].mean()),
            "losses/value": float(history["value_loss"][rows].mean()),
            "losses/entropy": float(history["entropy"][rows].mean()),
            **{f"perf/{k}": float(v[rows].mean()) for k, v in history.items()
               if k not in HISTORY_KEYS and np.all(np.isfinite(v[rows]))},  # the task's own
        })
    if rate is not None:
        writer.scalars(stop, {"perf/episodes_per_second": rate})
    writer.flush()
