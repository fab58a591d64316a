"""Environments of this package, registered with gymnasium on import.

>>> import gymnasium as gym, meta_rl.envs
>>> env = gym.make("meta_rl/TwoStep-biorxiv-final-v0")
"""

import gymnasium as gym

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

for _name, _params in TWO_STEP_VARIANTS.items():
    _id = f"meta_rl/TwoStep-{_name}-v0"
    if _id not in gym.registry:
        gym.register(id=_id, entry_point=TwoStepEnv, kwargs={"params": _params})

__all__ = ["TWO_STEP_VARIANTS", "BatchedTwoStep", "TwoStepEnv", "TwoStepParams"]
