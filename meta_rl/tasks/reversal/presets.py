"""The reversal task's named config (Wang et al. 2018, Simulation 3; Bromberg-Martin et al.
2010).

Bromberg-Martin et al. 2010: a target on the left or the right; one direction paid a large
reward and the other a small one, reversing between blocks without a cue. Wang et al. 2018
describe it as one side rewarded and the other not. Chosen here, where neither source is
used: large 1.0 and small 0.2 (both stimuli worth responding to, as in the monkeys' task),
blocks of 10 to 20 trials (uniform), 100 trials per episode. The agent: Wang et al. 2018's 48
LSTM units, the previous action and reward as input; discount 0.9 and learning rate 7e-4 as
for the two-step task (Simulation 4).
"""

from meta_rl.config import Config
from meta_rl.tasks.reversal.env import ReversalParams

PRESETS = {"reversal-bromberg-martin": Config(name="reversal-bromberg-martin", task=ReversalParams(),
                                              episodes=20000)}

GYM_ENVS = {"meta_rl/Reversal-bromberg-martin-v0": ReversalParams()}
"""``gym.make("meta_rl/Reversal-bromberg-martin-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv``)."""
