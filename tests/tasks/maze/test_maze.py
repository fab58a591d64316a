"""The maze: layouts and shortest paths, the batched task against the numpy players, the
respawn rule, the search log and its unbiased measure."""

import numpy as np
import pytest
import tensorflow as tf

from meta_rl.learn.evaluate import read_trials_csv, write_trials_csv
from meta_rl.tasks.maze.env import LAYOUTS, MazeParams, layout, mix, spawn_state, to_int
from meta_rl.tasks.maze.layout import ACTIONS, Layout, maze_rows, parse
from meta_rl.tasks.maze.players import PLAYERS, episode_starts, play
from meta_rl.tasks.maze.result import CSV_COLUMNS, capped_searches, find_summary, searches

MAZE = layout("rooms-5x5")


@pytest.mark.parametrize("rows, message", [
    (("###", "#.#", "###"), "at least two"),
    (("#####", "#.#.#", "#####"), "reachable"),
    (("....", "#..#", "####"), "walled"),
    (("####", "#.x#", "####"), "only"),
    (("####", "#..", "####"), "equal length"),
])
def test_bad_layouts_are_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        parse(rows)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_distances_satisfy_bellman_and_the_policy_walks_them(name):
    maze = layout(name)
    d, nxt = maze.distance, maze.next_state
    assert (d >= 0).all()  # every place reachable from every state
    places = np.arange(maze.n_states) // 4
    assert (d[np.arange(maze.n_states), places] == 0).all()
    # away from the goal: one more than the best next state
    best = d[nxt].min(axis=1)
    away = d > 0
    np.testing.assert_array_equal(d[away], 1 + best[away])
    # following the policy reaches the goal in exactly the distance
    rng = np.random.default_rng(0)
    for s, g in zip(rng.integers(maze.n_states, size=50), rng.integers(maze.n_places, size=50)):
        state, n = int(s), 0
        while state // 4 != g:
            state, n = int(nxt[state, maze.policy[state, g]]), n + 1
        assert n == d[s, g]


def test_moves_turn_in_place_and_stop_at_walls():
    maze = Layout(("#####", "#...#", "#####"))  # a corridor of three places, west to east
    east, west, north = 4 * 0 + 1, 4 * 0 + 3, 4 * 0 + 0
    assert maze.next_state[east, ACTIONS.index("forward")] == 4 * 1 + 1
    assert maze.next_state[west, ACTIONS.index("forward")] == west  # the wall
    assert maze.next_state[north, ACTIONS.index("turn left")] == west
    assert maze.next_state[north, ACTIONS.index("turn right")] == east
    assert maze.distance[east, 2] == 2 and maze.distance[west, 2] == 4  # two turns, then two steps


def test_generated_mazes_are_connected_and_reproducible():
    rows = maze_rows(4, 6, seed=1, loops=3)
    assert rows == maze_rows(4, 6, seed=1, loops=3) and rows != maze_rows(4, 6, seed=2, loops=3)
    grid = parse(rows)  # parse checks that every open square is reachable
    # a spanning tree of 24 rooms has 23 doors; the loops add 3
    assert grid.sum() == 24 + 23 + 3


def test_compiled_task_and_numpy_players_play_the_same_episodes():
    u = np.random.default_rng(3).uniform(size=(6, 3)).astype(np.float32)
    task = MazeParams(episode_steps=120).make_task()
    for name in ("oracle", "random walk"):
        played = play(name, MAZE, u, 120, rng=np.random.default_rng(4))
        state = task.initial_state(tf.constant(u[None]))
        for t in range(120):
            np.testing.assert_array_equal(state["state"].numpy()[0], played["state"][:, t])
            state, reward, record = task.step(state, t, tf.constant(played["action"][None, :, t]), None)
            for key in ("reached", "steps", "spawn", "goal"):
                np.testing.assert_array_equal(record[key].numpy()[0], played[key][:, t], err_msg=key)
            np.testing.assert_array_equal(reward.numpy()[0], played["reward"][:, t])


def test_goals_and_spawns_are_uniform_and_spawns_avoid_the_goal():
    n = 40000
    u = np.random.default_rng(5).uniform(size=(n, 3)).astype(np.float32)
    goal, spawn, key = episode_starts(MAZE, u)
    respawn = spawn_state(mix(key, np.int64(3)), goal, MAZE.n_places)
    for states in (spawn, respawn):
        assert not np.any(states // 4 == goal)
    # counts per place: binomial, s.d. sqrt(n p (1 - p)); allow 5 s.d. on the largest deviation
    for values, k in ((goal, MAZE.n_places), (spawn % 4, 4), (respawn % 4, 4)):
        counts = np.bincount(values, minlength=k)
        p = 1 / k
        assert np.abs(counts - n * p).max() < 5 * np.sqrt(n * p * (1 - p))
    # the respawn sequence depends on the key and the count only, the same in numpy and TF
    tf_draws = mix(tf.constant(key[:100]), tf.constant(3, tf.int64)).numpy()
    np.testing.assert_array_equal(tf_draws, mix(key[:100], np.int64(3)))
    np.testing.assert_array_equal(to_int(np.float32([0.0, 0.5])), [0, 1 << 23])


def test_search_log_round_trips_through_the_csv(tmp_path):
    u = np.random.default_rng(6).uniform(size=(8, 3)).astype(np.float32)
    played = play("explorer", MAZE, u, 200)
    values = np.random.default_rng(7).normal(size=(8, 200)).astype(np.float32)
    log = searches(played, MAZE, values)
    # every step of an episode belongs to one search; finds end on a reach
    np.testing.assert_array_equal(log["steps"].sum(axis=1), 200)
    assert (log["found"].sum(axis=1) == played["reached"].sum(axis=1)).all()
    assert (log["steps"] >= log["shortest"])[log["found"].astype(bool)].all()
    np.testing.assert_allclose(log["value"][:, 0], values[:, 0])  # the first search starts at step 0
    path = tmp_path / "searches.csv"
    write_trials_csv(path, log, CSV_COLUMNS)
    back = read_trials_csv(path)
    for k in CSV_COLUMNS[2:]:
        np.testing.assert_allclose(np.ma.filled(back[k], -1), np.ma.filled(log[k], -1), rtol=1e-5)


def test_capping_counts_only_searches_that_start_in_time():
    found = np.ma.masked_array([[1, 1, 0]], mask=[[0, 0, 0]])
    steps = np.ma.masked_array([[40, 30, 30]])
    capped = capped_searches(found, steps, n_steps=100, cap=50)
    # starts 0, 40, 70: the third starts less than 50 steps before the end, so it is unknown
    assert capped.mask.tolist() == [[False, False, True]] and capped[0, :2].tolist() == [40, 30]
    assert capped_searches(found, np.ma.masked_array([[90, 5, 5]]), 100, 50)[0, 0] == 50


def test_the_measure_shows_no_drop_without_memory_and_the_explorers_drop():
    u = np.random.default_rng(8).uniform(size=(2000, 3)).astype(np.float32)
    out = {}
    for name in PLAYERS:
        log = searches(play(name, MAZE, u, 300, rng=np.random.default_rng(9)), MAZE)
        out[name] = find_summary(log["found"], log["steps"], log["shortest"], log["goal"], 300)
    # the oracle's and the explorer's later finds are shortest paths
    assert out["oracle"]["later_over_shortest"] == 1.0 == out["explorer"]["later_over_shortest"]
    assert out["explorer"]["later"] == pytest.approx(out["oracle"]["later"], rel=0.1)
    assert out["explorer"]["ratio"] < 0.4 and out["explorer"]["first_found"] == 1.0
    # memoryless: every search alike. Over 2000 episodes the ratio's s.d. across episode
    # sets was measured at 0.011 (oracle) and 0.013 (random walk, whose goals with a later
    # search are those it happened to find early: +0.02 on average); 4 s.d. each
    assert abs(out["oracle"]["ratio"] - 1) < 4 * 0.011
    assert abs(out["random walk"]["ratio"] - 1.02) < 4 * 0.013


def test_training_and_testing_run_end_to_end(tmp_path):
    import dataclasses

    from meta_rl.learn.evaluate import play_test
    from meta_rl.learn.trainer import train
    from meta_rl.runs import list_checkpoints
    from meta_rl.tasks.maze import FAMILY
    from meta_rl.tasks.registry import get_config

    config = dataclasses.replace(get_config("maze-symbolic"), task=MazeParams(episode_steps=60), episodes=32,
                                 checkpoint_every=32, entropy_anneal_episodes=32, log_every=16, chunk=2)
    train(config, [0], tmp_path, progress=False)
    _, path = list_checkpoints(tmp_path / "model_0")[-1]
    from meta_rl.learn.checkpoints import load_checkpoint

    params = load_checkpoint(path, config)[1]
    played = play_test(config, params, 1000, 10)
    result = FAMILY.test_result(config, played, 0, True)
    assert set(result.players) == set(PLAYERS) and result.trials["steps"].shape[0] == 10
    assert "oracle" in result.report() and 0 <= result.metrics()["first_found"] <= 1


def test_views_show_the_goal_ahead_and_hide_it_behind_walls():
    from meta_rl.tasks.maze.render import GOAL_COLOUR, goal_sprites, views, with_goal

    corridor = Layout(("#######", "#.....#", "###.###", "#######"))  # five places west to east, one south
    images, depth = views(corridor, 16, 24)
    rect, bits = goal_sprites(corridor, depth, 16)
    east_from_west_end = 4 * 0 + 1
    assert bits[east_from_west_end, 4] != 0 and bits[east_from_west_end, 2] != 0  # ahead, near and far
    west = 4 * 0 + 3
    assert (bits[west] == 0).all()  # facing the wall
    assert bits[east_from_west_end, 5] == 0  # the place south of the corridor: around the corner
    shown = with_goal(images[east_from_west_end], rect[east_from_west_end, 4], bits[east_from_west_end, 4])
    assert (shown == GOAL_COLOUR).all(axis=-1).sum() > 0
    near, far = (bits[east_from_west_end, g] for g in (1, 4))
    assert bin(near).count("1") > bin(far).count("1")  # nearer is wider
    assert len({v.tobytes() for v in images}) > corridor.n_states // 2  # places look different


def test_first_person_observations_are_the_rendered_views():
    """The view's colours and the goal's mask: painted, the image ``with_goal`` renders; the
    colours alone, the state's screen."""
    from meta_rl.agent.encoders import MASKED
    from meta_rl.tasks.maze.env import rendered
    from meta_rl.tasks.maze.render import picture, with_goal

    params = MazeParams(level="first-person", layout="rooms-5x10", episode_steps=10)
    task = params.make_task()
    assert task.encoder == MASKED and task.obs_shape == (16, 24, 4)
    state = task.initial_state(tf.random.stateless_uniform([1, 200, 3], seed=[1, 2]))
    obs = task.observation(state).numpy()[0]
    images, rect, bits = rendered(params.layout, 16, 24)
    s, g = state["state"].numpy()[0], state["goal"].numpy()[0]
    expected = np.stack([with_goal(images[a], rect[a, b], bits[a, b]) for a, b in zip(s, g)])
    np.testing.assert_array_equal(picture(obs), expected)
    index, column = task.view(state)
    np.testing.assert_array_equal(obs[..., :3], task.screens(state).numpy()[index.numpy()[0]])
    assert not column.numpy().any() and set(np.unique(obs[..., 3])) == {0.0, 1.0}
    assert (bits[s, g] != 0).any()  # some episodes start with the goal in view


def test_summary_signatures_table_and_figure_of_known_players(tmp_path):
    """The reference's hooks on players whose behaviour is known: the explorer stands in for an
    agent with memory (it shows the signature), the random walk for the memoryless control."""
    from meta_rl.experiment import Tested
    from meta_rl.tasks.maze import FAMILY
    from meta_rl.tasks.maze import reference as mr
    from meta_rl.tasks.maze.plots import plot_steps_by_search
    from meta_rl.tasks.maze.result import MazeResult

    names = ("maze-symbolic", "maze-symbolic-memoryless")
    run_sets = mr.run_sets(seeds=(0, 1), names=names)
    tested = Tested(FAMILY, mr.EXPERIMENTS["maze"], tmp_path, run_sets)
    for name, stand_in in zip(names, ("explorer", "random walk")):
        for seed in (0, 1):
            u = np.random.default_rng([seed, len(name)]).uniform(size=(400, 3)).astype(np.float32)
            result = MazeResult(searches(play(stand_in, MAZE, u, 300, rng=np.random.default_rng(seed)), MAZE),
                                n_steps=300)
            for player in PLAYERS:
                result.players[player] = searches(play(player, MAZE, u, 300), MAZE)
            tested.results[name, seed] = result
    summary = mr.search_summary(tested)  # (the goal decoding and the maps need trained weights)
    rs = summary["run_sets"]
    assert rs["maze-symbolic-memoryless"]["memoryless"] and not rs["maze-symbolic"]["memoryless"]
    assert rs["maze-symbolic"]["per_seed"][0]["later_over_shortest"] == 1.0  # the explorer's
    assert [(s.showing, s.seeds) for s in mr.signatures(summary)] == [(2, 2), (2, 2)]
    assert "| `maze-symbolic` | agent | 2 |" in mr.table(summary)
    ratio = {n: np.mean([s["ratio"] for s in rs[n]["per_seed"]]) for n in names}
    assert mr.headline(summary) == (f"later / first find: symbolic {ratio[names[0]]:.2f} "
                                    f"(control {ratio[names[1]]:.2f})")
    plot_steps_by_search(summary, path=tmp_path / "steps_by_search.png")
    assert (tmp_path / "steps_by_search.png").stat().st_size > 0


def test_the_explorer_with_sight_searches_what_it_sees():
    """First-person level: with ``result.sight`` the explorer counts the places in view as
    searched and heads for the goal as soon as it shows, so its first searches are shorter
    than the blind explorer's on the same episodes and never shorter than the oracle's; its
    later searches are the oracle's either way."""
    from meta_rl.tasks.maze.result import sight

    params = MazeParams(level="first-person", layout="rooms-5x10")
    maze, in_view = layout(params.layout), sight(params)
    assert sight(MazeParams()) is None and in_view.shape == (maze.n_states, maze.n_places)
    # a goal shows from the states that face it down a corridor, not from its own place
    assert not in_view[np.arange(maze.n_states), np.arange(maze.n_states) // 4].any()
    u = np.random.default_rng(8).uniform(size=(60, 3)).astype(np.float32)
    first = {}
    for name, seeing in (("blind", None), ("sighted", in_view), ("oracle", None)):
        records = play("oracle" if name == "oracle" else "explorer", maze, u, 600, sight=seeing)
        log = searches(records, maze)
        assert log["found"][:, 0].all()
        first[name] = log["steps"][:, 0]
        later = log["found"][:, 1:].astype(bool)
        np.testing.assert_array_equal(log["steps"][:, 1:][later], log["shortest"][:, 1:][later])
        if name == "sighted":  # once the goal shows, every step is a shortest-path step to it
            state, goal = records["state"], records["goal"]
            shown = in_view[state, goal]
            np.testing.assert_array_equal(records["action"][shown], maze.policy[state[shown], goal[shown]])
    assert (first["sighted"] >= first["oracle"]).all()
    assert first["sighted"].mean() < 0.8 * first["blind"].mean()
