"""meta-rl: meta-reinforcement learning (Wang et al. 2016, 2018) on TensorFlow 2."""

import os as _os

# The compiled episode loops are made of many tiny ops: LLVM's level-1 optimisation runs
# them about 15% faster on CPU than the default level (measured, benchmarks/). Set before
# XLA reads its flags; a level the user chose is kept.
if "xla_backend_optimization_level" not in _os.environ.get("XLA_FLAGS", ""):
    _os.environ["XLA_FLAGS"] = (_os.environ.get("XLA_FLAGS", "")
                                + " --xla_backend_optimization_level=1").strip()

__version__ = "0.1.0"
