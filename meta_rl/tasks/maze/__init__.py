"""One-shot navigation in a maze (Wang et al. 2016, Sec. 3.2.3; Mirowski et al. 2016): find
a goal once, then return to it fast after every respawn.

``layout.py`` (layouts, moves, shortest paths), ``render.py`` (the first-person views),
``env.py`` (the batched task), ``players.py`` (the oracle, a scripted explorer, a random
walk), ``result.py`` (steps per find), ``analysis.py`` (paths, the goal decoded from the
LSTM state), ``presets.py`` (the levels and their memoryless controls), ``reference.py``
(``meta-rl reproduce maze``), ``plots.py`` (figures).
"""

from meta_rl.tasks.base import Family
from meta_rl.tasks.maze.env import MazeParams
from meta_rl.tasks.maze.presets import GYM_ENVS, PRESETS
from meta_rl.tasks.maze.reference import EXPERIMENTS
from meta_rl.tasks.maze.result import test_result

FAMILY = Family(kind=MazeParams.kind, params_class=MazeParams, presets=PRESETS, experiments=EXPERIMENTS,
                gym_envs=GYM_ENVS, test_result=test_result)
