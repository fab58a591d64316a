"""Training: exact reproducibility, seeds independent of each other, exact resume."""

import dataclasses

import numpy as np
import pytest

from meta_rl.errors import MetaRLError
from meta_rl.learn.checkpoints import (
    drop_history,
    fresh_optimizer,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
    strip_optimizer,
)
from meta_rl.learn.trainer import train
from meta_rl.tasks.registry import get_config

CONFIG = dataclasses.replace(get_config("arxiv"), episodes=60, checkpoint_every=20, chunk=20,
                             log_every=5)


def final_params(out, seed, config=CONFIG):
    _, path = list_checkpoints(out / f"model_{seed}")[-1]
    return load_checkpoint(path, config)[1]


def test_same_seed_same_run_other_seed_other_run(tmp_path):
    train(CONFIG, [0], tmp_path / "a", progress=False)
    train(CONFIG, [0, 1], tmp_path / "b", progress=False)
    a, b0, b1 = (final_params(tmp_path / d, s) for d, s in (("a", 0), ("b", 0), ("b", 1)))
    for k in a:
        # a seed trained beside another seed gives its solo run (floating point aside)
        np.testing.assert_allclose(a[k], b0[k], rtol=1e-5, atol=1e-6)
    assert not np.allclose(a["lstm_w"], b1["lstm_w"])
    train(CONFIG, [0], tmp_path / "c", progress=False)
    c = final_params(tmp_path / "c", 0)
    assert all(np.array_equal(a[k], c[k]) for k in a)  # bit-for-bit reproducible


def test_resume_continues_exactly(tmp_path):
    train(CONFIG, [3], tmp_path / "full", progress=False)
    train(dataclasses.replace(CONFIG, episodes=40), [3], tmp_path / "part", progress=False)
    messages = []
    train(CONFIG, [3], tmp_path / "part", progress=False, log=messages.append)
    assert any("resuming from checkpoint at episode 40" in m for m in messages)
    full, part = final_params(tmp_path / "full", 3), final_params(tmp_path / "part", 3)
    for k in full:
        np.testing.assert_array_equal(full[k], part[k])
    history = np.load(tmp_path / "part" / "model_3" / "history.npz")
    assert len(history["reward"]) == 60
    np.testing.assert_array_equal(history["reward"],
                                  np.load(tmp_path / "full" / "model_3" / "history.npz")["reward"])



def test_a_finished_run_without_history_trains_further_exactly(tmp_path):
    """A reference run drops history.npz once finished; training it further still continues
    exactly, its history NaN for the updates before (their TensorBoard points exist)."""
    train(CONFIG, [3], tmp_path / "full", progress=False)
    train(dataclasses.replace(CONFIG, episodes=40), [3], tmp_path / "part", progress=False)
    drop_history(tmp_path / "part" / "model_3")
    assert not (tmp_path / "part" / "model_3" / "history.npz").exists()
    train(CONFIG, [3], tmp_path / "part", progress=False)
    full, part = final_params(tmp_path / "full", 3), final_params(tmp_path / "part", 3)
    assert all(np.array_equal(full[k], part[k]) for k in full)
    history = np.load(tmp_path / "part" / "model_3" / "history.npz")["reward"]
    assert np.isnan(history[:40]).all()
    full_history = np.load(tmp_path / "full" / "model_3" / "history.npz")["reward"]
    np.testing.assert_array_equal(history[40:], full_history[40:])


def test_a_weights_only_checkpoint_loads_with_a_fresh_optimiser_and_trains_further(tmp_path):
    """A finished reference run keeps its weights only (``strip_optimizer``); it loads with
    RMSProp's starting state and trains further exactly as a run resumed from that state."""
    short = dataclasses.replace(CONFIG, episodes=40)
    for name in ("stripped", "explicit"):
        train(short, [3], tmp_path / name, progress=False)
    (_, path), = list_checkpoints(tmp_path / "stripped" / "model_3")[-1:]
    episode, params, opt = load_checkpoint(path, short)
    size = path.stat().st_size
    strip_optimizer(path)
    strip_optimizer(path)  # a second time: nothing to strip
    assert path.stat().st_size < 0.6 * size
    again, stripped_params, fresh = load_checkpoint(path, short)
    assert again == episode and all(np.array_equal(params[k], stripped_params[k]) for k in params)
    assert all(np.array_equal(v, np.ones_like(v)) for v in fresh.values())
    assert any(not np.array_equal(opt[k], fresh[k]) for k in opt)
    explicit = list_checkpoints(tmp_path / "explicit" / "model_3")[-1][1]
    save_checkpoint(explicit.parent, episode, params, fresh_optimizer(params), short)
    for name in ("stripped", "explicit"):
        train(CONFIG, [3], tmp_path / name, progress=False)
    a, b = final_params(tmp_path / "stripped", 3), final_params(tmp_path / "explicit", 3)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_keeps_last_checkpoints_and_milestones(tmp_path):
    config = dataclasses.replace(CONFIG, episodes=100, keep_checkpoints=2, keep_every=40)
    train(config, [0], tmp_path, progress=False)
    assert [e for e, _ in list_checkpoints(tmp_path / "model_0")] == [40, 80, 100]


def test_other_config_in_run_directory_is_refused_untouched(tmp_path):
    train(CONFIG, [0], tmp_path, progress=False)
    before = {p.name: p.read_bytes() for p in (tmp_path / "model_0").iterdir()}
    with pytest.raises(MetaRLError, match="another config"):
        train(dataclasses.replace(CONFIG, lr=1e-3), [0], tmp_path, progress=False)
    assert {p.name: p.read_bytes() for p in (tmp_path / "model_0").iterdir()} == before


def test_learns_the_two_step_task_quickly():
    """A short biorxiv-final run already beats chance on its own training episodes."""
    import tempfile
    from pathlib import Path

    config = dataclasses.replace(get_config("biorxiv-final"), episodes=6000)
    with tempfile.TemporaryDirectory() as out:
        runs = train(config, [0], Path(out), progress=False)
    reward = runs[0].history["reward"]
    # 1000 episodes x 100 trials: the standard error of each mean is < 0.2 reward per episode
    assert reward[-1000:].mean() > reward[:1000].mean() + 5.0


def test_an_anneal_changes_only_what_it_should(tmp_path):
    """An anneal of the entropy weight or of the learning rate from its value to itself is the
    constant exactly; an anneal to zero trains other weights; past the end of its anneal to 0
    the learning rate is 0 (the weights at episode 40, the anneal's end, and at 60 agree)."""
    train(CONFIG, [0], tmp_path / "constant", progress=False)
    constant = final_params(tmp_path / "constant", 0)
    for prefix, first in (("entropy", CONFIG.entropy_coef), ("lr", CONFIG.lr)):
        flat = dataclasses.replace(CONFIG, **{f"{prefix}_final": first, f"{prefix}_anneal_episodes": 40})
        to_zero = dataclasses.replace(CONFIG, **{f"{prefix}_final": 0.0, f"{prefix}_anneal_episodes": 40},
                                      keep_every=20)
        runs = {"flat": flat, "to_zero": to_zero}
        for name, config in runs.items():
            train(config, [0], tmp_path / prefix / name, progress=False)
        same, other = (final_params(tmp_path / prefix / n, 0, c) for n, c in runs.items())
        for k in constant:
            np.testing.assert_allclose(same[k], constant[k], rtol=1e-6, atol=1e-7, err_msg=prefix)
        assert not np.allclose(other["lstm_w"], constant["lstm_w"], rtol=1e-6, atol=1e-7), prefix
    checkpoints = dict(list_checkpoints(tmp_path / "lr" / "to_zero" / "model_0"))
    at_40, at_60 = (load_checkpoint(checkpoints[e], to_zero)[1] for e in (40, 60))
    for k in at_40:
        np.testing.assert_array_equal(at_40[k], at_60[k])
    with pytest.raises(MetaRLError, match="lr_final"):
        dataclasses.replace(CONFIG, lr_final=-0.1).validate()


def test_gae_lambda_below_one_trains_other_weights_and_one_is_the_original(tmp_path):
    """``Config.gae_lambda``: below 1 the advantages lean on the critic and train other
    weights than the default's Monte-Carlo returns; outside [0, 1] it is refused."""
    lam = dataclasses.replace(CONFIG, gae_lambda=0.5)
    for name, config in (("one", CONFIG), ("half", lam)):
        train(config, [0], tmp_path / name, progress=False)
    one, half = final_params(tmp_path / "one", 0), final_params(tmp_path / "half", 0, lam)
    assert all(np.isfinite(half[k]).all() for k in half)
    assert not np.allclose(half["lstm_w"], one["lstm_w"], rtol=1e-6, atol=1e-7)
    with pytest.raises(MetaRLError, match="gae_lambda"):
        dataclasses.replace(CONFIG, gae_lambda=1.5).validate()
