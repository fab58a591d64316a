"""Drawing a Harlow episode from uniforms: its pair of objects, which one is rewarded and
the rewarded object's side on each trial; and the held-out sets (numpy or TensorFlow ops)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from meta_rl.tasks.harlow.objects import NUMPY, PROCEDURAL_SPLIT, image_dir_split, image_files
from meta_rl.tasks.harlow.params import N_TRIALS, HarlowRules

SIDE_PATTERNS = np.array([[1 if n in right else 0 for n in range(N_TRIALS)]
                          for right in itertools.combinations(range(N_TRIALS), N_TRIALS // 2)],
                         dtype=np.int32)
"""The 20 orders of 3 left (0) + 3 right (1): the rewarded object's side on each trial."""


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


def n_init_uniforms(p: HarlowRules) -> int:
    """Uniforms per episode: the objects (1 for a symbolic pair, 2 otherwise), which of the
    two is rewarded, the order of its sides."""
    return 3 if p.level == "symbolic" else 4


def draw_episode(u: Any, p: HarlowRules, held_out: bool, ops: Any = NUMPY):
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


def is_held_out(rewarded: Any, other: Any, p: HarlowRules) -> np.ndarray:
    """Whether episodes with these two objects belong to the held-out set (numpy)."""
    rewarded, other = np.asarray(rewarded), np.asarray(other)
    if p.level == "symbolic":
        return held_out_pair(rewarded, other)
    if p.image_dir:
        n_train = image_dir_split(len(image_files(p.image_dir)))
        return rewarded >= n_train
    return rewarded >= PROCEDURAL_SPLIT
