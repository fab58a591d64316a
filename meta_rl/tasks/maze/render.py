"""First-person views of a maze, ray-cast once per layout (numpy).

Positions and headings are discrete, so every view the agent can have is one of the layout's
``4 x places`` states: ``views`` renders them all once, and the batched task reads the view of
each step's state. The camera stands at the centre of its square facing its heading, with a
horizontal field of view of ``FOV_DEGREES``; each image column casts one ray through the grid
(a digital differential analyser) to the first wall square, whose slice is drawn with a
height inversely proportional to the distance. Each wall square has its own colour from
``PALETTE`` (chosen per layout, seeded), darker on its east and west faces, so that places can
be told apart by what surrounds them, as DeepMind Lab's textured walls allow; floor and ceiling
are plain.

The goal changes every episode: ``goal_sprites`` gives, for every state and every goal place,
the rectangle a goal standing at the centre of that place covers in the image and which of its
columns no wall hides (a bit mask), so the task paints it over the view cheaply per step.
"""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.maze.layout import STEP, Layout

FOV_DEGREES = 90.0
PALETTE = np.array([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
                    [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [0, 128, 128],
                    [170, 110, 40], [128, 0, 0]], np.float32) / 255.0
"""Wall colours (distinct hues); each wall square draws one, seeded by the layout."""
FLOOR = np.array([0.35, 0.35, 0.35], np.float32)
CEILING = np.array([0.75, 0.75, 0.8], np.float32)
GOAL_COLOUR = np.array([1.0, 1.0, 1.0], np.float32)
"""The goal: white, a colour no wall has."""
GOAL_SIZE = 0.5
"""The goal's width and height as a fraction of a square."""
EAST_WEST_SHADE = 0.7
MAX_COLUMNS = 31
"""Column visibility is a bit mask in an int32."""


def _camera(heading: int) -> tuple[np.ndarray, np.ndarray]:
    """The unit direction (row, column) of a heading and the camera plane to its right."""
    direction = np.array(STEP[heading], float)
    right = np.array(STEP[(heading + 1) % 4], float)
    return direction, right * np.tan(np.radians(FOV_DEGREES) / 2)


def _cast(grid: np.ndarray, origin: np.ndarray, ray: np.ndarray) -> tuple[float, tuple[int, int], int]:
    """The first wall square a ray from ``origin`` meets: (perpendicular distance in units of
    the camera direction, the square, 0 for a north/south face and 1 for an east/west one)."""
    cell = np.floor(origin).astype(int)
    step = np.where(ray >= 0, 1, -1)
    with np.errstate(divide="ignore"):
        delta = np.abs(1.0 / ray)
    boundary = np.where(ray >= 0, cell + 1 - origin, origin - cell)
    side_dist = boundary * delta
    while True:
        axis = int(np.argmin(side_dist))
        distance = side_dist[axis]
        side_dist[axis] += delta[axis]
        cell[axis] += step[axis]
        if not grid[tuple(cell)]:
            return float(distance), (int(cell[0]), int(cell[1])), axis


def wall_colours(layout: Layout, seed: int = 0) -> np.ndarray:
    """``[rows, cols, 3]``: each wall square's colour (``PALETTE``), drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    return PALETTE[rng.integers(len(PALETTE), size=layout.grid.shape)]


def views(layout: Layout, height: int, width: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Every state's view without the goal, ``[n_states, height, width, 3]`` in [0, 1], and
    the wall distance each column sees, ``[n_states, width]``."""
    colours = wall_colours(layout, seed)
    out = np.empty((layout.n_states, height, width, 3), np.float32)
    depth = np.empty((layout.n_states, width), np.float32)
    rows = np.arange(height)[:, None]
    for s in range(layout.n_states):
        origin = layout.cells[s // 4] + 0.5
        direction, plane = _camera(s % 4)
        image = np.where(rows < height / 2, CEILING, FLOOR)[:, None, :].repeat(width, axis=1)
        for x in range(width):
            offset = 2 * (x + 0.5) / width - 1
            distance, square, axis = _cast(layout.grid, origin, direction + offset * plane)
            depth[s, x] = distance
            tall = min(height, height / max(distance, 1e-6))
            top, bottom = (height - tall) / 2, (height + tall) / 2
            shade = EAST_WEST_SHADE if axis == 1 else 1.0
            lit = (rows[:, 0] + 0.5 >= top) & (rows[:, 0] + 0.5 < bottom)
            image[lit, x] = colours[square] * shade
        out[s] = image
    return out, depth


def goal_sprites(layout: Layout, depth: np.ndarray, height: int) -> tuple[np.ndarray, np.ndarray]:
    """For every state and goal place: the goal's rectangle ``[n_states, n_places, 4]`` (first
    and last + 1 column, first and last + 1 row) and the bit mask of its columns that no wall
    hides, ``[n_states, n_places]`` (int32; 0 when the goal is out of view)."""
    width = depth.shape[1]
    if width > MAX_COLUMNS:
        raise ValueError(f"at most {MAX_COLUMNS} columns, got {width}")
    rect = np.zeros((layout.n_states, layout.n_places, 4), np.int32)
    bits = np.zeros((layout.n_states, layout.n_places), np.int32)
    for s in range(layout.n_states):
        origin = layout.cells[s // 4] + 0.5
        direction, plane = _camera(s % 4)
        for g in range(layout.n_places):
            to_goal = layout.cells[g] + 0.5 - origin
            ahead = float(to_goal @ direction)
            if ahead < 0.3:  # behind the camera, or where it stands
                continue
            lateral = float(to_goal @ plane) / float(plane @ plane)
            centre = (lateral / ahead + 1) * width / 2
            half = GOAL_SIZE / 2 / ahead / np.linalg.norm(plane) * width / 2
            x0, x1 = int(np.floor(centre - half)), int(np.ceil(centre + half))
            size = min(height, GOAL_SIZE * height / ahead)
            y1 = int(np.ceil(min(height, (height + height / ahead) / 2)))  # stands on the floor
            y0 = max(0, int(np.floor(y1 - size)))
            columns = [x for x in range(max(x0, 0), min(x1, width)) if depth[s, x] > ahead]
            if columns:
                rect[s, g] = (max(x0, 0), min(x1, width), y0, y1)
                bits[s, g] = sum(1 << x for x in columns)
    return rect, bits


def picture(observation: np.ndarray) -> np.ndarray:
    """The image a first-person observation ``[..., H, W, 4]`` shows: its colours with the goal
    painted where its mask (the last channel) is set."""
    return np.where(observation[..., 3:] > 0, GOAL_COLOUR, observation[..., :3])


def with_goal(view: np.ndarray, rect: np.ndarray, bits: int) -> np.ndarray:
    """One view with the goal painted over it (numpy; the batched task does the same)."""
    out = view.copy()
    x0, x1, y0, y1 = rect
    for x in range(x0, x1):
        if bits >> x & 1:
            out[y0:y1, x] = GOAL_COLOUR
    return out
