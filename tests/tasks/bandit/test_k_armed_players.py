"""The classical players on any number of arms (``players.py``) and RL²'s Table 1 (``rl2.py``):
each player against a plain-Python reference, two-armed play unchanged, the random player's
expected reward, the paper's numbers."""

import hashlib
import math

import numpy as np
import pytest

from meta_rl.tasks.bandit import players as bb
from meta_rl.tasks.bandit import rl2


def arms(episodes: int, k: int, trials: int, seed: int):
    """Independent arms p_i ~ U[0, 1], with a few episodes of equal arms (ties every pull),
    and the reward uniforms."""
    rng = np.random.default_rng(seed)
    p = rng.random((episodes, k))
    p[:2] = 1.0  # every arm always pays: all arms tie at every pull
    p[2] = 0.0  # none ever pays
    return p, rng.random((episodes, trials))


# ---------------------------------------------------------------- plain-Python references


def first_max_from(values: list[float], start: int) -> int:
    """The first arm of largest value, counting from ``start`` cyclically."""
    k = len(values)
    best = start
    for j in range(1, k):
        arm = (start + j) % k
        if values[arm] > values[best]:
            best = arm
    return best


def log_density(x: list[float], s: list[int], f: list[int]) -> float:
    """The Beta(1 + s, 1 + f) posterior's log density at ``x``, up to its normalising constant."""
    return sum((s[i] * math.log(x[i]) if s[i] else 0.0) + (f[i] * math.log1p(-x[i]) if f[i] else 0.0)
               for i in range(len(x)))


def arm_values(policy: str, s: list[int], f: list[int], t: int, draws, kw: dict, table) -> list[float]:
    """One episode's value of every arm, which the player maximises (plain Python)."""
    k, pc = len(s), kw.get("pseudo_counts", 0)
    n = [s[i] + f[i] + 2 * pc for i in range(k)]
    if policy == "thompson":
        return draws.tolist()
    if policy == "ots":  # the sample of highest posterior density
        return max((sample.tolist() for sample in draws), key=lambda x: log_density(x, s, f))
    if policy == "ucb1":
        c = kw.get("c", 1.0)
        return [(s[i] + pc) / n[i] + c * math.sqrt(2 * math.log(max(t, 1)) / n[i]) for i in range(k)]
    if policy in ("epsilon-greedy", "greedy"):
        return [(s[i] + pc) / n[i] if n[i] > 0 else 0.5 for i in range(k)]
    return [table[s[i], f[i]] for i in range(k)]  # gittins


def reference_play(policy: str, p: np.ndarray, u: np.ndarray, rng: np.random.Generator, **kw) -> np.ndarray:
    """The player's actions ``[E, T]`` episode by episode in plain Python. Its random numbers are
    drawn by the same numpy calls in the same order as ``players.play`` (all episodes at once,
    trial by trial), so the two must agree exactly; everything else is computed here."""
    episodes, k = p.shape
    trials = u.shape[1]
    s = [[0] * k for _ in range(episodes)]
    f = [[0] * k for _ in range(episodes)]
    pc = kw.get("pseudo_counts", 0)
    eps = kw.get("epsilon", 0.0 if policy == "greedy" else bb.DEFAULT_EPSILON)
    table = bb.gittins_index_table(trials, kw.get("gamma", bb.DEFAULT_GAMMA)) if policy == "gittins" else None
    samples = kw.get("samples", bb.DEFAULT_OTS_SAMPLES)
    actions = [[0] * trials for _ in range(episodes)]
    if policy == "ucb1" and pc == 0:
        first = rng.integers(0, k, size=episodes).tolist()
    for t in range(trials):
        if policy == "random":
            chosen = rng.integers(0, k, size=episodes).tolist()
        elif policy == "ucb1" and pc == 0 and t < k:
            chosen = [(first[e] + t) % k for e in range(episodes)]
        else:
            draws = [None] * episodes
            if policy in ("thompson", "ots"):
                size = None if policy == "thompson" else (samples, episodes, k)
                draws = rng.beta(np.array(s) + 1.0, np.array(f) + 1.0, size=size)
                draws = list(draws) if policy == "thompson" else list(np.swapaxes(draws, 0, 1))
            starts = rng.integers(0, k, size=episodes).tolist()
            chosen = [first_max_from(arm_values(policy, s[e], f[e], t, draws[e], kw, table), starts[e])
                      for e in range(episodes)]
            if policy in ("epsilon-greedy", "greedy"):
                explore = (rng.random(episodes) < eps).tolist()
                random_arm = rng.integers(0, k, size=episodes).tolist()
                chosen = [random_arm[e] if explore[e] else chosen[e] for e in range(episodes)]
        for e in range(episodes):
            a = chosen[e]
            reward = int(u[e, t] < p[e, a])
            s[e][a] += reward
            f[e][a] += 1 - reward
            actions[e][t] = a
    return np.array(actions)


SETTINGS = [("random", {}), ("thompson", {}), ("ots", {"samples": 4}), ("ucb1", {}),
            ("ucb1", {"c": 0.3, "pseudo_counts": 1}), ("epsilon-greedy", {}),
            ("epsilon-greedy", {"epsilon": 0.2, "pseudo_counts": 1}), ("greedy", {"pseudo_counts": 1}),
            ("gittins", {"gamma": 0.9})]


@pytest.mark.parametrize("k", [2, 3, 6])
@pytest.mark.parametrize("policy, kwargs", SETTINGS)
def test_players_match_a_plain_python_reference(policy, kwargs, k):
    p, u = arms(10, k, 24, seed=k)
    out = bb.play(policy, p, u, np.random.default_rng(7), **kwargs)
    expected = reference_play(policy, p, u, np.random.default_rng(7), **kwargs)
    np.testing.assert_array_equal(out["action"], expected)
    chosen = np.take_along_axis(p, out["action"], axis=1)
    np.testing.assert_array_equal(out["reward"], (u < chosen).astype(int))
    assert out["action"].min() >= 0 and out["action"].max() < k


# ---------------------------------------------------------------- two arms unchanged

FROZEN_TWO_ARMED = {  # sha256 (first 16 hex) of actions then rewards, int64, of the committed players
    ("thompson", (), 0): "264055e366a790f9", ("thompson", (), 1): "c1d53731e5298ad0",
    ("ucb1", (), 0): "017f9a77b62310d7", ("ucb1", (), 1): "7cbeb1ee61c66904",
    ("epsilon-greedy", (), 0): "414b4bf7b454198e", ("epsilon-greedy", (), 1): "bac94f5fcf4d96e5",
    ("epsilon-greedy", (("epsilon", 0.0),), 0): "23e7b0b5ef4ed5ca",
    ("epsilon-greedy", (("epsilon", 0.0),), 1): "6ef66a753511351f",
    ("epsilon-greedy", (("epsilon", 0.3),), 0): "938d4b3ee9a42426",
    ("epsilon-greedy", (("epsilon", 0.3),), 1): "5664fbe73f038402",
    ("gittins", (), 0): "8f30d52c85a1b995", ("gittins", (), 1): "d40f4c49cca13d47",
    ("gittins", (("gamma", 0.9),), 0): "863f87ecb33c25a6",
    ("gittins", (("gamma", 0.9),), 1): "61d4a865f1e535f0",
    ("random", (), 0): "848163f039553925", ("random", (), 1): "569c0e25fea52af1",
}
"""Computed once with the two-armed players as committed before they took k arms (git c46644f,
``meta_rl/tasks/bandit/players.py``) on ``two_armed_inputs(seed)`` with
``np.random.default_rng(seed + 5)``: the committed results' baselines were played by that code."""


def two_armed_inputs(seed: int):
    rng = np.random.default_rng(seed)
    q = rng.random(64)
    p = np.stack([q, rng.random(64)], axis=1)
    p[:16, 1] = 1 - p[:16, 0]  # dependent pairs
    p[16:24] = [[0.4, 0.6]] * 8  # the hard set
    p[24:28] = [[1.0, 1.0]] * 4  # ties at every pull
    return p, rng.random((64, 30))


@pytest.mark.parametrize("key", sorted(FROZEN_TWO_ARMED, key=str))
def test_two_armed_play_is_what_it_was(key):
    policy, kwargs, seed = key
    p, u = two_armed_inputs(seed)
    out = bb.play(policy, p, u, np.random.default_rng(seed + 5), **dict(kwargs))
    digest = hashlib.sha256(out["action"].astype(np.int64).tobytes()
                            + out["reward"].astype(np.int64).tobytes()).hexdigest()[:16]
    assert digest == FROZEN_TWO_ARMED[key]


def test_one_sample_ots_is_thompson_and_greedy_is_epsilon_zero():
    p, u = arms(50, 5, 30, seed=3)
    ts = bb.play("thompson", p, u, np.random.default_rng(4))
    ots = bb.play("ots", p, u, np.random.default_rng(4), samples=1)
    np.testing.assert_array_equal(ots["action"], ts["action"])
    greedy = bb.play("greedy", p, u, np.random.default_rng(5), pseudo_counts=1)
    eps0 = bb.play("epsilon-greedy", p, u, np.random.default_rng(5), epsilon=0.0, pseudo_counts=1)
    np.testing.assert_array_equal(greedy["action"], eps0["action"])


def test_pseudo_count_ucb1_forces_no_first_pulls():
    # RL²'s UCB1 starts every arm at one success and one failure. No arm ever pays here: the first
    # pull is a tie broken at random, and a failed arm falls below the others (1/3 < 1/2, fewer
    # pulls and a smaller bonus too), so the pulls go round the arms, each twice in 8.
    p = np.zeros((400, 4))
    u = np.random.default_rng(0).random((400, 8))
    action = bb.play("ucb1", p, u, np.random.default_rng(1), c=0.5, pseudo_counts=1)["action"]
    counts = np.stack([(action == a).sum(axis=1) for a in range(4)], axis=1)
    assert (counts == 2).all()
    # the first arm is uniform over the 4: 100 +- 8.7 each; allow 4 s.d.
    assert (np.abs(np.bincount(action[:, 0], minlength=4) - 100) < 4 * 8.7).all()


@pytest.mark.parametrize("bad, error", [(dict(samples=0), "samples"), (dict(samples=1.5), "samples")])
def test_bad_ots_settings_are_rejected(bad, error):
    p, u = arms(3, 4, 5, seed=0)
    with pytest.raises(ValueError, match=error):
        bb.play("ots", p, u, np.random.default_rng(0), **bad)
    with pytest.raises(ValueError, match="c must be non-negative"):
        bb.play("ucb1", p, u, np.random.default_rng(0), c=-1.0)
    with pytest.raises(TypeError, match="pseudo_counts"):
        bb.play("thompson", p, u, np.random.default_rng(0), pseudo_counts=1)


# ---------------------------------------------------------------- expected reward


def test_expected_reward_is_the_sum_of_the_chosen_arms_p():
    p = np.array([[0.1, 0.5, 0.9], [0.3, 0.2, 0.6]])
    action = np.array([[0, 2, 2], [1, 1, 0]])
    np.testing.assert_allclose(bb.expected_reward(p, action), [1.9, 0.7])
    np.testing.assert_allclose(bb.regret(p, action).sum(axis=1), 3 * p.max(axis=1) - [1.9, 0.7])


@pytest.mark.parametrize("n, k", [(100, 5), (10, 50)])
def test_random_player_earns_half_a_reward_a_pull(n, k):
    episodes = 3000
    p, u = rl2.draw_episodes(n, k, episodes, seed=1)
    total = bb.expected_reward(p, bb.play("random", p, u, np.random.default_rng(2))["action"])
    se = total.std(ddof=1) / np.sqrt(episodes)
    assert abs(total.mean() - n / 2) < 4 * se
    assert abs(total.mean() - rl2.paper_rewards(n, k)["random"]) < 4 * se + 0.1  # Table 1 rounds to 0.1


def test_learning_players_beat_random_on_many_arms():
    p, u = rl2.draw_episodes(100, 10, 500, seed=3)
    settings = rl2.player_kwargs(100, 10)
    totals = {}
    for i, name in enumerate(rl2.PLAYERS):
        if name != "ots":  # slow, and checked against its reference above
            action = bb.play(name, p, u, np.random.default_rng(i), **settings[name])["action"]
            totals[name] = bb.expected_reward(p, action)
    for name, total in totals.items():
        if name != "random":
            diff = total - totals["random"]  # paired: same arms, same reward draws
            assert diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(len(diff)), name


# ---------------------------------------------------------------- RL²'s Table 1


def test_table1_as_published():
    assert set(rl2.TABLE1) == {(n, k) for n in rl2.PULLS for k in rl2.ARMS}
    assert all(len(row) == len(rl2.COLUMNS) == 8 for row in rl2.TABLE1.values())
    assert rl2.paper_rewards(10, 5) == dict(zip(rl2.COLUMNS, (5.0, 6.6, 5.7, 6.5, 6.7, 6.6, 6.6, 6.7)))
    assert rl2.paper_rewards(500, 50)["rl2"] == 438.9 and rl2.paper_rewards(500, 50)["gittins"] == 463.7
    assert rl2.paper_rewards(100, 50)["ots"] == 67.7 and rl2.paper_rewards(7, 7) is None
    for (n, _), row in rl2.TABLE1.items():  # random earns n / 2 up to luck; Gittins beats random
        assert abs(row[0] - n / 2) <= 0.01 * n and row[1] > row[0]


def test_every_cell_has_its_tuned_players():
    assert set(rl2.TUNED) == set(rl2.TABLE1)
    for n, k in rl2.TABLE1:
        settings = rl2.player_kwargs(n, k)
        assert set(settings) == set(rl2.PLAYERS)
        for player, (name, grid) in rl2.GRIDS.items():
            assert settings[player][name] in grid
        assert settings["ucb1"]["pseudo_counts"] == settings["greedy"]["pseudo_counts"] == 1
    assert rl2.nearest_cell(120, 7) == (100, 5) and rl2.nearest_cell(2000, 40) == (500, 50)
    assert rl2.player_kwargs(120, 7) == rl2.player_kwargs(100, 5)


def test_grid_search_plays_the_same_episodes_for_every_setting():
    scores = rl2.grid_search("epsilon-greedy", 10, 5, episodes=200)
    assert list(scores) == list(rl2.GRIDS["epsilon-greedy"][1])
    assert scores == rl2.grid_search("epsilon-greedy", 10, 5, episodes=200)  # seeded
    assert all(5.0 < s < 10.0 for s in scores.values())
