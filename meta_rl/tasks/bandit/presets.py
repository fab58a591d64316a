"""The bandits' named configs (Wang et al. 2016, "Learning to reinforcement learn", 3.1).

The paper: 48 LSTM units, input the previous action and reward, 20k training episodes of
100 pulls. Discount 0.8 and learning rate 1e-3 here: with the two-step task's 0.9 and 7e-4,
some seeds were still exploring too much after 20k episodes (measured: the 5 seeds averaged
1.33 x Thompson sampling's regret, against 0.77 x with these).
"""

from meta_rl.config import Config
from meta_rl.tasks.bandit.env import BanditParams

VARIANTS = {
    "bandit-dependent-uniform": BanditParams(),
    "bandit-easy": BanditParams(difficulty="easy"),
    "bandit-medium": BanditParams(difficulty="medium"),
    "bandit-hard": BanditParams(difficulty="hard"),
    "bandit-independent": BanditParams(arms="independent"),
}
"""Wang et al. 2016, Fig. 2: dependent arms with p uniform or from the easy / medium / hard
sets, and independent arms."""

PRESETS = {name: Config(name=name, task=params, episodes=20000, gamma=0.8, lr=1e-3)
           for name, params in VARIANTS.items()}

GYM_ENVS = {f"meta_rl/Bandit-{name.removeprefix('bandit-')}-v0": params for name, params in VARIANTS.items()}
"""``gym.make("meta_rl/Bandit-dependent-uniform-v0")`` after ``import meta_rl.tasks.registry``
(the generic ``meta_rl.tasks.gym.TaskEnv``)."""
