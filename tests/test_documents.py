"""The README and docs/: their tables are the committed results', their links resolve."""

import json
import re
from pathlib import Path

import pytest

from meta_rl.tables import include_tables, included_tables
from meta_rl.tasks import registry

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def committed_table(name: str) -> str:
    _, experiment = registry.experiments()[name]
    summary = json.loads((ROOT / "results" / experiment.directory / "results.json").read_text())
    return experiment.table(summary)


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
        assert name in registry.experiments(), f"{path.name}: unknown table {name}"
        assert body == committed_table(name), f"{path.name}: table {name} differs from results/ " \
            f"(meta-rl reproduce {name} rewrites it)"


def test_every_experiment_has_its_table_in_the_documents_and_results():
    shown = {name for path in DOCUMENTS for name in included_tables(path.read_text())
             if not name.startswith(BENCHMARK)}
    assert shown == set(registry.experiments())
    for name, (_, experiment) in registry.experiments().items():
        table_md = ROOT / "results" / experiment.directory / "table.md"
        assert table_md.read_text() == committed_table(name) + "\n"


def test_a_stale_table_is_caught():
    text = "before\n<!-- table: arxiv -->\n| old | 0.5 |\n<!-- end table -->\nafter\n"
    assert included_tables(text) == {"arxiv": "| old | 0.5 |"}
    updated = include_tables(text, {"arxiv": "| new | 0.6 |", "other": "x"})
    assert updated == "before\n<!-- table: arxiv -->\n| new | 0.6 |\n<!-- end table -->\nafter\n"
    assert included_tables(updated)["arxiv"] != committed_table("arxiv")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_relative_links_resolve(path):
    for target in re.findall(r"\]\(([^)#\s]+)", path.read_text()):
        if "://" in target:
            continue
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_readme_is_short():
    assert len((ROOT / "README.md").read_bytes()) <= 15 * 1024
