"""The maze's analyses: search boundaries, the goal's halves, the goal decoder on simulated
states whose memory is known, the paths, and the figures drawn from them."""

import numpy as np
import pytest

from meta_rl.tasks.maze.analysis import (
    MIN_EPISODES,
    decode_goal,
    episodes_reaching,
    goal_labels,
    search_starts,
    trajectory,
)
from meta_rl.tasks.maze.env import layout
from meta_rl.tasks.maze.players import play
from meta_rl.tasks.maze.plots import animate_maze_episode, plot_trajectories

MAZE = layout("rooms-5x5")


def test_searches_start_at_zero_and_after_each_find():
    reached = np.zeros((2, 10), bool)
    reached[0, [2, 6]] = True
    reached[1, 9] = True  # a find on the last step starts no search
    starts = search_starts(reached)
    assert [s.tolist() for s in starts] == [[0, 3, 7], [0]]
    assert episodes_reaching(reached, 3).tolist() == [True, False]


def test_goal_halves_follow_the_places_coordinates():
    rows, cols = MAZE.grid.shape
    corners = [MAZE.place_index[1, 1], MAZE.place_index[1, cols - 2], MAZE.place_index[rows - 2, 1]]
    labels = goal_labels(np.array(corners), MAZE)
    assert labels["east"].tolist() == [0, 1, 0]
    assert labels["south"].tolist() == [0, 0, 1]


def simulated_states(remembers: bool, episodes: int = 120, seed: int = 0):
    """Players' searches on real episodes, with states that hold the goal's halves from the
    first find on (``remembers``) or never, under unit noise."""
    rng = np.random.default_rng(seed)
    u_init = rng.random((episodes, 3))
    records = play("explorer", MAZE, u_init, 300, 10.0, rng)
    labels = goal_labels(records["goal"][:, 0], MAZE)
    memory = np.stack([2.0 * labels["east"] - 1, 2.0 * labels["south"] - 1], axis=-1)  # [E, 2]
    found = np.cumsum(records["reached"], axis=1) > 0  # from the step after the first find
    held = np.concatenate([np.zeros((episodes, 1), bool), found[:, :-1]], axis=1)
    h = rng.normal(size=(episodes, 300, 8))
    if remembers:
        h[..., :2] += 3.0 * held[..., None] * memory[:, None, :]
    return h, records


def test_the_decoder_reads_the_goal_only_once_it_is_held():
    h, records = simulated_states(remembers=True)
    decoded = decode_goal(h, records, MAZE, searches=3)
    accuracy, shuffled = decoded.accuracy(), decoded.shuffled()
    n = decoded.episodes
    se = np.sqrt(0.25 / n)  # binomial s.e. at chance
    assert abs(accuracy[0] - 0.5) < 4 * se  # before the first find: nothing to read
    assert (accuracy[1:] > 0.9).all() and (np.abs(shuffled - 0.5) < 4 * se).all()


def test_a_memoryless_state_decodes_at_chance():
    h, records = simulated_states(remembers=False, seed=1)
    decoded = decode_goal(h, records, MAZE, searches=3)
    se = np.sqrt(0.25 / decoded.episodes)
    assert (np.abs(decoded.accuracy() - 0.5) < 4 * se).all()


def test_too_few_episodes_are_refused():
    h, records = simulated_states(remembers=True, episodes=MIN_EPISODES - 1)
    with pytest.raises(ValueError, match="too few"):
        decode_goal(h, records, MAZE, searches=2)


def test_a_trajectory_numbers_its_searches(tmp_path):
    rng = np.random.default_rng(2)
    records = play("oracle", MAZE, rng.random((2, 3)), 60, 10.0, rng)
    path = trajectory(records, 0, MAZE)
    reached = records["reached"][0]
    assert path["search"][0] == 0 and path["search"][-1] == reached[:-1].sum()
    np.testing.assert_array_equal(path["place"], records["state"][0] // 4)
    plot_trajectories(MAZE, [path], ["oracle"], path=tmp_path / "map.png")
    gif = animate_maze_episode(MAZE, path, tmp_path / "episode.gif", views=np.zeros((60, 8, 8, 3)), steps=4)
    assert (tmp_path / "map.png").stat().st_size > 0 and gif.stat().st_size > 0
