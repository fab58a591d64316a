"""How this process runs TensorFlow, decided before TensorFlow is imported.

Importing any part of ``meta_rl`` calls ``quiet_start`` (``meta_rl/__init__.py``): nothing
else in the package sets these.

* TensorFlow prints a start-up banner straight to file descriptor 2 before any log level
  applies (oneDNN, CUDA probing, CPU instructions), once per shared library it loads. The
  first ``import tensorflow`` after ``quiet_start``, wherever it comes from (the command
  line, a notebook, a worker process), runs with descriptor 2 captured; the captured lines
  that are that banner are dropped and every other line is written back, so real warnings
  and errors still show. C++ log lines below WARNING are hidden (``TF_CPP_MIN_LOG_LEVEL=1``).
* XLA's CPU backend compiles with LLVM's optimisation level 1: the compiled episode loops
  are made of many tiny ops and run about 15 % faster than at the default level (measured,
  ``benchmarks/``). A level the user chose is kept.
* The device: TensorFlow places the work on a GPU where one exists, on the CPU otherwise;
  nothing here pins it.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import tempfile

STARTUP_BANNER = (
    "All log messages before absl::InitializeLog",
    "oneDNN custom operations are on",
    "Could not find cuda drivers",
    "cpu_feature_guard",
    "To enable the following instructions",
    "failed call to cuInit",
    "Unable to register cu",
    "computation placer already registered",
    "TF-TRT Warning",
)
"""Substrings of the start-up lines dropped on a machine without a GPU (or its drivers)."""


def quiet_start() -> None:
    """Set the environment TensorFlow reads at import, and quieten its first import."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_backend_optimization_level" not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} --xla_backend_optimization_level=1".strip()
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietImport())


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` once, through the other finders, and wraps its loading in
    ``_without_banner`` (device discovery included, which prints the CUDA lines)."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # one-shot: the inner lookup and later imports go past
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            with _without_banner():
                load(module)
                module.config.list_physical_devices()
                module.get_logger().setLevel("ERROR")  # no retracing notices between configs

        spec.loader.exec_module = exec_module
        return spec


class _without_banner:
    """Capture file descriptor 2; on exit write back every captured line that is not part
    of ``STARTUP_BANNER``."""

    def __enter__(self):
        sys.stderr.flush()
        self._capture = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._capture.fileno(), 2)
        return self

    def __exit__(self, *exc):
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._capture.seek(0)
        text = self._capture.read().decode(errors="replace")
        self._capture.close()
        kept = [line for line in text.splitlines(keepends=True)
                if not any(noise in line for noise in STARTUP_BANNER)]
        if kept:
            sys.stderr.write("".join(kept))
            sys.stderr.flush()
        return False


def single_thread_per_process() -> None:
    """Worker processes each own one core: more TensorFlow threads only compete for it."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def sigterm_as_interrupt():
    """Make SIGTERM stop this process as Ctrl-C does (``KeyboardInterrupt``), so that its
    clean-up runs: worker processes ended, locks released. Returns the previous handler;
    only the main thread can set one (elsewhere nothing changes and None is returned)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)
