"""The two-step task's named configs: the three variants of the original notebooks.

The agent's settings are ``meta_rl.config.Config``'s defaults, Wang et al. 2018's (Methods,
Simulation 4): 48 LSTM units, RMSProp with learning rate 7e-4, discount 0.9,
beta_v = beta_e = 0.05, one episode per update.
"""

from meta_rl.config import Config
from meta_rl.tasks.two_step.env import ARXIV, BIORXIV_FINAL, BIORXIV_FIRST_TRY

VARIANTS = {
    "arxiv": ARXIV,
    "biorxiv-first-try": BIORXIV_FIRST_TRY,
    "biorxiv-final": BIORXIV_FINAL,
}
"""The task parameters of each variant (``env.py`` cites each one's source)."""

EPISODES = {
    "arxiv": 40000,  # Wang et al. 2016 trained on 10-trial episodes; the original notebook: 40k
    "biorxiv-first-try": 20000,  # the committed run's (the original needed ~50k; its run: 194k)
    "biorxiv-final": 20000,  # the original biorxiv-final: 20k episodes of 100 trials
}

PRESETS = {name: Config(name=name, task=params, episodes=EPISODES[name])
           for name, params in VARIANTS.items()}

GYM_ENVS = {f"meta_rl/TwoStep-{name}-v0": params for name, params in VARIANTS.items()}
"""``gym.make("meta_rl/TwoStep-biorxiv-final-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv`` of each variant)."""
