"""What a task family provides: the ``TaskFamily`` protocol and the pieces it hands over.

A family lives in one folder, ``meta_rl/tasks/<family>/``, and exposes one object that
satisfies ``TaskFamily`` (``FAMILY`` in its ``__init__.py``); ``meta_rl.tasks.registry``
lists those objects. Generic code (config, agent, training, testing, parallel runs, sweeps,
the command line, ``meta_rl.reproduce``) receives a family or its task parameters and calls
only the hooks documented here.

Hooks a family provides, and who calls them:

* ``kind`` and ``params_class``: the task parameters (a frozen dataclass, a
  ``meta_rl.config.TaskParams``) and the name that marks them in ``config.json``;
* ``params_class(...).make_task(held_out)``: the batched task (a ``BatchedTask``) that the
  compiled trainer, the tests and the gymnasium wrapper play, environment and agent in one
  XLA computation;
* ``presets``: named configs (``meta-rl train NAME``), the paper's numbers cited beside them;
* ``test_result``: reads played test episodes into the family's ``TestResult`` (trial log,
  CSV columns, report, headline metrics), reference players included;
* ``experiments``: what ``meta-rl reproduce NAME`` trains, tests, summarises and plots
  (``meta_rl.experiment.Experiment``);
* ``gym_envs``: the task parameters of the gymnasium environments registered as
  ``meta_rl/<Id>-v0`` (each the generic wrapper ``meta_rl.tasks.gym.TaskEnv``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from meta_rl.config import Config, TaskParams
from meta_rl.experiment import Experiment


class OneStepPerTrial:
    """Mixin of task parameters (a frozen dataclass with an ``n_trials`` field) whose agent
    acts once per trial: one pull, one choice."""

    n_trials: int

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: one per trial."""
        return self.n_trials

    def check_trials(self) -> None:
        """Raise ``ValueError`` unless an episode has at least one trial."""
        if self.n_trials < 1:
            raise ValueError(f"n_trials must be at least 1, got {self.n_trials}")


class BatchedTask:
    """A task on ``[seeds, batch]`` tensors, all its randomness drawn from uniforms passed in
    (so seeds trained together or alone see the same episodes, and a test replays exactly).

    The one implementation of a task's rules: the compiled trainer, the compiled test and
    the gymnasium wrapper (``meta_rl.tasks.gym``) all play it. A family subclasses it, sets
    the class attributes and writes ``initial_state``, ``observation`` and ``step``; the
    other hooks are optional, with the defaults below.
    """

    obs_shape: tuple[int, ...]
    """Shape of one observation."""
    n_actions: int
    n_uniforms: int
    """Uniforms per agent step."""
    n_init: int
    """Uniforms per episode, for ``initial_state``."""
    encoder: str | None = None
    """The agent's encoder for these observations (``meta_rl.agent.encoders``), or None:
    the observation goes to the LSTM as it is."""
    obs_bounds: tuple[float, float] = (0.0, 1.0)
    """The range of every observation value (the gymnasium observation space's bounds)."""
    TRAINING_METRICS: tuple[str, ...] = ()
    """Names of the task's own training curves (``training_metrics``), logged as ``perf/NAME``."""

    def __init__(self, params, held_out: bool = False):
        params.validate()
        self.params = params
        self.held_out = held_out
        """Whether episodes draw the items held out for testing (tasks that hold some out)."""
        self.n_steps: int = params.n_steps
        """Agent steps per episode."""
        self.n_trials: int = params.n_trials

    def initial_state(self, u_init: Any) -> dict:
        """Episode states from uniforms ``[..., n_init]``."""
        raise NotImplementedError

    def observation(self, state: dict) -> Any:
        """float32 observations ``[..., *obs_shape]``."""
        raise NotImplementedError

    def step(self, state: dict, t: Any, action: Any, u: Any) -> tuple[dict, Any, dict]:
        """``(new state, reward, record)``; the record's arrays become the test's per-step
        ``records`` (``meta_rl.learn.evaluate.TestEpisodes``)."""
        raise NotImplementedError

    def training_metrics(self, records: dict) -> dict:
        """Per-episode values ``[S, B]`` of each of ``TRAINING_METRICS`` from one update's
        per-step records ``[T, S, B]`` (none by default)."""
        return {}

    def screens(self, state: dict) -> Any | None:
        """The distinct images of each episode ``[S, B, K, H, W, C]`` when every observation
        is a window of one of a few screens (``view``), so the encoder works once per screen;
        None (the default) when observations are encoded step by step."""
        return None

    def view(self, state: dict) -> tuple[Any, Any]:
        """``(screen index, column)`` ``[S, B]`` of the window each observation shows (only
        for tasks whose ``screens`` are not None)."""
        raise NotImplementedError


class TestResult(Protocol):
    """A family's reading of test episodes played with frozen weights."""

    trials: dict[str, np.ndarray]
    """Per-trial arrays ``[episodes, trials]``, one per CSV column after episode and trial."""
    csv_columns: tuple[str, ...]
    """Columns of ``meta-rl test --trials-csv``: ``episode, trial, ...``."""

    def report(self) -> str:
        """The text ``meta-rl test`` prints."""

    def metrics(self) -> dict[str, float]:
        """Headline numbers, one row of a sweep's summary (``meta-rl sweep``)."""


class TaskFamily(Protocol):
    """One family of tasks (see the module docstring for who calls each hook)."""

    kind: str
    """The family's name, saved as the task's ``kind`` in every ``config.json``."""
    params_class: type[TaskParams]
    """Its frozen parameters dataclass."""
    presets: Mapping[str, Config]
    """Named configs: ``meta-rl train NAME``."""
    experiments: Mapping[str, Experiment]
    """Reference runs: ``meta-rl reproduce NAME``."""
    gym_envs: Mapping[str, TaskParams]
    """Environment id (``meta_rl/<Id>-v0``) -> the task parameters it plays (registered as the
    generic ``meta_rl.tasks.gym.TaskEnv`` of those parameters)."""

    def test_result(self, config: Config, played: Any, seed: int, held_out: bool) -> TestResult:
        """The result of test episodes ``played`` (``meta_rl.learn.evaluate.TestEpisodes``)
        of ``config``'s task; ``seed`` seeds the reference players' own randomness."""

    def task_classes(self) -> dict[str, type]:
        """``{kind: params_class}``: what ``Config.from_json`` needs to read this family's
        configs."""


@dataclass(frozen=True)
class Family:
    """A ``TaskFamily`` assembled from a family folder's parts (each folder's ``FAMILY``)."""

    kind: str
    params_class: type
    presets: Mapping[str, Config]
    experiments: Mapping[str, Experiment]
    gym_envs: Mapping[str, TaskParams]
    test_result: Callable[[Config, Any, int, bool], TestResult]

    def __post_init__(self):
        for name, config in self.presets.items():  # a preset is found by its config's name
            if config.name != name or config.task.kind != self.kind:
                raise ValueError(f"preset {name!r} of family {self.kind!r} holds config "
                                 f"{config.name!r} of kind {config.task.kind!r}")

    def task_classes(self) -> dict[str, type]:
        """``{kind: params_class}``: what ``Config.from_json`` needs to read this family's
        configs."""
        return {self.kind: self.params_class}


def constant_observation(per_episode):
    """The observation of a task with nothing to see: ones ``[S, B, 1]`` for a per-episode
    state tensor ``per_episode [S, B, ...]`` (the agent learns from its previous action and
    reward alone)."""
    import tensorflow as tf

    return tf.ones(tf.concat([tf.shape(per_episode)[:2], [1]], axis=0))
