"""The Harlow task (Harlow 1949) as in Wang et al. 2018, Simulation 5, at three levels:
symbolic object ids, pixel images, and Psychlab-style gaze.

``env.py`` (the task: gymnasium and batched), ``objects.py`` (procedural object images),
``presets.py`` (named configs), ``result.py`` (accuracy by trial position),
``reference.py`` (``meta-rl reproduce harlow``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.harlow.env import HarlowParams
from meta_rl.tasks.harlow.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.harlow.reference import EXPERIMENTS
from meta_rl.tasks.harlow.result import test_result

FAMILY = Family(kind=HarlowParams.kind, params_class=HarlowParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
