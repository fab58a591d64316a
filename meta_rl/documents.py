"""The generated tables in ``README.md`` and ``docs/*.md``: each ``<!-- table: NAME -->``
block holds what ``meta-rl reproduce`` wrote into an experiment's ``table*.md`` from its
``results.json`` (``meta_rl.tables`` finds and fills the blocks), and the README's
``overview`` block one row per experiment, its headline read from that ``results.json``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from meta_rl.experiment import Experiment, reliability_cell
from meta_rl.tables import include_tables, markdown_table

OVERVIEW = "overview"
"""The block (``<!-- table: overview -->``) of the README's table of every experiment."""


def documents(where: Path = Path(".")) -> list[Path]:
    """The markdown documents whose generated blocks ``meta-rl reproduce`` keeps current: the
    README and every page of ``docs/`` under ``where``."""
    where = Path(where)
    return [p for p in (where / "README.md", *sorted((where / "docs").glob("*.md"))) if p.is_file()]


def update_documents(paths: list[Path], tables: dict[str, str]) -> list[Path]:
    """Rewrite the generated blocks (``<!-- table: NAME -->``) of these markdown documents
    with ``tables`` (block name -> ``table.md`` content); returns those changed."""
    changed = []
    for path in paths:
        text = Path(path).read_text()
        new = include_tables(text, tables)
        if new != text:
            Path(path).write_text(new)
            changed.append(Path(path))
    return changed



def overview_table(experiments: Iterable[Experiment], root: Path) -> str | None:
    """The ``overview`` block: a row per experiment that has an ``Experiment.overview``, its
    headline from ``root/<directory>/results.json`` as committed (read, not recomputed), and
    a link to the ``docs/`` page that holds its full tables. None if an experiment has no
    ``results.json`` under ``root`` (a results directory of some experiments only, such as a
    test's: the README's overview stays as it is)."""
    rows = [["simulation", "`meta-rl reproduce`", "presets", "result", "seeds showing the signature",
             "details"]]
    for experiment in experiments:
        row = experiment.overview
        if row is None:
            continue
        path = Path(root) / experiment.directory / "results.json"
        if not path.is_file():
            return None
        summary = json.loads(path.read_text())
        seeds = reliability_cell(experiment.signatures(summary)) if experiment.signatures else ""
        rows.append([row.simulation, f"`{experiment.name}`", row.presets, row.headline(summary), seeds,
                     f"[{row.page}]({row.page})"])
    return (markdown_table(rows) + "\n\nEach result is read from `results/*/results.json`; the linked page "
            "holds the experiment's tables, beside the paper's and the original code's numbers, and its "
            "signatures stated as tests (held-out test episodes, frozen weights).")
