"""The two-step task's reference runs: one experiment per variant (``meta-rl reproduce
biorxiv-final``, ``biorxiv-first-try``, ``arxiv``).

Each trains its seeds, tests every final checkpoint on fresh episodes with frozen weights,
measures the stay probabilities of the checkpoints kept along the way, and writes into the
variant's directory, besides what every experiment writes (``meta_rl.reproduce``):
``reward_curves.png``, ``stay_probabilities.png``, ``stay_evolution.png`` and
``episode.gif``. The notebooks use the same functions, so they show what the command wrote.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import meta_rl.tasks.two_step.analysis as analysis
import meta_rl.tasks.two_step.players as players
import meta_rl.tasks.two_step.report as report
from meta_rl import runs
from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.experiment import (
    LOG_EVERY,
    RESULTS,
    Experiment,
    Overview,
    RunSet,
    Signature,
    Tested,
    scheduled_config,
)
from meta_rl.learn.tensorboard import read_scalars
from meta_rl.plotting import median_index, plot_reward_curves
from meta_rl.reproduce import test_checkpoints, test_final, train_run_set
from meta_rl.streams import TEST_SEED_OFFSET
from meta_rl.tasks.two_step.plots import animate_episode, plot_stay_evolution, plot_stay_panels
from meta_rl.tasks.two_step.presets import PRESETS
from meta_rl.tasks.two_step.result import SeedResult, bayes_stay

REWARD_TAG = "perf/reward_per_100_trials"


@dataclass(frozen=True)
class Reference:
    """How one variant's reference run is trained and tested."""

    name: str
    """Config preset (``presets.PRESETS``)."""
    directory: str
    """Where the runs go, relative to the results directory."""
    seeds: tuple[int, ...]
    episodes: int
    """Training episodes per seed."""
    keep_every: int
    """Checkpoints kept along the way (for the evolution of the stay probabilities)."""
    test_episodes: int
    """Test episodes per seed with frozen weights."""
    evolution_seeds: tuple[int, ...]
    """Seeds whose intermediate checkpoints are kept (the others keep their final one only)."""
    animation_trials: int
    """Trials of test episode 0 shown in ``episode.gif``."""
    markers: tuple[str, ...] = ()
    """Published stay probabilities drawn beside this variant's (``MARKERS`` keys): only
    where that publication reports this very experiment."""


MARKERS = {"paper (Sim. 4)": analysis.PAPER_STAY, "original, seed 0": analysis.ORIGINAL_STAY}
"""Wang et al. 2018, Simulation 4 (Fig. 5, read off), and the original code's biorxiv-final
checkpoint."""


REFERENCES = {
    # the original: 8 seeds x 20k episodes, 300 test episodes per seed
    "biorxiv-final": Reference("biorxiv-final", "biorxiv/final", tuple(range(10)), 20000, 2000, 300,
                               (0, 1), 50, ("paper (Sim. 4)", "original, seed 0")),
    # the original needed ~50k (its run: 194k); this one shows the signature well before 20k.
    # 8 seeds as for biorxiv-final: its arrival prediction errors (two steps per trial) are
    # the RPE analysis of inside-the-agent.ipynb
    "biorxiv-first-try": Reference("biorxiv-first-try", "biorxiv/first-try", tuple(range(10)), 20000, 2000,
                                   300, (0,), 50, ("paper (Sim. 4)",)),
    # episodes are 10 trials long: 3000 test episodes (the original's) = 30,000 trials, as above;
    # Wang et al. 2016's own two-step numbers are not among the markers (not read off here)
    "arxiv": Reference("arxiv", "arxiv", tuple(range(10)), 40000, 4000, 3000, (0,), 10),
}


def reference(name: str) -> Reference:
    """The reference settings of variant ``name``; ``MetaRLError`` listing the choices."""
    if name not in REFERENCES:
        raise MetaRLError(f"unknown variant {name!r}; choose one of: {', '.join(REFERENCES)}")
    return REFERENCES[name]


def reference_config(ref: Reference, episodes: int | None = None) -> Config:
    """The training config of ``ref``: the preset with the reference episodes and checkpoints.

    ``episodes`` trains a shorter (or longer) run with proportionally spaced checkpoints
    (the notebooks' smoke mode). Only the newest checkpoint and multiples of ``keep_every``
    are kept.
    """
    config = PRESETS[ref.name]
    if episodes is None or episodes == ref.episodes:
        # checkpoints must be written at every multiple of keep_every to be kept
        every = math.gcd(config.checkpoint_every, ref.keep_every)
        return scheduled_config(config, ref.episodes, ref.keep_every, every)
    if episodes <= 0:
        raise MetaRLError(f"episodes must be positive, got {episodes}")
    keep = max(1, ref.keep_every * episodes // ref.episodes)
    return scheduled_config(config, episodes, keep, keep, min(LOG_EVERY, keep))


def run_set(ref: Reference, episodes: int | None = None) -> RunSet:
    """The seeds ``reproduce`` trains for ``ref``."""
    return RunSet(reference_config(ref, episodes), ref.seeds, ref.directory, ref.evolution_seeds)


def results_dir(ref: Reference, root: Path = RESULTS) -> Path:
    """``root/<variant directory>``: holds ``model_<seed>`` run directories."""
    return Path(root) / ref.directory


def run_dir(ref: Reference, seed: int, root: Path = RESULTS) -> Path:
    return runs.run_dir(results_dir(ref, root), seed)


def train_reference(ref: Reference, root: Path = RESULTS, episodes: int | None = None,
                    progress: bool = True) -> float:
    """Train (or resume) every seed of ``ref`` into ``root``; returns the wall time in seconds."""
    return train_run_set(run_set(ref, episodes), root, progress)


def reward_curves(ref: Reference, root: Path = RESULTS) -> dict[str, list[tuple]]:
    """``{variant: [(episodes, reward per 100 trials) of each seed]}`` from TensorBoard."""
    return {ref.name: [read_scalars(run_dir(ref, s, root), REWARD_TAG) for s in ref.seeds]}


def evaluate_seeds(family, ref: Reference, root: Path = RESULTS, episodes: int | None = None,
                   log=None) -> list[SeedResult]:
    """Test the final checkpoint of every seed on ``episodes`` (default ``ref.test_episodes``)
    episodes of test stream ``TEST_SEED_OFFSET + seed``."""
    out = []
    for seed in ref.seeds:
        episode, result = test_final(family, run_set(ref), seed, root, episodes or ref.test_episodes)
        if log:
            log(f"{ref.name}: tested seed {seed} (checkpoint at episode {episode})")
        out.append(SeedResult(seed, episode, TEST_SEED_OFFSET + seed, result))
    return out


def seed_results(ref: Reference, tested: Tested) -> list[SeedResult]:
    """The seeds ``reproduce`` tested, as ``SeedResult``s."""
    return [SeedResult(s, tested.checkpoint_episode[ref.name, s], TEST_SEED_OFFSET + s,
                       tested.results[ref.name, s]) for s in ref.seeds]


@dataclass
class Evolution:
    """Stay probabilities and reward of the checkpoints kept during training."""

    episodes: np.ndarray
    """Training episodes of the checkpoints ``[K]``."""
    seeds: list[int]
    stay: np.ndarray
    """``[K, n_seeds, 4]`` in ``analysis.BINS`` order."""
    reward: np.ndarray
    """``[K, n_seeds]`` reward per 100 trials."""
    test_episodes: int


def stay_evolution(family, ref: Reference, root: Path = RESULTS, episodes: int | None = None,
                   max_checkpoints: int | None = None) -> Evolution:
    """Test every checkpoint kept for the evolution seeds on the same test episodes.

    ``episodes`` defaults to a third of ``ref.test_episodes``. Only checkpoints present for
    every evolution seed are used; ``max_checkpoints`` keeps that many, evenly spaced,
    always including the last.
    """
    episodes = episodes or max(1, ref.test_episodes // 3)
    seeds = list(ref.evolution_seeds)
    tested = {s: dict(test_checkpoints(family, run_dir(ref, s, root), s, episodes))
              for s in seeds}
    common = sorted(set.intersection(*(set(t) for t in tested.values())))
    if max_checkpoints and len(common) > max_checkpoints:
        picks = np.linspace(len(common) - 1, 0, max_checkpoints).round().astype(int)
        common = [common[i] for i in sorted(set(picks))]
    stay = np.array([[tested[s][e].stay for s in seeds] for e in common])
    reward = np.array([[tested[s][e].reward() for s in seeds] for e in common])
    return Evolution(np.array(common), seeds, stay, reward, episodes)


def summarize(ref: Reference, seeds: list[SeedResult], evolution: Evolution | None = None) -> dict:
    """The numbers of a tested reference run as a JSON-ready dict."""
    per_seed = []
    for r in seeds:
        reg = r.regression
        per_seed.append({
            "seed": r.seed, "checkpoint_episode": r.episode, "test_seed": r.test_seed,
            "stay": dict(zip(analysis.BINS, _floats(r.stay))),
            "reward_per_100": r.reward(), "random_per_100": r.reward("random"),
            "bayes_per_100": r.reward("bayes"),
            "regression": {name: {"coef": float(c), "se": float(s), "z": float(z), "p": float(p)}
                           for name, c, s, z, p in zip(reg.names, reg.coef, reg.se, reg.z, reg.p)},
            "model_based": r.model_based,
        })
    stays = np.array([r.stay for r in seeds])
    out = {
        "variant": ref.name,
        "seeds": list(ref.seeds),
        "training_episodes": max(r.episode for r in seeds),
        "test_episodes": len(seeds[0].result.trials["action"]),
        "trials_per_episode": int(seeds[0].result.trials["action"].shape[1]),
        "mean": {
            "stay": dict(zip(analysis.BINS, _floats(stays.mean(axis=0)))),
            "reward_per_100": float(np.mean([r.reward() for r in seeds])),
            "random_per_100": float(np.mean([r.reward("random") for r in seeds])),
            "bayes_per_100": float(np.mean([r.reward("bayes") for r in seeds])),
            "interaction": float(np.mean([r.regression.coef[3] for r in seeds])),
            "bayes_stay": dict(zip(analysis.BINS, _floats(np.mean([bayes_stay(r) for r in seeds], axis=0)))),
        },
        "model_based_seeds": int(sum(r.model_based for r in seeds)),
        "per_seed": per_seed,
    }
    if evolution is not None:
        out["evolution"] = {"seeds": evolution.seeds, "test_episodes": evolution.test_episodes,
                            "checkpoint_episodes": [int(e) for e in evolution.episodes],
                            "stay": np.round(evolution.stay, 4).tolist(),
                            "reward_per_100": np.round(evolution.reward, 2).tolist()}
    return out


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def summarize_tested(ref: Reference, tested: Tested) -> dict:
    """``Experiment.summarize``: the seeds' numbers and the evolution of the stay
    probabilities over the checkpoints kept (tested on a third of the test episodes)."""
    seeds = seed_results(ref, tested)
    episodes = max(1, len(seeds[0].result.trials["action"]) // 3)
    return summarize(ref, seeds, stay_evolution(tested.family, ref, tested.root, episodes))


def reference_players(ref: Reference, seeds: int = 8, episodes: int | None = None) -> dict[str, np.ndarray]:
    """Stay probabilities ``[seeds, 4]`` of the canonical model-free and model-based players
    (Daw et al. 2011; ``players.py``) on the variant's task, ``seeds`` runs of ``episodes``
    (default ``ref.test_episodes``) each."""
    params = PRESETS[ref.name].task
    makers = {"model-free (SARSA(λ))": players.ModelFree,
              "model-based (planner)": lambda: players.ModelBased(common_prob=params.common_prob)}
    out = {}
    for name, make in makers.items():
        played = [players.play(make(), params, episodes or ref.test_episodes, seed=s) for s in range(seeds)]
        out[name] = np.array([analysis.stay_probabilities(t["action"], t["common"], t["reward"])
                              for t in played])
    return out


def stay_figure(ref: Reference, seeds: list[SeedResult], path: Path | None = None,
                player_episodes: int | None = None):
    """The agent's stay probabilities beside the canonical model-free and model-based
    players', as the paper's Fig. 5 sets them; a one-seed agent gets a bootstrap 95 % CI
    over its test episodes."""
    n_test = len(seeds[0].result.trials["action"])
    agent = f"meta-RL agent, {ref.name}"
    panels = {agent: np.array([r.stay for r in seeds]), **reference_players(ref, episodes=player_episodes)}
    t = seeds[0].result.trials
    one_seed = len(seeds) == 1
    cis = {agent: analysis.stay_bootstrap_ci(t["action"], t["common"], t["reward"])} if one_seed else {}
    return plot_stay_panels(panels, references=paper_references(ref), references_on=(agent,), cis=cis,
                            suptitle=f"{n_test} test episodes per seed (frozen weights); players: 8 runs",
                            path=path)


def write_figures(ref: Reference, tested: Tested, summary: dict, out: Path) -> None:
    """``Experiment.figures``: the reward curves, the stay probabilities beside the
    reference players', their evolution over training and an animated test episode."""
    seeds = seed_results(ref, tested)
    refs = {"random agent": summary["mean"]["random_per_100"],
            "Bayes-optimal observer": summary["mean"]["bayes_per_100"]}
    plot_reward_curves(reward_curves(ref, tested.root), title=f"{ref.name}: training",
                       references=refs, path=out / "reward_curves.png")
    stay_figure(ref, seeds, out / "stay_probabilities.png")
    evolution = summary["evolution"]
    if len(evolution["checkpoint_episodes"]) > 1:
        plot_stay_evolution(np.array(evolution["checkpoint_episodes"]), np.array(evolution["stay"]),
                            references=paper_stay(ref),
                            title=f"{ref.name}: stay probabilities of checkpoints "
                            f"({evolution['test_episodes']} test episodes each)",
                            path=out / "stay_evolution.png")
    # the example: the median seed by the model-based signature, the reward x transition coefficient
    shown = seeds[median_index([r.regression.interaction for r in seeds])]
    n_trials = min(ref.animation_trials, shown.result.trials["action"].shape[1])
    episode = episode_with_swap(shown.result.trials, n_trials)
    animate_episode(shown.result.trials, out / "episode.gif", episode=episode, n_trials=n_trials,
                    params=PRESETS[ref.name].task,
                    title=f"{ref.name}, seed {shown.seed} (the median reward x transition coefficient), "
                    f"test episode {episode} (frozen weights)")


def episode_with_swap(trials: dict, n_trials: int) -> int:
    """The first test episode whose rich state swaps within the middle of its first
    ``n_trials`` trials (so an animation shows the agent adapting); 0 if there is none."""
    rich = trials["rich_state"][:, :n_trials]
    margin = max(1, n_trials // 5)
    swapped = rich[:, 1:] != rich[:, :-1]  # [:, t - 1]: the rich state swapped before trial t
    found = np.flatnonzero(swapped[:, margin - 1:n_trials - 1 - margin].any(axis=1))
    return int(found[0]) if len(found) else 0


def paper_references(ref: Reference) -> dict[str, np.ndarray]:
    """The published stay probabilities drawn beside this variant's bars."""
    return {name: MARKERS[name] for name in ref.markers}


def paper_stay(ref: Reference) -> np.ndarray | None:
    """The paper's stay probabilities where the paper reports this variant, else None."""
    return MARKERS["paper (Sim. 4)"] if "paper (Sim. 4)" in ref.markers else None


def experiment(ref: Reference) -> Experiment:
    """``meta-rl reproduce <variant>``."""
    return Experiment(name=ref.name, directory=ref.directory,
                      run_sets=lambda episodes: [run_set(ref, episodes)],
                      summarize=functools.partial(summarize_tested, ref),
                      figures=functools.partial(write_figures, ref),
                      describe=report.describe, table=functools.partial(report.table, ref.markers),
                      test_episodes=ref.test_episodes,
                      overview=Overview(report.SIMULATIONS[ref.name], f"`{ref.name}`", "docs/two-step.md",
                                        report.headline), signatures=signatures)


MODEL_BASED = ("model-based: stay after common-rewarded > uncommon-rewarded, after uncommon-unrewarded > "
               "common-unrewarded, and a positive reward × transition interaction (p < 0.05)")
"""``analysis.is_model_based`` in words."""


def signatures(summary: dict) -> list[Signature]:
    """``Experiment.signatures``: the model-based signature."""
    return [Signature(summary["variant"], MODEL_BASED, summary["model_based_seeds"], len(summary["seeds"]))]


EXPERIMENTS = {name: experiment(ref) for name, ref in REFERENCES.items()}
