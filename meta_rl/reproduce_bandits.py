"""The committed reference results of the bandits (Wang et al. 2016, section 3.1): train,
test against the classical algorithms, plot.

``python -m meta_rl reproduce bandits`` trains every bandit config (``BANDIT_SEEDS``) into
``results/bandits/<config>/model_<seed>/`` (resuming, or leaving finished runs as they are),
tests each seed's final checkpoint on 300 episodes of test stream ``1000 + seed`` with
frozen weights, plays Thompson sampling, the Gittins index, UCB1, epsilon-greedy and a
random player on the same arms with the same reward draws, tests every agent on every other
family too (generalisation), and writes ``results/bandits/``:

* ``results.json``: every number, wall times, versions; ``report.txt``: the test reports;
* ``regret_curves.png``, ``generalisation.png``, ``example_episodes.png``, ``reward_curves.png``;
* ``<config>/model_<seed>/test_trials.csv.gz``: the ``test --trials-csv`` rows.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

from meta_rl.config import Config, get_config
from meta_rl.envs import BANDIT_VARIANTS
from meta_rl.reproduce import (
    LOG_EVERY,
    ROOT,
    TEST_SEED_OFFSET,
    _read_json,
    environment,
    helper_module,
    measured_train_seconds,
    read_scalars,
    results_root,
    train_timed,
    write_trials_gz,
)

BANDIT_SEEDS = {"bandit-dependent-uniform": (0, 1, 2, 3, 4), "bandit-easy": (0,),
                "bandit-medium": (0,), "bandit-hard": (0,), "bandit-independent": (0,)}
"""Seeds trained per config: five for the headline comparison, one for each other family."""
TEST_EPISODES = 300
DIRECTORY = "bandits"


def bandit_config(name: str, episodes: int | None = None) -> Config:
    """The preset ``name`` as trained for the reference results: the final checkpoint only,
    TensorBoard points every 100 episodes (``episodes`` shortens the run)."""
    config = get_config(name)
    episodes = episodes or config.episodes
    every = min(config.checkpoint_every, episodes)
    return dataclasses.replace(config, episodes=episodes, checkpoint_every=every,
                               keep_checkpoints=1, chunk=min(config.chunk, every),
                               log_every=min(LOG_EVERY, every))


def run_dir(name: str, seed: int, root: Path = ROOT / "results") -> Path:
    return Path(root) / DIRECTORY / name / f"model_{seed}"


def train_all(root: Path = ROOT / "results", episodes: int | None = None, progress: bool = True,
              seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS) -> dict[str, float]:
    """Train (or resume) every config's seeds; returns the wall time per config (seconds)."""
    return {name: train_timed(bandit_config(name, episodes), config_seeds,
                              Path(root) / DIRECTORY / name, progress)
            for name, config_seeds in seeds.items()}


def test_all(root: Path = ROOT / "results", episodes: int = TEST_EPISODES,
             seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS, log=None) -> dict:
    """``{(trained on, tested on, seed): BanditResult}`` for every pair of families."""
    from meta_rl.evaluate import load_agent, run_test

    results = {}
    for name, config_seeds in seeds.items():
        for seed in config_seeds:
            _, episode, params = load_agent(run_dir(name, seed, root))
            if log:
                log(f"{name} seed {seed} (episode {episode}): testing on every bandit family")
            for family in BANDIT_VARIANTS:
                results[name, family, seed] = run_test(get_config(family), params,
                                                       TEST_SEED_OFFSET + seed, episodes)
    return results


def summarize(results: dict, seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS) -> dict:
    """Final cumulative regrets as a JSON-ready dict."""
    per_config = {}
    for name, config_seeds in seeds.items():
        own = [results[name, name, s] for s in config_seeds]
        players = ("agent", *own[0].baselines)
        per_config[name] = {
            "seeds": list(config_seeds),
            "test_episodes": int(own[0].trials["action"].shape[0]),
            "final_regret": {p: float(np.mean([r.final_regret(p)[0] for r in own])) for p in players},
            "agent_per_seed": [round(r.final_regret()[0], 3) for r in own],
            "agent_se_per_seed": [round(r.final_regret()[1], 3) for r in own],
            "agent_over_thompson_per_seed": [round(r.final_regret()[0] / r.final_regret("thompson")[0], 3)
                                             for r in own],
            "cumulative_regret": {p: np.round(np.mean([r.cumulative_regret(p) for r in own], axis=0),
                                              3).tolist() for p in players},
        }
    generalisation = {
        name: {family: {"agent": float(np.mean([results[name, family, s].final_regret()[0]
                                                for s in config_seeds])),
                        "thompson": float(np.mean([results[name, family, s].final_regret("thompson")[0]
                                                   for s in config_seeds]))}
               for family in BANDIT_VARIANTS}
        for name, config_seeds in seeds.items()}
    return {"configs": per_config, "generalisation": generalisation}


def regret_table(summary: dict) -> str:
    """Final cumulative regret of the agent (mean over seeds) and of every baseline."""
    configs = summary["configs"]
    players = list(next(iter(configs.values()))["final_regret"])
    head = f"{'config':<26}{'seeds':>6}" + "".join(f"{p:>16}" for p in players)
    rows = [head]
    for name, c in configs.items():
        rows.append(f"{name:<26}{len(c['seeds']):>6}" +
                    "".join(f"{c['final_regret'][p]:>16.2f}" for p in players))
    return "\n".join(rows)


def generalisation_table(summary: dict) -> str:
    """Agent's final regret / Thompson's, trained on the row's family, tested on the column's."""
    gen = summary["generalisation"]
    families = list(next(iter(gen.values())))
    short = [f.removeprefix("bandit-") for f in families]
    corner = "trained on \\ tested on"
    rows = [f"{corner:<26}" + "".join(f"{s:>20}" for s in short)]
    for name, row in gen.items():
        rows.append(f"{name:<26}" + "".join(
            f"{row[f]['agent']:>9.2f} ({row[f]['agent'] / row[f]['thompson']:4.2f}x)" for f in families))
    rows.append("(agent's cumulative regret over 100 trials; in brackets, relative to Thompson sampling "
                "on the same episodes)")
    return "\n".join(rows)


def write_trials(results: dict, root: Path, seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS) -> None:
    """``model_<seed>/test_trials.csv.gz``: the test trials on the agent's own family."""
    for name, config_seeds in seeds.items():
        for seed in config_seeds:
            write_trials_gz(run_dir(name, seed, root), results[name, name, seed])


def example_episodes(name: str = "bandit-dependent-uniform", seed: int = 0,
                     root: Path = ROOT / "results", targets: tuple[float, float] = (0.92, 0.76),
                     episodes: int = TEST_EPISODES) -> dict[str, tuple]:
    """The article's example: the untrained agent (initial weights) on the test episode whose
    left-arm probability is nearest ``targets[0]``, the trained one nearest ``targets[1]``.

    Returns ``{label: (trials of that one episode, p)}``.
    """
    from meta_rl.evaluate import load_agent, run_test
    from meta_rl.model import initial_weights

    config, episode, trained = load_agent(run_dir(name, seed, root))
    out = {}
    for label, params, target in (("untrained", initial_weights(seed, config), targets[0]),
                                  (f"trained ({episode} episodes)", trained, targets[1])):
        result = run_test(config, params, TEST_SEED_OFFSET + seed, episodes)
        e = int(np.argmin(np.abs(result.trials["p0"][:, 0] - target)))
        out[label] = ({k: v[e] for k, v in result.trials.items()}, result.p[e])
    return out


def write_figures(summary: dict, root: Path, seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS) -> None:
    helper = helper_module()
    out = Path(root) / DIRECTORY
    helper.plot_regret_curves(summary, path=out / "regret_curves.png")
    helper.plot_generalisation(summary, path=out / "generalisation.png")
    name = "bandit-dependent-uniform" if "bandit-dependent-uniform" in seeds else next(iter(seeds))
    helper.plot_bandit_episodes(example_episodes(name, seeds[name][0], root),
                                path=out / "example_episodes.png")
    curves = {f"{n.removeprefix('bandit-')}, seed {s}": read_scalars(run_dir(n, s, root))
              for n, config_seeds in seeds.items() for s in config_seeds}
    helper.plot_reward_curves(curves, title="training: reward per 100 pulls",
                              ylabel="reward per 100 pulls", path=out / "reward_curves.png")


def reproduce(root: Path = ROOT / "results", progress: bool = True, episodes: int | None = None,
              test_episodes: int = TEST_EPISODES, seeds: dict[str, tuple[int, ...]] = BANDIT_SEEDS,
              log=lambda msg: print(msg, file=sys.stderr)) -> dict:
    """Train, test and plot every bandit config; returns the summary written to results.json."""
    root = results_root(root)
    out = root / DIRECTORY
    previous = _read_json(out / "results.json")
    train_seconds = train_all(root, episodes, progress, seeds)
    start = time.perf_counter()
    results = test_all(root, test_episodes, seeds, log)
    test_seconds = round(time.perf_counter() - start, 1)
    summary = summarize(results, seeds)
    summary["timing"] = {"train_seconds": measured_train_seconds(previous, train_seconds),
                         "test_seconds": test_seconds}
    summary["command"] = "python -m meta_rl reproduce bandits"
    summary["environment"] = environment()
    write_trials(results, root, seeds)
    (out / "report.txt").write_text("".join(
        f"== {name} seed {s}: test seed {TEST_SEED_OFFSET + s}\n{results[name, name, s].report()}\n\n"
        for name, config_seeds in seeds.items() for s in config_seeds))
    write_figures(summary, root, seeds)
    (out / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"bandits: results written to {out}")
    return summary


def describe(summary: dict) -> str:
    """The regret tables as text."""
    return (f"bandits: final cumulative regret over 100 trials (mean over seeds)\n{regret_table(summary)}\n"
            f"\ngeneralisation:\n{generalisation_table(summary)}")
