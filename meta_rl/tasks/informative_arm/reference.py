"""The informative arm's reference runs (Wang et al. 2016, section 3.1.3): ``meta-rl reproduce
informative-arm``.

Trains ``SEEDS`` of ``informative-arm`` into ``results/informative-arm/model_<seed>/``, tests
each final checkpoint with frozen weights beside the reference players on the same targets,
tests the same weights on the held-out variants (``presets.HELD_OUT``, never trained on), and
writes ``choices.png`` and ``reward_curves.png`` besides what every experiment writes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from meta_rl.experiment import Experiment, Overview, RunSet, Signature, Tested, scheduled_config
from meta_rl.plotting import plot_training_reward
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.informative_arm.players import expected_optimal_reward
from meta_rl.tasks.informative_arm.plots import plot_choices
from meta_rl.tasks.informative_arm.presets import HELD_OUT, PRESET, PRESETS

SEEDS = tuple(range(10))
DIRECTORY = "informative-arm"
TEST_EPISODES = 1000
TARGETS = {"informative_first": 0.90, "target_after_informative": 0.95, "reward_over_optimal": 0.95}
"""The issue's signature: the informative arm first in at least 90 % of test episodes, then the
target on at least 95 % of the remaining pulls, a reward at least 0.95 x the optimal policy's."""
SEEDS_REQUIRED = 8


def run_sets(episodes: int | None = None, seeds: tuple[int, ...] = SEEDS) -> list[RunSet]:
    """The trained run set, and one untrained run set per held-out variant (the same weights)."""
    config = scheduled_config(PRESETS[PRESET], episodes or PRESETS[PRESET].episodes)
    trained = RunSet(config, seeds, DIRECTORY)
    variants = [RunSet(dataclasses.replace(config, name=name, task=task), seeds, f"{DIRECTORY}/{name}",
                       weights_from=DIRECTORY) for name, task in HELD_OUT.items()]
    return [trained, *variants]


def _entry(result) -> dict:
    reward, se = result.reward()
    return {"reward": round(reward, 4), "reward_se": round(se, 4),
            "reward_over_optimal": round(reward / expected_optimal_reward(result.params), 4),
            **_rounded(result.behaviour()),
            "choices_by_pull": choice_shares(result.trials["action"], result.target,
                                             result.params.informative_arm)}


def _rounded(behaviour: dict[str, float]) -> dict[str, float | None]:
    """``behaviour``'s numbers to 4 places; None where undefined (no informative first pull:
    no later pulls to score), which JSON keeps and compares as it was."""
    return {k: None if v != v else round(v, 4) for k, v in behaviour.items()}


def choice_shares(actions: np.ndarray, target: np.ndarray, informative_arm: int) -> dict[str, list[float]]:
    """Per pull, the share of episodes on the informative arm, on the target and elsewhere."""
    actions = np.asarray(actions)
    informative = (actions == informative_arm).mean(axis=0)
    on_target = (actions == np.asarray(target)[:, None]).mean(axis=0)
    return {"informative": informative.round(4).tolist(), "target": on_target.round(4).tolist(),
            "other": (1 - informative - on_target).round(4).tolist()}


def meets(entry: dict) -> bool:
    """Whether one seed's test shows the signature (``TARGETS``)."""
    return all(entry[k] is not None and entry[k] >= v for k, v in TARGETS.items())


def summarize(tested: Tested) -> dict:
    """``Experiment.summarize``: per seed, the reward and the choices on the trained task and on
    every held-out variant; the players' on seed 0's episodes of each."""
    first = tested.results[tested.run_sets[0].name, tested.run_sets[0].seeds[0]]
    out = {"preset": PRESET, "seeds": list(tested.run_sets[0].seeds),
           "test_episodes": int(first.trials["action"].shape[0]), "targets": TARGETS, "conditions": {}}
    for run_set in tested.run_sets:
        results = [tested.results[run_set.name, s] for s in run_set.seeds]
        per_seed = [{"seed": s, **_entry(r)} for s, r in zip(run_set.seeds, results)]
        players = {p: {"reward": round(results[0].reward(p)[0], 4), **_rounded(results[0].behaviour(p))}
                   for p in results[0].players}
        out["conditions"][run_set.name] = {
            "params": dataclasses.asdict(run_set.config.task), "per_seed": per_seed, "players": players,
            "optimal_expected": expected_optimal_reward(run_set.config.task),
            "seeds_meeting_target": int(sum(meets(s) for s in per_seed))}
    return out


def write_figures(tested: Tested, summary: dict, out) -> None:
    """``Experiment.figures``."""
    plot_choices(summary, path=out / "choices.png")
    trained = dataclasses.replace(tested, run_sets=[r for r in tested.run_sets if r.weights_from is None])
    plot_training_reward(trained, out / "reward_curves.png", tag="perf/reward", ylabel="reward per episode")


LABELS = {PRESET: "trained task: informative arm 10, target pays 5",
          "informative-arm-moved": "held out: informative arm moved to index 0",
          "informative-arm-target-pays-3": "held out: the target pays 3"}


def table(summary: dict) -> str:
    """``Experiment.table``: the agent (mean ± s.e. over seeds, seeds showing the signature)
    beside the players, on the trained task and on each held-out variant."""
    rows = [["condition", "player", "reward per episode", "informative arm first",
             "target after it", "seeds with the signature"]]
    for name, c in summary["conditions"].items():
        seeds = c["per_seed"]
        rows.append([LABELS.get(name, name), f"meta-RL agent ({len(seeds)} seeds)",
                     mean_se([s["reward"] for s in seeds], 2),
                     mean_se([s["informative_first"] for s in seeds], 3),
                     _mean_se_defined([s["target_after_informative"] for s in seeds]),
                     f"{c['seeds_meeting_target']} / {len(seeds)}" if name == PRESET else "(no threshold)"])
        for p, v in c["players"].items():
            after = v["target_after_informative"]
            rows.append(["", p, f"{v['reward']:.2f}", f"{v['informative_first']:.3f}",
                         "-" if after is None else f"{after:.3f}", ""])
    t = summary["targets"]
    return (markdown_table(rows) + f"\n\n{summary['test_episodes']} test episodes of 5 pulls per seed "
            f"({TEST_STREAM}), frozen weights; the players on seed 0's episodes. The signature: the "
            f"informative arm first in ≥ {t['informative_first']:.0%} of episodes, the target on "
            f"≥ {t['target_after_informative']:.0%} of the later pulls of those episodes, and a reward "
            f"≥ {t['reward_over_optimal']} × the optimal policy's expected "
            f"{summary['conditions'][PRESET]['optimal_expected']:.2f}.")


def _mean_se_defined(values: list[float]) -> str:
    """``mean_se`` over the seeds where the value is defined (a seed that never pulled the
    informative arm first has no later pulls to score), with their count when some are not."""
    defined = [v for v in values if v is not None]
    if not defined:
        return "-"
    return mean_se(defined, 3) + (f" ({len(defined)} seeds)" if len(defined) < len(values) else "")


def describe(summary: dict) -> str:
    c = summary["conditions"][PRESET]
    rewards = ", ".join(f"{s['reward']:.2f}" for s in c["per_seed"])
    return (f"informative arm: reward per seed {rewards}; "
            f"signature in {c['seeds_meeting_target']} of {len(c['per_seed'])} seeds")


def headline(summary: dict) -> str:
    """``Overview.headline``."""
    c = summary["conditions"][PRESET]
    seeds = c["per_seed"]
    first = np.mean([s["informative_first"] for s in seeds])
    return (f"informative arm first in {first:.0%} of episodes, reward "
            f"{np.mean([s['reward_over_optimal'] for s in seeds]):.3f} × optimal")


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: ``TARGETS``."""
    c = summary["conditions"][PRESET]
    test = (f"the informative arm first in ≥ {100 * TARGETS['informative_first']:.0f} % of episodes, the "
            f"target on ≥ {100 * TARGETS['target_after_informative']:.0f} % of the pulls after it, reward ≥ "
            f"{TARGETS['reward_over_optimal']} × the optimal policy's")
    return [Signature(PRESET, test, c["seeds_meeting_target"], len(c["per_seed"]))]


OVERVIEW = Overview("Wang et al. 2016: dependent arms II, the informative arm", f"`{PRESET}`",
                    "docs/informative-arm.md", headline)

EXPERIMENTS = {"informative-arm": Experiment(name="informative-arm", directory=DIRECTORY, run_sets=run_sets,
                                             summarize=summarize, figures=write_figures, describe=describe,
                                             table=table, test_episodes=TEST_EPISODES, overview=OVERVIEW,
                                             signatures=signatures)}
