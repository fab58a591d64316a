"""The Harlow task's parameters: the fields of ``HarlowParams``, read by the episode, screen,
Psychlab and trial-log modules.

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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar

from meta_rl.tasks.harlow.objects import image_dir_split, image_files

LEVELS = ("symbolic", "pixels", "psychlab")
N_TRIALS = 6


@dataclass(frozen=True)
class HarlowRules:
    """Task parameters; defaults follow the Psychlab ``harlow`` level (Wang et al. 2018).

    Every field of ``env.HarlowParams``, which adds only ``make_task``: the two are separate
    so that the modules ``BatchedHarlow`` is built from can read the parameters without an
    import circle (``make_task`` needs ``BatchedHarlow``).

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
    gaze_between_objects: bool = False
    """psychlab: the gaze goes no farther from the centre than the objects' centres (False:
    to the screen's edge, as in Psychlab). Beyond an object the gaze can rest where nothing
    is selected; held between the objects, looking on towards an object selects it, and the
    other is at most two agent steps away. Tried against a seed that rested its gaze beyond
    the object it knew to be wrong and stopped choosing (issue 27): with it most seeds
    settled on counting sides instead, so no preset uses it."""
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


def _at_least(p: HarlowRules, name: str, low: int) -> None:
    value = getattr(p, name)
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")

