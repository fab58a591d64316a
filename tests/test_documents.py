"""The README and docs/: their tables are the committed results', their links resolve."""

import json
import re
from pathlib import Path

import pytest

from meta_rl.reproduce import table_file
from meta_rl.tables import include_tables, included_tables
from meta_rl.tasks import registry

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def committed_tables() -> dict[str, tuple[object, str]]:
    """Every generated table of the committed results by block name: (experiment, text)."""
    tables = {}
    for _, experiment in registry.experiments().values():
        summary = json.loads((ROOT / "results" / experiment.directory / "results.json").read_text())
        tables.update({name: (experiment, text) for name, text in experiment.tables(summary).items()})
    return tables


COMMITTED = committed_tables()


BENCHMARK = "benchmark-"
"""Blocks named ``benchmark-<name>`` hold ``benchmarks/results/<name>.md`` (a benchmark's
``--publish`` writes both)."""


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_tables_are_the_committed_results(path):
    blocks = included_tables(path.read_text())
    for name, body in blocks.items():
        if name.startswith(BENCHMARK):
            measured = ROOT / "benchmarks" / "results" / f"{name.removeprefix(BENCHMARK)}.md"
            assert measured.is_file(), f"{path.name}: no measurement {measured.name} for block {name}"
            assert body == measured.read_text().strip("\n"), f"{path.name}: block {name} differs " \
                f"from benchmarks/results/ (the benchmark's --publish rewrites it)"
            continue
        assert name in COMMITTED, f"{path.name}: unknown table {name}"
        experiment, text = COMMITTED[name]
        assert body == text, f"{path.name}: table {name} differs from results/ " \
            f"(meta-rl reproduce {experiment.name} rewrites it)"


def test_every_experiment_has_its_table_in_the_documents_and_results():
    shown = {name for path in DOCUMENTS for name in included_tables(path.read_text())
             if not name.startswith(BENCHMARK)}
    assert shown == set(COMMITTED)
    assert set(registry.experiments()) <= shown
    for name, (experiment, text) in COMMITTED.items():
        table_md = ROOT / "results" / experiment.directory / table_file(experiment, name)
        assert table_md.read_text() == text + "\n"


def test_a_stale_table_is_caught():
    text = "before\n<!-- table: arxiv -->\n| old | 0.5 |\n<!-- end table -->\nafter\n"
    assert included_tables(text) == {"arxiv": "| old | 0.5 |"}
    updated = include_tables(text, {"arxiv": "| new | 0.6 |", "other": "x"})
    assert updated == "before\n<!-- table: arxiv -->\n| new | 0.6 |\n<!-- end table -->\nafter\n"
    assert included_tables(updated)["arxiv"] != COMMITTED["arxiv"][1]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_relative_links_resolve(path):
    for target in re.findall(r"\]\(([^)#\s]+)", path.read_text()):
        if "://" in target:
            continue
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_readme_is_short():
    assert len((ROOT / "README.md").read_bytes()) <= 15 * 1024
