"""The README and docs/: their tables are the committed results', their links resolve."""

import json
import re
from pathlib import Path

import pytest

from meta_rl.documents import OVERVIEW, overview_table
from meta_rl.experiment import Signature, reliability_cell, reliability_table
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
        if name == OVERVIEW:
            continue  # test_the_overview_is_the_committed_results
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
             if not name.startswith(BENCHMARK) and name != OVERVIEW}
    assert shown == set(COMMITTED)
    assert set(registry.experiments()) <= shown
    for name, (experiment, text) in COMMITTED.items():
        table_md = ROOT / "results" / experiment.directory / experiment.table_file(name)
        assert table_md.read_text() == text + "\n"


def test_every_experiment_states_its_signatures_and_their_counts():
    """Issue 27's reliability table: each experiment's signatures as tests on its page, the
    counts in the overview; a count never exceeds the seeds tested."""
    for _, experiment in registry.experiments().values():
        assert experiment.signatures is not None, f"{experiment.name}: no signatures"
        page = (ROOT / experiment.overview.page).read_text()
        assert f"reliability-{experiment.name}" in included_tables(page)
        summary = json.loads((ROOT / "results" / experiment.directory / "results.json").read_text())
        for signature in experiment.signatures(summary):
            assert 0 <= signature.showing <= signature.seeds and signature.test


def test_reliability_table_and_overview_cell():
    one = [Signature("p", "a test", 4, 5)]
    several = [Signature("p", "t1", 5, 5, label="fall"), Signature("p", "t2", 3, 5, label="rise")]
    assert reliability_cell(one) == "4/5" and reliability_cell(several) == "fall 5/5 · rise 3/5"
    assert reliability_table(several).splitlines()[2:] == ["| `p` | t1 | 5 of 5 |", "| `p` | t2 | 3 of 5 |"]


def test_the_overview_is_the_committed_results():
    """The README's overview: a row per experiment, read from its committed ``results.json``,
    linking a page that shows the experiment's full tables."""
    experiments = [e for _, e in registry.experiments().values()]
    readme = (ROOT / "README.md").read_text()
    assert included_tables(readme)[OVERVIEW] == overview_table(experiments, ROOT / "results"), \
        "README.md: the overview differs from results/ (meta-rl reproduce rewrites it)"
    for experiment in experiments:
        assert experiment.overview is not None, f"{experiment.name}: no row in the overview"
        page = (ROOT / experiment.overview.page).read_text()
        assert f"<!-- table: {experiment.name} -->" in page, \
            f"{experiment.overview.page} does not show the tables of {experiment.name}"
    assert sum(OVERVIEW in included_tables(p.read_text()) for p in DOCUMENTS) == 1


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
    """Each experiment adds a row to the README, its tables go to its docs/ page."""
    assert len((ROOT / "README.md").read_bytes()) <= 15_000
