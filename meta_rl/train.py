"""Training: a compiled chunk of A2C updates, and the run loop around it.

``make_train_fn`` builds one ``tf.function(jit_compile=True)`` that plays and learns from
many episodes, environment included, with no per-step Python. ``train`` drives it for a
set of seeds, writing ``OUT/model_<seed>/`` run directories (config, checkpoints, history,
TensorBoard), and resumes from the last checkpoint when run again.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.a2c import a2c_loss, discounted_returns
from meta_rl.agent import init_params, lstm_backward, sequence_heads
from meta_rl.checkpoint import (
    HISTORY_KEYS,
    list_checkpoints,
    load_checkpoint,
    load_history,
    prune_checkpoints,
    save_checkpoint,
    save_history,
)
from meta_rl.config import Config, load_config
from meta_rl.envs import BatchedTwoStep
from meta_rl.envs.two_step import N_ACTIONS, N_STATES
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write_text
from meta_rl.optim import clip_per_seed, rmsprop_update
from meta_rl.rollout import STREAM_TRAIN, episode_uniforms, rollout
from meta_rl.tensorboard import TensorBoardWriter

N_METRICS = len(HISTORY_KEYS)


def make_task(config: Config) -> BatchedTwoStep:
    """The batched task a config trains on."""
    return BatchedTwoStep(config.task)


def make_train_fn(config: Config, jit: bool = True):
    """Compiled ``(params, opt, seeds, start, n) -> (params, opt, metrics [chunk, S, 4])``.

    Plays ``n <= config.chunk`` updates for every seed at once, starting at episode index
    ``start`` (each update plays ``batch_episodes`` episodes). Metrics per update and seed:
    reward per episode, policy loss, value loss, entropy.
    """
    task = make_task(config)
    batch = config.batch_episodes

    def train_chunk(params, opt, seeds, start, n):
        def body(i, params, opt, metrics):
            u_env, u_action, u_init = episode_uniforms(seeds, STREAM_TRAIN, start + i,
                                                       task.n_steps, batch, task.n_uniforms)
            out = rollout(params, task, u_env, u_action, u_init, config.hidden,
                          keep_records=False)
            returns = discounted_returns(out["rewards"], config.gamma)
            heads_params = {k: v for k, v in params.items() if not k.startswith("lstm")}
            with tf.GradientTape() as tape:
                tape.watch([heads_params, out["h"]])
                logits, values = sequence_heads(heads_params, out["h"])
                total, policy, value, entropy = a2c_loss(
                    logits, values, out["actions"], returns, config.value_coef,
                    config.entropy_coef)
                loss = tf.reduce_sum(total)  # seeds are independent: their sum separates
            grads, dh = tape.gradient(loss, [heads_params, out["h"]])
            grads.update(lstm_backward(params, out["cache"], dh))
            grads = clip_per_seed(grads, config.max_grad_norm)
            params, opt = rmsprop_update(params, grads, opt, config.lr, config.rmsprop_decay,
                                         config.rmsprop_eps)
            reward = tf.reduce_mean(tf.reduce_sum(out["rewards"], axis=0), axis=-1)
            row = tf.stack([reward, policy, value, entropy], axis=-1)
            metrics = tf.tensor_scatter_nd_update(metrics, [[i]], row[None])
            return i + 1, params, opt, metrics

        metrics = tf.zeros([config.chunk, seeds.shape[0], N_METRICS])
        _, params, opt, metrics = tf.while_loop(
            lambda i, *_: i < n, body, (tf.constant(0), params, opt, metrics),
            maximum_iterations=config.chunk)
        return params, opt, metrics

    return tf.function(train_chunk, jit_compile=jit, autograph=False)


@dataclass
class Run:
    """One seed's run directory and where it stands."""

    seed: int
    dir: Path
    episode: int
    params: dict
    opt: dict
    history: dict


def open_run(out: Path, seed: int, config: Config) -> Run:
    """Validate ``out/model_<seed>`` for ``config`` and load where it stands (no writes)."""
    run_dir = Path(out) / f"model_{seed}"
    if (run_dir / "config.json").exists():
        diffs = config.differences(load_config(run_dir))
        if diffs:
            raise MetaRLError(f"{run_dir} holds a run with another config ({'; '.join(diffs)}): "
                              "use another --out")
    ckpts = list_checkpoints(run_dir)
    if ckpts:
        episode, params, opt = load_checkpoint(ckpts[-1][1], config)
        return Run(seed, run_dir, episode, params, opt, load_history(run_dir, episode))
    params = {k: v[0].numpy() for k, v in
              init_params([seed], N_STATES, N_ACTIONS, config.hidden).items()}
    opt = {k: np.ones_like(v) for k, v in params.items()}
    return Run(seed, run_dir, 0, params, opt, {k: np.zeros(0, np.float32) for k in HISTORY_KEYS})


def train(config: Config, seeds: list[int], out: Path, progress: bool = True,
          log=lambda msg: print(msg, file=sys.stderr), position: int = 0) -> list[Run]:
    """Train ``config.episodes`` episodes for every seed into ``out/model_<seed>``.

    Runs already present are resumed from their last checkpoint; finished runs are left as
    they are. Seeds standing at the same episode train together in one computation.
    """
    config.validate()
    runs = [open_run(out, seed, config) for seed in seeds]  # all checks before any write
    for run in runs:
        run.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(run.dir / "config.json", config.to_json())
        if run.episode >= config.episodes:
            log(f"model_{run.seed}: already trained ({run.episode} episodes)")
        elif run.episode > 0:
            log(f"model_{run.seed}: resuming from checkpoint at episode {run.episode}")
    groups: dict[int, list[Run]] = {}
    for run in runs:
        if run.episode < config.episodes:
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
    while episode < config.episodes:
        next_ckpt = (episode // config.checkpoint_every + 1) * config.checkpoint_every
        n_updates = min(config.chunk, -(-(min(next_ckpt, config.episodes) - episode) // per_update))
        t0 = time.perf_counter()
        params, opt, metrics = train_fn(params, opt, seeds, tf.constant(episode // per_update),
                                        tf.constant(n_updates))
        metrics = np.repeat(metrics.numpy()[:n_updates], per_update, axis=0)
        metrics = metrics[: config.episodes - episode]
        for i, run in enumerate(runs):
            for j, key in enumerate(HISTORY_KEYS):
                run.history[key] = np.concatenate([run.history[key], metrics[:, i, j]])
        episode += len(metrics)
        rate = len(metrics) / max(time.perf_counter() - t0, 1e-9)
        bar.update(len(metrics))
        bar.set_postfix(reward=f"{metrics[:, :, 0].mean() / config.task.n_trials * 100:.1f}/100")
        if episode % config.checkpoint_every == 0 or episode >= config.episodes:
            params_np = {k: v.numpy() for k, v in params.items()}
            opt_np = {k: v.numpy() for k, v in opt.items()}
            for i, (run, writer) in enumerate(zip(runs, writers)):
                run.params = {k: v[i] for k, v in params_np.items()}
                run.opt = {k: v[i] for k, v in opt_np.items()}
                run.episode = episode
                save_history(run.dir, run.history)  # before the checkpoint: may run ahead
                save_checkpoint(run.dir, episode, run.params, run.opt, config)
                prune_checkpoints(run.dir, config.keep_checkpoints, config.keep_every)
                _log_scalars(writer, run.history, logged, episode, config, rate)
            logged = episode
    bar.close()
    for writer in writers:
        writer.close()


def _log_scalars(writer: TensorBoardWriter, history: dict, start: int, stop: int,
                 config: Config, rate: float) -> None:
    """TensorBoard scalars for episodes ``[start, stop)``, averaged over ``log_every``.

    Written only after the checkpoint that covers them, so a resumed run continues the
    curves where they stopped instead of writing them twice.
    """
    for lo in range(start, stop, config.log_every):
        hi = min(lo + config.log_every, stop)
        reward = float(history["reward"][lo:hi].mean())
        writer.scalars(hi, {
            "perf/reward": reward,
            "perf/reward_per_100_trials": reward / config.task.n_trials * 100,
            "losses/policy": float(history["policy_loss"][lo:hi].mean()),
            "losses/value": float(history["value_loss"][lo:hi].mean()),
            "losses/entropy": float(history["entropy"][lo:hi].mean()),
        })
    writer.scalars(stop, {"perf/episodes_per_second": rate})
    writer.flush()
