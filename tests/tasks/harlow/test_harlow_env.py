"""The Harlow task (Wang et al. 2018, Simulation 5): rules, held-out sets, images, the three
levels played through the gymnasium wrapper and batched, TensorFlow and numpy."""

import dataclasses
import itertools

import numpy as np
import pytest
import tensorflow as tf
from gymnasium.utils.env_checker import check_env
from PIL import Image

from meta_rl.tasks.gym import TaskEnv
from meta_rl.tasks.harlow.env import RECORD_KEYS, BatchedHarlow, HarlowParams
from meta_rl.tasks.harlow.episodes import draw_episode, is_held_out, symbolic_pairs
from meta_rl.tasks.harlow.objects import (
    PROCEDURAL_SPLIT,
    object_uniforms,
    procedural_objects,
    render_objects,
    tf_ops,
)
from meta_rl.tasks.harlow.presets import HARLOW_LEVELS, PIXELS, PSYCHLAB, SYMBOLIC
from meta_rl.tasks.harlow.psychlab import CHOICE
from meta_rl.tasks.harlow.trials import records_to_trials

LEVELS = list(HARLOW_LEVELS)


def toward(gaze: int, target: int) -> int:
    """Psychlab action moving the gaze toward ``target`` (2: no-op once there)."""
    return 1 if gaze < target else 0 if gaze > target else 2


def scripted_action(p: HarlowParams, task: BatchedHarlow, state: dict) -> int:
    """Look at the cross, then at the rewarded object, and hold (knows the answer)."""
    cx = p.screen_width // 2
    if int(state["phase"]) != CHOICE:
        return toward(int(state["gaze"]), cx)
    side = int(task.current_side(state))
    return toward(int(state["gaze"]), cx + (p.object_offset if side else -p.object_offset))


def env_state(env: TaskEnv) -> dict:
    """The episode's task state as numpy, without the ``[1, 1]`` batch axes."""
    return {k: v.numpy()[0, 0] for k, v in env.state.items()}


def scripted(env: TaskEnv) -> int:
    return scripted_action(env.params, env.task, env_state(env))


def play(env: TaskEnv, seed: int, policy) -> tuple[list[float], list[dict], list[np.ndarray]]:
    obs, _ = env.reset(seed=seed)
    rewards, infos, observations, done = [], [], [obs], False
    while not done:
        obs, reward, done, _, info = env.step(policy(env))
        rewards.append(reward)
        infos.append(info)
        observations.append(obs)
    return rewards, infos, observations


def chose(info: dict) -> bool:
    return info["choice"] >= 0


def trial_row(info: dict) -> dict:
    """A step's record (its ``info``) where a choice was made: the trial, the objects on the
    left and right, the rewarded one, the choice and its reward."""
    trial, rewarded, other = int(info["trial"]), int(info["rewarded_object"]), int(info["other_object"])
    side = (int(info["side_bits"]) >> trial) & 1  # the rewarded object's side on this trial
    return {"trial": trial, "left_object": rewarded if side == 0 else other,
            "right_object": other if side == 0 else rewarded, "rewarded_object": rewarded,
            "choice": int(info["choice"]), "reward": float(info["choice_reward"])}


def trial_rows(infos: list[dict]) -> list[dict]:
    return [trial_row(info) for info in infos if chose(info)]


# --------------------------------------------------------------------------- API


@pytest.mark.parametrize("level", LEVELS)
def test_passes_gymnasium_checker_on_training_objects(level):
    """(Held-out objects, the registered envs: ``tests/test_gym.py``.)"""
    check_env(TaskEnv(HARLOW_LEVELS[level], held_out=False), skip_render_check=True)


@pytest.mark.parametrize("changes, field", [
    ({"level": "maze"}, "level"),
    ({"level": "symbolic", "n_objects": 3}, "n_objects"),
    ({"reward_correct": -5.0, "reward_wrong": 5.0}, "reward_correct"),
    ({"level": "pixels", "object_size": 2}, "object_size"),
    ({"level": "pixels", "image_dir": "/nonexistent/folder"}, "image_dir"),
    ({"screen_width": 20}, "object_offset"),
    ({"fixation_frames": 0}, "fixation_frames"),
    ({"iti_frames": 0}, "iti_frames"),
    ({"gaze_step": 0}, "gaze_step"),
    ({"cross_size": 4}, "cross_size"),
    ({"select_radius": 7}, "select_radius"),
    ({"level": "pixels", "preview_steps": -1}, "preview_steps"),
])
def test_invalid_params_raise(changes, field):
    params = HarlowParams(**changes)
    with pytest.raises(ValueError, match=field):
        params.validate()
    with pytest.raises(ValueError, match=field):
        TaskEnv(params)
    with pytest.raises(ValueError, match=field):
        BatchedHarlow(params)


def test_shapes_and_counts():
    # symbolic: a fixation step and a choice step per trial (fixation_step); pixels a preview
    # step between them (preview_steps)
    assert (SYMBOLIC.n_steps, PIXELS.n_steps, PSYCHLAB.n_steps) == (12, 18, PSYCHLAB.episode_frames)
    assert dataclasses.replace(SYMBOLIC, fixation_step=False).n_steps == 6
    assert dataclasses.replace(PIXELS, preview_steps=2).n_steps == 6 * 4  # fixation, 2 previews, choice
    assert dataclasses.replace(PIXELS, preview_steps=0).n_steps == 12
    assert SYMBOLIC.n_trials == PIXELS.n_trials == PSYCHLAB.n_trials == 6
    shapes = {name: BatchedHarlow(p).obs_shape for name, p in HARLOW_LEVELS.items()}
    assert shapes == {"symbolic": (84,), "pixels": (12, 26, 3),
                      "psychlab": (PSYCHLAB.view_height, PSYCHLAB.view_width, 3)}
    assert [BatchedHarlow(p).n_actions for p in HARLOW_LEVELS.values()] == [2, 2, 3]


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("level", LEVELS)
def test_episode_rules(level):
    """Same pair and rewarded object all episode, 3 left + 3 right, +5 / -5, fresh draws."""
    params = HARLOW_LEVELS[level]
    env = TaskEnv(params, held_out=False)
    rng = np.random.default_rng(0)
    n_episodes = 300 if level != "psychlab" else 60
    patterns, first_is_rewarded = set(), []
    for e in range(n_episodes):
        def random_policy(env):
            return int(rng.integers(params.n_actions))
        policy = scripted if level == "psychlab" and e % 2 == 0 else random_policy
        rewards, infos, _ = play(env, e, policy)
        rows = trial_rows(infos)
        assert [row["trial"] for row in rows] == list(range(len(rows)))
        if level != "psychlab" or e % 2 == 0:
            assert len(rows) == 6
        if not rows:  # psychlab, a random gaze: no trial completed
            continue
        rewarded = {row["rewarded_object"] for row in rows}
        assert len(rewarded) == 1
        pairs = {frozenset((row["left_object"], row["right_object"])) for row in rows}
        assert len(pairs) == 1 and len(next(iter(pairs))) == 2 and rewarded <= next(iter(pairs))
        sides = [int(row["right_object"] == row["rewarded_object"]) for row in rows]
        if len(rows) == 6:
            assert sum(sides) == 3
            patterns.add(tuple(sides))
        for row in rows:
            chosen = row["right_object"] if row["choice"] == 1 else row["left_object"]
            assert row["reward"] == (5.0 if chosen == row["rewarded_object"] else -5.0)
        choice_rewards = [r for r, info in zip(rewards, infos) if chose(info)]
        assert choice_rewards == [row["reward"] for row in rows]  # no fixation reward mixed in
        first_is_rewarded.append(min(next(iter(pairs))) == next(iter(rewarded)))
    if level != "psychlab":
        assert len(patterns) == 20  # every order of 3 left + 3 right occurs
        assert 0.4 < np.mean(first_is_rewarded) < 0.6  # either object can be the rewarded one


def test_symbolic_held_out_pairs():
    train, held = symbolic_pairs(42, False), symbolic_pairs(42, True)
    train_set, held_set = set(map(tuple, train)), set(map(tuple, held))
    assert len(train) > 0 and len(held) > 0 and not train_set & held_set
    assert train_set | held_set == set(itertools.combinations(range(42), 2))  # all 861 pairs
    assert abs(len(held) / 861 - 1 / 6) < 0.02
    assert set(train.ravel()) == set(held.ravel()) == set(range(42))  # every object in both
    for held_out, pair_set in ((False, train_set), (True, held_set)):
        env = TaskEnv(SYMBOLIC, held_out=held_out)
        for seed in range(100):
            _, infos, _ = play(env, seed, lambda env: 0)
            row = trial_rows(infos)[0]
            assert tuple(sorted((row["left_object"], row["right_object"]))) in pair_set
            assert bool(is_held_out(row["left_object"], row["right_object"], SYMBOLIC)) == held_out


@pytest.mark.parametrize("level", ["symbolic", "pixels"])
def test_batched_held_out_split(level):
    params = HARLOW_LEVELS[level]
    u = tf.random.stateless_uniform([40, 25, BatchedHarlow(params).n_init], seed=[3, 4])
    for held_out in (False, True):
        state = BatchedHarlow(params, held_out).initial_state(u)
        rewarded, other = state["rewarded"].numpy(), state["other"].numpy()
        assert np.all(rewarded != other)
        assert np.all(is_held_out(rewarded, other, params) == held_out)
        assert np.all(state["sides"].numpy().sum(-1) == 3)
        if level == "pixels":
            ids = np.concatenate([rewarded.ravel(), other.ravel()])
            assert np.all((ids >= PROCEDURAL_SPLIT) == held_out) and ids.max() < 2 * PROCEDURAL_SPLIT


# --------------------------------------------------------------------------- images


def test_distinct_objects_look_different():
    ids = np.random.default_rng(1).integers(0, 2 * PROCEDURAL_SPLIT, (200, 2))
    ids = ids[ids[:, 0] != ids[:, 1]]
    images = procedural_objects(ids, 12)
    assert images.shape == (len(ids), 2, 12, 12, 3) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    diff = np.abs(images[:, 0] - images[:, 1]).mean(axis=(1, 2, 3))
    assert np.mean(diff > 0.08) >= 0.95
    assert np.array_equal(procedural_objects(ids, 12), images)  # an id always gives one image


def test_same_image_in_numpy_and_tensorflow():
    """(Compiled with XLA: ``test_batched_step_compiles_with_xla``.)"""
    ids = np.random.default_rng(2).integers(0, 2 * PROCEDURAL_SPLIT, (4, 50)).astype(np.int32)
    np.testing.assert_array_equal(object_uniforms(tf.constant(ids), tf_ops()).numpy(),
                                  object_uniforms(ids))  # the hash is exact
    eager = procedural_objects(tf.constant(ids), 12, tf_ops()).numpy()
    np.testing.assert_allclose(eager, procedural_objects(ids, 12), atol=1e-5)


def test_image_dir(tmp_path):
    rng = np.random.default_rng(3)
    for k in range(10):  # 8 training images, the last 2 held out
        pixels = (rng.random((20, 16, 3)) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(tmp_path / f"img{k:02d}.{'png' if k % 2 else 'jpg'}")
    (tmp_path / "notes.txt").write_text("not an image")
    params = HarlowParams(level="pixels", image_dir=str(tmp_path))
    check_env(TaskEnv(params), skip_render_check=True)
    for held_out in (False, True):
        env = TaskEnv(params, held_out)
        for seed in range(20):
            env.reset(seed=seed)
            obs, _, _, _, _ = env.step(0)  # the fixation step: the pair shows next
            _, _, _, _, info = env.step(0)
            row = trial_row(info)
            ids = (row["left_object"], row["right_object"])
            assert all((i >= 8) == held_out and 0 <= i < 10 for i in ids)
            images = render_objects(np.array(ids), 12, str(tmp_path))
            np.testing.assert_array_equal(obs[:, :12], images[0])
            np.testing.assert_array_equal(obs[:, 14:], images[1])
            assert np.all(obs[:, 12:14] == 0.0)


# --------------------------------------------------------------------------- psychlab


def test_psychlab_scripted_policy_earns_everything():
    for params in (PSYCHLAB, HarlowParams(reset_gaze=True), HarlowParams(frames_per_step=2),
                   HarlowParams(gaze_between_objects=True)):
        env = TaskEnv(params)
        for seed in range(3):
            rewards, infos, observations = play(env, seed, scripted)
            rows = trial_rows(infos)
            assert [row["reward"] for row in rows] == [5.0] * 6
            assert sum(info["fixation"] for info in infos) == 6  # once per trial
            assert sum(rewards) == pytest.approx(6 * 1.0 + 6 * 5.0)
            last = max(k for k, info in enumerate(infos) if chose(info))
            assert all(r == 0.0 for r in rewards[last + 1:])  # blank after the 6th trial
            assert all(not obs.any() for obs in observations[last + 1:])


def test_psychlab_noop_earns_one_fixation_reward():
    """The gaze starts on the cross: fixation pays once, then nothing is ever selected."""
    env = TaskEnv(PSYCHLAB)
    rewards, infos, observations = play(env, 0, lambda env: 2)
    assert rewards[PSYCHLAB.fixation_frames - 1] == PSYCHLAB.fixation_reward
    assert sum(rewards) == PSYCHLAB.fixation_reward and not trial_rows(infos)
    red = observations[0][..., 0] == 1.0
    assert red.sum() == 2 * PSYCHLAB.cross_size - 1  # the cross, at the centre of the view
    assert red[PSYCHLAB.view_height // 2, PSYCHLAB.view_width // 2]
    after = observations[PSYCHLAB.fixation_frames]  # the cross gave way to the objects
    assert not after[PSYCHLAB.view_height // 2, PSYCHLAB.view_width // 2].any() and after.any()


def test_psychlab_holding_the_cross_pays_once_per_trial():
    """Stay on the cross 10 extra frames after each fixation, then choose: 6 fixations."""
    def lingering(env):
        linger = env.linger = getattr(env, "linger", 0) + (int(env_state(env)["phase"]) == CHOICE)
        return 2 if linger % 20 < 10 else scripted(env)
    env = TaskEnv(HarlowParams(episode_frames=200))
    rewards, infos, _ = play(env, 5, lingering)
    assert len(trial_rows(infos)) == 6 and sum(info["fixation"] for info in infos) == 6
    assert sum(rewards) == pytest.approx(36.0)


@pytest.mark.parametrize("between", [False, True])
def test_psychlab_gaze_between_objects_leaves_no_resting_place_beyond_them(between):
    """Fixate, then always look right: the free gaze passes the right object and rests at the
    screen's edge, choosing nothing; held between the objects it stays on it and selects it."""
    params = HarlowParams(gaze_between_objects=between)
    centre = params.screen_width // 2

    def right_after_fixation(env):
        state = env_state(env)
        if int(state["phase"]) == CHOICE:
            return 1
        gaze, half = int(state["gaze"]), params.cross_size // 2
        return 0 if gaze > centre + half else 1 if gaze < centre - half else 2
    env = TaskEnv(params)
    _, infos, _ = play(env, 0, right_after_fixation)
    rows = trial_rows(infos)
    assert sum(info["fixation"] for info in infos) == (6 if between else 1)
    assert [row["choice"] for row in rows] == ([1] * 6 if between else [])


def test_psychlab_budget_leaves_trials_without_choice():
    params = HarlowParams(episode_frames=30)
    env = TaskEnv(params)
    _, infos, _ = play(env, 0, scripted)
    n_done = len(trial_rows(infos))
    assert 0 < n_done < 6
    task = BatchedHarlow(params, backend="numpy")
    state = task.initial_state(env.u_init)
    records = {k: [] for k in RECORD_KEYS}
    for t in range(params.n_steps):  # replay the same actions through the batched task
        state, _, record = task.step(state, t, np.int32(scripted_action(params, task, state)), None)
        for k in RECORD_KEYS:
            records[k].append(record[k])
    trials = records_to_trials({k: np.array(v)[None] for k, v in records.items()}, params)
    assert trials["choice"][0, n_done:].tolist() == [-1] * (6 - n_done)
    assert trials["reward"][0].tolist() == [5] * n_done + [0] * (6 - n_done)


# --------------------------------------------------------------------------- gym == batched


@pytest.mark.parametrize("level", [*LEVELS, "psychlab, 2 frames per step", "pixels, no preview step"])
def test_batched_task_matches_gymnasium_env(level):
    """Episodes of the gym env replayed in the TF task from the same uniforms and actions:
    same observations, rewards and trials."""
    variants = {"psychlab, 2 frames per step": HarlowParams(frames_per_step=2),
                "pixels, no preview step": dataclasses.replace(PIXELS, preview_steps=0)}
    params = HARLOW_LEVELS.get(level) or variants[level]
    level = params.level
    n_episodes, n_steps = 3, params.n_steps
    rng = np.random.default_rng(7)
    probs = [0.25, 0.25, 0.5] if level == "psychlab" else [0.5, 0.5]
    actions = rng.choice(len(probs), size=(n_steps, n_episodes), p=probs).astype(np.int32)
    if level == "psychlab":  # fixate, then look left and hold: completes trials
        pattern = ([2, 2, 2, 2, 0, 0, 2, 2, 2, 1, 1, 2, 2, 2] if params.frames_per_step == 1
                   else [2, 2, 0, 2, 2, 1, 2, 2])  # 2 frames a step: moves of 8 pixels
        actions[:, 0] = np.tile(pattern, n_steps)[:n_steps]
    env = TaskEnv(params)
    gym_obs, gym_rewards, gym_rows, uniforms, step_uniforms = [], [], [], [], []
    for e in range(n_episodes):
        obs, _ = env.reset(seed=100 + e)
        uniforms.append(env.u_init)
        step_uniforms.append(env.u_steps)
        episode_obs, episode_rewards = [obs], []
        for t in range(n_steps):
            obs, reward, _, _, info = env.step(actions[t, e])
            episode_obs.append(obs)
            episode_rewards.append(reward)
            if chose(info):
                gym_rows.append((e, *trial_row(info).values()))
        gym_obs.append(episode_obs[:-1])
        gym_rewards.append(episode_rewards)

    task = BatchedHarlow(params, held_out=True)  # TaskEnv plays the test's held-out objects
    state = task.initial_state(tf.constant(np.array(uniforms)[None]))  # [S=1, B, n_init]
    tf_obs, tf_rewards, records = [], [], {k: [] for k in RECORD_KEYS}
    for t in range(n_steps):
        tf_obs.append(task.observation(state).numpy()[0])
        state, reward, record = task.step(state, tf.constant(t), tf.constant(actions[t][None]),
                                          tf.constant(np.array(step_uniforms)[None, :, t]))
        tf_rewards.append(reward.numpy()[0])
        for k in RECORD_KEYS:
            records[k].append(record[k].numpy()[0])
    np.testing.assert_allclose(np.stack(tf_obs, 1), np.array(gym_obs), atol=1e-5)
    np.testing.assert_array_equal(np.stack(tf_rewards, 1), np.array(gym_rewards, np.float32))

    trials = records_to_trials({k: np.stack(v, 1) for k, v in records.items()}, params)
    assert all(v.shape == (n_episodes, 6) for v in trials.values())
    assert len(gym_rows) >= (n_episodes * 6 if level != "psychlab" else 6)
    for e, trial, left, right, rewarded, choice, reward in gym_rows:
        assert (trials["left_object"][e, trial], trials["right_object"][e, trial],
                trials["rewarded_object"][e, trial], trials["choice"][e, trial],
                trials["reward"][e, trial]) == (left, right, rewarded, choice, reward)
    assert (trials["choice"] >= 0).sum() == len(gym_rows)


@pytest.mark.parametrize("level", LEVELS)
def test_batched_step_compiles_with_xla(level):
    """A whole episode of a [2, 3] batch in one ``tf.function(jit_compile=True)``, equal to
    the numpy backend on the same uniforms and actions (first observation within 1e-5:
    the compiled renderer draws the same images)."""
    params = HARLOW_LEVELS[level]
    task = BatchedHarlow(params)
    n_steps = task.n_steps
    u_init = tf.random.stateless_uniform([2, 3, task.n_init], seed=[1, 2])
    actions = tf.random.stateless_uniform([n_steps, 2, 3], seed=[3, 4], maxval=task.n_actions,
                                          dtype=tf.int32)

    @tf.function(jit_compile=True)
    def episode(u_init, actions):
        state = task.initial_state(u_init)
        first_obs = task.observation(state)

        def body(t, state, total, obs_sum, choices):
            obs_sum += tf.reduce_sum(task.observation(state), axis=list(range(2, 2 + len(task.obs_shape))))
            state, reward, record = task.step(state, t, actions[t], tf.zeros([2, 3, task.n_uniforms]))
            return t + 1, state, total + reward, obs_sum, choices + tf.cast(record["choice"] >= 0, tf.int32)

        zeros = tf.zeros([2, 3])
        _, _, total, obs_sum, choices = tf.while_loop(
            lambda t, *_: t < n_steps, body,
            (tf.constant(0), state, zeros, zeros, tf.zeros([2, 3], tf.int32)))
        return first_obs, total, obs_sum, choices

    first_obs, total, obs_sum, choices = (x.numpy() for x in episode(u_init, actions))
    reference = BatchedHarlow(params, backend="numpy")
    state = reference.initial_state(u_init.numpy())
    np.testing.assert_allclose(first_obs, reference.observation(state), atol=1e-5)
    ref_total, ref_obs = np.zeros([2, 3]), np.zeros([2, 3])
    for t in range(n_steps):
        ref_obs += reference.observation(state).reshape(2, 3, -1).sum(-1)
        state, reward, _ = reference.step(state, t, actions[t].numpy(), None)
        ref_total += reward
    np.testing.assert_allclose(total, ref_total, atol=1e-4)
    np.testing.assert_allclose(obs_sum, ref_obs, rtol=1e-4)
    if level != "psychlab":
        assert np.all(choices == 6)


def test_draw_episode_is_a_function_of_the_uniforms():
    u = np.random.default_rng(4).random((500, 4)).astype(np.float32)
    rewarded, other, sides = draw_episode(u, PIXELS, False)
    again = draw_episode(tf.constant(u), PIXELS, False, tf_ops())
    assert np.array_equal(rewarded, again[0].numpy()) and np.array_equal(sides, again[2].numpy())
    assert np.all(rewarded != other) and np.all(sides.sum(1) == 3)
    assert abs((rewarded < other).mean() - 0.5) < 0.1


@pytest.mark.parametrize("level", ["symbolic", "pixels"])
def test_fixation_step_is_blank_and_pays_nothing(level):
    """With ``fixation_step`` every trial starts with a blank step whose action is ignored."""
    env = TaskEnv(dataclasses.replace(HARLOW_LEVELS[level], preview_steps=0))
    obs, _ = env.reset(seed=2)
    for trial in range(6):
        assert np.all(obs == 0.0)  # the fixation step: nothing to see
        obs, reward, _, _, info = env.step(trial % 2)
        assert reward == 0.0 and not chose(info)
        assert obs.max() > 0.0  # the pair
        obs, reward, terminated, _, info = env.step(1)
        assert info["trial"] == trial and info["choice"] == 1 and abs(reward) == 5.0
    assert terminated


@pytest.mark.parametrize("level, fixation_step", [("symbolic", True), ("pixels", True), ("pixels", False)])
def test_preview_steps_show_the_pair_and_ignore_the_action(level, fixation_step):
    """With ``preview_steps`` the pair shows for that many steps, whose actions are ignored,
    before the choice step; the choice step shows the same pair."""
    params = dataclasses.replace(HARLOW_LEVELS[level], preview_steps=2, fixation_step=fixation_step)
    env = TaskEnv(params)
    obs, _ = env.reset(seed=5)
    rewards = []
    for trial in range(6):
        if fixation_step:
            assert np.all(obs == 0.0)
            obs, reward, _, _, info = env.step(0)
            assert reward == 0.0 and not chose(info)
        pair = obs.copy()
        assert pair.max() > 0.0
        for _ in range(2):  # the previews: the pair, no choice whatever the action
            obs, reward, _, _, info = env.step(trial % 2)
            assert reward == 0.0 and not chose(info)
            np.testing.assert_array_equal(obs, pair)
        obs, reward, terminated, _, info = env.step(1)
        assert info["trial"] == trial and info["choice"] == 1 and abs(reward) == 5.0
        rewards.append(reward)
    assert terminated and env.task.n_steps == 6 * (3 + fixation_step)
    assert sorted(rewards) == [-5.0] * 3 + [5.0] * 3  # always right: 3 left + 3 right rewarded
