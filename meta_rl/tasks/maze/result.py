"""Test results of the maze: the steps of every search for the goal against its shortest path,
for the agent and the reference players on the same episodes (Wang et al. 2016, Sec. 3.2.3:
about 100 steps to the first find, about 30 to the later ones for the recurrent agent; no drop
for a feed-forward one).

A *search* runs from a (re)spawn until the goal is reached (a find) or the episode ends (its
steps censored). The searches of an episode follow each other, so the k-th starts after the
steps of the ones before it. Per episode they form a ragged row, kept as masked arrays
``[episodes, max searches]``; the test log has one row per search (``CSV_COLUMNS``), the last
of an episode unfinished (``found`` 0) unless the episode ended on a find.

The measure (``find_summary``) must not favour short searches: the searches of an episode
that end in time are the short ones, and episodes whose first find is late have few later
ones. So every search is counted at most ``cap`` steps (half the episode), and only searches
that start at least ``cap`` steps before the end count: each then ends in time or is known to
take ``cap`` or more, and whether it counts depends on the searches before it, not on itself.
The first and the later searches are averaged per goal place (the later ones pooled, not
averaged per episode first: an episode's number of later searches depends on their lengths)
and then over the goals: a player without memory, whose searches are alike, scores a ratio of 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meta_rl.tasks.maze.env import layout as layout_named
from meta_rl.tasks.maze.env import rendered
from meta_rl.tasks.maze.layout import Layout
from meta_rl.tasks.maze.players import PLAYERS, play

CSV_COLUMNS = ("episode", "find", "steps", "shortest", "found", "goal", "value")
"""One row per search: ``find`` its index in the episode (0: the first), its steps from its
(re)spawn (to the find, or to the episode's end), the shortest path from that (re)spawn,
whether it found the goal, the goal's place, the critic's value at the (re)spawn."""


def searches(records: dict[str, np.ndarray], layout: Layout,
             values: np.ndarray | None = None) -> dict[str, np.ma.MaskedArray]:
    """The searches of episodes from per-step records ``[E, T]`` (``reached``, ``steps``,
    ``spawn``, ``goal``; ``values`` the critic's per step): masked ``steps``, ``shortest``,
    ``found``, ``goal`` and ``value`` (at the search's first step), ``[E, max searches]``."""
    reached = np.asarray(records["reached"], bool)
    n_episodes, n_steps = reached.shape
    ends = [np.flatnonzero(reached[e]) for e in range(n_episodes)]
    ends = [np.append(at, n_steps - 1) if len(at) == 0 or at[-1] != n_steps - 1 else at for at in ends]
    width = max(len(at) for at in ends)
    out = {k: np.ma.masked_all((n_episodes, width), float if k == "value" else int)
           for k in ("steps", "shortest", "found", "goal", "value")}
    for e, at in enumerate(ends):
        steps = np.asarray(records["steps"][e, at], int)
        begin = at - steps + 1
        spawn = np.asarray(records["spawn"][e, at], int)
        goal = int(records["goal"][e, 0])
        n = len(at)
        out["steps"][e, :n] = steps
        out["shortest"][e, :n] = layout.distance[spawn, goal]
        out["found"][e, :n] = reached[e, at]
        out["goal"][e, :n] = goal
        if values is not None:
            out["value"][e, :n] = np.asarray(values)[e, begin]
    return out


def capped_searches(found: np.ma.MaskedArray, steps: np.ma.MaskedArray, n_steps: int,
                    cap: int) -> np.ma.MaskedArray:
    """Each search's steps counted at most ``cap``; masked where the search starts less than
    ``cap`` steps before the episode's end (its capped steps unknown) and where there is none."""
    steps = np.ma.getdata(steps)
    present = ~np.ma.getmaskarray(found)
    begin = np.cumsum(np.where(present, steps, 0), axis=1) - np.where(present, steps, 0)
    known = present & (begin <= n_steps - cap)
    return np.ma.masked_array(np.minimum(steps, cap), mask=~known)


def find_summary(found, steps, shortest, goal, n_steps: int, cap: int | None = None) -> dict[str, float]:
    """The paper's measure, without the bias toward short searches (module docstring):
    ``first`` and ``later`` (capped steps of the first search and of the later ones, averaged
    per goal, then over the goals with both), their ``ratio``, ``later_over_shortest`` (the
    later finds' steps over their shortest paths), and per episode the finds and whether the
    first search found the goal."""
    cap = cap or n_steps // 2
    capped = capped_searches(found, steps, n_steps, cap)
    goals = np.ma.getdata(goal)[:, 0]
    per_goal = []
    for g in np.unique(goals):
        rows = capped[goals == g]
        first, later = rows[:, 0].compressed(), rows[:, 1:].compressed()
        if len(first) and len(later):
            per_goal.append((first.mean(), later.mean()))
    first, later = (np.mean([p[i] for p in per_goal]) if per_goal else np.nan for i in (0, 1))
    found_mask = np.ma.getdata(found).astype(bool) & ~np.ma.getmaskarray(found)
    later_found = found_mask.copy()
    later_found[:, 0] = False
    over = np.ma.getdata(steps)[later_found] / np.maximum(np.ma.getdata(shortest)[later_found], 1)
    return {"first": float(first), "later": float(later), "ratio": float(later / first),
            "later_over_shortest": float(over.mean()) if len(over) else np.nan,
            "first_found": float(found_mask[:, 0].mean()),
            "finds_per_episode": float(found_mask.sum(axis=1).mean()), "goals_measured": len(per_goal)}


@dataclass
class MazeResult:
    """The agent's searches (``trials``: masked ``[episodes, max searches]``) and the players'
    on the same episodes."""

    trials: dict[str, np.ma.MaskedArray]
    players: dict[str, dict[str, np.ma.MaskedArray]] = field(default_factory=dict)
    csv_columns = CSV_COLUMNS

    n_steps: int = 0
    """Steps per episode."""

    def searches(self, player: str = "agent") -> dict[str, np.ma.MaskedArray]:
        return self.trials if player == "agent" else self.players[player]

    def summary(self, player: str = "agent") -> dict[str, float]:
        f = self.searches(player)
        return find_summary(f["found"], f["steps"], f["shortest"], f["goal"], self.n_steps)

    def metrics(self) -> dict[str, float]:
        """The agent's ``find_summary`` (a sweep's row)."""
        return self.summary()

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""
        lines = [f"{len(self.trials['steps'])} episodes of {self.n_steps} steps; steps per search (at most "
                 f"{self.n_steps // 2}; first, later: per goal, then over goals), later / first, later "
                 "finds / shortest path, finds per episode:"]
        for player in ("agent", *self.players):
            s = self.summary(player)
            lines.append(f"  {player:<12} first {s['first']:7.1f}  later {s['later']:7.1f}  "
                         f"ratio {s['ratio']:5.2f}  over shortest {s['later_over_shortest']:5.2f}  "
                         f"finds {s['finds_per_episode']:5.1f}")
        return "\n".join(lines)


def sight(params) -> np.ndarray | None:
    """Whether a goal on each place shows from each state ``[n_states, n_places]`` at the
    first-person level (the explorer's view, the agent's own); None at the symbolic level,
    whose agent sees the place it stands on only."""
    if params.level != "first-person":
        return None
    return rendered(params.layout, params.view_height, params.view_width)[2] != 0


def test_result(config, played, seed: int, held_out: bool = True) -> MazeResult:
    """The agent's test episodes (``meta_rl.learn.evaluate.TestEpisodes``) and the reference
    players (``players.PLAYERS``) on the same goals and spawns; the random walk's own
    randomness comes from ``seed``."""
    params = config.task
    maze = layout_named(params.layout)
    result = MazeResult(searches(played.records, maze, played.values), n_steps=params.episode_steps)
    rng = np.random.default_rng([seed, 7])
    in_view = sight(params)
    for name in PLAYERS:
        records = play(name, maze, played.u_init, params.episode_steps, params.goal_reward, rng, in_view)
        result.players[name] = searches(records, maze)
    return result
