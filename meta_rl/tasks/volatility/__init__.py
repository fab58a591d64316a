"""The volatility task of Behrens et al. 2007, Wang et al. 2018's Simulation 2: does the
learning rate the agent's activity implements follow the volatility of the world?

``env.py`` (the task: gymnasium and batched), ``presets.py`` (``volatility-behrens``),
``players.py`` (delta-rule reference players), ``analysis.py`` (accuracy per phase,
reversal-aligned choices), ``result.py`` (what ``meta-rl test`` reports, with the delta rule
fitted per phase by ``meta_rl.analysis.phase_fit``), ``reference.py`` (``meta-rl reproduce
volatility``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.volatility.env import VolatilityParams
from meta_rl.tasks.volatility.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.volatility.reference import EXPERIMENTS
from meta_rl.tasks.volatility.result import test_result

FAMILY = Family(kind=VolatilityParams.kind, params_class=VolatilityParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
