"""Environments of this package, registered with gymnasium on import.

>>> import gymnasium as gym, meta_rl.envs
>>> env = gym.make("meta_rl/TwoStep-biorxiv-final-v0")

Each task family has a parameters dataclass (its ``kind`` names it in ``config.json``), a
gymnasium environment and a batched TensorFlow version for the compiled trainer.
"""

import gymnasium as gym

from meta_rl.envs.bandit import BanditEnv, BanditParams, BatchedBandit
from meta_rl.envs.harlow import HARLOW_LEVELS, BatchedHarlow, HarlowEnv, HarlowParams
from meta_rl.envs.two_step import (
    ARXIV,
    BIORXIV_FINAL,
    BIORXIV_FIRST_TRY,
    BatchedTwoStep,
    TwoStepEnv,
    TwoStepParams,
)

TWO_STEP_VARIANTS = {
    "arxiv": ARXIV,
    "biorxiv-first-try": BIORXIV_FIRST_TRY,
    "biorxiv-final": BIORXIV_FINAL,
}

BANDIT_VARIANTS = {
    "bandit-dependent-uniform": BanditParams(),
    "bandit-easy": BanditParams(difficulty="easy"),
    "bandit-medium": BanditParams(difficulty="medium"),
    "bandit-hard": BanditParams(difficulty="hard"),
    "bandit-independent": BanditParams(arms="independent"),
}

HARLOW_VARIANTS = {f"harlow-{level}": params for level, params in HARLOW_LEVELS.items()}

TASK_FAMILIES = {
    TwoStepParams.kind: (TwoStepParams, BatchedTwoStep),
    BanditParams.kind: (BanditParams, BatchedBandit),
    HarlowParams.kind: (HarlowParams, BatchedHarlow),
}
"""``kind -> (parameters class, batched task class)``."""


def params_class(kind: str) -> type:
    """The parameters dataclass of a task kind (``KeyError`` if unknown)."""
    return TASK_FAMILIES[kind][0]


def make_batched_task(params, held_out: bool = False):
    """The batched TensorFlow task for ``params``; ``held_out`` selects held-out objects."""
    return TASK_FAMILIES[params.kind][1](params, held_out)


def _register(env_id: str, entry_point, params) -> None:
    if env_id not in gym.registry:
        gym.register(id=env_id, entry_point=entry_point, kwargs={"params": params})


for _name, _params in TWO_STEP_VARIANTS.items():
    _register(f"meta_rl/TwoStep-{_name}-v0", TwoStepEnv, _params)
for _name, _params in BANDIT_VARIANTS.items():
    _register(f"meta_rl/Bandit-{_name.removeprefix('bandit-')}-v0", BanditEnv, _params)
for _name, _params in HARLOW_VARIANTS.items():
    _register(f"meta_rl/Harlow-{_name.removeprefix('harlow-')}-v0", HarlowEnv, _params)

__all__ = ["BANDIT_VARIANTS", "HARLOW_VARIANTS", "TASK_FAMILIES", "TWO_STEP_VARIANTS", "BanditEnv",
           "BanditParams", "BatchedBandit", "BatchedHarlow", "BatchedTwoStep", "HarlowEnv",
           "HarlowParams", "TwoStepEnv", "TwoStepParams", "make_batched_task", "params_class"]
