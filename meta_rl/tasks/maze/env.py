"""One-shot navigation (Wang et al. 2016, Sec. 3.2.3, re-analysing Mirowski et al. 2016): a
fixed maze, a goal placed at random each episode, the agent respawned at random each time it
reaches the goal.

Mirowski et al.'s condition "static maze, random goal": the layout is the preset's for every
episode (``LAYOUTS``), the goal a place drawn uniformly at the start of the episode, the agent
spawned on a uniformly drawn state (place and heading) off the goal at the start and again
after every find, with ``goal_reward`` (Mirowski: +10) for reaching the goal; an episode lasts
``episode_steps`` agent steps whatever happens (Mirowski: a fixed duration). The first find
is exploration; later finds can use the memory of where the goal is: the paper's measure is
the steps each find takes (``result.py``).

Levels: ``symbolic`` shows the agent its place and heading (one-hot) and whether its last
step reached the goal: the memory problem alone. ``first-person`` shows it only a small
rendered image of what it faces (``render.py``: ray-cast walls of distinct colours, the goal
drawn when in view, in a channel of its own), through the conv encoder: it must also tell
where it is from what it sees, as Mirowski et al.'s agents did from DeepMind Lab's frames.
The goal's channel is what makes training fast: without it, the views are one per state of
the fixed maze, which the conv net encodes once per update for the whole batch (``screens``),
and each step adds the goal mask's features (``encoders.MASKED``), instead of the conv net
running on every step's image.

Respawns: the k-th spawn of an episode is a function of the episode's uniforms and k only
(``spawn_state``: an integer hash of the episode's key and k), not of the step at which the
goal was reached, so every player of the same episode (``players.py``) is respawned at the
same sequence of states, however fast it finds the goal. All arithmetic on the uniforms is
integer (``UNIFORM_BITS``), so the compiled task and numpy agree exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from meta_rl.tasks.base import BatchedTask
from meta_rl.tasks.maze.layout import Layout, maze_rows
from meta_rl.tasks.maze.render import goal_sprites, views

LAYOUTS = {
    "rooms-5x5": maze_rows(5, 5, seed=3, loops=4),
    "rooms-5x10": maze_rows(5, 10, seed=3, loops=8),
}
"""Layouts by name: rooms (one square) joined by doors, a depth-first spanning tree with a few
more doors for loops (``layout.maze_rows``)."""
LEVELS = ("symbolic", "first-person")
UNIFORM_BITS = 24
"""A uniform u becomes the integer floor(u 2^24): exact in float32 and in numpy."""
GOAL, FIRST_SPAWN, KEY = range(3)
"""The episode's uniforms (``n_init``): the goal, the first spawn, the key of the respawns."""


@functools.cache
def layout(name: str) -> Layout:
    """The parsed layout ``name`` of ``LAYOUTS`` (computed once per process)."""
    return Layout(LAYOUTS[name])


@functools.cache
def rendered(name: str, height: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Layout ``name``'s views ``[n_states, height, width, 3]`` and goal sprites (rectangles
    ``[n_states, n_places, 4]``, column bit masks ``[n_states, n_places]``), rendered once per
    process (``render.py``)."""
    maze = layout(name)
    images, depth = views(maze, height, width)
    return (images, *goal_sprites(maze, depth, height))


def to_int(u, xp=np):
    """Uniforms in [0, 1) as integers in [0, 2^UNIFORM_BITS) (numpy, or ``xp=tf``: int64)."""
    if xp is np:
        return np.floor(np.asarray(u, np.float32).astype(np.float64) * (1 << UNIFORM_BITS)).astype(np.int64)
    return xp.cast(xp.floor(u * float(1 << UNIFORM_BITS)), xp.int64)


def _xor(a, b):
    if isinstance(a, (np.ndarray, np.integer, int)):
        return np.bitwise_xor(a, b)
    import tensorflow as tf

    return tf.bitwise.bitwise_xor(a, b)


def mix(key, k):
    """An integer hash of an episode key and a spawn count (int64 arrays, numpy or TF): the
    next ``UNIFORM_BITS``-bit draw of that episode's respawn sequence (products stay below
    2^59; shifts are floor divisions of non-negative integers)."""
    h = (key * 2654435761 + k * 40503 + 12345) % (1 << 32)
    h = (_xor(h, h // (1 << 16)) * 0x45D9F3B) % (1 << 32)
    h = (_xor(h, h // (1 << 16)) * 0x45D9F3B) % (1 << 32)
    return _xor(h, h // (1 << 16)) % (1 << UNIFORM_BITS)


def spawn_state(draw, goal, n_places: int):
    """The state a ``UNIFORM_BITS``-bit draw spawns the agent on: uniform over the states
    (place, heading) whose place is not the goal (int64 arrays, numpy or TF)."""
    i = (draw * (4 * (n_places - 1))) // (1 << UNIFORM_BITS)
    place = i // 4
    return 4 * (place + _as_int(place >= goal)) + i % 4


def _as_int(flag):
    if isinstance(flag, (np.ndarray, np.bool_, bool)):
        return np.asarray(flag).astype(np.int64)
    import tensorflow as tf

    return tf.cast(flag, tf.int64)


def goal_place(draw, n_places: int):
    """The goal's place for a ``UNIFORM_BITS``-bit draw: uniform over the places."""
    return (draw * n_places) // (1 << UNIFORM_BITS)


@dataclass(frozen=True)
class MazeParams:
    """The task's parameters; the defaults are the symbolic level's preset."""

    kind: ClassVar[str] = "maze"

    level: str = "symbolic"
    """What the agent sees (``LEVELS``)."""
    layout: str = "rooms-5x5"
    """The maze, a name in ``LAYOUTS`` (the same in every episode: Mirowski's static maze)."""
    episode_steps: int = 300
    """Agent steps per episode."""
    goal_reward: float = 10.0
    """Reward for reaching the goal (Mirowski et al.: 10)."""
    view_height: int = 16
    """The first-person image's rows (Mirowski et al.: 84 x 84 frames; a small image here,
    as for the Harlow levels: the walls are plain colours)."""
    view_width: int = 24
    """Its columns (a 90-degree field of view)."""

    @property
    def n_trials(self) -> int:
        """One trial per agent step (the trainer's reward per 100 trials is per 100 steps)."""
        return self.episode_steps

    @property
    def n_steps(self) -> int:
        return self.episode_steps

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {self.level!r}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        if self.episode_steps < 1:
            raise ValueError(f"episode_steps must be at least 1, got {self.episode_steps}")
        if not self.goal_reward > 0:
            raise ValueError(f"goal_reward must be positive, got {self.goal_reward}")
        if not (8 <= self.view_height <= 64 and 8 <= self.view_width <= 31):
            raise ValueError(f"the view must be 8-64 rows and 8-31 columns, got {self.view_height} x "
                             f"{self.view_width}")

    def make_task(self, held_out: bool = False) -> BatchedMaze:
        """The batched task (nothing is held out: every episode draws from the same goals)."""
        return BatchedMaze(self, held_out)


class BatchedMaze(BatchedTask):
    """The task on ``[seeds, batch]`` tensors. Per-step records: ``state`` (before the
    action), ``action``, ``reached`` (the step reached the goal), ``steps`` (steps since the
    last spawn, this one included), ``spawn`` (the state that search began on) and ``goal``."""

    n_actions = 3
    n_uniforms = 0  # moves are deterministic; the spawns come from the episode's uniforms
    n_init = 3
    params: MazeParams

    def __init__(self, params: MazeParams, held_out: bool = False):
        super().__init__(params, held_out)
        self.layout = layout(params.layout)
        if params.level == "symbolic":
            self.obs_shape = (self.layout.n_places + 4 + 1,)
        else:  # the view's colours and a mask of where the goal shows (render.picture)
            self.obs_shape = (params.view_height, params.view_width, 4)
            self.encoder = "conv-mask"  # meta_rl.agent.encoders.MASKED

    def initial_state(self, u_init):
        import tensorflow as tf

        n = self.layout.n_places
        goal = goal_place(to_int(u_init[..., GOAL], tf), n)
        spawn = spawn_state(to_int(u_init[..., FIRST_SPAWN], tf), goal, n)
        zeros = tf.zeros_like(goal)
        return {"state": spawn, "goal": goal, "key": to_int(u_init[..., KEY], tf), "finds": zeros,
                "since": zeros, "spawn": spawn, "reached": tf.zeros_like(goal, tf.bool)}

    def observation(self, state):
        import tensorflow as tf

        n = self.layout.n_places
        if self.params.level == "first-person":
            return self._view(state)
        return tf.concat([tf.one_hot(state["state"] // 4, n), tf.one_hot(state["state"] % 4, 4),
                          tf.cast(state["reached"], tf.float32)[..., None]], axis=-1)

    def step(self, state, t, action, u):
        import tensorflow as tf

        table = tf.constant(self.layout.next_state.reshape(-1), tf.int64)
        moved = tf.gather(table, state["state"] * 3 + tf.cast(action, tf.int64))
        reached = tf.equal(moved // 4, state["goal"])
        finds = state["finds"] + tf.cast(reached, tf.int64)
        respawn = spawn_state(mix(state["key"], finds), state["goal"], self.layout.n_places)
        since = state["since"] + 1
        new = {**state, "state": tf.where(reached, respawn, moved), "finds": finds,
               "since": tf.where(reached, tf.zeros_like(since), since),
               "spawn": tf.where(reached, respawn, state["spawn"]), "reached": reached}
        reward = tf.where(reached, self.params.goal_reward, 0.0)
        record = {"state": state["state"], "action": action, "reached": reached, "steps": since,
                  "spawn": state["spawn"], "goal": state["goal"]}
        return new, reward, record

    def screens(self, state):
        """The first-person level's views without the goal ``[n_states, H, W, 3]``, the same
        in every episode: the encoder's conv net sees each once per update."""
        if self.params.level != "first-person":
            return None
        import tensorflow as tf

        p = self.params
        return tf.constant(rendered(p.layout, p.view_height, p.view_width)[0])

    def view(self, state):
        """Each episode's state indexes its view (whole: column 0)."""
        import tensorflow as tf

        return state["state"], tf.zeros_like(state["state"])

    def _view(self, state):
        """The rendered view of each state and the goal's mask, 1 on the pixels where the goal
        shows (``[S, B, H, W, 4]``; ``render.picture`` paints it)."""
        import tensorflow as tf

        p = self.params
        images, rect, bits = rendered(p.layout, p.view_height, p.view_width)
        n = self.layout.n_places
        image = tf.gather(tf.constant(images), state["state"])  # [S, B, H, W, 3]
        pair = state["state"] * n + state["goal"]
        rect = tf.gather(tf.constant(rect.reshape(-1, 4)), pair)  # [S, B, 4]
        bits = tf.gather(tf.constant(bits.reshape(-1)), pair)  # [S, B]
        shifted = tf.bitwise.right_shift(bits[..., None], tf.range(p.view_width))
        columns = tf.bitwise.bitwise_and(shifted, 1) > 0  # [S, B, W]
        rows = tf.range(p.view_height)
        rows = (rows >= rect[..., 2:3]) & (rows < rect[..., 3:4])  # [S, B, H]
        goal = rows[..., :, None] & columns[..., None, :]
        return tf.concat([image, tf.cast(goal, tf.float32)[..., None]], axis=-1)
