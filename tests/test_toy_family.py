"""The extension point: a task family defined here, in the tests, trains, tests, sweeps and
reproduces through the same code as the built-in families once it is registered.

Everything the toy family needs is in this file; registering it is the one line a real
family adds to ``meta_rl/tasks/registry.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

import gymnasium as gym
import numpy as np
import pytest

from meta_rl.cli import main
from meta_rl.config import Config
from meta_rl.experiment import Experiment, RunSet, scheduled_config
from meta_rl.learn.evaluate import read_trials_csv
from meta_rl.learn.tensorboard import read_scalars
from meta_rl.plotting import plot_reward_curves
from meta_rl.tasks import registry
from meta_rl.tasks.base import BatchedTask, Family

N_TRIALS = 5


@dataclass(frozen=True)
class ToyParams:
    """Find the paying arm: one of two arms, drawn per episode, pays 1 on every trial."""

    kind: ClassVar[str] = "toy"
    n_trials: int = N_TRIALS
    """Trials per episode."""

    @property
    def n_steps(self) -> int:
        return self.n_trials

    def validate(self) -> None:
        if self.n_trials < 2:
            raise ValueError(f"n_trials must be at least 2, got {self.n_trials}")

    def make_task(self, held_out: bool = False) -> BatchedToy:
        return BatchedToy(self)


class BatchedToy(BatchedTask):
    """The toy task on ``[seeds, batch]`` tensors."""

    obs_shape = (1,)
    n_actions = 2
    n_uniforms = 1
    n_init = 1

    def initial_state(self, u_init):
        import tensorflow as tf

        return {"good": tf.cast(u_init[..., 0] < 0.5, tf.int32)}

    def observation(self, state):
        import tensorflow as tf

        return tf.ones(tf.concat([tf.shape(state["good"]), [1]], axis=0))

    def step(self, state, t, action, u):
        import tensorflow as tf

        reward = tf.cast(tf.equal(action, state["good"]), tf.float32)
        return state, reward, {"action": action, "reward": reward, "good_arm": state["good"]}


@dataclass
class ToyResult:
    trials: dict[str, np.ndarray]
    csv_columns: ClassVar[tuple[str, ...]] = ("episode", "trial", "action", "reward", "good_arm")

    def metrics(self) -> dict[str, float]:
        return {"reward": float(self.trials["reward"].sum(axis=1).mean())}

    def report(self) -> str:
        return f"toy reward per episode: {self.metrics()['reward']:.2f} of {N_TRIALS}"


def toy_result(config, played, seed, held_out=True) -> ToyResult:
    return ToyResult({k: np.asarray(played.records[k]).astype(int) for k in ToyResult.csv_columns[2:]})


PRESET = Config(name="toy-find-arm", task=ToyParams(), episodes=40, checkpoint_every=20, chunk=20,
                log_every=10)


def toy_figures(tested, summary, out):
    curves = {f"seed {s}": read_scalars(r.run_dir(s, tested.root)) for r in tested.run_sets for s in r.seeds}
    plot_reward_curves(curves, path=out / "reward_curves.png")


TOY = Family(
    kind="toy", params_class=ToyParams, presets={PRESET.name: PRESET},
    experiments={"toy": Experiment(
        name="toy", directory="toy",
        run_sets=lambda episodes: [RunSet(scheduled_config(PRESET, episodes or 40, keep_every=20),
                                          (0, 1), "toy/runs", history_seeds=(0,))],
        summarize=lambda tested: {"reward": {f"seed {s}": r.metrics()["reward"]
                                             for (_, s), r in tested.results.items()}},
        figures=toy_figures, describe=lambda summary: f"toy: {summary['reward']}",
        table=lambda summary: "| seed | reward |\n|---|---|\n" + "\n".join(
            f"| {k} | {v:.2f} |" for k, v in summary["reward"].items()),
        test_episodes=20)},
    gym_envs={"meta_rl/Toy-v0": ToyParams()},  # the generic wrapper plays BatchedToy
    test_result=toy_result)


@pytest.fixture
def toy():
    registry.register(TOY)  # a real family: one line in registry.FAMILIES
    yield TOY
    registry.unregister(TOY)


def test_toy_family_trains_tests_sweeps_and_reproduces(toy, tmp_path, capsys):
    assert registry.get_config("toy-find-arm") is PRESET
    env = gym.make("meta_rl/Toy-v0")
    assert env.reset(seed=0)[0].tolist() == [1.0]
    assert env.step(0)[4]["good_arm"] in (0, 1)

    runs = tmp_path / "runs"
    assert main(["train", "toy-find-arm", "--seeds", "0", "--out", str(runs), "--quiet"]) == 0
    assert (runs / "model_0" / "ckpt-40.npz").exists()
    assert json.loads((runs / "model_0" / "config.json").read_text())["task"]["kind"] == "toy"

    csv = tmp_path / "trials.csv"
    assert main(["test", str(runs / "model_0"), "--episodes", "12", "--trials-csv", str(csv)]) == 0
    assert "toy reward per episode" in capsys.readouterr().out
    assert csv.read_text().splitlines()[0] == "episode,trial,action,reward,good_arm"
    trials = read_trials_csv(csv)
    assert trials["action"].shape == (12, N_TRIALS)
    np.testing.assert_array_equal(trials["reward"], trials["action"] == trials["good_arm"])

    sweeps = tmp_path / "sweeps"
    assert main(["sweep", "toy-find-arm", "--grid", "lr=7e-4,1e-3", "--seeds", "0", "--out", str(sweeps),
                 "--test-episodes", "10", "--workers", "1", "--quiet"]) == 0
    assert (sweeps / "summary.csv").read_text().splitlines()[0] == "setting,seeds,reward_mean,reward_sd"

    results = tmp_path / "results"
    assert main(["reproduce", "toy", "--results", str(results), "--quiet"]) == 0  # two processes
    saved = json.loads((results / "toy" / "results.json").read_text())
    assert set(saved["reward"]) == {"seed 0", "seed 1"}
    assert saved["command"] == "meta-rl reproduce toy"
    assert (results / "toy" / "reward_curves.png").stat().st_size > 0
    assert (results / "toy" / "table.md").read_text().startswith("| seed | reward |")
    assert "== toy-find-arm seed 1: checkpoint at episode 40" in (results / "toy" / "report.txt").read_text()
    assert (results / "toy" / "runs" / "model_1" / "test_trials.csv.gz").exists()
    # seed 0 keeps its checkpoints along training, seed 1 only its last
    assert sorted(p.name for p in (results / "toy" / "runs" / "model_0").glob("ckpt-*")) == \
        ["ckpt-20.npz", "ckpt-40.npz"]
    assert [p.name for p in (results / "toy" / "runs" / "model_1").glob("ckpt-*")] == ["ckpt-40.npz"]


def test_a_clashing_family_is_refused():
    with pytest.raises(ValueError, match="clashes"):
        registry.register(registry.family("two-step"))
