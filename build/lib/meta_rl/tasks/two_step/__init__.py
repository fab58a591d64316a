"""The two-step task (Daw et al. 2011) in the three variants of the original notebooks:
Wang et al. 2016 (arXiv) and Wang et al. 2018 (Simulation 4).

``env.py`` (the task: gymnasium and batched), ``presets.py`` (named configs),
``result.py`` (what a test shows), ``analysis.py`` (stay probabilities, the logistic
regression, the Bayes-optimal observer), ``players.py`` (model-free and model-based
learners), ``reference.py`` (``meta-rl reproduce``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.two_step.env import TwoStepParams
from meta_rl.tasks.two_step.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.two_step.reference import EXPERIMENTS
from meta_rl.tasks.two_step.result import test_result

FAMILY = Family(kind=TwoStepParams.kind, params_class=TwoStepParams, presets=PRESETS,
                experiments=EXPERIMENTS, gym_envs=GYM_ENVS, test_result=test_result)
