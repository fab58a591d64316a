"""Figures of the maze: steps per search along the episode (every seed shown), top-down maps of
a test episode's path before and after the first find, an animation of an episode (the
agent's view beside the map), the goal decoded from the LSTM state search by search."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from meta_rl.plotting import finish, save_animation
from meta_rl.tasks.maze.layout import STEP, Layout

PLAYER_STYLES = {"oracle": ("#2ca02c", ":"), "explorer": ("#1f77b4", "--"), "random walk": ("#7f7f7f", "-.")}
UNPLOTTED = ("random walk",)
"""Players left out of the steps-by-find figure: a random walk rarely finds the goal twice, so
its mean steps of the k-th find rest on a handful of lucky episodes (the table has its
unbiased measure)."""


def _curve(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], float)


def plot_steps_by_search(summary: dict, path: str | Path | None = None):
    """``reference.summarize``'s summary: one panel per level, the mean steps of the k-th find
    of an episode (k = 1 the first) for every seed of the agent (thin) and their mean (thick),
    its memoryless control (orange) and the players, on a log scale (Wang et al. 2016, Fig. 7's
    measure: the first find is exploration, the later ones recall)."""
    levels = [n for n, rs in summary["run_sets"].items() if not rs["memoryless"]]
    fig, axes = plt.subplots(1, len(levels), figsize=(4.6 * len(levels), 3.6), squeeze=False)
    for ax, name in zip(axes[0], levels):
        rs = summary["run_sets"][name]
        control = summary["run_sets"].get(f"{name}-memoryless")
        for label, run_set, color in (("agent", rs, "black"), ("memoryless control", control, "#ff7f0e")):
            if run_set is None:
                continue
            curves = np.array([_curve(s["steps_by_search"]) for s in run_set["per_seed"]])
            finds = np.arange(1, curves.shape[1] + 1)
            for curve in curves:
                ax.plot(finds, curve, color=color, linewidth=0.6, alpha=0.35)
            ax.plot(finds, np.nanmean(curves, axis=0), color=color, linewidth=2, marker="o", markersize=3,
                    label=f"{label} ({len(curves)} seeds)")
        for player, (color, style) in PLAYER_STYLES.items():
            if player in UNPLOTTED:
                continue
            curve = _curve(rs["players_steps_by_search"][player])
            ax.plot(np.arange(1, len(curve) + 1), curve, color=color, linestyle=style, label=player)
        ax.set_yscale("log")
        ax.set_xlabel("find within the episode")
        ax.set_ylabel("steps from the (re)spawn")
        ax.set_title(f"{name}: {rs['layout']}, {rs['episode_steps']} steps", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return finish(fig, True, path)


BEFORE, AFTER = "#d62728", "#1f77b4"
"""The path's colours before and after the first find."""


def draw_maze(ax, layout: Layout, goal: int | None = None) -> None:
    """The layout from above (walls dark, open squares light; north up) and the goal (a star)."""
    ax.imshow(np.where(layout.grid, 0.96, 0.25), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    if goal is not None:
        row, col = layout.cells[goal]
        ax.scatter([col], [row], marker="*", s=160, color="gold", edgecolor="black", zorder=5)
    ax.set_xticks([])
    ax.set_yticks([])


def _path_xy(layout: Layout, place: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = layout.cells[np.asarray(place, int)].T
    return cols.astype(float), rows.astype(float)


def plot_trajectories(layout: Layout, paths: list[dict], titles: list[str], later: int = 5,
                      path: str | Path | None = None):
    """Top-down maps of test episodes (``analysis.trajectory`` each): the first search in red
    (exploring), the next ``later`` searches in blue (returning), each from its (re)spawn (a
    dot) to the goal (the star); one panel per path."""
    rows, cols = layout.grid.shape
    width = 3.4 * np.sqrt(cols / rows)  # a wide maze gets wider panels, each as tall as the map
    fig, axes = plt.subplots(1, len(paths), figsize=(width * len(paths), width * rows / cols + 0.9),
                             squeeze=False)
    for ax, trajectory, title in zip(axes[0], paths, titles):
        draw_maze(ax, layout, trajectory["goal"])
        x, y = _path_xy(layout, trajectory["place"])
        gy, gx = (float(v) for v in layout.cells[trajectory["goal"]])
        search = trajectory["search"]
        for k in range(min(int(search.max()), later) + 1):
            at = search == k
            xs, ys = x[at], y[at]
            if k < search.max():  # a finished search ends on the goal
                xs, ys = np.r_[xs, gx], np.r_[ys, gy]
            jitter = 0.15 * np.sin(k * 2.3)  # searches side by side, not on top of each other
            color = BEFORE if k == 0 else AFTER
            ax.plot(xs + jitter, ys + jitter, color=color, linewidth=1.8 if k == 0 else 1.0,
                    alpha=0.9 if k == 0 else 0.7, zorder=3 if k == 0 else 2)
            ax.scatter(xs[:1] + jitter, ys[:1] + jitter, s=16, color=color, zorder=4)
        ax.set_title(f"{title}\nfirst search: {int((search == 0).sum())} steps (red); the next "
                     f"{min(int(search.max()), later)} (blue)", fontsize=8)
    fig.tight_layout()
    return finish(fig, True, path)


def animate_maze_episode(layout: Layout, trajectory: dict, path: str | Path, views: np.ndarray | None = None,
                    steps: int = 120, title: str = "", fps: int = 6, dpi: int = 80) -> Path:
    """A GIF of the first ``steps`` steps of a test episode: what the agent saw (``views [T, H,
    W, 3]``, the first-person level) beside the map with the path so far (red before the first
    find, blue after) and the agent's heading. Written with ``PillowWriter``; returns its path."""
    steps = min(steps, len(trajectory["place"]))
    panels = 2 if views is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 3.4), squeeze=False)
    if title:
        fig.suptitle(title, fontsize=9)
    board = axes[0, -1]
    draw_maze(board, layout, trajectory["goal"])
    x, y = _path_xy(layout, trajectory["place"])
    search = trajectory["search"]
    trail = [board.plot([], [], color=c, linewidth=1.2)[0] for c in (BEFORE, AFTER)]
    agent = board.scatter([], [], s=50, color="black", zorder=6)
    arrow = board.quiver([0], [0], [0], [0], scale=1, scale_units="xy", angles="xy", color="black", zorder=7)
    image = axes[0, 0].imshow(np.clip(views[0], 0, 1), interpolation="nearest") if views is not None else None
    if views is not None:
        axes[0, 0].set_xticks([])
        axes[0, 0].set_yticks([])
        axes[0, 0].set_title("what the agent sees", fontsize=8)
    fig.tight_layout()

    gy, gx = (float(v) for v in layout.cells[trajectory["goal"]])

    def polyline(t: int, later: bool) -> tuple[np.ndarray, np.ndarray]:
        """The path up to step ``t``: each search from its (re)spawn to the goal, broken
        between searches (a respawn is not a walk)."""
        xs, ys = [], []
        for k in range(int(search[t]) + 1):
            if (k > 0) != later:
                continue
            at = (search == k) & (np.arange(len(search)) <= t)
            done = k < search[t]
            xs += [*x[at], *([gx] if done else []), np.nan]
            ys += [*y[at], *([gy] if done else []), np.nan]
        return np.array(xs), np.array(ys)

    def frame(t):
        for line, later in zip(trail, (False, True)):
            line.set_data(*polyline(t, later))
        agent.set_offsets([[x[t], y[t]]])
        dy, dx = STEP[int(trajectory["heading"][t])]
        arrow.set_offsets([[x[t], y[t]]])
        arrow.set_UVC([0.8 * dx], [0.8 * dy])
        if image is not None:
            image.set_data(np.clip(views[t], 0, 1))
        board.set_title(f"step {t + 1}: {int(search[t])} finds so far", fontsize=8)
        return []

    return save_animation(fig, frame, steps, path, fps, dpi)
