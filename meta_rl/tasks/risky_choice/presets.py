"""The risky-choice task's named config (Wang et al. 2018, Simulation 6; Stopper et al. 2014).

The agent: Wang et al. 2018's 48 LSTM units, fed its previous action and its previous
prediction error (``rpe_input``: the Simulation 6 network, whose input carries dopamine).
Discount 0: the trials are independent, so the critic's value is the trial's expected reward
and r − V is exactly the trial's prediction error (with 0.9, development seeds fed r − V
kept choosing the risky lever in every block after 60,000 episodes; with 0 they learned the
blocks within 30,000). Rewards in pellets: safe 1, risky 4; 10 forced and 10 free trials per
block (St Onge et al. 2011). Manipulation size 2 (chosen: Wang et al. do not give theirs;
half a risky win). 40,000 training episodes.
"""

from meta_rl.config import Config
from meta_rl.tasks.risky_choice.env import RiskyChoiceParams

PRESETS = {"risky-choice-stopper": Config(name="risky-choice-stopper", task=RiskyChoiceParams(),
                                          rpe_input=True, gamma=0.0, episodes=40000,
                                          checkpoint_every=5000)}

GYM_ENVS = {"meta_rl/RiskyChoice-stopper-v0": RiskyChoiceParams()}
"""``gym.make("meta_rl/RiskyChoice-stopper-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv``)."""
