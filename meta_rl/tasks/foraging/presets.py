"""The matching task's named config (Wang et al. 2018, Simulation 1; Tsutsui et al. 2016).

The agent: Wang et al. 2018's 48 LSTM units, input the previous action and reward, A2C with
the two-step task's discount 0.9 and learning rate 7e-4 (the config defaults). 50,000
training episodes: at 20,000 one of two development seeds still matched with a slope of 0.42
(measured on a validation stream), at 50,000 six development seeds lay between 0.61 and 0.68.
"""

from meta_rl.config import Config
from meta_rl.tasks.foraging.env import ForagingParams

PRESETS = {"foraging-tsutsui": Config(name="foraging-tsutsui", task=ForagingParams(), episodes=50000,
                                      checkpoint_every=5000)}

GYM_ENVS = {"meta_rl/Foraging-tsutsui-v0": ForagingParams()}
"""``gym.make("meta_rl/Foraging-tsutsui-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv``)."""
