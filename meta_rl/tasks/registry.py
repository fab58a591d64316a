"""The one list of task families, and lookups over it.

Adding a family: a folder ``meta_rl/tasks/<family>/`` whose ``FAMILY`` satisfies
``meta_rl.tasks.base.TaskFamily``, and one line in ``FAMILIES``. Importing this module
registers every family's gymnasium environments (``gym.make("meta_rl/...-v0")``).
"""

from __future__ import annotations

import gymnasium as gym

from meta_rl.config import Config
from meta_rl.errors import MetaRLError
from meta_rl.experiment import Experiment
from meta_rl.tasks import (
    bandit,
    foraging,
    harlow,
    informative_arm,
    maze,
    restless,
    reversal,
    risky_choice,
    two_step,
    volatility,
)
from meta_rl.tasks.base import TaskFamily

FAMILIES: list[TaskFamily] = [
    two_step.FAMILY,
    bandit.FAMILY,
    harlow.FAMILY,
    volatility.FAMILY,
    reversal.FAMILY,
    foraging.FAMILY,
    risky_choice.FAMILY,
    informative_arm.FAMILY,
    restless.FAMILY,
    maze.FAMILY,
]


def register(family: TaskFamily) -> None:
    """Add a family (a test's toy family, a user's own) after the built-in ones."""
    taken = {f.kind for f in FAMILIES}
    names = set(presets()) | set(experiments())
    if family.kind in taken or names & (set(family.presets) | set(family.experiments)):
        raise ValueError(f"family {family.kind!r} clashes with a registered kind, preset or experiment")
    FAMILIES.append(family)
    _register_gym_envs(family)


def unregister(family: TaskFamily) -> None:
    """Remove a family added by ``register``."""
    FAMILIES.remove(family)


def family(kind: str) -> TaskFamily:
    """The family of a task kind."""
    for f in FAMILIES:
        if f.kind == kind:
            return f
    raise MetaRLError(f"unknown task kind {kind!r}; known: {', '.join(f.kind for f in FAMILIES)}")


def task_classes() -> dict[str, type]:
    """Every family's parameters class by kind (to read any ``config.json``)."""
    return {f.kind: f.params_class for f in FAMILIES}


def presets() -> dict[str, Config]:
    """Every named config, in family order."""
    return {name: config for f in FAMILIES for name, config in f.presets.items()}


def get_config(name: str) -> Config:
    """The preset called ``name``; ``MetaRLError`` listing the choices otherwise."""
    found = presets()
    if name not in found:
        raise MetaRLError(f"unknown config {name!r}; choose one of: {', '.join(found)}")
    return found[name]


def experiments() -> dict[str, tuple[TaskFamily, Experiment]]:
    """Every reference experiment by name, with its family."""
    return {name: (f, e) for f in FAMILIES for name, e in f.experiments.items()}


def select_experiments(name: str) -> list[tuple[TaskFamily, Experiment]]:
    """``"all"`` or one experiment's name -> what ``reproduce`` runs."""
    found = experiments()
    if name == "all":
        return list(found.values())
    if name not in found:
        raise MetaRLError(f"unknown experiment {name!r}; choose one of: {', '.join(found)}, all")
    return [found[name]]


def _register_gym_envs(family: TaskFamily) -> None:
    for env_id, params in family.gym_envs.items():
        if env_id not in gym.registry:  # the one wrapper, over the family's batched task
            gym.register(id=env_id, entry_point="meta_rl.tasks.gym:TaskEnv", kwargs={"params": params})


for _family in FAMILIES:
    _register_gym_envs(_family)
