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

import dataclasses

from meta_rl.config import Config
from meta_rl.tasks.maze.env import MazeParams

SYMBOLIC_EPISODES = 192_000
BATCH = 16

PRESETS = {
    "maze-symbolic": Config(name="maze-symbolic", task=MazeParams(), hidden=64, gamma=0.95, lr=2e-3,
                            batch_episodes=BATCH, episodes=SYMBOLIC_EPISODES, entropy_coef=0.05,
                            entropy_final=0.005, entropy_anneal_episodes=SYMBOLIC_EPISODES,
                            log_every=SYMBOLIC_EPISODES // 1000, checkpoint_every=SYMBOLIC_EPISODES // 10),
}
"""The maze's configs (a checkpoint every tenth of the run)."""
FIRST_PERSON_EPISODES = 320_000
PRESETS["maze-first-person"] = dataclasses.replace(
    PRESETS["maze-symbolic"], name="maze-first-person",
    task=MazeParams(level="first-person", layout="rooms-5x10", episode_steps=600),
    episodes=FIRST_PERSON_EPISODES, entropy_anneal_episodes=FIRST_PERSON_EPISODES,
    log_every=FIRST_PERSON_EPISODES // 1000, checkpoint_every=FIRST_PERSON_EPISODES // 10)
"""The first-person level: the 5 x 10-room maze, where the explorer's later finds take a third
of its first (in the 5 x 5 maze, where the goal is often in view from afar, nearly half), 600
steps an episode for as many finds, and the symbolic level's training for longer."""

PRESETS["maze-symbolic-memoryless"] = dataclasses.replace(
    PRESETS["maze-symbolic"], name="maze-symbolic-memoryless", memoryless=True)
"""The control Wang et al. 2016 name: the same agent with its LSTM state reset every step
(``Config.memoryless``), which can learn where it is but not remember where the goal was."""


PRESETS["maze-first-person-memoryless"] = dataclasses.replace(
    PRESETS["maze-first-person"], name="maze-first-person-memoryless", memoryless=True)
"""The first-person level's memoryless control."""

GYM_ENVS = {f"meta_rl/Maze-{level}-v0": PRESETS[f"maze-{level}"].task
            for level in ("symbolic", "first-person")}
"""``gym.make("meta_rl/Maze-first-person-v0")`` after ``import meta_rl.tasks.registry`` (the
generic ``meta_rl.tasks.gym.TaskEnv``)."""
