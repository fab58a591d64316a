"""The data model of a reference experiment (no TensorFlow): what ``meta-rl reproduce NAME``
trains (``RunSet``), what it does with the runs (``Experiment``), and what the family's hooks
receive once the runs are tested (``Tested``). The pipeline is ``meta_rl.reproduce``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meta_rl.config import Config
from meta_rl.runs import run_dir
from meta_rl.tables import markdown_table

RESULTS = Path("results")
"""Default results directory (relative to where the command runs: the repository)."""
LOG_EVERY = 100
"""TensorBoard points every 100 episodes in reference runs: small files, smooth curves."""
MAX_POINTS = 2000
"""At most about this many TensorBoard points per reference run (long runs log more sparsely)."""


@dataclass(frozen=True)
class RunSet:
    """Seeds of one config trained for an experiment."""

    config: Config
    """The training config: a preset with the reference schedule (episodes, checkpoints)."""
    seeds: tuple[int, ...]
    directory: str
    """Where its ``model_<seed>`` run directories go, relative to the results directory."""
    history_seeds: tuple[int, ...] = ()
    """Seeds that keep their intermediate checkpoints (the others keep the final one only)."""
    weights_from: str | None = None
    """Not trained: the directory (relative to the results) of another run set whose seeds'
    final weights this one takes unchanged, under its own config: the same agents tested
    under another task setting (e.g. a manipulation at test, weights frozen)."""
    test_episodes: int | None = None
    """Test episodes per seed when not the experiment's (``Experiment.test_episodes``): e.g.
    fewer for long episodes, whose test logs grow with their steps."""

    @property
    def name(self) -> str:
        return self.config.name

    def run_dir(self, seed: int, root: Path = RESULTS) -> Path:
        """The run directory of ``seed`` under the results directory ``root``."""
        return run_dir(Path(root) / self.directory, seed)


@dataclass(frozen=True)
class Overview:
    """An experiment's row in the README's overview table (``meta_rl.documents``)."""

    simulation: str
    """What the experiment reproduces, e.g. "Wang et al. 2018, Sim. 4 (Fig. 4)"."""
    presets: str
    """The presets it trains, as ``meta-rl train`` names them (markdown)."""
    page: str
    """The ``docs/`` page with its full tables, relative to the repository."""
    headline: Callable[[dict], str]
    """The headline numbers of a summary (``results.json``) in a few words."""


@dataclass(frozen=True)
class Signature:
    """How many seeds of a preset show one of the paper's signatures on held-out test
    episodes (``Experiment.signatures``)."""

    preset: str
    test: str
    """The signature stated as a test, e.g. "trials 2–6 correct ≥ 90 %"."""
    showing: int
    """Seeds that pass the test."""
    seeds: int
    """Seeds tested."""
    label: str = ""
    """A short name in the README's overview, where an experiment has several."""


def reliability_table(signatures: list[Signature]) -> str:
    """The ``reliability-NAME`` block of an experiment's page: each signature as a test and
    how many seeds show it."""
    rows = [["preset", "signature (a test on each seed's held-out test episodes)", "seeds showing it"]]
    rows += [[f"`{s.preset}`", s.test, f"{s.showing} of {s.seeds}"] for s in signatures]
    return markdown_table(rows)


def reliability_cell(signatures: list[Signature]) -> str:
    """The overview's compact count: "8/8", or one count per label ("fall 5/5 · rise 3/5")."""
    return " · ".join(f"{s.label + ' ' if s.label else ''}{s.showing}/{s.seeds}" for s in signatures)


@dataclass(frozen=True)
class Experiment:
    """What ``reproduce NAME`` trains, tests, summarises and plots."""

    name: str
    directory: str
    """Where ``results.json``, ``report.txt`` and the figures go, relative to the results."""
    run_sets: Callable[[int | None], list[RunSet]]
    """The run sets; an episode count trains shorter runs (the notebooks' smoke mode)."""
    summarize: Callable[[Tested], dict]
    """The experiment's numbers as a JSON-ready dict."""
    figures: Callable[[Tested, dict, Path], None]
    """Draw the figures of a summary into a directory."""
    describe: Callable[[dict], str]
    """A few lines of text about a summary."""
    table: Callable[[dict], str]
    """The summary as markdown tables, beside the paper's and the original's numbers
    (``table.md``, included by the README and ``docs/``)."""
    test_episodes: int = 300
    """Test episodes per seed."""
    logged_episodes: int | None = None
    """Test episodes per seed kept in each seed's ``test_trials.csv.gz`` (None: all of them).
    Where a measure needs many test episodes to be precise (the bandits' regret ratio), the
    logs keep the first ones and ``meta-rl reproduce`` plays them all again (tests are
    deterministic)."""
    extra_tables: Callable[[dict], dict[str, str]] | None = None
    """Further tables of the summary by block name (``<!-- table: NAME -->``), e.g. an
    ablation that the family's ``docs/`` page shows and the README does not
    (``table-NAME.md``)."""
    overview: Overview | None = None
    """Its row in the README's overview table; None: not shown there."""
    signatures: Callable[[dict], list[Signature]] | None = None
    """The paper's signatures as tests, and how many seeds of the summary pass each: the
    reliability table of the experiment's page and the count in the README's overview."""

    def tables(self, summary: dict) -> dict[str, str]:
        """Every generated table of a summary by block name: ``table`` under the
        experiment's name, then ``extra_tables``, then the reliability table
        (``reliability-NAME``)."""
        tables = {self.name: self.table(summary), **(self.extra_tables(summary) if self.extra_tables else {})}
        if self.signatures:
            tables[f"reliability-{self.name}"] = reliability_table(self.signatures(summary))
        return tables

    def table_file(self, name: str) -> str:
        """The file in the experiment's results directory that holds table ``name``."""
        return "table.md" if name == self.name else f"table-{name}.md"


@dataclass
class Tested:
    """The tested final checkpoints of an experiment's runs, handed to its hooks."""

    family: Any
    """The task family whose experiment this is (a ``meta_rl.tasks.base.TaskFamily``; this
    module sits below the task contract, so it does not import it)."""
    experiment: Experiment
    root: Path
    run_sets: list[RunSet]
    results: dict[tuple[str, int], Any] = field(default_factory=dict)
    """``(config name, seed) -> TestResult`` of the final checkpoint."""
    checkpoint_episode: dict[tuple[str, int], int] = field(default_factory=dict)

    def run_set(self, name: str) -> RunSet:
        return next(r for r in self.run_sets if r.name == name)

    def run_dir(self, name: str, seed: int) -> Path:
        """The run directory of ``seed`` of run set ``name``."""
        return self.run_set(name).run_dir(seed, self.root)


def scheduled_config(config: Config, episodes: int, keep_every: int = 0,
                     checkpoint_every: int | None = None, log_every: int = LOG_EVERY) -> Config:
    """``config`` trained for ``episodes`` with the final checkpoint (and those at multiples
    of ``keep_every``) kept; chunks and TensorBoard points no coarser than the checkpoints.
    Episode counts are rounded up to whole updates (multiples of ``batch_episodes``)."""
    batch = config.batch_episodes

    def whole_updates(n: int) -> int:
        return -(-n // batch) * batch

    episodes = whole_updates(episodes)
    every = checkpoint_every or keep_every or min(config.checkpoint_every, episodes)
    return dataclasses.replace(config, episodes=episodes, keep_every=keep_every,
                               checkpoint_every=every, keep_checkpoints=1, chunk=min(config.chunk, every),
                               log_every=whole_updates(min(max(log_every, episodes // MAX_POINTS), every)))
