"""The Psychlab dynamics of the Harlow task, one frame at a time: the gaze, fixation,
selection by holding the gaze, and the inter-trial interval (numpy or TensorFlow ops)."""

from __future__ import annotations

from typing import Any

from meta_rl.tasks.harlow.objects import NUMPY
from meta_rl.tasks.harlow.params import N_TRIALS, HarlowRules

FIXATION, CHOICE, ITI, DONE = 0, 1, 2, 3
"""The phases of a Psychlab trial (``DONE``: all trials completed)."""


def psychlab_transition(state: dict, action: Any, side: Any, p: HarlowRules, ops: Any = NUMPY):
    """One Psychlab frame: move the gaze, then update fixation, selection and ITI.

    ``state`` holds ints ``gaze, phase, count, held, done`` (``count``: consecutive frames
    on the cross or on the held object, or ITI frames left; ``held``: object under the gaze,
    -1 none; ``done``: completed trials); ``side`` is the rewarded object's side on the
    current trial. Elementwise on numpy arrays and tensors. Returns ``(state, fixated,
    choice, choice_reward)``; ``choice`` is -1 unless an object was selected this frame.
    """
    where = ops.where
    w, cx = p.screen_width, p.screen_width // 2
    gaze = state["gaze"] + where(action == 0, -p.gaze_step, where(action == 1, p.gaze_step, 0))
    low, high = (cx - p.object_offset, cx + p.object_offset) if p.gaze_between_objects else (0, w - 1)
    gaze = ops.minimum(ops.maximum(gaze, low), high)
    phase, count, held, done = state["phase"], state["count"], state["held"], state["done"]

    on_cross = ops.abs(gaze - cx) <= p.cross_size // 2
    fix_count = where(on_cross, count + 1, 0)
    fixated = (phase == FIXATION) & (fix_count >= p.fixation_frames)

    look = where(ops.abs(gaze - (cx - p.object_offset)) <= p.select_radius, 0,
                 where(ops.abs(gaze - (cx + p.object_offset)) <= p.select_radius, 1, -1))
    hold_count = where(look < 0, 0, where(look == held, count + 1, 1))
    selected = (phase == CHOICE) & (hold_count >= p.select_frames)
    choice = where(selected, look, -1)
    choice_reward = where(selected, where(look == side, p.reward_correct, p.reward_wrong), 0.0)
    done = where(selected, done + 1, done)

    iti_over = (phase == ITI) & (count <= 1)
    new_phase = where(fixated, CHOICE,
                      where(selected, where(done >= N_TRIALS, DONE, ITI),
                            where(iti_over, FIXATION, phase)))
    new_count = where(phase == FIXATION, where(fixated, 0, fix_count),
                      where(phase == CHOICE, where(selected, p.iti_frames, hold_count),
                            where(phase == ITI, where(iti_over, 0, count - 1), 0)))
    new_held = where((phase == CHOICE) & ~selected, look, -1)
    if p.reset_gaze:
        gaze = where(iti_over, cx, gaze)
    new_state = {"gaze": gaze, "phase": new_phase, "count": new_count, "held": new_held,
                 "done": done}
    return new_state, fixated, choice, choice_reward
