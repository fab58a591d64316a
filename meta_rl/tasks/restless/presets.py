"""The restless bandits' named config (Wang et al. 2016, section 3.1.4).

From the paper: two arms paying with p and 1 - p, p drifting slowly in low-volatility
episodes and fast in high-volatility ones, the agent not told which, 100 pulls, reward 1.
The paper does not give the drift. Ours (``RestlessParams``): a Gaussian random walk reflected
at 0 and 1, step s.d. 0.02 (low: over 100 pulls p wanders about 0.2, a fifth of its range) or
0.15 (high: p crosses 1/2 every few pulls once near it), half the episodes each. Chosen so
that the two levels call for different learning rates: the best fixed-α delta rule is α = 0.05
on low episodes alone and 0.3 on high ones alone (6 x; 2,000 tuning episodes,
``players.tune`` per level), 0.2 on the mixture (the paper's best fixed α, on its own drifts,
was 0.5). The agent: 48 LSTM units and the previous action and reward as input, as the
paper's other bandits.

Training (the sweeps in ``results/restless/sweeps/``, validation stream): with the bandit
presets' one episode per update and learning rate 1e-3 the agent's regret after 300,000
episodes was the best fixed-rate learner's (0.996 x; discount 0.5: 1.012 x); 16 episodes per
update for 960,000 episodes (60,000 updates, learning rate 2e-3 or 4e-3) brought it to 0.964 x
and 0.962 x (1.03 x the Bayesian observer's), with learning rates 0.13 (low) and 0.23 (high).
Annealing the entropy weight from 0.05 to 0.005 over the whole run (round 3) stops the agent
paying for sampled pulls near p = 1/2 late in training: 0.929 x with discount 0.5, 0.938 x with
0.8 (0.999 x and 1.009 x the Bayesian observer's); the preset takes discount 0.5.
"""

from meta_rl.config import Config
from meta_rl.tasks.restless.env import RestlessParams

PRESET = "restless"
PRESETS = {PRESET: Config(name=PRESET, task=RestlessParams(), episodes=960_000, gamma=0.5, lr=4e-3,
                          entropy_final=0.005, entropy_anneal_episodes=960_000, batch_episodes=16,
                          log_every=160, checkpoint_every=96_000)}

GYM_ENVS = {"meta_rl/Restless-v0": RestlessParams()}
"""``gym.make("meta_rl/Restless-v0")`` after ``import meta_rl.tasks.registry`` (the generic
``meta_rl.tasks.gym.TaskEnv``)."""
