"""The informative-arm task's named configs (Wang et al. 2016, section 3.1.3).

From the paper: eleven arms, 5 pulls, the payouts (``env.py``), the previous reward one-hot,
an LSTM fed the previous action and reward. Ours: 48 LSTM units as for the paper's other
bandits; discount 0.9 (the informative arm's cost, 0.85 below a blind pull, is repaid by the
4 pulls of the target that follow: the return must reach 4 pulls ahead); learning rate 1e-3
as for the two-armed bandits; 480,000 episodes (2.4 M pulls) in updates of 16 episodes.

The entropy weight starts at 0.5 and falls linearly to 0.01 over the first 400,000 episodes
(a public reimplementation, ThomasLecat/learning-to-learn-2, also decays it to 0). Measured
(one seed each): with the bandits' constant 0.05 the policy settles within 100k episodes on
searching the ten arms (about 10 per episode, the best a player can do without the
informative arm) and had not found the informative arm after 480k (informative first in 1-2 %
of episodes); the payouts reach 5, so 0.05 x ln 11 is little beside the returns' scale. Started
at 0.5 or 2.0, the informative arm came first in 98-99 % of test episodes.

16 episodes per update (the sweeps in ``results/informative-arm/sweeps/``, validation stream,
4 seeds each): one episode per update left some of the ten target mappings half-learned (the
target after the informative arm 0.963 of the time, reward 0.964 x optimal; annealing over
800k of 960k episodes, 0.989 and 0.983); 16 per update averages the gradient over the ten
targets' episodes and reached 0.998 and 0.997 (learning rate 1e-3; 4e-3: 0.998, 0.998), in
a sixteenth of the updates.

``HELD_OUT``: variants the agent is tested on and never trained on (``reference.py``).
"""

from dataclasses import replace

from meta_rl.config import Config
from meta_rl.tasks.informative_arm.env import InformativeArmParams

PRESET = "informative-arm"
PRESETS = {PRESET: Config(name=PRESET, task=InformativeArmParams(), episodes=480_000, gamma=0.9, lr=1e-3,
                          entropy_coef=0.5, entropy_final=0.01, entropy_anneal_episodes=400_000,
                          batch_episodes=16, chunk=1600, log_every=160, checkpoint_every=48_000)}

HELD_OUT = {"informative-arm-moved": replace(PRESETS[PRESET].task, informative_arm=0),
            "informative-arm-target-pays-3": replace(PRESETS[PRESET].task, target_payout=3.0)}
"""The informative arm moved to the first index; the target paying 3 instead of 5."""

GYM_ENVS = {"meta_rl/InformativeArm-v0": InformativeArmParams()}
"""``gym.make("meta_rl/InformativeArm-v0")`` after ``import meta_rl.tasks.registry`` (the generic
``meta_rl.tasks.gym.TaskEnv``)."""
