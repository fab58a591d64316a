"""RL²'s Table 1 as a reference experiment (``k_armed.py``): tiny runs of two cells through the
reproduce pipeline, the summary checked against the test logs it writes, the table and figure."""

import dataclasses
import json

import numpy as np
import pytest

from meta_rl import reproduce
from meta_rl.learn.evaluate import read_trials_csv
from meta_rl.tasks.bandit import FAMILY, k_armed, rl2
from meta_rl.tasks.bandit.result import BAYES_OPTIMAL


def tiny_experiment():
    """One cell of Table 1, two seeds, short runs."""
    def run_sets(episodes=None):
        return [dataclasses.replace(r, test_episodes=15) for r in k_armed.run_sets(32, seeds=(0, 1))
                if k_armed.cell(r.config) == (10, 5)]
    return dataclasses.replace(k_armed.EXPERIMENT, run_sets=run_sets)


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    with pytest.MonkeyPatch.context() as patch:
        # both seeds batched in this process: worker processes are tested elsewhere and would
        # only add their start-up (a TensorFlow import each) to this test
        patch.setattr(reproduce, "default_workers", lambda n_seeds: 1)
        summary = reproduce.reproduce(FAMILY, tiny_experiment(), root, progress=False, log=lambda m: None)
    return root, summary


def test_summary_is_the_test_logs(reproduced):
    root, summary = reproduced
    cell = summary["cells"]["bandit-k5-n10"]
    assert (cell["n"], cell["k"], cell["seeds"], cell["test_episodes"]) == (10, 5, [0, 1], 15)
    assert cell["paper"] == rl2.paper_rewards(10, 5)
    for i, seed in enumerate(cell["seeds"]):
        run = root / "bandits-k-armed" / "bandit-k5-n10" / f"model_{seed}"
        trials = read_trials_csv(run / "test_trials.csv.gz")
        per_episode = trials["p_action"].reshape(15, 10).sum(axis=1)
        assert cell["agent_per_seed"][i] == pytest.approx(per_episode.mean(), abs=1e-3)
        assert cell["agent_regret_per_seed"][i] == pytest.approx(
            (trials["p_best"] - trials["p_action"]).reshape(15, 10).sum(axis=1).mean(), abs=1e-3)
    assert cell["expected_reward"]["agent"] == pytest.approx(np.mean(cell["agent_per_seed"]), abs=1e-3)
    assert cell["seeds_at_least_rl2"] == sum(x >= cell["paper"]["rl2"] for x in cell["agent_per_seed"])
    assert set(cell["expected_reward"]) == {"agent", *rl2.PLAYERS, BAYES_OPTIMAL}  # n = 10: exact ceiling


def test_a_cell_outside_table1_has_no_paper_row(reproduced):
    _, summary = reproduced
    outside = {**summary["cells"]["bandit-k5-n10"], "n": 20, "paper": None, "seeds_at_least_rl2": None}
    stretch = {**summary["cells"]["bandit-k5-n10"], "n": 500, "k": 50}
    both = {"cells": {**summary["cells"], "outside": outside, "stretch": stretch}}
    assert k_armed.cells_at_least_rl2(both)[1] == 1  # neither counts toward the target
    assert "| 20, 5 | 2 |" in k_armed.table(both)


def test_results_table_and_figure(reproduced):
    root, summary = reproduced
    out = root / "bandits-k-armed"
    assert json.loads((out / "results.json").read_text())["cells"] == json.loads(json.dumps(summary["cells"]))
    table = (out / "table.md").read_text()
    assert "| 10, 5 | 2 |" in table and "/ 6.6" in table  # Gittins' Table 1 value beside ours
    assert (out / "k_armed.png").stat().st_size > 10_000
    met, total = k_armed.cells_at_least_rl2(summary)
    assert f"in {met} of {total} cells" in k_armed.headline(summary)


def test_the_table_shows_a_player_of_some_cells_only_where_it_played(reproduced):
    """The exact optimum plays the short horizons only: other cells show "-" in its column."""
    _, summary = reproduced
    cell = summary["cells"]["bandit-k5-n10"]
    longer = {**cell, "n": 100, "paper": rl2.paper_rewards(100, 5),
              "expected_reward": {k: v for k, v in cell["expected_reward"].items() if k != BAYES_OPTIMAL}}
    table = k_armed.table({"cells": {"short": cell, "long": longer}})
    header, _, short_row, long_row = ([x.strip() for x in row.strip("|").split("|")]
                                      for row in table.splitlines()[:4])
    column = header.index(f"{BAYES_OPTIMAL} (ours / Table 1)")
    assert long_row[column] == "-" and short_row[column] != "-"
