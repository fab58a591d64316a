"""The two-step reference runs in words: a variant's summary as terminal text, its table in
``docs/two-step.md``, the README's overview row, and the per-seed tables the notebooks print."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

import meta_rl.tasks.two_step.analysis as analysis
from meta_rl.streams import TEST_STREAM
from meta_rl.tables import markdown_table, mean_se
from meta_rl.tasks.two_step.result import SeedResult, bayes_stay


def describe(summary: dict) -> str:
    """A few lines of text about one variant's summary."""
    mean = summary["mean"]
    stay = " / ".join(f"{v:.3f}" for v in mean["stay"].values())
    seconds = sum(summary["timing"]["train_seconds"].values())
    lines = [
        f"{summary['variant']}: {len(summary['seeds'])} seed(s) x {summary['training_episodes']} "
        f"episodes (training took {seconds:.1f} s)",
        f"  stay (common-rew / common-unrew / uncommon-rew / uncommon-unrew), mean: {stay}",
        f"  reward per 100 trials: {mean['reward_per_100']:.1f} (random {mean['random_per_100']:.1f}, "
        f"Bayes-optimal {mean['bayes_per_100']:.1f}); reward x transition {mean['interaction']:.2f}",
        f"  model-based signature in {summary['model_based_seeds']} of {len(summary['seeds'])} seeds",
    ]
    return "\n".join(lines)


def table(markers: Collection[str], summary: dict) -> str:
    """``Experiment.table``: the variant's numbers (mean ± s.e. across seeds) beside the
    original code's and the paper's, where those report this variant (``markers``: which
    of ``reference.MARKERS`` it shows)."""
    per_seed = summary["per_seed"]
    n = len(per_seed)
    columns = [f"this repository ({n} seed{'s' * (n > 1)}{', mean ± s.e.' if n > 1 else ''})"]
    original, paper = "original, seed 0" in markers, "paper (Sim. 4)" in markers
    columns += ["original code, seed 0"] * original + ["paper (Sim. 4, read off)"] * paper
    rows = [["", *columns]]
    for b, name in enumerate(analysis.BINS):
        rows.append([f"stay after {name.replace('-', ', ')}", mean_se([s["stay"][name] for s in per_seed])]
                    + [f"{analysis.ORIGINAL_STAY[b]:.3f}"] * original
                    + [f"≈ {analysis.PAPER_STAY[b]:.2f}"] * paper)
    coef = [s["regression"][analysis.INTERACTION]["coef"] for s in per_seed]
    z = [s["regression"][analysis.INTERACTION]["z"] for s in per_seed]
    rows.append(["reward × transition (logistic, ±1 coded)",
                 mean_se(coef, 2) + (f" (z {min(z):.1f}–{max(z):.1f})" if n > 1 else f" (z = {z[0]:.1f})")]
                + ["–"] * original + ["–"] * paper)
    rows.append(["model-based signature", f"{summary['model_based_seeds']} of {n} seeds"]
                + ["the stay pattern"] * original + ["the stay pattern"] * paper)
    rows.append(["reward per 100 trials", mean_se([s["reward_per_100"] for s in per_seed], 1)]
                + [f"{analysis.ORIGINAL_REWARD:.1f}"] * original + ["–"] * paper)
    mean = summary["mean"]
    rows.append(["random agent / Bayes-optimal observer, same episodes",
                 f"{mean['random_per_100']:.1f} / {mean['bayes_per_100']:.1f}"] + [""] * (original + paper))
    seconds = sum(summary["timing"]["train_seconds"].values())
    rows.append(["training", f"{summary['training_episodes']:,} episodes per seed, {seconds:.0f} s for all"]
                + [""] * (original + paper))
    note = (f"\n\n{summary['test_episodes']:,} test episodes of {summary['trials_per_episode']} trials per "
            f"seed, {TEST_STREAM}, frozen weights.")
    return markdown_table(rows) + note


def seed_table(seeds: list[SeedResult]) -> str:
    """One line per seed: stay probabilities, rewards, interaction and the signature."""
    head = (f"{'seed':>4} {'episode':>8} {'c-rew':>6} {'c-unr':>6} {'u-rew':>6} {'u-unr':>6} "
            f"{'reward':>7} {'random':>7} {'Bayes':>6} {'r x t (z)':>14} {'model-based':>12}")
    rows = [head]
    for r in seeds:
        stay = " ".join(f"{p:>6.3f}" for p in r.stay)
        reg = r.regression
        rows.append(f"{r.seed:>4} {r.episode:>8} {stay} {r.reward():>7.1f} {r.reward('random'):>7.1f} "
                    f"{r.reward('bayes'):>6.1f} {reg.coef[3]:>6.2f} ({reg.z[3]:>5.1f}) "
                    f"{'yes' if r.model_based else 'no':>12}")
    stays = np.array([r.stay for r in seeds])
    mean = " ".join(f"{p:>6.3f}" for p in stays.mean(axis=0))
    rows.append(f"{'mean':>4} {'':>8} {mean} {np.mean([r.reward() for r in seeds]):>7.1f} "
                f"{np.mean([r.reward('random') for r in seeds]):>7.1f} "
                f"{np.mean([r.reward('bayes') for r in seeds]):>6.1f} "
                f"{np.mean([r.regression.coef[3] for r in seeds]):>6.2f} {'':>7} "
                f"{sum(r.model_based for r in seeds):>8} of {len(seeds)}")
    return "\n".join(rows)


def stay_comparison(seeds: list[SeedResult]) -> str:
    """Mean stay probabilities (and range over seeds) beside the paper's and the original's."""
    stays = np.array([r.stay for r in seeds])
    bayes = np.array([bayes_stay(r) for r in seeds]).mean(axis=0)
    rows = [f"{'previous trial':<22}{'this repository':>24}{'paper (Sim. 4)':>16}"
            f"{'original, seed 0':>18}{'Bayes-optimal':>15}"]
    for b, name in enumerate(analysis.BINS):
        spread = f" ({stays[:, b].min():.2f}-{stays[:, b].max():.2f})" if len(stays) > 1 else ""
        rows.append(f"{name:<22}{stays[:, b].mean():>12.3f}{spread:>12}"
                    f"{analysis.PAPER_STAY[b]:>16.2f}{analysis.ORIGINAL_STAY[b]:>18.3f}{bayes[b]:>15.3f}")
    rows.append("(mean over seeds, range in brackets; Bayes-optimal observer on the same test episodes)")
    return "\n".join(rows)


SIMULATIONS = {"biorxiv-final": "Wang et al. 2018, Sim. 4: two-step task, model-based behaviour "
                                 "(Daw et al. 2011)",
               "biorxiv-first-try": "Wang et al. 2018, Sim. 4, two agent steps per trial",
               "arxiv": "Wang et al. 2016: two-step task, 10-trial episodes"}
"""What each variant reproduces (the README's overview)."""


def headline(summary: dict) -> str:
    """``Overview.headline``: model-based, and the reward beside the Bayes-optimal observer's."""
    mean = summary["mean"]
    return (f"model-based; {mean['reward_per_100']:.1f} reward per 100 trials (Bayes-optimal "
            f"{mean['bayes_per_100']:.1f})")
