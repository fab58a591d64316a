"""The maze's named configs (Wang et al. 2016, Sec. 3.2.3; Mirowski et al. 2016).

From Mirowski et al.: the static maze with a goal placed at random each episode, the respawn
after each find, the +10 goal reward, a fixed episode duration. Ours, measured on validation
episodes of two development seeds: the symbolic level in the 5 x 5-room maze
(``env.LAYOUTS``) with episodes of 300 steps (the explorer, ``players.py``, finds the goal
about 24 times in one), 64 LSTM units (the goal's place among 53 must be held), discount 0.95
(a find pays back over tens of steps, which 0.9 weighs at a third), learning rate 2e-3, the
entropy weight falling from 0.05 to 0.005 over the run, 16 episodes per update and 192,000
episodes: later finds at 0.28 x the first's steps and 1.05 x the shortest path.
"""

from meta_rl.config import Config
from meta_rl.tasks.maze.env import MazeParams

SYMBOLIC_EPISODES = 192_000
BATCH = 16

PRESETS = {
    "maze-symbolic": Config(name="maze-symbolic", task=MazeParams(), hidden=64, gamma=0.95, lr=2e-3,
                            batch_episodes=BATCH, episodes=SYMBOLIC_EPISODES, entropy_coef=0.05,
                            entropy_final=0.005, entropy_anneal_episodes=SYMBOLIC_EPISODES,
                            log_every=10 * BATCH, checkpoint_every=SYMBOLIC_EPISODES // 10),
}
"""The maze's configs (a checkpoint every tenth of the run)."""
