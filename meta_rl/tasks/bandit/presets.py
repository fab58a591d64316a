"""The bandits' named configs: Wang et al. 2016 ("Learning to reinforcement learn", 3.1) and
Duan et al. 2016 ("RL²", arXiv:1611.02779, 3.1 and Table 1).

Two arms (``TWO_ARMED_PRESETS``). From the paper: 48 LSTM units, input the previous action and
reward, episodes of 100 pulls. The rest is ours, chosen by ``meta-rl sweep`` on the validation
stream (``results/bandits/sweeps/``: eleven rounds, the agent's regret over the exact
Bayes-optimal player's on the same episodes):

* 16 episodes per update, learning rate 4e-3 and the entropy weight falling from 0.05 to 0.005
  over the run (round 3): a policy that still samples pays for its entropy in regret, and the
  paper's 20k episodes of one per update left every set 1.2-1.8 x the ceiling;
* the discount by set, ``TWO_ARMED_GAMMA``: 0.5 on the dependent sets (the evidence about the
  better arm is in the last pulls' outcomes; 0.8 was worse on every set, round 3), 0.97 with
  independent arms, whose exploration pays back over tens of pulls: the best player that
  discounts by 0.9 already has about 1.13 x the Bayes-optimal regret, by 0.97 about 1.02-1.04
  (``reference.discount_ceiling``), and 0.97 learned where 0.99 did not (rounds 4, 6-10);
* with independent arms, the learning rate annealed linearly to 0 over the run
  (``TWO_ARMED_LR_ANNEALED``; A3C's schedule): at a constant 4e-3 the training reward stopped
  rising a fifth of the way in and the seeds ended far apart, from 1.1 to 1.4 x the ceiling on
  validation episodes; annealed, every seed of rounds 10-11 ended within 1.12 x (discount 0.97);
* the training episodes by set, ``TWO_ARMED_EPISODES``: 960k, and twice that for the hard set
  (p = 0.4 or 0.6: round 3 left it at 1.15 x, round 4 at 1.02 x) and independent arms (round 5:
  1.00 x); the trial number as a further input (the paper's time step) did not help either
  (round 5), so it stays off.

k arms (``K_ARMED_PRESETS``, ``bandit-k{k}-n{n}``): RL²'s nine cells, k in {5, 10, 50} arms with
p_i ~ U[0, 1] independently and n in {10, 100, 500} pulls. From RL²: the task and the agent's
input (previous action and reward). RL² trained a GRU policy with TRPO for far longer; the rest
is ours, measured on validation episodes with one seed per cell (``results/bandits/sweeps/``,
k-rounds 1-4), where measured:

* 48 LSTM units, and the two-armed sets' training: learning rate 4e-3 and the entropy weight
  falling from 0.05 to 0.005 over the run (k-round 2: at n = 10 the first presets' learning
  rate 1e-3 with a constant entropy weight stayed below the Gittins index on 10 arms);
* the discount by the number of pulls, ``K_ARMED_GAMMA``: the score is the undiscounted total
  reward, and exploring k arms pays back over the rest of the episode: 0.99 at n = 10 (k-round 3:
  above 0.9 on every k), 0.95 at n = 100 and 0.99 at n = 500 (not measured yet);
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

TWO_ARMED_GAMMA = {name: 0.97 if params.arms == "independent" else 0.5 for name, params in VARIANTS.items()}
"""Discount by set (see the module docstring)."""
TWO_ARMED_LR_ANNEALED = ("bandit-independent",)
"""Sets whose learning rate falls linearly to 0 over the run (see the module docstring)."""
TWO_ARMED_EPISODES = {name: 1_920_000 if name in ("bandit-hard", "bandit-independent") else 960_000
                      for name in VARIANTS}
"""Training episodes by set (see the module docstring)."""
TWO_ARMED_BATCH = 16
"""Episodes per update (see the module docstring)."""

TWO_ARMED_PRESETS = {
    name: Config(name=name, task=params, episodes=TWO_ARMED_EPISODES[name], gamma=TWO_ARMED_GAMMA[name],
                 lr=4e-3, lr_anneal_episodes=TWO_ARMED_EPISODES[name] if name in TWO_ARMED_LR_ANNEALED else 0,
                 batch_episodes=TWO_ARMED_BATCH, entropy_coef=0.05, entropy_final=0.005,
                 entropy_anneal_episodes=TWO_ARMED_EPISODES[name], log_every=TWO_ARMED_EPISODES[name] // 1000,
                 checkpoint_every=TWO_ARMED_EPISODES[name] // 10)
    for name, params in VARIANTS.items()}
"""The two-armed configs (what ``reference.py`` trains, tests and cross-tests; a checkpoint
every tenth of the run)."""

K_ARMED_VARIANTS = {f"bandit-k{k}-n{n}": BanditParams(arms="independent", n_arms=k, n_trials=n)
                    for n in PULLS for k in ARMS}
"""RL², Table 1: k arms with p_i ~ U[0, 1] independently, n pulls per episode."""
K_ARMED_EPISODES = {10: 960_000, 100: 320_000, 500: 30_000}
"""Training episodes by pulls per episode: 9.6 M, 32 M and 15 M pulls (see the module docstring)."""
K_ARMED_BATCH = {10: 16, 100: 16, 500: 1}
"""Episodes per update by pulls per episode (see the module docstring)."""
K_ARMED_GAMMA = {10: 0.99, 100: 0.95, 500: 0.99}
"""Discount by pulls per episode (see the module docstring)."""

K_ARMED_PRESETS = {
    name: Config(name=name, task=params, episodes=(episodes := K_ARMED_EPISODES[params.n_trials]),
                 gamma=K_ARMED_GAMMA[params.n_trials], lr=4e-3, batch_episodes=K_ARMED_BATCH[params.n_trials],
                 entropy_coef=0.05, entropy_final=0.005, entropy_anneal_episodes=episodes,
                 log_every=episodes // 1000, checkpoint_every=episodes // 10)
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
