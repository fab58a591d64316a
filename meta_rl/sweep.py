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

SUMMARY_COLUMNS = ("setting", "seeds", "reward_mean", "reward_sd", "interaction_mean",
                   "interaction_sd", "model_based")


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
    """Test results of one setting over its seeds."""

    setting: str
    rewards: list[float]
    interactions: list[float]
    model_based: list[bool]

    def row(self) -> dict[str, str]:
        r, i = np.array(self.rewards), np.array(self.interactions)
        return {"setting": self.setting, "seeds": str(len(r)),
                "reward_mean": f"{r.mean():.2f}", "reward_sd": f"{r.std(ddof=1) if len(r) > 1 else 0:.2f}",
                "interaction_mean": f"{i.mean():.3f}",
                "interaction_sd": f"{i.std(ddof=1) if len(i) > 1 else 0:.3f}",
                "model_based": f"{sum(self.model_based)}/{len(self.model_based)}"}


def test_setting(name: str, run_root: Path, seeds: list[int], episodes: int,
                 test_seed: int) -> SettingSummary:
    """Test every seed of one setting with frozen weights (test seed ``test_seed + seed``)."""
    from meta_rl import analysis
    from meta_rl.evaluate import load_agent, run_test

    summary = SettingSummary(name, [], [], [])
    for seed in seeds:
        config, _, params = load_agent(run_root / f"model_{seed}")
        result = run_test(config, params, test_seed + seed, episodes)
        summary.rewards.append(analysis.reward_per_100(result.trials["reward"]))
        summary.interactions.append(float(result.regression.coef[3]))
        summary.model_based.append(analysis.is_model_based(result.stay, result.regression))
    return summary


def format_table(rows: list[dict[str, str]]) -> str:
    """Rows as an aligned text table."""
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in SUMMARY_COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in SUMMARY_COLUMNS)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in SUMMARY_COLUMNS) for r in rows]
    return "\n".join(lines)


def write_summary(path: Path, rows: list[dict[str, str]]) -> None:
    """The summary as CSV (written atomically)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(Path(path), buf.getvalue())
