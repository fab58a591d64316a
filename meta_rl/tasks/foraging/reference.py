"""The matching task's reference runs (Wang et al. 2018, Simulation 1): ``meta-rl reproduce
foraging``.

Trains ``SEEDS`` of ``foraging-tsutsui`` into ``results/foraging/model_<seed>/``, tests each
final checkpoint with frozen weights on held-out probabilities (test stream
``TEST_SEED_OFFSET + seed``), fits the matching law and the choice-history regression to the
agent and to the reference players, tests which variables the LSTM units code, and writes
``matching.png``, ``history_weights.png``, ``unit_coding.png`` and ``reward_curves.png``.
"""

from __future__ import annotations

from meta_rl.analysis.delta_rule import fit_delta_rule, values_before
from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.learn.evaluate import load_agent, run_test
from meta_rl.plotting import median_index, plot_training_reward
from meta_rl.streams import TEST_SEED_OFFSET, TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.foraging.analysis import UNIT_REGRESSORS, decay_slope, unit_coding
from meta_rl.tasks.foraging.plots import plot_history_weights, plot_matching, plot_unit_coding
from meta_rl.tasks.foraging.presets import PRESETS

PRESET = "foraging-tsutsui"
SEEDS = tuple(range(10))
DIRECTORY = "foraging"
TEST_EPISODES = 300
SLOPE_RANGE = (0.5, 1.05)
"""Undermatching like the monkeys': the slope must lie here, with R² at least ``R2_MIN``."""
R2_MIN = 0.5
UNIT_EPISODES = 10
"""Test episodes (about 1,000 trials, a recording session's worth) in the unit analysis:
with all of them nearly every coefficient of every unit is significant."""


def run_sets(episodes: int | None = None) -> list[RunSet]:
    config = PRESETS[PRESET]
    return [RunSet(scheduled_config(config, episodes or config.episodes), SEEDS, DIRECTORY)]


def units(tested: Tested, seed: int, episodes: int) -> dict[str, float]:
    """Fractions of units coding each variable, on the seed's test episodes replayed with
    their LSTM states; chosen value from a delta rule fitted to the seed's choices."""
    run_set = tested.run_sets[0]
    config, _, params = load_agent(run_set.run_dir(seed, tested.root), tested.family.task_classes())
    result = run_test(tested.family, config, params, TEST_SEED_OFFSET + seed, episodes, with_steps=True)
    t = result.trials
    fit = fit_delta_rule(t["action"], t["reward"], q0=0.0)
    n = UNIT_EPISODES
    return unit_coding(result.steps["lstm_h"][:n], t["action"][:n], t["reward"][:n],
                       values_before(t["action"], t["reward"], fit.alpha)[:n])


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``."""
    run_set = tested.run_sets[0]
    results = [tested.results[run_set.name, s] for s in run_set.seeds]
    episodes = int(results[0].trials["action"].shape[0])

    def entry(r, player="agent"):
        m = r.matching(player)
        rewards, choices, se = r.history(player)
        return {"slope": m.slope, "intercept": m.intercept, "r2": m.r2,
                "blocks": int(len(m.log_reward_ratio)),
                "reward_per_trial": r.reward_per_trial(player), "reward_weights": rewards.round(4).tolist(),
                "choice_weights": choices.round(4).tolist(), "weight_se": se.round(4).tolist()}
    per_seed = [{"seed": s, **entry(r), "units": units(tested, s, episodes)}
                for s, r in zip(run_set.seeds, results)]
    players = {p: entry(results[0], p) for p in results[0].players}

    def meets(s):
        decaying = s["reward_weights"][0] > 0 and decay_slope(s["reward_weights"]) < 0
        return SLOPE_RANGE[0] <= s["slope"] <= SLOPE_RANGE[1] and s["r2"] >= R2_MIN and decaying
    return {"preset": PRESET, "seeds": list(run_set.seeds), "test_episodes": episodes,
            "per_seed": per_seed, "players": players, "slope_range": list(SLOPE_RANGE), "r2_min": R2_MIN,
            "seeds_meeting_target": int(sum(meets(s) for s in per_seed))}


def matching_points(tested: Tested, summary: dict) -> tuple[dict, dict]:
    """``plot_matching``'s ``points`` and ``faint``: the agent's median seed by slope, with the
    other seeds' fits faint, and the players on the first seed's episodes (as the table's)."""
    name, seeds = tested.run_sets[0].name, summary["seeds"]
    middle = median_index([s["slope"] for s in summary["per_seed"]])
    shown = tested.results[name, seeds[middle]].matching()
    agent = f"agent, seed {seeds[middle]} (median slope)"
    points = {agent: (shown.log_reward_ratio, shown.log_choice_ratio, shown.slope, shown.intercept)}
    first = tested.results[name, seeds[0]]
    for player in first.players:  # on the first seed's episodes, as the table's players
        m = first.matching(player)
        points[player] = (m.log_reward_ratio, m.log_choice_ratio, m.slope, m.intercept)
    others = [(s["slope"], s["intercept"]) for i, s in enumerate(summary["per_seed"]) if i != middle]
    return points, {agent: others}


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    points, faint = matching_points(tested, summary)
    plot_matching(points, faint, path=out / "matching.png")
    weights = {"meta-RL agent": [[s["reward_weights"], s["choice_weights"]] for s in summary["per_seed"]],
               **{p: [[v["reward_weights"], v["choice_weights"]]] for p, v in summary["players"].items()}}
    plot_history_weights(weights, path=out / "history_weights.png")
    plot_unit_coding({name: [s["units"][name] for s in summary["per_seed"]] for name in UNIT_REGRESSORS},
                     path=out / "unit_coding.png")
    plot_training_reward(tested, out / "reward_curves.png")


def table(summary: dict) -> str:
    """``Experiment.table``: the matching law and the history weights per seed, the unit
    fractions, beside the reference players."""
    rows = [["player", "matching slope", "R²", "reward weight, lags 1–5", "reward per trial"]]
    for s in summary["per_seed"]:
        rows.append([f"meta-RL agent, seed {s['seed']}", f"{s['slope']:.2f}", f"{s['r2']:.2f}",
                     " ".join(f"{w:+.2f}" for w in s["reward_weights"]), f"{s['reward_per_trial']:.3f}"])
    rows.append(["meta-RL agent, mean ± s.e.", mean_se([s["slope"] for s in summary["per_seed"]], 2),
                 mean_se([s["r2"] for s in summary["per_seed"]], 2), "", ""])
    for p, v in summary["players"].items():
        rows.append([f"{p} (seed 0's episodes)", f"{v['slope']:.2f}", f"{v['r2']:.2f}",
                     " ".join(f"{w:+.2f}" for w in v["reward_weights"]), f"{v['reward_per_trial']:.3f}"])
    unit_rows = [["LSTM units coding", "fraction per seed", "mean ± s.e."]]
    for name in UNIT_REGRESSORS:
        values = [s["units"][name] for s in summary["per_seed"]]
        unit_rows.append([name, ", ".join(f"{v:.2f}" for v in values), mean_se(values, 2)])
    seconds = summary.get("timing", {}).get("train_seconds", {}).get(PRESET)
    timing = f" Training took {seconds / 60:.1f} min for all seeds." if seconds else ""
    lo, hi = summary["slope_range"]
    return (markdown_table(rows) + f"\n\n{summary['test_episodes']} test episodes (one block each) per "
            "seed, base probabilities drawn over the whole range, held-out intervals included "
            f"({TEST_STREAM}), frozen weights; the matching law from trial 21 of each block. Seeds "
            f"with a slope in [{lo}, {hi}], R² ≥ {summary['r2_min']} and reward weights decaying with "
            "lag (a positive lag-1 weight, a negative least-squares trend over lags 1–5): "
            f"{summary['seeds_meeting_target']} of {len(summary['per_seed'])}.{timing}\n\n"
            + markdown_table(unit_rows) + "\n\nA unit codes a variable when its coefficient in a "
            "least-squares regression of the unit's activity at the choice on all four is significant "
            f"(p < 0.05), over the first {UNIT_EPISODES} test episodes (about a recording session's "
            "trials); chosen value from a delta rule fitted to the seed's choices.")


def describe(summary: dict) -> str:
    slopes = ", ".join(f"{s['slope']:.2f}" for s in summary["per_seed"])
    return (f"foraging: matching slope per seed {slopes}; {summary['seeds_meeting_target']} of "
            f"{len(summary['per_seed'])} meet the target")


def headline(summary: dict) -> str:
    """``Overview.headline``: the matching slope."""
    slopes = [s["slope"] for s in summary["per_seed"]]
    return f"undermatching, slope {sum(slopes) / len(slopes):.2f}"


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: matching as the monkeys did."""
    low, high = summary["slope_range"]
    test = (f"matching slope in [{low}, {high}], R² ≥ {summary['r2_min']}, reward weights positive and "
            "decaying over the past trials")
    return [Signature(summary["preset"], test, summary["seeds_meeting_target"], len(summary["per_seed"]))]


OVERVIEW = Overview("Wang et al. 2018, Sim. 1: matching and unit coding (Tsutsui et al. 2016)",
                    f"`{PRESET}`", "docs/foraging.md", headline)

EXPERIMENTS = {"foraging": Experiment(name="foraging", directory=DIRECTORY, run_sets=run_sets,
                                      summarize=summarize, figures=write_figures, describe=describe,
                                      table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                      signatures=signatures)}
