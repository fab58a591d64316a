"""Dependent arms II, the informative arm (Wang et al. 2016, section 3.1.3): does the agent
pay an immediate cost for information that pays later?

``env.py`` (the task), ``presets.py`` (``informative-arm`` and the held-out variants),
``players.py`` (optimal, Thompson sampling, never-informative, UCB1, random), ``result.py``
(what ``meta-rl test`` reports), ``reference.py`` (``meta-rl reproduce informative-arm``),
``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.informative_arm.env import InformativeArmParams
from meta_rl.tasks.informative_arm.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.informative_arm.reference import EXPERIMENTS
from meta_rl.tasks.informative_arm.result import test_result

FAMILY = Family(kind=InformativeArmParams.kind, params_class=InformativeArmParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
