"""The run configuration: the agent, the optimiser and the schedule, plus the task's own
parameters.

Every field can be overridden from the command line (``--lr 1e-3``) and the whole config
is saved as ``config.json`` next to every checkpoint. The task parameters are a frozen
dataclass of a task family (``meta_rl/tasks/<family>/``) whose ``kind`` names the family in
``config.json``; the named presets live with their families (``meta_rl.tasks.registry``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, Protocol

from meta_rl.errors import MetaRLError


class TaskParams(Protocol):
    """A task family's parameters: a frozen dataclass whose fields are config fields too."""

    kind: ClassVar[str]
    """The family's name, saved in ``config.json`` (e.g. the registry's key)."""
    n_trials: int
    """Trials per episode."""

    @property
    def n_steps(self) -> int:
        """Agent steps per episode."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""

    def make_task(self, held_out: bool = False) -> Any:
        """The batched task these parameters define (``meta_rl.tasks.base.BatchedTask``);
        ``held_out`` selects the test's held-out items where the task holds some out."""

LIMITS = {"lr": 1.0, "lr_final": 1.0, "rmsprop_eps": 1.0, "value_coef": 1e3, "entropy_coef": 1e3,
          "entropy_final": 1e3, "max_grad_norm": 1e6, "hidden": 16384, "batch_episodes": 65536,
          "episodes": 10**10}
"""Upper bounds past which a setting is a typo, not an experiment (memory is checked too)."""

FEATURE_ACTIVATIONS = ("relu", "linear")
"""The choices of ``Config.feature_activation``."""

BOOKKEEPING = ("episodes", "checkpoint_every", "keep_checkpoints", "keep_every", "log_every", "chunk")
"""Config fields that do not change the weights a run learns (resumed runs are exact)."""


@dataclass(frozen=True)
class Config:
    """A2C-LSTM on one task; the defaults are Wang et al. 2018's (Methods: 48 LSTM units,
    RMSProp 7e-4, discount 0.9, beta_v = beta_e = 0.05, one episode per update)."""

    name: str
    """Experiment name (the preset this config came from)."""
    task: TaskParams
    """Task parameters: a task family's frozen dataclass (``meta_rl/tasks/<family>/``)."""
    hidden: int = 48
    """LSTM units (Wang et al. 2018: 48)."""
    lr: float = 7e-4
    """RMSProp learning rate (Wang et al. 2018: 0.0007); at the start, when ``lr_anneal_episodes`` > 0."""
    lr_final: float = 0.0
    """The learning rate at the end of its anneal (``meta_rl.learn.a2c.annealed``: A3C, Mnih et al.
    2016, annealed it linearly to 0 over training)."""
    lr_anneal_episodes: int = 0
    """Episodes over which the learning rate falls linearly from ``lr`` to ``lr_final``, counted
    from the run's first episode (0: ``lr`` throughout)."""
    gamma: float = 0.9
    """Discount factor."""
    gae_lambda: float = 1.0
    """lambda of the advantage estimate (``meta_rl.learn.a2c.lambda_returns``): 1, the
    original's Monte-Carlo returns; below 1, returns that lean on the critic's values."""
    value_coef: float = 0.05
    """Weight of the value loss, beta_v."""
    entropy_coef: float = 0.05
    """Weight of the entropy bonus, beta_e (at the start, when ``entropy_anneal_episodes`` > 0)."""
    entropy_final: float = 0.0
    """The entropy weight at the end of the anneal (``meta_rl.learn.a2c.annealed``)."""
    entropy_anneal_episodes: int = 0
    """Episodes over which the entropy weight falls linearly from ``entropy_coef`` to
    ``entropy_final``, counted from the run's first episode (0: ``entropy_coef`` throughout)."""
    memoryless: bool = False
    """Reset the LSTM's state to zero before every step: the same network with no memory from
    one step to the next (a feed-forward core of the same size), the control of Wang et al.
    2016's navigation experiment (Sec. 3.2.3)."""
    rpe_input: bool = False
    """Feed the agent its previous prediction error, r - V (the reward minus the value it held
    when it acted), instead of its previous reward: Wang et al. 2018's Simulation 6, where
    dopamine reaches the network as an input too."""
    feature_activation: str = "relu"
    """The last layer of a conv encoder in front of the LSTM: "relu" or "linear"
    (``meta_rl.agent.encoders.ACTIVATIONS``); no effect on tasks without one."""
    rmsprop_decay: float = 0.9
    """RMSProp decay of the squared-gradient average (TF1 RMSPropOptimizer default)."""
    rmsprop_eps: float = 1e-10
    """RMSProp epsilon (TF1 default); the average starts at 1 as in TF1."""
    max_grad_norm: float = 999.0
    """Per-seed global gradient-norm clip (the original's 999: effectively none)."""
    batch_episodes: int = 1
    """Episodes averaged per update (the paper: 1, one update per episode)."""
    episodes: int = 20000
    """Training episodes per seed (the original biorxiv-final: 20k)."""
    checkpoint_every: int = 1000
    """Write a checkpoint every this many episodes (and at the end)."""
    keep_checkpoints: int = 3
    """How many of the most recent checkpoints to keep."""
    keep_every: int = 0
    """Also keep every checkpoint at a multiple of this many episodes (0: none)."""
    log_every: int = 10
    """Average TensorBoard scalars over this many episodes."""
    chunk: int = 250
    """Episodes per compiled call (progress-bar granularity; no effect on results)."""

    def validate(self) -> None:
        """Raise ``MetaRLError`` naming the first invalid field: every number finite (task
        parameters included), each in its range; sizes against the machine are checked
        where training starts (``meta_rl.learn.runs.check_resources``)."""
        for owner in (self.task, self):
            for f in fields(owner):
                value = getattr(owner, f.name)
                if isinstance(value, float) and not math.isfinite(value):
                    raise MetaRLError(f"{f.name} must be a finite number, got {value}")
        try:
            self.task.validate()
        except ValueError as err:
            raise MetaRLError(str(err)) from None
        positive = ("hidden", "lr", "batch_episodes", "episodes", "checkpoint_every",
                    "keep_checkpoints", "log_every", "chunk", "rmsprop_eps", "max_grad_norm")
        for name in positive:
            value = getattr(self, name)
            if not value > 0:
                raise MetaRLError(f"{name} must be positive, got {value}")
        for name, high in LIMITS.items():
            if getattr(self, name) > high:
                raise MetaRLError(f"{name} must be at most {high}, got {getattr(self, name)}")
        for name in ("gamma", "gae_lambda", "rmsprop_decay"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise MetaRLError(f"{name} must be in [0, 1], got {value}")
        for name in ("episodes", "checkpoint_every", "log_every"):
            if getattr(self, name) % self.batch_episodes:
                raise MetaRLError(f"{name} must be a multiple of batch_episodes "
                                  f"({self.batch_episodes}), got {getattr(self, name)}")
        if self.feature_activation not in FEATURE_ACTIVATIONS:
            raise MetaRLError(f"feature_activation must be one of {FEATURE_ACTIVATIONS}, "
                              f"got {self.feature_activation!r}")
        for name in ("value_coef", "entropy_coef", "entropy_final", "entropy_anneal_episodes", "lr_final",
                     "lr_anneal_episodes", "keep_every"):
            if getattr(self, name) < 0:
                raise MetaRLError(f"{name} must be non-negative, got {getattr(self, name)}")

    def to_json(self) -> str:
        """The config as indented JSON (``from_json`` reads it back); the task's ``kind``
        says which parameters class it is."""
        data = dataclasses.asdict(self)
        data["task"]["kind"] = self.task.kind
        return json.dumps(data, indent=2, sort_keys=True)

    @staticmethod
    def from_json(text: str, task_classes: Mapping[str, type]) -> Config:
        """Parse ``to_json`` output, its task with ``task_classes[kind]``; raises
        ``MetaRLError`` on an unknown kind or unknown or missing fields."""
        try:
            data = json.loads(text)
            task = data.pop("task")
            kind = task.pop("kind")
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            raise MetaRLError(f"invalid config JSON: {err}") from None
        if kind not in task_classes:
            expected = " or ".join(map(repr, task_classes))
            raise MetaRLError(f"config of task kind {kind!r}, expected {expected}")
        try:
            _check_types(Config, data, skip=("task",))
            _check_types(task_classes[kind], task)
            config = Config(task=task_classes[kind](**task), **data)
        except (ValueError, TypeError) as err:
            raise MetaRLError(f"invalid config JSON: {err}") from None
        config.validate()
        return config

    def differences(self, other: Config, ignore: tuple[str, ...] = BOOKKEEPING) -> list[str]:
        """Human-readable list of fields that differ from ``other`` (ignoring ``ignore``: by
        default the fields that do not change what is learned, so a run can be continued
        for more episodes or with another checkpoint schedule)."""
        mine, theirs = flat_fields(self), flat_fields(other)
        return [f"{k}: {theirs[k]!r} -> {mine[k]!r}" for k in mine
                if k not in ignore and mine[k] != theirs.get(k)]


def _check_types(cls: type, values: dict, skip: tuple[str, ...] = ()) -> None:
    """``TypeError`` naming the first value whose type is not its field's (int, float, str,
    bool; an int is a float too); unknown and missing fields are left to the constructor."""
    expected = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}
    for f in fields(cls):
        if f.name in values and f.name not in skip and str(f.type) in expected:
            value = values[f.name]
            if not isinstance(value, expected[str(f.type)]) or (isinstance(value, bool) and f.type != "bool"):
                raise TypeError(f"{f.name} must be {f.type}, got {value!r}")


def flat_fields(config: Config) -> dict[str, object]:
    """Config and task fields in one flat mapping (names are unique across both)."""
    flat = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "task"}
    flat["kind"] = config.task.kind
    flat.update({f.name: getattr(config.task, f.name) for f in fields(config.task)})
    return flat


def override(config: Config, changes: dict[str, str]) -> Config:
    """Apply ``{field: text}`` overrides (task fields included), parsing each by its type."""
    config_types = {f.name: f.type for f in fields(config) if f.name != "task"}
    task_types = {f.name: f.type for f in fields(config.task)}
    top, task = {}, {}
    for key, text in changes.items():
        name = key.replace("-", "_")
        kind = config_types.get(name) or task_types.get(name)
        if kind is None or name == "name":
            raise MetaRLError(f"unknown config field --{key}")
        parse = {"int": int, "float": float, "str": str, "bool": _parse_bool}[str(kind)]
        try:
            value = parse(text)
        except ValueError:
            raise MetaRLError(f"--{key} expects {kind}, got {text!r}") from None
        (top if name in config_types else task)[name] = value
    result = dataclasses.replace(config, task=dataclasses.replace(config.task, **task), **top)
    result.validate()
    return result


def _parse_bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes"):
        return True
    if text.lower() in ("0", "false", "no"):
        return False
    raise ValueError(text)


def load_config(run_dir: Path, task_classes: Mapping[str, type]) -> Config:
    """Read ``run_dir/config.json`` (its task one of ``task_classes``, by kind); errors name
    the file."""
    path = Path(run_dir) / "config.json"
    if not path.is_file():
        raise MetaRLError(f"no config.json in {run_dir}: not a run directory")
    try:
        return Config.from_json(path.read_bytes().decode("utf-8"), task_classes)
    except UnicodeDecodeError:
        raise MetaRLError(f"{path}: not a text file") from None
    except OSError as err:
        raise MetaRLError(f"cannot read {path}: {err.strerror}") from None
    except MetaRLError as err:
        raise MetaRLError(f"{path}: {err}") from None

