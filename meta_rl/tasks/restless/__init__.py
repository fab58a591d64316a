"""Restless bandits (Wang et al. 2016, section 3.1.4): does the learned algorithm set its own
learning rate to the volatility it infers?

``env.py`` (the task), ``presets.py`` (``restless``), ``players.py`` (the Bayesian observer,
Thompson sampling with one volatility, UCB1, the best fixed-α delta rule, random),
``result.py`` (what ``meta-rl test`` reports), ``reference.py`` (``meta-rl reproduce
restless``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.restless.env import RestlessParams
from meta_rl.tasks.restless.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.restless.reference import EXPERIMENTS
from meta_rl.tasks.restless.result import test_result

FAMILY = Family(kind=RestlessParams.kind, params_class=RestlessParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
