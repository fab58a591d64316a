"""The Harlow task (Harlow 1949) as in Wang et al. 2018, Simulation 5 (Psychlab ``harlow``).

Rules common to the three levels (DeepMind Lab ``harlow_factory.lua``): an episode is 6
trials with one new pair of objects; one of the two, drawn at random per episode, is the
rewarded object for all 6 trials; its side over the trials is a random permutation of
3 left + 3 right; choosing it pays +5, choosing the other -5.

Levels (``HarlowParams.level``):

* ``symbolic`` (the original reimplementation's final setup): 42 object ids, one agent
  step per trial, observation one-hot(left id) + one-hot(right id). One-hot ids cannot
  generalise to an unseen id, so the held-out set is a set of *pairs*: pair (i, j) is held
  out when (i + j) % 6 == 0 (140 of the 861 pairs; every object is in both sets).
* ``pixels``: observation = the two objects' images side by side, every episode two
  objects never seen before (``objects.py``); the pair shows for a preview step before the
  choice step.
* ``psychlab``: the Psychlab dynamics at low resolution: fixation cross, gaze moved by
  look-left / look-right / no-op, images selected by holding the gaze on them.

One file, two views of the same dynamics (as in ``two_step.py``):

* ``BatchedHarlow``: the task on tensors of any batch shape (``[S, B]`` in the compiled
  trainer), all randomness from uniforms passed in; backend TensorFlow (XLA) or numpy.
* ``HarlowEnv``: a gymnasium environment, a numpy ``BatchedHarlow`` with batch shape ().
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from meta_rl.tasks.base import checked_action
from meta_rl.tasks.harlow.objects import (
    NUMPY,
    PROCEDURAL_SPLIT,
    image_dir_split,
    image_files,
    render_objects,
    tf_ops,
)

LEVELS = ("symbolic", "pixels", "psychlab")
N_TRIALS = 6
SIDE_PATTERNS = np.array([[1 if n in right else 0 for n in range(N_TRIALS)]
                          for right in itertools.combinations(range(N_TRIALS), N_TRIALS // 2)],
                         dtype=np.int32)
"""The 20 orders of 3 left (0) + 3 right (1): the rewarded object's side on each trial."""

# Psychlab phases
FIXATION, CHOICE, ITI, DONE = 0, 1, 2, 3
CROSS_COLOR = (1.0, 0.0, 0.0)
"""Psychlab's fixation cross is red on a black background."""

TRAINING_METRICS = ("trial1_correct", "trial2_correct", "trials2to6_correct")
"""Learning curves every level logs while training (``BatchedHarlow.training_metrics``)."""
GAZE_METRICS = ("fixation", "no_choice")
"""Learning curves the psychlab level adds."""

RECORD_KEYS = ("trial", "choice", "choice_reward", "fixation", "rewarded_object", "other_object",
               "side_bits")
"""Keys of ``BatchedHarlow.step``'s per-step record."""


@dataclass(frozen=True)
class HarlowParams:
    """Task parameters; defaults follow the Psychlab ``harlow`` level (Wang et al. 2018).

    The Psychlab screen is 512 x 512 px, seen through an 84 x 84 RGB view; the images are
    0.4 of the screen wide, centred at 0.25 and 0.75 of its width, selected by holding the
    gaze on their central half; the red cross is 0.1 of the screen wide. The ``psychlab``
    level keeps those proportions horizontally on a 31 x 15 px screen: 12 px objects
    (0.39 of the width) centred 8 px either side of the centre, a 3 px cross, 7 px
    selection zones, and a view as large as the screen (at the centre the agent sees all
    of it, as in Psychlab; looking aside brings black off-screen pixels into view).
    """

    kind: ClassVar[str] = "harlow"

    level: str = "psychlab"
    """"symbolic" | "pixels" | "psychlab"."""
    reward_correct: float = 5.0
    """Reward for choosing the rewarded object (Psychlab: +5)."""
    reward_wrong: float = -5.0
    """Reward for choosing the other object (Psychlab: -5)."""
    n_objects: int = 42
    """symbolic: number of object ids (the original reimplementation's 42 images)."""
    object_size: int = 12
    """pixels / psychlab: object image side in pixels."""
    object_gap: int = 2
    """pixels: black columns between the left and the right object."""
    image_dir: str = ""
    """pixels / psychlab: a folder of PNG/JPEG images used instead of procedural objects
    (sorted by name, the last 20 % held out; ids are file indices)."""
    screen_width: int = 31
    """psychlab: screen width in pixels (Psychlab: 512)."""
    screen_height: int = 15
    """psychlab: screen height in pixels (Psychlab: 512; only the band of the images matters)."""
    view_width: int = 31
    """psychlab: width of the agent's view, centred on the gaze (Psychlab: 84 x 84 view)."""
    view_height: int = 15
    """psychlab: height of the agent's view."""
    object_offset: int = 8
    """psychlab: horizontal distance of each object's centre from the screen centre
    (Psychlab: 0.25 of the screen width)."""
    cross_size: int = 3
    """psychlab: width of the fixation cross and of its gaze zone (Psychlab: 0.1 of the screen)."""
    select_radius: int = 3
    """psychlab: the gaze selects an object within this many pixels of its centre
    (Psychlab: the central half of the image)."""
    gaze_step: int = 4
    """psychlab: pixels the gaze moves per look-left / look-right frame (half an object
    offset: two frames from the cross to an object's centre)."""
    fixation_frames: int = 4
    """psychlab: consecutive frames on the cross that start a trial (Psychlab: 4; the
    released ``harlow_factory.lua`` sets 1 with the comment "4"; the original
    reimplementation: 1)."""
    select_frames: int = 4
    """psychlab: consecutive frames on an object that select it (Psychlab: 4)."""
    iti_frames: int = 5
    """psychlab: blank frames after a choice (Psychlab: 5; the original reimplementation: 2)."""
    fixation_reward: float = 1.0
    """psychlab: reward for fixating the cross (Psychlab: 1; the original reimplementation: 0)."""
    episode_frames: int = 120
    """psychlab: frames per episode. 6 trials take at least 79 frames with the defaults
    (4 fixation + 2 moves + 3 holds + 5 ITI per trial, the return to the cross during
    the ITI); 120 leaves ~50 % slack. Trials not completed count as no choice."""
    frames_per_step: int = 1
    """psychlab: frames each agent step lasts (its action repeated, its rewards summed, the
    agent seeing the last frame). Psychlab: 1 (a decision per frame); 2 halves the agent's
    steps per episode, so its cost, at the price of the finer timing (a 4-frame hold is 2
    steps, a move 8 pixels)."""
    fixation_step: bool = True
    """symbolic / pixels: each trial starts with a step on a blank screen (the fixation cross;
    the action is ignored, no reward) before the choice step, as the original
    reimplementation's 1 fixation frame with reward 0. It gives the network a step to take in
    the last choice's outcome before it sees the next pair; without it the network must
    compare objects and recall the outcome in the same step (it plateaus at ~80 % correct)."""
    preview_steps: int = 0
    """symbolic / pixels: steps on which the pair is shown before the choice step (the action
    is ignored, no reward). In Psychlab the agent sees the pair for at least 6 frames (2 to
    move the gaze, 4 to hold it) before its choice counts; at one step per trial the
    network must compare the pair with its memory and choose in a single recurrent step."""
    reset_gaze: bool = False
    """psychlab: put the gaze back on the centre after each ITI. Psychlab does not (the
    agent must look back at the cross); the original reimplementation did."""

    @property
    def n_trials(self) -> int:
        """Trials per episode (Psychlab: 6)."""
        return N_TRIALS

    @property
    def n_steps(self) -> int:
        """Agent steps per episode: ``steps_per_trial`` per trial, or the psychlab frame budget
        (in agent steps)."""
        if self.level == "psychlab":
            return self.episode_frames // self.frames_per_step
        return N_TRIALS * self.steps_per_trial

    @property
    def steps_per_trial(self) -> int:
        """symbolic / pixels: agent steps per trial (fixation, preview, choice)."""
        return int(self.fixation_step) + self.preview_steps + 1

    @property
    def n_actions(self) -> int:
        """2 (left, right) or, for psychlab, 3 (look left, look right, no-op)."""
        return 3 if self.level == "psychlab" else 2

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {self.level!r}")
        if not self.reward_correct > self.reward_wrong:
            raise ValueError(f"reward_correct ({self.reward_correct}) must exceed reward_wrong "
                             f"({self.reward_wrong})")
        _at_least(self, "preview_steps", 0)
        if self.level == "symbolic":
            if self.n_objects < 6:
                raise ValueError(f"n_objects must be at least 6, got {self.n_objects}")
            return
        _at_least(self, "object_size", 4)
        _at_least(self, "object_gap", 0)
        if self.image_dir:
            if not os.path.isdir(self.image_dir):
                raise ValueError(f"image_dir is not a folder: {self.image_dir!r}")
            n = len(image_files(self.image_dir))
            n_train = image_dir_split(n)
            if n_train < 2 or n - n_train < 2:
                raise ValueError(f"image_dir needs 2 training and 2 held-out images "
                                 f"(>= 8 files), has {n} files")
        if self.level == "psychlab":
            self._validate_psychlab()

    def make_task(self, held_out: bool = False) -> BatchedHarlow:
        """The batched task for the compiled trainer; ``held_out``: the test's held-out objects."""
        return BatchedHarlow(self, held_out)

    def _validate_psychlab(self) -> None:
        for name, low in (("screen_width", 3), ("screen_height", 3), ("view_width", 1),
                          ("view_height", 1), ("cross_size", 1), ("select_radius", 0),
                          ("gaze_step", 1), ("fixation_frames", 1), ("select_frames", 1),
                          ("iti_frames", 1), ("episode_frames", 1), ("object_offset", 1),
                          ("frames_per_step", 1)):
            _at_least(self, name, low)
        if self.episode_frames % self.frames_per_step:
            raise ValueError(f"episode_frames ({self.episode_frames}) must be a multiple of "
                             f"frames_per_step ({self.frames_per_step})")
        if self.screen_height < self.object_size:
            raise ValueError(f"screen_height ({self.screen_height}) must hold object_size "
                             f"({self.object_size})")
        centre = self.screen_width // 2
        if (centre - self.object_offset - self.object_size // 2 < 0
                or centre + self.object_offset - self.object_size // 2 + self.object_size
                > self.screen_width):
            raise ValueError(f"object_offset ({self.object_offset}) puts the objects off a "
                             f"screen_width of {self.screen_width}")
        if self.cross_size % 2 == 0 or self.cross_size > self.screen_height:
            raise ValueError(f"cross_size must be odd and fit the screen, got {self.cross_size}")
        if self.object_offset - self.select_radius <= self.cross_size // 2:
            raise ValueError(f"select_radius ({self.select_radius}) overlaps the cross's gaze zone")
        if 2 * self.select_radius >= 2 * self.object_offset:
            raise ValueError(f"select_radius ({self.select_radius}) makes the two objects' zones meet")


def _at_least(p: HarlowParams, name: str, low: int) -> None:
    value = getattr(p, name)
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")


SYMBOLIC = HarlowParams(level="symbolic")
"""The original reimplementation's final setup: 42 one-hot object ids, one step per trial."""
PIXELS = HarlowParams(level="pixels", preview_steps=1)
"""Object images side by side, new objects every episode; per trial a fixation step, a
preview step and the choice step."""
PSYCHLAB = HarlowParams(level="psychlab")
"""Psychlab dynamics at low resolution (Wang et al. 2018, Simulation 5)."""
HARLOW_LEVELS = {"symbolic": SYMBOLIC, "pixels": PIXELS, "psychlab": PSYCHLAB}


# --------------------------------------------------------------------------- episodes


def held_out_pair(i: Any, j: Any) -> Any:
    """symbolic: whether the pair of object ids (i, j) is held out: (i + j) % 6 == 0, i.e.
    140 of the 861 pairs of 42 objects, every object in both training and held-out pairs."""
    return (np.asarray(i) + np.asarray(j)) % 6 == 0


def symbolic_pairs(n_objects: int, held_out: bool) -> np.ndarray:
    """The training or held-out unordered pairs (i < j) of object ids, int32 [n_pairs, 2]."""
    pairs = [(i, j) for i, j in itertools.combinations(range(n_objects), 2)
             if held_out_pair(i, j) == held_out]
    return np.array(pairs, dtype=np.int32)


def _index(u: Any, n: int, ops: Any) -> Any:
    """An integer in [0, n) from a uniform (clamped: a float64 draw may round to 1.0f)."""
    return ops.minimum(ops.int32(ops.floor(u * float(n))), n - 1)


def _distinct_pair(u0: Any, u1: Any, n: int, offset: int, ops: Any) -> tuple[Any, Any]:
    """Two distinct integers in [offset, offset + n), uniformly, from two uniforms."""
    a = _index(u0, n, ops)
    b = (a + 1 + _index(u1, n - 1, ops)) % n
    return a + offset, b + offset


def n_init_uniforms(p: HarlowParams) -> int:
    """Uniforms per episode: the objects (1 for a symbolic pair, 2 otherwise), which of the
    two is rewarded, the order of its sides."""
    return 3 if p.level == "symbolic" else 4


def draw_episode(u: Any, p: HarlowParams, held_out: bool, ops: Any = NUMPY):
    """The episode drawn from uniforms ``u [..., n_init]``.

    Returns ``(rewarded, other, sides)``: the two object ids (int32 ``[...]``) and the
    rewarded object's side on each trial (int32 ``[..., 6]``, 0 left, 1 right).
    """
    if p.level == "symbolic":
        pairs = symbolic_pairs(p.n_objects, held_out)
        pair = ops.gather(pairs, _index(u[..., 0], len(pairs), ops))
        a, b = pair[..., 0], pair[..., 1]
        k = 1
    else:
        if p.image_dir:
            n_files = len(image_files(p.image_dir))
            n_train = image_dir_split(n_files)
            n, offset = (n_files - n_train, n_train) if held_out else (n_train, 0)
        else:
            n, offset = PROCEDURAL_SPLIT, (PROCEDURAL_SPLIT if held_out else 0)
        a, b = _distinct_pair(u[..., 0], u[..., 1], n, offset, ops)
        k = 2
    first = u[..., k] < 0.5
    rewarded, other = ops.where(first, a, b), ops.where(first, b, a)
    sides = ops.gather(SIDE_PATTERNS, _index(u[..., k + 1], len(SIDE_PATTERNS), ops))
    return ops.int32(rewarded), ops.int32(other), sides


def is_held_out(rewarded: Any, other: Any, p: HarlowParams) -> np.ndarray:
    """Whether episodes with these two objects belong to the held-out set (numpy)."""
    rewarded, other = np.asarray(rewarded), np.asarray(other)
    if p.level == "symbolic":
        return held_out_pair(rewarded, other)
    if p.image_dir:
        n_train = image_dir_split(len(image_files(p.image_dir)))
        return rewarded >= n_train
    return rewarded >= PROCEDURAL_SPLIT


# --------------------------------------------------------------------------- images


def _pad_hw(x: Any, top: int, bottom: int, left: int, right: int, ops: Any) -> Any:
    """Pad the two image axes of ``x [..., H, W, C]`` with zeros (black)."""
    rank = len(x.shape)
    return ops.pad(x, [[0, 0]] * (rank - 3) + [[top, bottom], [left, right], [0, 0]])


def pixel_frames(rewarded_img: Any, other_img: Any, p: HarlowParams, ops: Any) -> Any:
    """The pixels level's 3 possible observations ``[..., 3, s, 2s + gap, 3]``: the
    rewarded object on the left, on the right, and a blank frame (after the last trial)."""
    s = p.object_size

    def pair(left: Any, right: Any) -> Any:
        return _pad_hw(left, 0, 0, 0, s + p.object_gap, ops) + _pad_hw(right, 0, 0, s + p.object_gap,
                                                                        0, ops)
    frame_left, frame_right = pair(rewarded_img, other_img), pair(other_img, rewarded_img)
    return ops.stack([frame_left, frame_right, 0.0 * frame_left], axis=-4)


def cross_image(p: HarlowParams) -> np.ndarray:
    """The screen with the red fixation cross at its centre, float32 [H, W, 3]."""
    screen = np.zeros((p.screen_height, p.screen_width, 3), np.float32)
    cy, cx, r = p.screen_height // 2, p.screen_width // 2, p.cross_size // 2
    screen[cy, cx - r:cx + r + 1] = CROSS_COLOR
    screen[cy - r:cy + r + 1, cx] = CROSS_COLOR
    return screen


def psychlab_screens(rewarded_img: Any, other_img: Any, p: HarlowParams, ops: Any) -> Any:
    """The 4 screens of an episode, padded for the view: blank, cross, rewarded object on
    the left, on the right. Rows are cut to the view's rows (the gaze moves horizontally
    only); columns are padded with black so that view column ``j`` at gaze ``g`` is padded
    column ``g + j``. Returns float32 ``[..., 4, view_height, screen_width + view_width - 1, 3]``.
    """
    s, h, w = p.object_size, p.screen_height, p.screen_width
    top, cx = (h - s) // 2, w // 2
    cols = (cx - p.object_offset - s // 2, cx + p.object_offset - s // 2)

    def place(img: Any, col: int) -> Any:
        return _pad_hw(img, top, h - top - s, col, w - col - s, ops)

    choice_left = place(rewarded_img, cols[0]) + place(other_img, cols[1])
    choice_right = place(other_img, cols[0]) + place(rewarded_img, cols[1])
    blank = 0.0 * choice_left
    cross = blank + ops.const(cross_image(p))
    screens = ops.stack([blank, cross, choice_left, choice_right], axis=-4)
    vh, vw = p.view_height, p.view_width
    screens = _pad_hw(screens, vh // 2, vh - 1 - vh // 2, vw // 2, vw - 1 - vw // 2, ops)
    cy = h // 2  # the gaze's row; padded row cy is the view's first row
    return screens[..., cy:cy + vh, :, :]


# --------------------------------------------------------------------------- psychlab dynamics


def psychlab_transition(state: dict, action: Any, side: Any, p: HarlowParams, ops: Any = NUMPY):
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
    gaze = ops.minimum(ops.maximum(gaze, 0), w - 1)
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


# --------------------------------------------------------------------------- batched task


class BatchedHarlow:
    """The Harlow task on a batch of episodes (``[S, B]`` in the compiled trainer).

    All randomness comes from the uniforms passed to ``initial_state``; the object images
    are rendered there, once per episode, and kept in the state. ``backend="tf"`` (default)
    gives tensors usable inside ``tf.function(jit_compile=True)``; ``backend="numpy"`` the
    same computation on numpy arrays (``HarlowEnv`` uses it with batch shape ``()``).

    ``step`` returns a record of int32 ``trial, choice`` (-1 unless a choice was made),
    float32 ``choice_reward``, int32 ``fixation`` (1 when the fixation reward was paid)
    and int32 ``rewarded_object, other_object, side_bits``
    (bit n: the rewarded object's side on trial n), from which ``records_to_trials``
    rebuilds one row per trial.
    """

    def __init__(self, params: HarlowParams, held_out: bool = False, backend: str = "tf"):
        params.validate()
        if backend not in ("tf", "numpy"):
            raise ValueError(f"backend must be 'tf' or 'numpy', got {backend!r}")
        self.params = params
        self.held_out = held_out
        self.ops = tf_ops() if backend == "tf" else NUMPY
        p = params
        self.n_actions = p.n_actions
        self.n_uniforms = 1  # the dynamics are deterministic given the episode
        self.n_init = n_init_uniforms(p)
        self.n_steps = p.n_steps
        self.n_trials = p.n_trials
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


def records_to_trials(records: dict[str, np.ndarray], params: HarlowParams) -> dict[str, np.ndarray]:
    """Per-step records ``[..., n_steps]`` -> per-trial arrays ``[..., 6]``.

    Keys: ``left_object, right_object, rewarded_object, choice`` (0 left, 1 right, -1 none:
    a psychlab trial not completed within the frame budget) and ``reward`` (the choice's
    reward, fixation rewards excluded; 0 without a choice). All int arrays (``reward`` is
    float if the rewards are not whole numbers).
    """
    choice_steps = np.asarray(records["choice"])
    lead = choice_steps.shape[:-1]
    n_steps = choice_steps.shape[-1]

    def flat(name: str) -> np.ndarray:
        return np.asarray(records[name]).reshape(-1, n_steps)

    rewarded, other = flat("rewarded_object")[:, 0], flat("other_object")[:, 0]
    bits = flat("side_bits")[:, 0]
    sides = (bits[:, None] >> np.arange(N_TRIALS)) & 1
    whole = float(params.reward_correct).is_integer() and float(params.reward_wrong).is_integer()
    n = len(rewarded)
    choice = np.full((n, N_TRIALS), -1, np.int64)
    reward = np.zeros((n, N_TRIALS), np.int64 if whole else np.float32)
    episode, step = np.nonzero(flat("choice") >= 0)
    trial = flat("trial")[episode, step]
    choice[episode, trial] = flat("choice")[episode, step]
    reward[episode, trial] = flat("choice_reward")[episode, step]
    trials = {
        "left_object": np.where(sides == 0, rewarded[:, None], other[:, None]),
        "right_object": np.where(sides == 0, other[:, None], rewarded[:, None]),
        "rewarded_object": np.repeat(rewarded[:, None], N_TRIALS, axis=1),
        "choice": choice,
        "reward": reward,
    }
    return {k: v.reshape(lead + (N_TRIALS,)) for k, v in trials.items()}


# --------------------------------------------------------------------------- gymnasium


class HarlowEnv(gym.Env):
    """Gymnasium Harlow task (any level). Actions: 0 left, 1 right (psychlab: look left,
    look right, 2 no-op). Observations: float32 in [0, 1] of ``BatchedHarlow.obs_shape``;
    after the last step a blank observation.

    ``info`` at a trial's end (a choice) holds ``trial, left_object, right_object,
    rewarded_object, choice, reward`` (the choice's reward); psychlab adds ``phase``,
    ``gaze`` and ``fixation`` (whether the fixation reward was paid) at every frame.
    ``episode_uniforms`` are the uniforms the episode was drawn from: handing them to
    ``BatchedHarlow.initial_state`` replays the same episode.
    """

    metadata = {"render_modes": []}

    def __init__(self, params: HarlowParams = PSYCHLAB, held_out: bool = False):
        self.task = BatchedHarlow(params, held_out, backend="numpy")
        self.params = params
        self.held_out = held_out
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=self.task.obs_shape, dtype=np.float32)
        self.action_space = gym.spaces.Discrete(self.task.n_actions)
        self.episode_uniforms = np.zeros(self.task.n_init, np.float32)
        self._state: dict = {}
        self._t = 0

    def _obs(self) -> np.ndarray:
        return np.asarray(self.task.observation(self._state), dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.episode_uniforms = self.np_random.random(self.task.n_init).astype(np.float32)
        self._state = self.task.initial_state(self.episode_uniforms)
        self._t = 0
        return self._obs(), {}

    def step(self, action):
        action = checked_action(self.action_space, action, self._t >= self.task.n_steps)
        self._state, reward, record = self.task.step(self._state, self._t, np.int32(action), None)
        self._t += 1
        info: dict[str, Any] = {}
        if self.params.level == "psychlab":
            info.update(phase=int(self._state["phase"]), gaze=int(self._state["gaze"]),
                        fixation=bool(record["fixation"]))
        choice = int(record["choice"])
        if choice >= 0:
            rewarded, other = int(record["rewarded_object"]), int(record["other_object"])
            trial = int(record["trial"])
            side = (int(record["side_bits"]) >> trial) & 1
            info.update(trial=trial, left_object=rewarded if side == 0 else other,
                        right_object=other if side == 0 else rewarded, rewarded_object=rewarded,
                        choice=choice, reward=float(record["choice_reward"]))
        terminated = self._t >= self.task.n_steps
        obs = np.zeros(self.task.obs_shape, np.float32) if terminated else self._obs()
        return obs, float(reward), terminated, False, info
