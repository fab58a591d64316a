"""Object images of the Harlow task (Wang et al. 2018, Simulation 5), one id -> one image.

The Psychlab ``harlow`` level shows photographs (Brady, Konkle & Oliva 2008: ids 1-1000
for training, 1001-2000 held out). Here an object is either

* procedural: a coloured, textured shape drawn from an integer id by an integer hash
  (9 shape families: disc, ring, square, diamond, triangle, cross, bars, ellipse,
  half-disc; 4 textures: plain, stripes at a random angle and frequency, checks, dots;
  random shape, texture and background colours), or
* a file of a user's image folder (``load_image_dir``), the id being its index.

The renderer is written once against a tiny backend (``NUMPY`` or ``tf_ops()``) so the
gymnasium env (numpy) and the compiled batched task (TensorFlow, XLA) draw the same image
for the same id: the hash is exact int64 arithmetic, every edge is anti-aliased over one
pixel so float32 rounding differences between numpy and XLA stay far below 1e-5.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
HELD_OUT_FRACTION = 0.2
"""Share of an image folder (the last files by name) kept for held-out episodes."""
PROCEDURAL_SPLIT = 2 ** 23
"""Procedural ids in [0, 2^23) are training objects, ids in [2^23, 2^24) held out."""

N_SHAPES = 9
N_TEXTURES = 4
_MASK32 = 2 ** 32


class NumpyOps:
    """The few array operations the renderer and the task dynamics need, in numpy."""

    name = "numpy"
    where = staticmethod(np.where)
    floor = staticmethod(np.floor)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    minimum = staticmethod(np.minimum)
    maximum = staticmethod(np.maximum)
    xor = staticmethod(np.bitwise_xor)
    sum = staticmethod(np.sum)

    @staticmethod
    def int64(x: Any) -> Any:
        return np.asarray(x).astype(np.int64)

    @staticmethod
    def int32(x: Any) -> Any:
        return np.asarray(x).astype(np.int32)

    @staticmethod
    def float32(x: Any) -> Any:
        return np.asarray(x).astype(np.float32)

    @staticmethod
    def stack(xs: list, axis: int) -> Any:
        return np.stack(xs, axis=axis)

    @staticmethod
    def concat(xs: list, axis: int) -> Any:
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def pad(x: Any, paddings: list[list[int]]) -> Any:
        return np.pad(x, paddings)

    @staticmethod
    def const(x: np.ndarray) -> Any:
        return x

    @staticmethod
    def gather(table: Any, index: Any) -> Any:
        """``table[index]`` along the first axis of ``table`` (a constant)."""
        return np.asarray(table)[np.asarray(index)]

    @staticmethod
    def pick(x: Any, index: Any) -> Any:
        """``x[..., index, ...]`` per batch element: x ``[*L, N, *R]``, index ``[*L]`` -> ``[*L, *R]``."""
        index = np.asarray(index)
        shape = index.shape + (1,) * (x.ndim - index.ndim)
        return np.squeeze(np.take_along_axis(x, index.reshape(shape), axis=index.ndim), axis=index.ndim)

    @staticmethod
    def crop_columns(x: Any, start: Any, width: int) -> Any:
        """Columns ``start .. start + width - 1`` of images ``x [*L, H, W, C]``, start ``[*L]``."""
        cols = np.asarray(start)[..., None] + np.arange(width, dtype=np.int32)
        return np.take_along_axis(x, cols[..., None, :, None], axis=-2)

    @staticmethod
    def one_hot(index: Any, n: int) -> Any:
        """One-hot float32 vectors; index -1 gives all zeros."""
        return (np.asarray(index)[..., None] == np.arange(n)).astype(np.float32)


class TFOps:
    """The same operations in TensorFlow; all of them compile under XLA on CPU."""

    name = "tf"

    def __init__(self) -> None:
        import tensorflow as tf

        self.tf = tf
        self.where = tf.where
        self.floor = tf.floor
        self.sin = tf.sin
        self.cos = tf.cos
        self.sqrt = tf.sqrt
        self.abs = tf.abs
        self.minimum = tf.minimum
        self.maximum = tf.maximum
        self.xor = tf.bitwise.bitwise_xor
        self.sum = tf.reduce_sum

    def int64(self, x: Any) -> Any:
        return self.tf.cast(x, self.tf.int64)

    def int32(self, x: Any) -> Any:
        return self.tf.cast(x, self.tf.int32)

    def float32(self, x: Any) -> Any:
        return self.tf.cast(x, self.tf.float32)

    def stack(self, xs: list, axis: int) -> Any:
        return self.tf.stack(xs, axis=axis)

    def concat(self, xs: list, axis: int) -> Any:
        return self.tf.concat(xs, axis=axis)

    def pad(self, x: Any, paddings: list[list[int]]) -> Any:
        return self.tf.pad(x, paddings)

    def const(self, x: np.ndarray) -> Any:
        return self.tf.constant(x)

    def gather(self, table: Any, index: Any) -> Any:
        return self.tf.gather(self.tf.constant(table), index)

    def pick(self, x: Any, index: Any) -> Any:
        rank = index.shape.rank
        return self.tf.gather(x, index, batch_dims=rank, axis=rank)

    def crop_columns(self, x: Any, start: Any, width: int) -> Any:
        rank = start.shape.rank
        cols = start[..., None] + self.tf.range(width, dtype=start.dtype)
        return self.tf.gather(x, cols, batch_dims=rank, axis=rank + 1)

    def one_hot(self, index: Any, n: int) -> Any:
        return self.tf.one_hot(index, n, dtype=self.tf.float32)


NUMPY = NumpyOps()


@functools.cache
def tf_ops() -> TFOps:
    """The TensorFlow backend (TensorFlow is imported on first use only)."""
    return TFOps()


# --------------------------------------------------------------------------- hashing


def _mulmod32(x: Any, c: int) -> Any:
    """``(x * c) mod 2^32`` for int64 ``x`` in [0, 2^32) without int64 overflow."""
    hi, lo = c >> 16, c & 0xFFFF
    return ((x * hi) % 2 ** 16 * 2 ** 16 + x * lo) % _MASK32


def hash32(x: Any, ops: Any = NUMPY) -> Any:
    """The ``lowbias32`` integer hash (C. Wellons) on int64 values in [0, 2^32)."""
    x = ops.xor(x, x // 2 ** 16)
    x = _mulmod32(x, 0x7FEB352D)
    x = ops.xor(x, x // 2 ** 15)
    x = _mulmod32(x, 0x846CA68B)
    return ops.xor(x, x // 2 ** 16)


N_OBJECT_UNIFORMS = 19
"""Pseudo-random numbers drawn per procedural object (shape, texture, colours...)."""


def object_uniforms(ids: Any, ops: Any = NUMPY) -> Any:
    """``N_OBJECT_UNIFORMS`` pseudo-random numbers in [0, 1) per object id: float32
    ``[..., N_OBJECT_UNIFORMS]``, exact (24-bit) and identical in numpy and TensorFlow."""
    key = (ops.int64(ids)[..., None] * 64 + ops.const(np.arange(N_OBJECT_UNIFORMS, dtype=np.int64)))
    h = hash32(hash32(key % _MASK32, ops), ops)
    return ops.float32(h // 2 ** 8) * (1.0 / 2 ** 24)


# --------------------------------------------------------------------------- drawing


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates in [-1, 1] (x to the right, y down), float32 [size, size]."""
    c = ((np.arange(size, dtype=np.float32) + 0.5) - size / 2) / (size / 2)
    y, x = np.meshgrid(c, c, indexing="ij")
    return x.astype(np.float32), y.astype(np.float32)


def _select(index: Any, options: list, ops: Any) -> Any:
    """``options[index]`` elementwise, ``index`` a float holding a whole number."""
    out = options[0]
    for k, option in enumerate(options[1:], start=1):
        out = ops.where(index == k, option, out)
    return out


def _clip01(x: Any, ops: Any) -> Any:
    return ops.minimum(ops.maximum(x, 0.0), 1.0)


def _triangle_wave(v: Any, period: Any, ops: Any) -> Any:
    """Distance of ``v`` to the nearest multiple of ``period`` (continuous in ``v``)."""
    return ops.abs(v - period * ops.floor(v / period + 0.5))


def _shape_sdfs(x: Any, y: Any, u: Any, ops: Any) -> list:
    """Signed distances (negative inside, unit coordinates) of the 9 shape families."""
    theta = u(1) * (2 * math.pi)
    cos, sin = ops.cos(theta), ops.sin(theta)
    xr, yr = x * cos + y * sin, y * cos - x * sin  # rotated coordinates
    r = 0.55 + 0.35 * u(2)  # size
    w = 0.12 + 0.12 * u(3)  # stroke width
    radius = ops.sqrt(x * x + y * y)
    ax, ay = ops.abs(x), ops.abs(y)
    axr, ayr = ops.abs(xr), ops.abs(yr)
    triangle = xr - 0.5 * r
    for k in (1, 2):
        a = 2 * math.pi * k / 3
        triangle = ops.maximum(triangle, xr * math.cos(a) + yr * math.sin(a) - 0.5 * r)
    period = 2 * r / 3
    bars = ops.maximum(ops.maximum(axr, ayr) - r,
                       0.25 * period - _triangle_wave(yr + r, period, ops))
    aspect = 0.4 + 0.3 * u(3)
    ellipse = (ops.sqrt(xr * xr + (yr / aspect) * (yr / aspect)) - r) * aspect
    return [
        radius - r,                                             # disc
        ops.abs(radius - r + w) - w,                            # ring
        ops.maximum(ax, ay) - 0.85 * r,                         # square (axis-aligned)
        (ax + ay) * (1 / math.sqrt(2)) - 0.8 * r,               # diamond
        triangle - 0.15,                                        # triangle, rotated
        ops.minimum(ops.maximum(axr - r, ayr - w), ops.maximum(axr - w, ayr - r)),  # cross
        bars,                                                   # three parallel bars
        ellipse,                                                # ellipse, rotated
        ops.maximum(radius - r, yr),                            # half-disc, rotated
    ]


def _textures(x: Any, y: Any, px: float, u: Any, ops: Any) -> list:
    """Texture masks in [0, 1] of the 4 texture types (plain, stripes, checks, dots)."""
    alpha = u(5) * math.pi
    period = (3.0 + 3.0 * u(6)) * px  # 3 to 6 pixels
    phase = u(7) * (2 * math.pi)
    along = x * ops.cos(alpha) + y * ops.sin(alpha)
    across = y * ops.cos(alpha) - x * ops.sin(alpha)
    stripes = _clip01(0.5 + 1.5 * ops.sin(along * (2 * math.pi) / period + phase), ops)
    checks = _clip01(0.5 + 2.0 * ops.sin(along * (2 * math.pi) / period)
                     * ops.sin(across * (2 * math.pi) / period), ops)
    gx, gy = _triangle_wave(along, period, ops), _triangle_wave(across, period, ops)
    dots = _clip01(0.5 - (ops.sqrt(gx * gx + gy * gy) - 0.3 * period) / px, ops)
    return [0.0 * x, stripes, checks, dots]


def procedural_objects(ids: Any, size: int, ops: Any = NUMPY) -> Any:
    """Images of the procedural objects ``ids`` (int, any shape): float32 [..., size, size, 3]."""
    uniforms = object_uniforms(ids, ops)

    def u(k: int) -> Any:
        return uniforms[..., k, None, None]

    x, y = (ops.const(v) for v in _grid(size))
    px = 2.0 / size  # one pixel in unit coordinates
    shape = ops.floor(u(0) * N_SHAPES)
    sdf = _select(shape, _shape_sdfs(x, y, u, ops), ops)
    cover = _clip01(0.5 - sdf / px, ops)  # anti-aliased over one pixel
    texture = _select(ops.floor(u(4) * N_TEXTURES), _textures(x, y, px, u, ops), ops)
    on_shape = u(8) < 0.7  # texture on the shape, else on the background
    invert = u(9) < 0.5  # bright shape on dark background, or the reverse
    channels = []
    for c in range(3):
        dark, bright = 0.4 * u(10 + c), 0.55 + 0.45 * u(13 + c)
        fg, bg = ops.where(invert, dark, bright), ops.where(invert, bright, dark)
        tex = u(16 + c)
        fg = ops.where(on_shape, fg + (tex - fg) * texture, fg)
        bg = ops.where(on_shape, bg, bg + (tex - bg) * texture)
        channels.append(bg + (fg - bg) * cover)
    return ops.stack(channels, axis=-1)


# --------------------------------------------------------------------------- image folder


def image_files(image_dir: str) -> list[Path]:
    """The images of a folder (PNG/JPEG), sorted by name."""
    folder = Path(image_dir)
    return sorted(f for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)


def image_dir_split(n_files: int) -> int:
    """Number of training images of a folder of ``n_files``; the last 20 % are held out."""
    return n_files - int(round(HELD_OUT_FRACTION * n_files))


@functools.cache
def load_image_dir(image_dir: str, size: int) -> np.ndarray:
    """All images of ``image_dir`` resized to ``size`` x ``size``: float32 [n, size, size, 3]."""
    from PIL import Image

    images = []
    for f in image_files(image_dir):
        with Image.open(f) as im:
            im = im.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
            images.append(np.asarray(im, dtype=np.float32) / 255.0)
    return np.stack(images).astype(np.float32)


def render_objects(ids: Any, size: int, image_dir: str = "", ops: Any = NUMPY) -> Any:
    """Images of objects ``ids``: procedural, or files of ``image_dir`` when it is set."""
    if image_dir:
        return ops.gather(load_image_dir(image_dir, size), ops.int32(ids))
    return procedural_objects(ids, size, ops)
