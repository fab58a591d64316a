"""Hyperparameter sweeps: every combination of a grid, many seeds each, one summary table."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meta_rl.config import Config, override
from meta_rl.errors import MetaRLError
from meta_rl.files import atomic_write_text
from meta_rl.runs import run_dir
from meta_rl.streams import STREAM_VALIDATION
from meta_rl.tables import format_columns

FIRST_COLUMNS = ("setting", "seeds")
"""Then ``<metric>_mean`` and ``<metric>_sd`` for every headline metric of the family's test
result (``TestResult.metrics``)."""


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    """``["lr=3e-4,7e-4", "gamma=0.8,0.9"]`` -> ``{"lr": [...], "gamma": [...]}``."""
    grid: dict[str, list[str]] = {}
    for item in items:
        key, eq, values = item.partition("=")
        choices = [v.strip() for v in values.split(",") if v.strip()]
        if not eq or not key.strip() or not choices:
            raise MetaRLError(f"malformed --grid {item!r}: use e.g. lr=3e-4,7e-4")
        grid[key.strip()] = choices
    if not grid:
        raise MetaRLError("sweep needs at least one --grid FIELD=V1,V2")
    return grid


def grid_settings(base: Config, grid: dict[str, list[str]]) -> list[tuple[str, Config]]:
    """``(name, config)`` for every combination; ``name`` is e.g. ``lr=3e-4,gamma=0.9``."""
    keys = list(grid)
    out = []
    for values in itertools.product(*(grid[k] for k in keys)):
        name = ",".join(f"{k}={v}" for k, v in zip(keys, values))
        out.append((name, override(base, dict(zip(keys, values)))))
    return out


@dataclass
class SettingSummary:
    """Test results of one setting over its seeds: each seed's headline metrics."""

    setting: str
    metrics: list[dict[str, float]]
    seeds: list[int]

    def row(self) -> dict[str, str]:
        """The summary row: mean and s.d. over seeds of every metric."""
        out = {"setting": self.setting, "seeds": str(len(self.metrics))}
        for name in self.metrics[0]:
            values = np.array([m[name] for m in self.metrics], dtype=float)
            sd = values.std(ddof=1) if len(values) > 1 else 0.0
            out[f"{name}_mean"], out[f"{name}_sd"] = f"{values.mean():.4g}", f"{sd:.3g}"
        return out

    def seed_rows(self) -> list[dict[str, str]]:
        """One row per seed: its metrics (``per_seed.csv``: how many seeds of a setting pass a
        bar, which the mean and s.d. do not say)."""
        return [{"setting": self.setting, "seed": str(seed), **{k: f"{v:.4g}" for k, v in m.items()}}
                for seed, m in zip(self.seeds, self.metrics)]


def test_setting(family, name: str, run_root: Path, seeds: list[int], episodes: int,
                 offset: int) -> SettingSummary:
    """Test every seed of one setting with frozen weights on the validation stream of seed
    ``offset + seed`` (``STREAM_VALIDATION``: never the episodes the reference runs are
    tested on, so choosing a setting by it leaves their test held out)."""
    from meta_rl.learn.evaluate import load_agent, run_test

    metrics = []
    for seed in seeds:
        config, _, params = load_agent(run_dir(run_root, seed), family.task_classes())
        metrics.append(run_test(family, config, params, offset + seed, episodes,
                                stream=STREAM_VALIDATION).metrics())
    return SettingSummary(name, metrics, list(seeds))


def format_table(rows: list[dict[str, str]]) -> str:
    """Rows as an aligned text table (columns separated by two spaces at least)."""
    columns = list(rows[0])
    return format_columns([columns, *([r[c] for c in columns] for r in rows)])


def write_summary(path: Path, rows: list[dict[str, str]]) -> None:
    """The summary as CSV (written atomically)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(Path(path), buf.getvalue())
