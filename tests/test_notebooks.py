"""The top-level notebooks run top to bottom (short mode) and are stored with their outputs.

``META_RL_SMOKE=1`` makes the notebooks test on fewer episodes and draw shorter
animations; they still analyse the committed runs in ``results/``.
"""

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from meta_rl.tasks.two_step.reference import REFERENCES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(ROOT.glob("*.ipynb"))
VARIANTS = ("arxiv.ipynb", "biorxiv-first-try.ipynb", "biorxiv-final.ipynb")
OTHERS = {"bandits.ipynb": "results/bandits/results.json", "harlow.ipynb": "results/harlow/results.json",
          "volatility.ipynb": "results/volatility/results.json",
          "reversal.ipynb": "results/reversal/results.json",
          "foraging.ipynb": "results/foraging/results.json",
          "risky-choice.ipynb": "results/risky-choice/results.json",
          "informative-arm.ipynb": "results/informative-arm/results.json",
          "restless-bandits.ipynb": "results/restless/results.json",
          "navigation.ipynb": "results/maze/results.json"}
ANALYSES = {"inside-the-agent.ipynb": "10 seeds x 300 test episodes"}
"""Notebooks that analyse the committed runs, and what their stored (full-mode) output says."""


def execute(nb, timeout: int = 240):
    """Run ``nb`` in a fresh kernel in the repository root with the smoke flag set."""
    env = dict(os.environ, META_RL_SMOKE="1", MPLBACKEND="module://matplotlib_inline.backend_inline",
               TF_CPP_MIN_LOG_LEVEL="3")
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


def outputs(nb, kind: str):
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
            if o.get("output_type") == kind]


def test_all_notebooks_are_here():
    assert {p.name for p in NOTEBOOKS} == {"two-step-task.ipynb", *VARIANTS, *OTHERS, *ANALYSES}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_smoke_mode(path):
    start = time.perf_counter()
    nb = execute(nbformat.read(path, as_version=4))
    assert not outputs(nb, "error")
    images = [o for o in outputs(nb, "display_data") + outputs(nb, "execute_result")
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    print(f"{path.name}: {time.perf_counter() - start:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed(path):
    """GitHub shows the stored outputs: every code cell ran, in order, without errors."""
    nb = nbformat.read(path, as_version=4)
    counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert not outputs(nb, "error")
    if path.name in VARIANTS:
        text = "".join(o.get("text", "") for o in outputs(nb, "stream"))
        ref = REFERENCES[path.stem]
        assert f"{ref.test_episodes} test episodes per seed" in text  # stored in full mode
        assert re.search(r"same numbers as \S+results\.json: yes", text)
        assert any("image/gif" in o.get("data", {}) for o in outputs(nb, "display_data"))
    if path.name in OTHERS:  # stored in full mode, agreeing with the committed numbers
        text = "".join(o.get("text", "") for o in outputs(nb, "stream"))
        assert f"same numbers as {OTHERS[path.name]}: yes" in text
    if path.name in ANALYSES:  # stored in full mode
        text = "".join(o.get("text", "") for o in outputs(nb, "stream"))
        assert ANALYSES[path.name] in text


def test_retrain_path_runs():
    """``RETRAIN = True`` in smoke mode trains a short run into a temporary directory."""
    nb = nbformat.read(ROOT / "arxiv.ipynb", as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code" and "RETRAIN = False" in c.source)
    setup.source = setup.source.replace("RETRAIN = False", "RETRAIN = True")
    nb = execute(nb)
    assert not outputs(nb, "error")
    text = "".join(o.get("text", "") for o in outputs(nb, "stream"))
    assert "training took" in text
