"""Inside the maze agent: where it walked before and after the first find, and whether its
LSTM state holds the goal's place once the goal has been found.

Decoding is read at the first step of each search (the (re)spawn): the spawn is drawn
uniformly and independently of the goal, so what the state tells about the goal there cannot
come from where the agent stands; it can only be memory. Before the first find the agent has
not seen the goal, so the first search's decoder is at chance by construction of the task, and
any rise from the second search on is the goal held in the activity. The goal's place is read
as two binary variables (in the east half of the maze, in the south half), each with
``meta_rl.analysis.decode``'s cross-validated logistic decoder and its shuffled-label baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meta_rl.analysis.decode import Decoding, decode_over_episode
from meta_rl.tasks.maze.layout import Layout

GOAL_HALVES = ("east", "south")
"""The binary goal variables decoded: the goal's column right of the maze's middle column,
its row below the middle row."""


def search_starts(reached: np.ndarray) -> list[np.ndarray]:
    """Per episode, the steps at which each search begins: step 0, and the step after each
    find (``reached [E, T]``, the step reached the goal)."""
    reached = np.asarray(reached, bool)
    return [np.r_[0, np.flatnonzero(row[:-1]) + 1] for row in reached]


def episodes_reaching(reached: np.ndarray, searches: int) -> np.ndarray:
    """Which episodes (``reached [E, T]``) begin at least ``searches`` searches."""
    return np.array([len(s) >= searches for s in search_starts(reached)])


MIN_EPISODES = 10
"""Fewest episodes ``decode_goal`` decodes from (fewer: five folds of one or two episodes)."""


def goal_labels(goal: np.ndarray, layout: Layout) -> dict[str, np.ndarray]:
    """``GOAL_HALVES`` of each episode's goal place (``goal [E]``), 0/1."""
    rows, cols = layout.grid.shape
    row, col = layout.cells[np.asarray(goal, int)].T
    return {"east": (col > (cols - 1) / 2).astype(int), "south": (row > (rows - 1) / 2).astype(int)}


@dataclass(frozen=True)
class GoalDecoding:
    """Decoding of the goal's halves at the first step of the k-th search, ``searches`` of them,
    over the episodes that reach search ``searches - 1``."""

    searches: int
    episodes: int
    halves: dict[str, Decoding]
    """Per goal half (``GOAL_HALVES``): accuracy and shuffled baseline ``[searches]``."""

    def accuracy(self) -> np.ndarray:
        """Mean accuracy over the halves, ``[searches]``."""
        return np.mean([d.accuracy for d in self.halves.values()], axis=0)

    def shuffled(self) -> np.ndarray:
        return np.mean([d.shuffled for d in self.halves.values()], axis=0)


def decode_goal(h: np.ndarray, records: dict[str, np.ndarray], layout: Layout, searches: int = 4,
                shuffles: int = 2, seed: int = 0) -> GoalDecoding:
    """Decode the goal's halves from ``h [E, T, D]`` (``lstm_h``) at the first step of searches
    0 .. ``searches - 1`` (module docstring), over the episodes with that many searches."""
    starts = search_starts(records["reached"])
    kept = episodes_reaching(records["reached"], searches)
    if kept.sum() < MIN_EPISODES:
        raise ValueError(f"only {int(kept.sum())} episodes reach search {searches - 1}: too few to decode")
    at = np.array([s[:searches] for s, k in zip(starts, kept) if k])  # [E', searches]
    episodes = np.flatnonzero(kept)
    features = np.asarray(h)[episodes[:, None], at]  # [E', searches, D]
    labels = goal_labels(np.asarray(records["goal"])[episodes, 0], layout)
    halves = {name: decode_over_episode(features, np.repeat(labels[name][:, None], searches, axis=1),
                                        shuffles=shuffles, seed=seed)
              for name in GOAL_HALVES}
    return GoalDecoding(searches, len(episodes), halves)


def trajectory(records: dict[str, np.ndarray], episode: int, layout: Layout) -> dict[str, np.ndarray]:
    """One episode's path: ``place [T]`` and ``heading [T]`` before each step, ``search [T]``
    (the search each step belongs to, 0 the first) and the ``goal`` place."""
    state = np.asarray(records["state"])[episode]
    reached = np.asarray(records["reached"], bool)[episode]
    search = np.r_[0, np.cumsum(reached)[:-1]]
    return {"place": layout.place(state), "heading": layout.heading(state), "search": search,
            "goal": int(np.asarray(records["goal"])[episode, 0])}
