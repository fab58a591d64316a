"""The Harlow task's named configs, one per level (Wang et al. 2018, Simulation 5).

The original reimplementation: LSTM 48, RMSProp 1e-3, discount 0.9, beta_v = beta_e = 0.05.
The paper ran 32 workers: here 32 episodes are averaged per update.

Episodes: pixels seeds (LSTM 256) leave the side-statistics plateau at very different times
(one of the five reference seeds was still on it at 1,024,000 episodes, and two sat at about
0.89 on trial 2: see ``results/harlow/pixels``), so the pixels level trains for 2,048,000;
symbolic seeds take 250k-500k or longer; psychlab episodes are 120 frames, ten times the
steps of the others'.

Pixels: the paper's 256 LSTM units. With 48, two of five seeds stayed on a plateau (86 % and
84 % on trials 2-6 after 1,024,000 episodes); with 256 both reached 96 % and 94 % within
384,000, but another seed was still at the side statistics at 512,000 (measured).
"""

from meta_rl.config import Config
from meta_rl.tasks.harlow.env import HARLOW_LEVELS, HarlowEnv

HIDDEN = {"harlow-pixels": 256}
"""LSTM units where the level differs from the default 48."""
EPISODES = {"harlow-symbolic": 1024000, "harlow-pixels": 2048000, "harlow-psychlab": 64000}

PRESETS = {
    f"harlow-{level}": Config(name=f"harlow-{level}", task=params, lr=1e-3, batch_episodes=32,
                              hidden=HIDDEN.get(f"harlow-{level}", Config.hidden),
                              episodes=EPISODES[f"harlow-{level}"], checkpoint_every=32000,
                              log_every=3200, chunk=100)
    for level, params in HARLOW_LEVELS.items()
}

GYM_ENVS = {f"meta_rl/Harlow-{level}-v0": (HarlowEnv, {"params": params})
            for level, params in HARLOW_LEVELS.items()}
"""``gym.make("meta_rl/Harlow-pixels-v0")`` after ``import meta_rl.tasks.registry``."""
