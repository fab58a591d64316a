"""Composing the Harlow observations' images from the two objects' images: the pixels
level's frames and the psychlab level's screens, padded for the moving view."""

from __future__ import annotations

from typing import Any

import numpy as np

from meta_rl.tasks.harlow.params import HarlowRules

CROSS_COLOR = (1.0, 0.0, 0.0)
"""Psychlab's fixation cross is red on a black background."""


def _pad_hw(x: Any, top: int, bottom: int, left: int, right: int, ops: Any) -> Any:
    """Pad the two image axes of ``x [..., H, W, C]`` with zeros (black)."""
    rank = len(x.shape)
    return ops.pad(x, [[0, 0]] * (rank - 3) + [[top, bottom], [left, right], [0, 0]])


def pixel_frames(rewarded_img: Any, other_img: Any, p: HarlowRules, ops: Any) -> Any:
    """The pixels level's 3 possible observations ``[..., 3, s, 2s + gap, 3]``: the
    rewarded object on the left, on the right, and a blank frame (after the last trial)."""
    s = p.object_size

    def pair(left: Any, right: Any) -> Any:
        return _pad_hw(left, 0, 0, 0, s + p.object_gap, ops) + _pad_hw(right, 0, 0, s + p.object_gap,
                                                                        0, ops)
    frame_left, frame_right = pair(rewarded_img, other_img), pair(other_img, rewarded_img)
    return ops.stack([frame_left, frame_right, 0.0 * frame_left], axis=-4)


def cross_image(p: HarlowRules) -> np.ndarray:
    """The screen with the red fixation cross at its centre, float32 [H, W, 3]."""
    screen = np.zeros((p.screen_height, p.screen_width, 3), np.float32)
    cy, cx, r = p.screen_height // 2, p.screen_width // 2, p.cross_size // 2
    screen[cy, cx - r:cx + r + 1] = CROSS_COLOR
    screen[cy - r:cy + r + 1, cx] = CROSS_COLOR
    return screen


def psychlab_screens(rewarded_img: Any, other_img: Any, p: HarlowRules, ops: Any) -> Any:
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
