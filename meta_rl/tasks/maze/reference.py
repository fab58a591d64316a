"""The maze's reference runs (Wang et al. 2016, Sec. 3.2.3): ``meta-rl reproduce maze``.

Trains ``SEEDS`` of each level and of its memoryless control (``RUN_SETS``) into
``results/maze/<preset>/model_<seed>/``, tests each final checkpoint with frozen weights beside
the oracle, the explorer and the random walk on the same goals and respawns, decodes the goal
from each seed's LSTM state search by search (``analysis.decode_goal``, on the first
``DECODE_EPISODES`` test episodes played again with their steps), and writes
``steps_by_search.png``, ``goal_decoding.png``, ``trajectories-<level>.png`` and
``episode-<level>.gif`` (test episodes of the median seed of each level) besides what every experiment writes.

The signature (issue 28): the later finds at most ``RATIO_AT_MOST`` x the first's steps and at
most ``SHORTEST_AT_MOST`` x the shortest path (Wang et al.: about 0.3); the memoryless control's
ratio at least ``CONTROL_RATIO_AT_LEAST`` (no drop), in at least ``SEEDS_REQUIRED`` seeds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.learn.evaluate import TestEpisodes, load_agent, play_test
from meta_rl.plotting import median_index, plot_decoding
from meta_rl.streams import TEST_SEED_OFFSET, TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.maze.analysis import MIN_EPISODES, decode_goal, episodes_reaching, trajectory
from meta_rl.tasks.maze.env import layout
from meta_rl.tasks.maze.layout import Layout
from meta_rl.tasks.maze.plots import animate_maze_episode, plot_steps_by_search, plot_trajectories
from meta_rl.tasks.maze.presets import PRESETS
from meta_rl.tasks.maze.render import picture
from meta_rl.tasks.maze.result import MazeResult

SEEDS = (0, 1, 2, 3, 4)
DIRECTORY = "maze"
TEST_EPISODES = 300
RUN_SETS = ("maze-symbolic", "maze-symbolic-memoryless", "maze-first-person", "maze-first-person-memoryless")
"""Each level, then its memoryless control."""
RATIO_AT_MOST = 0.4
SHORTEST_AT_MOST = 1.5
CONTROL_RATIO_AT_LEAST = 0.8
SEEDS_REQUIRED = 4
SEARCHES_SHOWN = 8
"""Searches per episode in the figure and the summary's steps by search index."""
DECODE_EPISODES = 100
"""Test episodes played again with their steps to decode the goal (the first-person level's
observations make every step's record large)."""
DECODE_SEARCHES = 4
"""Searches at whose first step the goal is decoded (0: before any find)."""
SHOWN_EPISODES = 3
"""Test episodes of the median seed drawn in ``trajectories.png`` (the first is animated)."""


def replay(tested: Tested, run_set: RunSet, seed: int, episodes: int) -> TestEpisodes:
    """The first ``episodes`` test episodes of a seed's final checkpoint, played again with
    every step's record (the same episodes as its test: same stream, same order)."""
    config, _, params = load_agent(run_set.run_dir(seed, tested.root), tested.family.task_classes())
    return play_test(config, params, TEST_SEED_OFFSET + seed, episodes, with_steps=True)


def goal_decoding(tested: Tested, run_set: RunSet, seed: int) -> dict | None:
    """``analysis.decode_goal`` on a seed's first ``DECODE_EPISODES`` test episodes (None:
    too few of them reach search ``DECODE_SEARCHES - 1``, as with an untrained agent)."""
    episodes = min(DECODE_EPISODES, len(tested.results[run_set.name, seed].trials["steps"]))
    played = replay(tested, run_set, seed, episodes)
    if episodes_reaching(played.records["reached"], DECODE_SEARCHES).sum() < MIN_EPISODES:
        return None
    decoded = decode_goal(played.steps["lstm_h"], played.records, layout(run_set.config.task.layout),
                          DECODE_SEARCHES, seed=seed)
    return {"episodes": decoded.episodes, "accuracy": np.round(decoded.accuracy(), 4).tolist(),
            "shuffled": np.round(decoded.shuffled(), 4).tolist()}


def run_sets(episodes: int | None = None, seeds: tuple[int, ...] = SEEDS,
             names: tuple[str, ...] = RUN_SETS) -> list[RunSet]:
    """Each level's and each control's seeds, final checkpoint only."""
    return [RunSet(scheduled_config(PRESETS[n], episodes or PRESETS[n].episodes), seeds, f"{DIRECTORY}/{n}")
            for n in names]


def steps_by_search(result: MazeResult, player: str = "agent", shown: int = SEARCHES_SHOWN) -> list[float]:
    """Mean steps of the k-th search over the episodes that finished it (k < ``shown``); NaN
    where no episode did (a raw view: the summary's ``find_summary`` is the unbiased one)."""
    log = result.searches(player)
    steps = np.ma.masked_where(~np.ma.getdata(log["found"]).astype(bool), log["steps"])
    means = [steps[:, k].mean() if k < steps.shape[1] and steps[:, k].count() else np.nan
             for k in range(shown)]
    return [None if np.ma.is_masked(m) or not np.isfinite(m) else round(float(m), 2) for m in means]


def search_summary(tested: Tested) -> dict:
    """Per run set and seed, the agent's ``find_summary`` and steps by search index; the
    players' on every seed's episodes (their mean over seeds)."""
    out = {"test_episodes": None, "run_sets": {}}
    for run_set in tested.run_sets:
        results = [tested.results[run_set.name, s] for s in run_set.seeds]
        out["test_episodes"] = int(results[0].trials["steps"].shape[0])
        per_seed = [{"seed": s, **{k: round(v, 4) for k, v in r.summary().items()},
                     "steps_by_search": steps_by_search(r)}
                    for s, r in zip(run_set.seeds, results)]
        players = {p: {k: round(float(np.mean([r.summary(p)[k] for r in results])), 4)
                       for k in results[0].summary(p)} for p in results[0].players}
        out["run_sets"][run_set.name] = {
            "seeds": list(run_set.seeds), "memoryless": run_set.config.memoryless,
            "level": run_set.config.task.level, "layout": run_set.config.task.layout,
            "episode_steps": run_set.config.task.episode_steps, "per_seed": per_seed, "players": players,
            "players_steps_by_search": {p: steps_by_search(results[0], p) for p in results[0].players}}
    return out


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: ``search_summary``, and per seed its ``goal_decoding``."""
    summary = search_summary(tested)
    for run_set in tested.run_sets:
        for seed in summary["run_sets"][run_set.name]["per_seed"]:
            seed["goal_decoding"] = goal_decoding(tested, run_set, seed["seed"])
    return summary


def meets(memoryless: bool, seed: dict) -> bool:
    """Whether one seed of a run set (a memoryless control or not) shows its signature
    (module docstring)."""
    if memoryless:
        return bool(seed["ratio"] >= CONTROL_RATIO_AT_LEAST)
    return bool(seed["ratio"] <= RATIO_AT_MOST and seed["later_over_shortest"] <= SHORTEST_AT_MOST)


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``."""
    out = []
    for name, rs in summary["run_sets"].items():
        test = (f"no drop: later finds ≥ {CONTROL_RATIO_AT_LEAST} × the first's steps" if rs["memoryless"]
                else f"later finds ≤ {RATIO_AT_MOST} × the first's steps and ≤ {SHORTEST_AT_MOST} × the "
                "shortest path")
        out.append(Signature(name, test, sum(meets(rs["memoryless"], s) for s in rs["per_seed"]),
                             len(rs["per_seed"]),
                             label=name.removeprefix("maze-")))
    return out


def table(summary: dict) -> str:
    """``Experiment.table``: steps of the first and the later searches (capped at half an
    episode, per goal, then over goals), their ratio and the later finds over the shortest
    path, per run set: the agent (mean ± s.e. across seeds) beside the players."""
    columns = ("first", "later", "ratio", "later_over_shortest", "finds_per_episode")
    rows = [["run set", "player", "seeds", "first search", "later searches", "later / first",
             "later finds / shortest", "finds per episode"]]
    for name, rs in summary["run_sets"].items():
        seeds = rs["per_seed"]
        rows.append([f"`{name}`", "agent", str(len(seeds)),
                     *(mean_se([s[k] for s in seeds], 2) for k in columns)])
        if not rs["memoryless"]:
            for player, p in rs["players"].items():
                rows.append(["", player, "", *(f"{p[k]:.2f}" for k in columns)])
    n = summary["test_episodes"]
    return (markdown_table(rows) + f"\n\nSteps per search from the (re)spawn, {n} test episodes per seed "
            f"({TEST_STREAM}); the players play the same goals and respawns (their numbers: the mean over "
            "the seeds' episodes).\n\n" + decoding_table(summary))


def decoding_table(summary: dict) -> str:
    """The goal's halves decoded from ``lstm_h`` at the (re)spawn of the first search and of
    the later ones (mean ± s.e. across the seeds with enough episodes), beside shuffled labels."""
    rows = [["run set", "seeds decoded", "first search (before any find)", "later searches",
             "later, shuffled labels"]]
    for name, rs in summary["run_sets"].items():
        decoded = [s["goal_decoding"] for s in rs["per_seed"] if s.get("goal_decoding")]
        if not decoded:
            rows.append([f"`{name}`", "0", "", "", ""])
            continue
        rows.append([f"`{name}`", str(len(decoded)), mean_se([d["accuracy"][0] for d in decoded], 3),
                     mean_se([np.mean(d["accuracy"][1:]) for d in decoded], 3),
                     mean_se([np.mean(d["shuffled"][1:]) for d in decoded], 3)])
    return (markdown_table(rows) + f"\n\nCross-validated accuracy of two logistic decoders (the goal in the "
            f"east half, in the south half; their mean) on the first {DECODE_EPISODES} test episodes per "
            f"seed, at the first step of searches 0 to {DECODE_SEARCHES - 1} (the spawn is drawn "
            "independently of the goal: what the state tells there is memory). Chance: the shuffled "
            "labels' column, above 0.5 where a maze's halves hold unequal numbers of open places (a "
            "decoder that learns only which half is larger scores that).")


def describe(summary: dict) -> str:
    return "maze: steps per search\n" + table(summary)


def headline(summary: dict) -> str:
    """``Overview.headline``: each level's later / first ratio beside its control's."""
    rs = summary["run_sets"]
    ratio = {name: np.mean([s["ratio"] for s in r["per_seed"]]) for name, r in rs.items()}
    levels = [name for name, r in rs.items() if not r["memoryless"]]
    return "later / first find: " + ", ".join(
        f"{name.removeprefix('maze-')} {ratio[name]:.2f} (control {ratio[f'{name}-memoryless']:.2f})"
        for name in levels if f"{name}-memoryless" in ratio)


def median_seed(run_set_summary: dict) -> int:
    """The seed of a run set whose later / first ratio is the median (the one figures show);
    the seeds without a ratio (no goal with a first and a later search) do not take part."""
    per_seed = run_set_summary["per_seed"]
    measured = [s for s in per_seed if np.isfinite(s["ratio"])]
    return measured[median_index([s["ratio"] for s in measured])]["seed"] if measured else per_seed[0]["seed"]


def decoding_curves(summary: dict) -> dict[str, tuple]:
    """``plot_decoding``'s curves: per run set, the goal decoded at each search's first step
    (the seeds with enough episodes to decode from)."""
    curves = {}
    for name, rs in summary["run_sets"].items():
        decoded = [s["goal_decoding"] for s in rs["per_seed"] if s["goal_decoding"]]
        if not decoded:
            continue
        curves[name.removeprefix("maze-")] = (np.arange(len(decoded[0]["accuracy"])),
                                              np.array([d["accuracy"] for d in decoded]),
                                              np.array([d["shuffled"] for d in decoded]))
    return curves


def shown_episodes(tested: Tested, summary: dict,
                   run_set: RunSet) -> tuple[int, Layout, list[dict], np.ndarray | None]:
    """The median seed of a level, its maze, its first ``SHOWN_EPISODES`` test episodes'
    trajectories and, at the first-person level, the first one's views as the agent saw them
    (goal painted; None at the symbolic level): what the maps and the animation show."""
    seed = median_seed(summary["run_sets"][run_set.name])
    played = replay(tested, run_set, seed, SHOWN_EPISODES)
    maze = layout(run_set.config.task.layout)
    paths = [trajectory(played.records, e, maze) for e in range(SHOWN_EPISODES)]
    views = picture(played.steps["observation"][0]) if run_set.config.task.level == "first-person" else None
    return seed, maze, paths, views


def write_figures(tested: Tested, summary: dict, out: Path) -> None:
    """``Experiment.figures``: the steps by search, the goal decoding, and the median seed's
    first test episodes of each level (maps; the first one animated)."""
    plot_steps_by_search(summary, path=out / "steps_by_search.png")
    plot_decoding(decoding_curves(summary), xlabel="search (0: before the first find), at its (re)spawn",
                  title="the goal's half of the maze decoded from lstm_h", path=out / "goal_decoding.png")
    for run_set in (r for r in tested.run_sets if not r.config.memoryless):
        seed, maze, paths, views = shown_episodes(tested, summary, run_set)
        level = run_set.config.task.level
        titles = [f"{run_set.name}, seed {seed} (median), test episode {e}" for e in range(SHOWN_EPISODES)]
        plot_trajectories(maze, paths, titles, path=out / f"trajectories-{level}.png")
        animate_maze_episode(maze, paths[0], out / f"episode-{level}.gif", views=views,
                             title=f"{run_set.name}, seed {seed} (median), test episode 0")


OVERVIEW = Overview("Wang et al. 2016, Sec. 3.2.3: one-shot navigation (Mirowski et al. 2016)",
                    "`maze-symbolic`, `maze-first-person` and their memoryless controls",
                    "docs/navigation.md", headline)

EXPERIMENTS = {"maze": Experiment(name="maze", directory=DIRECTORY, run_sets=run_sets, summarize=summarize,
                                  figures=write_figures, describe=describe, table=table,
                                  test_episodes=TEST_EPISODES, overview=OVERVIEW, signatures=signatures)}
