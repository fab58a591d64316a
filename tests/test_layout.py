"""The package's shape: imports flow one way, generic code names no task family, no module
over 400 lines, nothing edits the module search path, and importing any module prints nothing."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "meta_rl"
FAMILY_DIRS = sorted(p for p in (PACKAGE / "tasks").iterdir() if p.is_dir() and not p.name.startswith("_"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports (anywhere in the file, lazily or not)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n in modules and n != name)
    return found


def test_no_import_circle():
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: imported_modules(p, set(files)) for m, p in files.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m, path):
        state[m] = 1
        for n in sorted(graph[m]):
            assert state.get(n) != 1, "import circle: " + " -> ".join(path + [m, n])
            if n not in state:
                visit(n, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_generic_code_names_no_family():
    assert [p.name for p in FAMILY_DIRS] == ["bandit", "foraging", "harlow", "informative_arm", "maze",
                                             "restless", "reversal", "risky_choice", "two_step", "volatility"]
    patterns = {p.name: re.compile(r"\b" + p.name.replace("_", "[-_ ]?") + r"\b", re.IGNORECASE)
                for p in FAMILY_DIRS}
    for path in PACKAGE.rglob("*.py"):
        if "tasks" in path.relative_to(PACKAGE).parts:
            continue
        text = path.read_text()
        named = [f for f, pattern in patterns.items() if pattern.search(text)]
        assert not named, f"{path.relative_to(ROOT)} names {named}"


MAX_LINES = 400
"""A module longer than this has more than one job (the developers' guide)."""


def test_no_module_is_over_400_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


def test_nothing_edits_sys_path():
    files = [*PACKAGE.rglob("*.py"), *ROOT.glob("*.py"), *(ROOT / "tests").rglob("*.py"),
             *(ROOT / "benchmarks").glob("*.py"), *ROOT.glob("*.ipynb")]
    needle = "sys." + "path"  # spelt apart so that this file does not find itself
    assert [p.name for p in files if needle in p.read_text()] == []


def test_no_private_names_imported_across_modules():
    for path in [*PACKAGE.rglob("*.py"), ROOT / "helper.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("meta_rl"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.relative_to(ROOT)} imports {private} from {node.module}"


@pytest.mark.parametrize("code", [
    # every module, then TensorFlow at work (device discovery, an XLA compilation)
    "import pkgutil, importlib, meta_rl\n"
    "for m in pkgutil.walk_packages(meta_rl.__path__, 'meta_rl.'):\n"
    "    if m.name != 'meta_rl.__main__': importlib.import_module(m.name)\n"
    "import tensorflow as tf\n"
    "print(tf.function(lambda x: x * 2, jit_compile=True)(tf.constant(1.0)).numpy())",
    # a notebook's order: the package first, TensorFlow later, through the package
    "import helper\nfrom meta_rl.tasks.registry import get_config\n"
    "from meta_rl.learn.evaluate import play_test\nfrom meta_rl.agent.network import initial_weights\n"
    "c = get_config('biorxiv-final')\n"
    "print(play_test(c, initial_weights(0, c), 1, 2).records['reward'].shape)",
])
def test_start_is_quiet(code):
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("TF_", "XLA_"))}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr


def test_real_errors_still_show():
    """Only the start-up banner is dropped: what is printed later still shows."""
    code = ("import sys, meta_rl, tensorflow as tf\n"
            "tf.get_logger().error('a real error')\n"
            "print('after the import', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0
    assert "a real error" in done.stderr and "after the import" in done.stderr
