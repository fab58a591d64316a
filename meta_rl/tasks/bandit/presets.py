"""The bandits' named configs: Wang et al. 2016 ("Learning to reinforcement learn", 3.1) and
Duan et al. 2016 ("RL²", arXiv:1611.02779, 3.1 and Table 1).

Two arms (``TWO_ARMED_PRESETS``). The paper: 48 LSTM units, input the previous action and reward, 20k
training episodes of 100 pulls. Discount 0.8 and learning rate 1e-3 here: with the two-step
task's 0.9 and 7e-4, some seeds were still exploring too much after 20k episodes (measured: the
5 seeds averaged 1.33 x Thompson sampling's regret, against 0.77 x with these).

k arms (``K_ARMED_PRESETS``, ``bandit-k{k}-n{n}``): RL²'s nine cells, k in {5, 10, 50} arms with
p_i ~ U[0, 1] independently and n in {10, 100, 500} pulls. From RL²: the task and the agent's
input (previous action and reward). RL² trained a GRU policy with TRPO for far longer; the rest
is ours, first values not yet measured (to sweep, ``meta-rl sweep``):

* 48 LSTM units and learning rate 1e-3, as for two arms (no measurement says otherwise yet);
* the discount by the number of pulls, ``K_ARMED_GAMMA``: the score is the undiscounted total
  reward, and exploring k arms pays back over tens of pulls, which 0.8 (an effective horizon of
  5 pulls) would not credit; below 1 to keep the variance of the returns down;
* the training episodes by the number of pulls, ``K_ARMED_EPISODES``, sized for one seed in at
  most 30 minutes on 2 CPU cores (9.6 M, 32 M and 15 M pulls), in updates of 16 episodes where
  episodes are short (``K_ARMED_BATCH``: the informative arm, 5 pulls an episode, learned far
  better so, ``meta_rl.tasks.informative_arm.presets``; and a run keeps one history entry per
  update, ``history.npz``, which one episode per update would make megabytes).
"""

from meta_rl.config import Config
from meta_rl.tasks.bandit.env import BanditParams
from meta_rl.tasks.bandit.rl2 import ARMS, PULLS

VARIANTS = {
    "bandit-dependent-uniform": BanditParams(),
    "bandit-easy": BanditParams(difficulty="easy"),
    "bandit-medium": BanditParams(difficulty="medium"),
    "bandit-hard": BanditParams(difficulty="hard"),
    "bandit-independent": BanditParams(arms="independent"),
}
"""Wang et al. 2016, Fig. 2: dependent arms with p uniform or from the easy / medium / hard
sets, and independent arms."""

TWO_ARMED_PRESETS = {name: Config(name=name, task=params, episodes=20000, gamma=0.8, lr=1e-3)
                     for name, params in VARIANTS.items()}
"""The two-armed configs (what ``reference.py`` trains, tests and cross-tests)."""

K_ARMED_VARIANTS = {f"bandit-k{k}-n{n}": BanditParams(arms="independent", n_arms=k, n_trials=n)
                    for n in PULLS for k in ARMS}
"""RL², Table 1: k arms with p_i ~ U[0, 1] independently, n pulls per episode."""
K_ARMED_EPISODES = {10: 960_000, 100: 320_000, 500: 30_000}
"""Training episodes by pulls per episode: 9.6 M, 32 M and 15 M pulls (see the module docstring)."""
K_ARMED_BATCH = {10: 16, 100: 16, 500: 1}
"""Episodes per update by pulls per episode (see the module docstring)."""
K_ARMED_GAMMA = {10: 0.9, 100: 0.95, 500: 0.99}
"""Discount by pulls per episode (see the module docstring)."""

K_ARMED_PRESETS = {
    name: Config(name=name, task=params, episodes=K_ARMED_EPISODES[params.n_trials],
                 gamma=K_ARMED_GAMMA[params.n_trials], lr=1e-3, batch_episodes=K_ARMED_BATCH[params.n_trials],
                 log_every=10 * K_ARMED_BATCH[params.n_trials],
                 checkpoint_every=K_ARMED_EPISODES[params.n_trials] // 10)
    for name, params in K_ARMED_VARIANTS.items()}
"""The k-armed configs (a checkpoint every tenth of the run: the default 1000 episodes would
write hundreds)."""

PRESETS = {**TWO_ARMED_PRESETS, **K_ARMED_PRESETS}
"""Every bandit config: what the family offers ``meta-rl train``."""

GYM_ENVS = {f"meta_rl/Bandit-{name.removeprefix('bandit-')}-v0": config.task
            for name, config in PRESETS.items()}
"""``gym.make("meta_rl/Bandit-dependent-uniform-v0")`` or ``gym.make("meta_rl/Bandit-k5-n10-v0")``
after ``import meta_rl.tasks.registry`` (the generic ``meta_rl.tasks.gym.TaskEnv``); the
two-armed ones first."""
