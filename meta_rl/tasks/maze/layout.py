"""Maze layouts: the grid, its places and headings, moves, and shortest paths.

A layout is a list of equal-length strings, ``#`` a wall square and ``.`` an open one. The
agent stands on an open square (a *place*) facing one of four headings (north, east, south,
west: ``HEADINGS``); a *state* is ``place * 4 + heading``. Mirowski et al. 2016's agents moved
continuously in DeepMind Lab with 8 actions (forward, backward, strafe left and right, turn
left and right, and two combined); here positions and headings are discrete and the actions
are three (``ACTIONS``): forward one square (a wall ahead: no move), turn left, turn right.

Everything here is numpy, computed once per layout: the move table, the distance in actions
from every state to every place (breadth-first search), and the first action of a shortest
path, which the oracle player follows.
"""

from __future__ import annotations

import functools

import numpy as np

HEADINGS = ("north", "east", "south", "west")
STEP = ((-1, 0), (0, 1), (1, 0), (0, -1))
"""Row and column change of one step forward, per heading."""
ACTIONS = ("forward", "turn left", "turn right")
FORWARD, LEFT, RIGHT = range(len(ACTIONS))
WALL, OPEN = "#", "."


def parse(rows: tuple[str, ...]) -> np.ndarray:
    """The layout as a boolean grid (True: open), after checking it: rectangular, walled all
    round, only ``#`` and ``.``, every open square reachable from every other."""
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("a layout needs rows of equal length")
    if set("".join(rows)) - {WALL, OPEN}:
        raise ValueError(f"a layout has only {WALL!r} and {OPEN!r}")
    grid = np.array([[c == OPEN for c in r] for r in rows])
    if grid[0].any() or grid[-1].any() or grid[:, 0].any() or grid[:, -1].any():
        raise ValueError("a layout must be walled all round")
    if grid.sum() < 2:
        raise ValueError("a layout needs at least two open squares")
    places = np.argwhere(grid)
    seen = {tuple(places[0])}
    frontier = [tuple(places[0])]
    while frontier:
        r, c = frontier.pop()
        for dr, dc in STEP:
            n = (r + dr, c + dc)
            if grid[n] and n not in seen:
                seen.add(n)
                frontier.append(n)
    if len(seen) != len(places):
        raise ValueError("every open square of a layout must be reachable")
    return grid


def maze_rows(rows: int, cols: int, seed: int, loops: int = 0) -> tuple[str, ...]:
    """A maze of ``rows x cols`` rooms (one open square each, at odd coordinates) joined by
    doors: a spanning tree from a depth-first search in the order ``seed`` draws, then
    ``loops`` more doors, so that some places have two ways in. ``(2 rows + 1) x
    (2 cols + 1)`` squares."""
    rng = np.random.default_rng(seed)
    grid = np.zeros((2 * rows + 1, 2 * cols + 1), bool)
    grid[1::2, 1::2] = True
    visited = np.zeros((rows, cols), bool)
    stack = [(0, 0)]
    visited[0, 0] = True
    while stack:
        r, c = stack[-1]
        nexts = [(r + dr, c + dc) for dr, dc in STEP
                 if 0 <= r + dr < rows and 0 <= c + dc < cols and not visited[r + dr, c + dc]]
        if not nexts:
            stack.pop()
            continue
        nr, nc = nexts[rng.integers(len(nexts))]
        grid[r + nr + 1, c + nc + 1] = True  # the door between the two rooms
        visited[nr, nc] = True
        stack.append((nr, nc))
    closed = [(r, c) for r in range(1, 2 * rows) for c in range(1, 2 * cols)
              if not grid[r, c] and (r % 2) != (c % 2)]
    for i in rng.permutation(len(closed))[:loops]:
        grid[closed[i]] = True
    return tuple("".join(OPEN if x else WALL for x in row) for row in grid)


class Layout:
    """A parsed layout's places, move table and shortest paths (numpy, computed once)."""

    def __init__(self, rows: tuple[str, ...]):
        self.rows = tuple(rows)
        self.grid = parse(self.rows)
        self.cells = np.argwhere(self.grid)
        """``[P, 2]``: each place's row and column, row by row."""
        self.n_places = len(self.cells)
        self.n_states = 4 * self.n_places
        index = -np.ones(self.grid.shape, int)
        index[tuple(self.cells.T)] = np.arange(self.n_places)
        self.place_index = index
        """``[rows, cols]``: the place of each open square, -1 for walls."""
        self.next_state = self._moves()
        """``[n_states, 3]``: the state each action leads to."""
        self.distance = self._distances()
        """``[n_states, n_places]``: fewest actions from a state to stand on a place."""

    def _moves(self) -> np.ndarray:
        out = np.zeros((self.n_states, len(ACTIONS)), int)
        for p, (r, c) in enumerate(self.cells):
            for h, (dr, dc) in enumerate(STEP):
                ahead = self.place_index[r + dr, c + dc]
                s = 4 * p + h
                out[s, FORWARD] = 4 * ahead + h if ahead >= 0 else s
                out[s, LEFT] = 4 * p + (h - 1) % 4
                out[s, RIGHT] = 4 * p + (h + 1) % 4
        return out

    def _distances(self) -> np.ndarray:
        """Breadth-first search backwards from each goal place over the reversed move graph."""
        back: list[list[int]] = [[] for _ in range(self.n_states)]
        for s, targets in enumerate(self.next_state):
            for t in set(targets.tolist()) - {s}:
                back[t].append(s)
        dist = np.full((self.n_states, self.n_places), -1, int)
        for goal in range(self.n_places):
            frontier = [4 * goal + h for h in range(4)]
            dist[frontier, goal] = 0
            d = 0
            while frontier:
                d += 1
                nxt = []
                for t in frontier:
                    for s in back[t]:
                        if dist[s, goal] < 0:
                            dist[s, goal] = d
                            nxt.append(s)
                frontier = nxt
        return dist

    @functools.cached_property
    def policy(self) -> np.ndarray:
        """``[n_states, n_places]``: the first action of a shortest path to the place (the
        lowest-numbered among equals: forward before turning); any action on the place itself."""
        ahead = self.distance[self.next_state]  # [n_states, 3, n_places]
        return np.argmin(ahead, axis=1)

    def place(self, state) -> np.ndarray:
        return np.asarray(state) // 4

    def heading(self, state) -> np.ndarray:
        return np.asarray(state) % 4
