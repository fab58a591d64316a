"""The Harlow task (Harlow 1949) as in Wang et al. 2018, Simulation 5 (Psychlab ``harlow``):
the rules and levels are described in ``params.py``.

``HarlowParams``: the task's parameters (the fields of ``params.HarlowRules``), which make
the batched task. ``BatchedHarlow``: the task on tensors of any batch shape (``[S, B]`` in
the compiled trainer, ``[1, 1]`` in the gymnasium wrapper ``meta_rl.tasks.gym``), all
randomness from uniforms passed in; backend TensorFlow (XLA) or numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from meta_rl.tasks.base import BatchedTask
from meta_rl.tasks.harlow.episodes import draw_episode, n_init_uniforms
from meta_rl.tasks.harlow.objects import NUMPY, render_objects, tf_ops
from meta_rl.tasks.harlow.params import N_TRIALS, HarlowRules
from meta_rl.tasks.harlow.psychlab import CHOICE, FIXATION, psychlab_transition
from meta_rl.tasks.harlow.screens import pixel_frames, psychlab_screens

TRAINING_METRICS = ("trial1_correct", "trial2_correct", "trials2to6_correct")
"""Learning curves every level logs while training (``BatchedHarlow.training_metrics``)."""
GAZE_METRICS = ("fixation", "no_choice")
"""Learning curves the psychlab level adds."""

RECORD_KEYS = ("trial", "choice", "choice_reward", "fixation", "rewarded_object", "other_object",
               "side_bits")
"""Keys of ``BatchedHarlow.step``'s per-step record."""


@dataclass(frozen=True)
class HarlowParams(HarlowRules):
    """The Harlow task's parameters (fields, defaults and checks: ``params.HarlowRules``)."""

    def make_task(self, held_out: bool = False) -> BatchedHarlow:
        """The batched task for the compiled trainer; ``held_out``: the test's held-out objects."""
        return BatchedHarlow(self, held_out)


class BatchedHarlow(BatchedTask):
    """The Harlow task on a batch of episodes (``[S, B]`` in the compiled trainer).

    All randomness comes from the uniforms passed to ``initial_state``; the object images
    are rendered there, once per episode, and kept in the state. ``backend="tf"`` (default)
    gives tensors usable inside ``tf.function(jit_compile=True)``; ``backend="numpy"`` the
    same computation on numpy arrays (with any batch shape, ``()`` included).

    ``step`` returns a record of int32 ``trial, choice`` (-1 unless a choice was made),
    float32 ``choice_reward``, int32 ``fixation`` (1 when the fixation reward was paid)
    and int32 ``rewarded_object, other_object, side_bits``
    (bit n: the rewarded object's side on trial n), from which ``records_to_trials``
    rebuilds one row per trial.
    """

    params: HarlowParams

    def __init__(self, params: HarlowParams, held_out: bool = False, backend: str = "tf"):
        super().__init__(params, held_out)
        if backend not in ("tf", "numpy"):
            raise ValueError(f"backend must be 'tf' or 'numpy', got {backend!r}")
        self.ops = tf_ops() if backend == "tf" else NUMPY
        p = params
        self.n_actions = p.n_actions
        self.n_uniforms = 1  # the dynamics are deterministic given the episode
        self.n_init = n_init_uniforms(p)
        self.first_stage = 0 if p.fixation_step else 1
        self.choice_stage = 1 + p.preview_steps
        if p.level == "symbolic":
            self.obs_shape: tuple = (2 * p.n_objects,)
        elif p.level == "pixels":
            self.obs_shape = (p.object_size, 2 * p.object_size + p.object_gap, 3)
        else:
            self.obs_shape = (p.view_height, p.view_width, 3)
        self.obs_dim = int(np.prod(self.obs_shape))
        # the agent's encoder for these observations (meta_rl/agent/encoders.py): one table or conv
        # net for both object positions; the psychlab view moves, so one conv net over it
        self.encoder = {"symbolic": "embedding", "pixels": "objects", "psychlab": "conv"}[p.level]
        self.TRAINING_METRICS = TRAINING_METRICS + (GAZE_METRICS if p.level == "psychlab" else ())

    def training_metrics(self, records: dict) -> dict:
        """Per-episode learning curves from the step records ``[T, ...]`` (the trainer logs
        their means as ``perf/<name>``): whether trial 1 and trial 2 chose the rewarded
        object (Wang et al. 2018, Fig. 6c), the fraction of trials 2-6 that did, and for
        psychlab the fractions of trials with a fixation reward and without a choice."""
        ops = self.ops
        chose = records["choice"] >= 0
        correct = ops.float32(chose & (records["choice_reward"] == self.params.reward_correct))
        trial = records["trial"]

        def on_trial(n: int) -> Any:  # 1 when trial n's choice was correct (one choice per trial)
            return ops.sum(correct * ops.float32(trial == n), axis=0)

        metrics = {"trial1_correct": on_trial(0), "trial2_correct": on_trial(1),
                   "trials2to6_correct": ops.sum(correct * ops.float32(trial >= 1), axis=0)
                   / (N_TRIALS - 1)}
        if self.params.level == "psychlab":
            metrics["fixation"] = ops.sum(ops.float32(records["fixation"]), axis=0) / N_TRIALS
            metrics["no_choice"] = 1.0 - ops.sum(ops.float32(chose), axis=0) / N_TRIALS
        return metrics

    def initial_state(self, u_init: Any) -> dict:
        """The state of new episodes from uniforms ``u_init [..., n_init]``."""
        p, ops = self.params, self.ops
        rewarded, other, sides = draw_episode(u_init, p, self.held_out, ops)
        zeros = rewarded * 0
        state = {"rewarded": rewarded, "other": other, "sides": sides,
                 "side_bits": ops.int32(sum(sides[..., n] * 2 ** n for n in range(N_TRIALS)))}
        # the step within a trial: 0 the fixation step, 1 .. preview_steps + 1 the pair shown
        # (the last of them the choice)
        state["stage"] = zeros + self.first_stage
        if p.level == "symbolic":
            state["done"] = zeros
            return state
        images = render_objects(ops.stack([rewarded, other], axis=-1), p.object_size,
                                p.image_dir, ops)
        if p.level == "pixels":
            state["frames"] = pixel_frames(images[..., 0, :, :, :], images[..., 1, :, :, :], p, ops)
            state["done"] = zeros
            return state
        state["screens"] = psychlab_screens(images[..., 0, :, :, :], images[..., 1, :, :, :], p, ops)
        state.update(gaze=zeros + p.screen_width // 2, phase=zeros + FIXATION, count=zeros,
                     held=zeros - 1, done=zeros)
        return state

    def current_side(self, state: dict) -> Any:
        """The rewarded object's side on the current trial (the last one once all are done)."""
        return self.ops.pick(state["sides"], self.ops.minimum(state["done"], N_TRIALS - 1))

    def screens(self, state: dict) -> Any:
        """The episode's distinct images ``[..., K, H, W, 3]``, of which every observation
        is a window (``view``): pixels the 3 frames, psychlab the 4 padded screens; None
        for symbolic. The encoder computes its features once per screen."""
        return {"symbolic": None, "pixels": state.get("frames"),
                "psychlab": state.get("screens")}[self.params.level]

    def view(self, state: dict) -> tuple[Any, Any]:
        """``(index, column)``: the observation is screen ``index``'s columns from
        ``column`` on, ``obs_shape[1]`` of them (pixels: the whole frame)."""
        ops = self.ops
        side = self.current_side(state)
        if self.params.level == "pixels":
            over = (state["done"] >= N_TRIALS) | (state["stage"] == 0)  # blank screen
            index = ops.where(over, 2, side)
            return index, index * 0
        phase = state["phase"]
        index = ops.where(phase == FIXATION, 1, ops.where(phase == CHOICE, 2 + side, 0))
        return index, state["gaze"]

    def observation(self, state: dict) -> Any:
        """float32 ``[..., *obs_shape]``."""
        p, ops = self.params, self.ops
        if p.level == "symbolic":
            side = self.current_side(state)
            over = (state["done"] >= N_TRIALS) | (state["stage"] == 0)  # blank screen
            left = ops.where(side == 0, state["rewarded"], state["other"])
            right = ops.where(side == 0, state["other"], state["rewarded"])
            return ops.concat([ops.one_hot(ops.where(over, -1, left), p.n_objects),
                               ops.one_hot(ops.where(over, -1, right), p.n_objects)], axis=-1)
        index, column = self.view(state)
        screen = ops.pick(self.screens(state), index)
        return screen if p.level == "pixels" else ops.crop_columns(screen, column, p.view_width)

    def step(self, state: dict, t: Any, action: Any, u: Any):
        """One agent step. Returns ``(new_state, reward, record)``; ``t`` and ``u`` are unused
        (the state counts trials and frames; the dynamics draw no randomness)."""
        p, ops = self.params, self.ops
        side = self.current_side(state)
        trial = ops.minimum(state["done"], N_TRIALS - 1)
        if p.level == "psychlab":
            dynamic = {k: state[k] for k in ("gaze", "phase", "count", "held", "done")}
            choice, choice_reward, fixation = -1, 0.0, 0
            for _ in range(p.frames_per_step):  # at most one choice and one fixation per step
                dynamic, fixated, frame_choice, frame_reward = psychlab_transition(
                    dynamic, action, self.current_side(dict(state, **dynamic)), p, ops)
                choice = ops.maximum(choice, frame_choice)
                choice_reward = choice_reward + ops.float32(frame_reward)
                fixation = ops.maximum(fixation, ops.int32(fixated))
            choice_reward = ops.float32(choice_reward)
            fixation = ops.int32(fixation)
            reward = choice_reward + ops.float32(fixation) * p.fixation_reward
            new_state = dict(state, **dynamic)
        else:
            stage = state["stage"]
            fixating = stage == 0
            choosing = stage == self.choice_stage
            over = (state["done"] >= N_TRIALS) | ~choosing
            choice = ops.where(over, -1, action)
            choice_reward = ops.float32(ops.where(over, 0.0, ops.where(
                choice == side, p.reward_correct, p.reward_wrong)))
            reward = choice_reward
            fixation = ops.int32(fixating)
            new_state = dict(state, done=state["done"] + ops.int32(choosing),
                             stage=ops.where(choosing, self.first_stage, stage + 1))
        record = {"trial": ops.int32(trial), "choice": ops.int32(choice),
                  "choice_reward": choice_reward, "fixation": fixation, "rewarded_object": state["rewarded"],
                  "other_object": state["other"], "side_bits": state["side_bits"]}
        return new_state, reward, record

