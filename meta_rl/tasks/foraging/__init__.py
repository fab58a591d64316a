"""The matching task of Tsutsui et al. 2016 (after Lau & Glimcher 2005), Wang et al. 2018's
Simulation 1: does the agent match, weigh past rewards like the monkeys, and do its units
code what prefrontal neurons code?

``env.py`` (the task with baiting: gymnasium and batched), ``presets.py``
(``foraging-tsutsui``), ``analysis.py`` (matching law, history regression, unit coding),
``players.py`` (delta rule, local matching), ``result.py`` (what ``meta-rl test`` reports),
``reference.py`` (``meta-rl reproduce foraging``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.foraging.env import ForagingParams
from meta_rl.tasks.foraging.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.foraging.reference import EXPERIMENTS
from meta_rl.tasks.foraging.result import test_result

FAMILY = Family(kind=ForagingParams.kind, params_class=ForagingParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
