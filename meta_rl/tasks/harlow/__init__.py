"""The Harlow task (Harlow 1949) as in Wang et al. 2018, Simulation 5, at three levels:
symbolic object ids, pixel images, and Psychlab-style gaze.

``params.py`` (the parameters), ``episodes.py`` (drawing an episode, held-out
sets), ``objects.py`` (procedural object images), ``screens.py`` (observation images),
``psychlab.py`` (gaze dynamics), ``env.py`` (the task: gymnasium and batched),
``trials.py`` (the trial log), ``features.py`` (object features), ``presets.py`` (the levels,
named configs), ``result.py`` (accuracy by trial position), ``reference.py``
(``meta-rl reproduce harlow``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.harlow.env import HarlowParams
from meta_rl.tasks.harlow.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.harlow.reference import EXPERIMENTS
from meta_rl.tasks.harlow.result import test_result

FAMILY = Family(kind=HarlowParams.kind, params_class=HarlowParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
