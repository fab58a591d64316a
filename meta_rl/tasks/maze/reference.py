"""The maze's reference runs (Wang et al. 2016, Sec. 3.2.3): ``meta-rl reproduce maze``.

Trains ``SEEDS`` of each level and of its memoryless control (``RUN_SETS``) into
``results/maze/<preset>/model_<seed>/``, tests each final checkpoint with frozen weights beside
the oracle, the explorer and the random walk on the same goals and respawns, and writes
``steps_by_search.png`` besides what every experiment writes.

The signature (issue 28): the later finds at most ``RATIO_AT_MOST`` x the first's steps and at
most ``SHORTEST_AT_MOST`` x the shortest path (Wang et al.: about 0.3); the memoryless control's
ratio at least ``CONTROL_RATIO_AT_LEAST`` (no drop), in at least ``SEEDS_REQUIRED`` seeds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.maze.plots import plot_steps_by_search
from meta_rl.tasks.maze.presets import PRESETS
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


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: per run set and seed, the agent's ``find_summary`` and steps by
    search index; the players' on every seed's episodes (their mean over seeds)."""
    out = {"test_episodes": None, "run_sets": {}}
    for run_set in tested.run_sets:
        results = [tested.results[run_set.name, s] for s in run_set.seeds]
        out["test_episodes"] = int(results[0].trials["steps"].shape[0])
        per_seed = [{"seed": s, **{k: round(v, 4) for k, v in r.summary().items()},
                     "steps_by_search": steps_by_search(r)} for s, r in zip(run_set.seeds, results)]
        players = {p: {k: round(float(np.mean([r.summary(p)[k] for r in results])), 4)
                       for k in results[0].summary(p)} for p in results[0].players}
        out["run_sets"][run_set.name] = {
            "seeds": list(run_set.seeds), "memoryless": run_set.config.memoryless,
            "level": run_set.config.task.level, "layout": run_set.config.task.layout,
            "episode_steps": run_set.config.task.episode_steps, "per_seed": per_seed, "players": players,
            "players_steps_by_search": {p: steps_by_search(results[0], p) for p in results[0].players}}
    return out


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
            "the seeds' episodes).")


def describe(summary: dict) -> str:
    return "maze: steps per search\n" + table(summary)


def headline(summary: dict) -> str:
    """``Overview.headline``: the symbolic level's later / first ratio beside its control's."""
    rs = summary["run_sets"]
    agent = np.mean([s["ratio"] for s in rs["maze-symbolic"]["per_seed"]])
    control = np.mean([s["ratio"] for s in rs["maze-symbolic-memoryless"]["per_seed"]])
    return f"later finds {agent:.2f} × the first's steps (memoryless control {control:.2f}), symbolic level"


def write_figures(tested: Tested, summary: dict, out: Path) -> None:
    """``Experiment.figures``."""
    plot_steps_by_search(summary, path=out / "steps_by_search.png")


OVERVIEW = Overview("Wang et al. 2016, Sec. 3.2.3: one-shot navigation (Mirowski et al. 2016)",
                    "`maze-symbolic`, `maze-first-person` and their memoryless controls",
                    "docs/navigation.md", headline)

EXPERIMENTS = {"maze": Experiment(name="maze", directory=DIRECTORY, run_sets=run_sets, summarize=summarize,
                                  figures=write_figures, describe=describe, table=table,
                                  test_episodes=TEST_EPISODES, overview=OVERVIEW, signatures=signatures)}
