"""Analyses of recorded test episodes that every task family can use, as pure numpy
functions: the agent's reward prediction errors (``rpe``), linear decoders of task
variables from its hidden state (``decode``), logistic regression, likelihood intervals and
the delta rule run on recorded trials (``delta_rule``). A family's own analyses live in its folder."""
