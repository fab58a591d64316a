"""Reference players of the maze, on the agent's own episodes (same goal, same spawns).

* ``oracle``: knows the goal; takes a shortest path from every spawn (the floor of every
  find's steps, first included).
* ``explorer``: perfect memory, no knowledge of the goal: until the first find it walks a
  shortest path to the nearest place it has not searched yet; after, a shortest path to the
  goal it remembers. The practical ceiling of a searcher: its first find is a systematic
  search, its later finds are the oracle's. Given ``sight`` (the first-person level: which
  places' goal shows from each state), the places in view count as searched, and it walks to
  the goal as soon as it shows; without, only the places it has stood on.
* ``random walk``: uniform random actions, no memory.

Each plays with numpy in the task's own rules (``layout.Layout.next_state``, the respawns of
``env.spawn_state``), so it is respawned where the agent is, find for find.
"""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.maze.env import FIRST_SPAWN, GOAL, KEY, goal_place, mix, spawn_state, to_int
from meta_rl.tasks.maze.layout import Layout

PLAYERS = ("oracle", "explorer", "random walk")


def episode_starts(layout: Layout, u_init: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(goal, first spawn, key)`` per episode from the episodes' uniforms ``[E, n_init]``,
    exactly as the batched task draws them."""
    goal = goal_place(to_int(u_init[:, GOAL]), layout.n_places)
    return goal, spawn_state(to_int(u_init[:, FIRST_SPAWN]), goal, layout.n_places), to_int(u_init[:, KEY])


class _Explorer:
    def __init__(self, layout: Layout, goal: int, sight: np.ndarray | None = None):
        self.layout, self.goal, self.sight = layout, goal, sight
        self.searched = np.zeros(layout.n_places, bool)
        self.known = False

    def act(self, state: int, rng) -> int:
        self.searched[state // 4] = True
        if self.sight is not None:
            self.searched |= self.sight[state]
            self.known |= bool(self.sight[state, self.goal])
        if self.known:
            return int(self.layout.policy[state, self.goal])
        d = np.where(self.searched, np.iinfo(np.int64).max, self.layout.distance[state])
        return int(self.layout.policy[state, int(np.argmin(d))])

    def found(self) -> None:
        self.known = True


class _Oracle(_Explorer):
    def act(self, state: int, rng) -> int:
        return int(self.layout.policy[state, self.goal])


class _RandomWalk(_Explorer):
    def act(self, state: int, rng) -> int:
        return int(rng.integers(3))


_POLICIES = {"oracle": _Oracle, "explorer": _Explorer, "random walk": _RandomWalk}


def play(player: str, layout: Layout, u_init: np.ndarray, steps: int, goal_reward: float = 10.0,
         rng: np.random.Generator | None = None, sight: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Play ``player`` (``PLAYERS``) on the episodes of uniforms ``u_init [E, n_init]`` for
    ``steps`` steps each; ``sight [n_states, n_places]`` (bool): whether a goal on each place
    shows from each state, for the explorer (None: it sees the place it stands on only).
    Returns the task's records, ``[E, steps]`` each: ``state`` (before the action),
    ``action``, ``reached``, ``steps`` (since the spawn), ``spawn``, ``goal``, ``reward``."""
    if player not in _POLICIES:
        raise ValueError(f"unknown player {player!r}; choose one of {', '.join(PLAYERS)}")
    rng = rng or np.random.default_rng(0)
    goals, spawns, keys = episode_starts(layout, np.asarray(u_init))
    n = len(goals)
    out = {k: np.zeros((n, steps), np.int64) for k in ("state", "action", "steps", "spawn", "goal")}
    out["reached"] = np.zeros((n, steps), bool)
    for e in range(n):
        goal, state, spawn, finds, since = int(goals[e]), int(spawns[e]), int(spawns[e]), 0, 0
        policy = _POLICIES[player](layout, goal, sight)
        for t in range(steps):
            action = policy.act(state, rng)
            moved = int(layout.next_state[state, action])
            reached = moved // 4 == goal
            since += 1
            out["state"][e, t], out["action"][e, t], out["reached"][e, t] = state, action, reached
            out["steps"][e, t], out["spawn"][e, t], out["goal"][e, t] = since, spawn, goal
            if reached:
                policy.found()
                finds += 1
                state = spawn = int(spawn_state(mix(keys[e], np.int64(finds)), goal, layout.n_places))
                since = 0
            else:
                state = moved
    out["reward"] = np.where(out["reached"], goal_reward, 0.0)
    return out
