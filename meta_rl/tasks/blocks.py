"""Blocks of random length, for tasks whose hidden state changes between blocks: the same
arithmetic in numpy and, through ``tensorflow.experimental.numpy``, inside the compiled
trainer."""

from __future__ import annotations

import numpy as np


def block_ends(u, block_min: int, block_max: int, xp=np):
    """The trial at which each block ends ``[..., K]`` (cumulative lengths), from uniforms
    ``u [..., K]``: each block lasts ``block_min`` to ``block_max`` trials, uniformly."""
    span = np.float32(block_max - block_min + 1)
    return xp.cumsum(np.float32(block_min) + xp.floor(u * span), axis=-1)


def blocks_before(t, ends, xp=np):
    """How many blocks have ended by trial ``t [..., N]`` (float trial indices): the index of
    the block that trial ``t`` falls in."""
    return xp.sum(xp.where(t[..., :, None] >= ends[..., None, :], np.float32(1.0), np.float32(0.0)), axis=-1)
