"""The risky-choice task of Stopper et al. 2014, Wang et al. 2018's Simulation 6: does
moving the prediction error the agent receives, as optogenetics moved dopamine, shift its
risky choices the way it shifted the rats'?

``env.py`` (the task and the manipulations), ``presets.py`` (``risky-choice-stopper``),
``analysis.py`` (risky choice by block), ``players.py``, ``result.py``, ``reference.py``
(``meta-rl reproduce risky-choice``: control, stimulation, inhibition), ``plots.py``.
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.risky_choice.env import RiskyChoiceParams
from meta_rl.tasks.risky_choice.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.risky_choice.reference import EXPERIMENTS
from meta_rl.tasks.risky_choice.result import test_result

FAMILY = Family(kind=RiskyChoiceParams.kind, params_class=RiskyChoiceParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
