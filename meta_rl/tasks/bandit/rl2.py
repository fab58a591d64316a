"""RL²'s k-armed Bernoulli bandits (Duan et al. 2016, "RL²: fast reinforcement learning via slow
reinforcement learning", arXiv:1611.02779, section 3.1 and Table 1): the paper's numbers, and
the settings our classical players (``players.py``) use in each of its cells.

The task: k arms, each p_i ~ U[0, 1] independently, n pulls (k in {5, 10, 50}, n in {10, 100,
500}); the score is the total reward of an episode, averaged over 1000 episodes. RL² defines
its players in section 3.1 (``players.py`` follows it): UCB1 and epsilon-greedy start every arm
at one success and one failure (a Beta(1, 1) prior), greedy is epsilon-greedy with epsilon = 0,
optimistic Thompson sampling (OTS) keeps the most probable of N posterior samples, and the
Gittins index is an approximation chosen per setting. "For each method with hyperparameters,
we maximize the score with a separate grid search for each of the experimental settings": so
do we (``TUNED``, measured with ``grid_search`` on episodes of a tuning seed of their own,
never the agent's test episodes). RL² does not give its grids or chosen values.
"""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.bandit.players import expected_reward, play

ARMS = (5, 10, 50)
"""k of Table 1."""
PULLS = (10, 100, 500)
"""n of Table 1."""
PLAYERS = ("random", "gittins", "thompson", "ots", "ucb1", "epsilon-greedy", "greedy")
"""Table 1's classical players, in its column order (``players.play`` names)."""
COLUMNS = (*PLAYERS, "rl2")
"""Table 1's columns: the players, then RL²'s agent."""

TABLE1 = {
    (10, 5): (5.0, 6.6, 5.7, 6.5, 6.7, 6.6, 6.6, 6.7),
    (10, 10): (5.0, 6.6, 5.5, 6.2, 6.7, 6.6, 6.6, 6.7),
    (10, 50): (5.1, 6.5, 5.2, 5.5, 6.6, 6.5, 6.5, 6.8),
    (100, 5): (49.9, 78.3, 74.7, 77.9, 78.0, 75.4, 74.8, 78.7),
    (100, 10): (49.9, 82.8, 76.7, 81.4, 82.4, 77.4, 77.1, 83.5),
    (100, 50): (49.8, 85.2, 64.5, 67.7, 84.3, 78.3, 78.0, 84.9),
    (500, 5): (249.8, 405.8, 402.0, 406.7, 405.8, 388.2, 380.6, 401.6),
    (500, 10): (249.0, 437.8, 429.5, 438.9, 437.1, 408.0, 395.0, 432.5),
    (500, 50): (249.6, 463.7, 427.2, 437.6, 457.6, 413.6, 402.8, 438.9),
}
"""Duan et al. 2016 (arXiv:1611.02779v2), Table 1 ("MAB Results"): (n pulls, k arms) -> the mean
total reward per episode of each of ``COLUMNS`` (random, Gittins, TS, OTS, UCB1, epsilon-greedy,
greedy, RL²), over 1000 episodes."""

FIXED = {"ucb1": {"pseudo_counts": 1}, "epsilon-greedy": {"pseudo_counts": 1},
         "greedy": {"pseudo_counts": 1}}
"""RL²'s settings that are not tuned: one success and one failure on every arm to start."""

GRIDS = {"gittins": ("gamma", (0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)),
         "ots": ("samples", (1, 2, 3, 5, 7, 10, 15, 20, 30)),
         "ucb1": ("c", (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)),
         "epsilon-greedy": ("epsilon", (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3))}
"""The tuned hyperparameter of each player and the values searched (ours: RL² gives neither).
Gittins: RL² chose "the best-performing approximation for each setup" among published ones;
ours is the exact discounted index (``players.gittins_index_table``), its discount tuned."""

TUNING_EPISODES = 1000
"""Episodes per grid point (RL²: 1000 per cell); every grid point plays the same episodes."""
TUNING_SEED = 20161108
"""Seed of the tuning episodes (numpy draws: never the agent's training or test streams)."""

TUNED: dict[tuple[int, int], dict[str, dict[str, float]]] = {
    (10, 5): {"gittins": {"gamma": 0.6}, "ots": {"samples": 30}, "ucb1": {"c": 0.1},
              "epsilon-greedy": {"epsilon": 0.0}},
    (10, 10): {"gittins": {"gamma": 0.95}, "ots": {"samples": 30}, "ucb1": {"c": 0.3},
               "epsilon-greedy": {"epsilon": 0.0}},
    (10, 50): {"gittins": {"gamma": 0.7}, "ots": {"samples": 30}, "ucb1": {"c": 0.05},
               "epsilon-greedy": {"epsilon": 0.01}},
    (100, 5): {"gittins": {"gamma": 0.98}, "ots": {"samples": 10}, "ucb1": {"c": 0.2},
               "epsilon-greedy": {"epsilon": 0.01}},
    (100, 10): {"gittins": {"gamma": 0.98}, "ots": {"samples": 30}, "ucb1": {"c": 0.2},
                "epsilon-greedy": {"epsilon": 0.01}},
    (100, 50): {"gittins": {"gamma": 0.98}, "ots": {"samples": 30}, "ucb1": {"c": 0.2},
                "epsilon-greedy": {"epsilon": 0.0}},
    (500, 5): {"gittins": {"gamma": 0.999}, "ots": {"samples": 10}, "ucb1": {"c": 0.2},
               "epsilon-greedy": {"epsilon": 0.02}},
    (500, 10): {"gittins": {"gamma": 0.995}, "ots": {"samples": 30}, "ucb1": {"c": 0.2},
                "epsilon-greedy": {"epsilon": 0.05}},
    (500, 50): {"gittins": {"gamma": 0.995}, "ots": {"samples": 30}, "ucb1": {"c": 0.2},
                "epsilon-greedy": {"epsilon": 0.02}},
}
"""(n, k) -> player -> its setting: the best of ``GRIDS`` by ``grid_search`` (``tune()``, i.e.
``python -m meta_rl.tasks.bandit.rl2``, about 15 minutes on one core). At n = 10 the grid's
neighbours are within the tuning noise (a standard error of about 0.05 per setting); UCB1's c
is 0.2 wherever n >= 100. OTS gained with every sample up to the grid's 30 in six cells (more
samples make it greedier: the most probable sample tends to the posterior mode), so its
optimum lies further out; the grid stops at 30 because a sample costs a Beta draw per arm,
pull and episode, and RL²'s OTS numbers are matched there (e.g. n = 100, k = 50: 68.1 here,
67.7 in Table 1). The best expected rewards on the tuning episodes, Gittins / TS / OTS / UCB1 /
epsilon-greedy / greedy: (10, 5) 6.69 5.81 6.48 6.67 6.63 6.63; (100, 50) 86.0 64.8 68.1 84.9
80.8 80.8; (500, 50) 464.0 425.6 436.9 456.5 418.8 413.1 (Table 1: 463.7 427.2 437.6 457.6
413.6 402.8)."""


def paper_rewards(n: int, k: int) -> dict[str, float] | None:
    """Table 1's row of ``n`` pulls and ``k`` arms, ``{column: mean total reward}`` (None if absent)."""
    row = TABLE1.get((n, k))
    return None if row is None else dict(zip(COLUMNS, row))


def nearest_cell(n: int, k: int) -> tuple[int, int]:
    """The Table 1 cell closest to ``(n, k)`` on a log scale, each axis on its own."""
    def closest(x: int, values: tuple[int, ...]) -> int:
        return min(values, key=lambda v: abs(np.log(v) - np.log(x)))

    return closest(n, PULLS), closest(k, ARMS)


def player_kwargs(n: int, k: int) -> dict[str, dict[str, float]]:
    """Keyword arguments of ``players.play`` for every player of ``PLAYERS`` on ``k`` arms and
    ``n`` pulls: RL²'s fixed settings and the tuned ones of the cell (of the nearest cell
    outside Table 1)."""
    tuned = TUNED.get(nearest_cell(n, k), {})
    return {name: {**FIXED.get(name, {}), **tuned.get(name, {})} for name in PLAYERS}


def draw_episodes(n: int, k: int, episodes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``episodes`` bandits of ``k`` arms with p_i ~ U[0, 1] and their reward uniforms for ``n``
    pulls: ``p [episodes, k]``, ``u_reward [episodes, n]``."""
    rng = np.random.default_rng([seed, n, k])
    return rng.random((episodes, k)), rng.random((episodes, n))


def grid_search(player: str, n: int, k: int, episodes: int = TUNING_EPISODES,
                seed: int = TUNING_SEED) -> dict[float, float]:
    """``{setting: mean expected total reward}`` of ``player`` over its grid (``GRIDS``) on the
    same ``episodes`` tuning episodes of ``k`` arms and ``n`` pulls (the expected reward, the sum
    of the chosen arms' p, is the reward without its luck)."""
    name, values = GRIDS[player]
    p, u = draw_episodes(n, k, episodes, seed)
    out = {}
    for i, value in enumerate(values):
        kwargs = {**FIXED.get(player, {}), name: value}
        action = play(player, p, u, np.random.default_rng([seed, i]), **kwargs)["action"]
        out[value] = float(expected_reward(p, action).mean())
    return out


def tune(cells=tuple(TABLE1)) -> dict[tuple[int, int], dict[str, dict[str, float]]]:
    """``TUNED`` measured again: the best setting of every tuned player in every cell."""
    out = {}
    for n, k in cells:
        out[n, k] = {}
        for player, (name, _) in GRIDS.items():
            scores = grid_search(player, n, k)
            best = max(scores, key=scores.get)
            out[n, k][player] = {name: best}
            print(f"n={n} k={k} {player}: " + ", ".join(f"{v}: {s:.2f}" for v, s in scores.items())
                  + f" -> {name} = {best}", flush=True)
    return out


if __name__ == "__main__":  # python -m meta_rl.tasks.bandit.rl2: tune again and print TUNED
    print(tune())
