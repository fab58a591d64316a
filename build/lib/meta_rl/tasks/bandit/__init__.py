"""Two-armed Bernoulli bandits, the simple example of Wang et al. 2016 (section 3.1).

``env.py`` (the task: gymnasium and batched), ``presets.py`` (named configs), ``result.py``
(regret beside the classical players), ``players.py`` (Thompson sampling, UCB1,
epsilon-greedy, Gittins index, random), ``reference.py`` (``meta-rl reproduce bandits``),
``plots.py`` (figures).
"""

from meta_rl.tasks.bandit.env import BanditParams
from meta_rl.tasks.bandit.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.bandit.reference import EXPERIMENTS
from meta_rl.tasks.bandit.result import test_result
from meta_rl.tasks.base import Family

FAMILY = Family(kind=BanditParams.kind, params_class=BanditParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
