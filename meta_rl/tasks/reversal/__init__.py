"""The reversal task of Bromberg-Martin et al. 2010, Wang et al. 2018's Simulation 3: does
the prediction error at stimulus onset reflect a value the agent inferred but never
experienced?

``env.py`` (the task: gymnasium and batched), ``presets.py`` (``reversal-bromberg-martin``),
``analysis.py`` (the inferred-value effect), ``players.py`` (model-free and inferring
learners), ``result.py`` (what ``meta-rl test`` reports), ``reference.py`` (``meta-rl
reproduce reversal``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.reversal.env import ReversalParams
from meta_rl.tasks.reversal.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.reversal.reference import EXPERIMENTS
from meta_rl.tasks.reversal.result import test_result

FAMILY = Family(kind=ReversalParams.kind, params_class=ReversalParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
