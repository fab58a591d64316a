"""meta-rl: meta-reinforcement learning (Wang et al. 2016, 2018) on TensorFlow 2.

Layout (imports flow downwards only):

* ``meta_rl.cli``: the command line, ``meta-rl`` / ``python -m meta_rl``;
* ``meta_rl.tasks.registry``: the one list of task families;
* ``meta_rl.tasks.<family>``: everything particular to one family of tasks;
* ``meta_rl.reproduce``: the generic reference pipeline (train, test, summarise, plot);
* ``meta_rl.learn``: rollouts, the A2C loss, the optimiser, compiled training,
  checkpoints, processes and Ray, sweeps, testing;
* ``meta_rl.agent``: the A2C-LSTM network and its encoders;
* ``meta_rl.config``, ``meta_rl.runtime``, ``meta_rl.files``, ``meta_rl.errors``.
"""

from meta_rl.runtime import quiet_start

quiet_start()

__version__ = "0.2.0"
