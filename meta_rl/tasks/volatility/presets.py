"""The volatility task's named config (Wang et al. 2018, Simulation 2; Behrens et al. 2007).

The agent: Wang et al. 2018's 48 LSTM units, input the previous action and reward. Training
episodes are Behrens' own sessions (both phases, in random order), so every episode shows
the agent both volatilities. Discount and learning rate as for the bandits
(``meta_rl.tasks.bandit.presets``).
"""

from meta_rl.config import Config
from meta_rl.tasks.volatility.env import VolatilityParams

PRESETS = {"volatility-behrens": Config(name="volatility-behrens", task=VolatilityParams(),
                                        episodes=20000, gamma=0.8, lr=1e-3)}

GYM_ENVS = {"meta_rl/Volatility-behrens-v0": VolatilityParams()}
"""``gym.make("meta_rl/Volatility-behrens-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv``)."""
