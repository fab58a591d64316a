"""Analyses of recorded test episodes that every task family can use, as pure numpy
functions: the agent's reward prediction errors (``rpe``) and linear decoders of task
variables from its hidden state (``decode``). A family's own analyses live in its folder."""
