"""How the agent learns and is tested: episodes (``rollout``), the A2C loss (``a2c``), the
optimiser (``optim``), compiled training and its run directories (``trainer``,
``checkpoints``, ``tensorboard``), many seeds on processes or Ray (``parallel``), sweeps
(``sweep``) and frozen-weight tests (``evaluate``)."""
