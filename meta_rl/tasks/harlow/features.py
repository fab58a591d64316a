"""The pixels agent's object features: how many of its encoder's units have died.

The ``objects`` encoder (``meta_rl/agent/encoders.py``) gives each object ``FEATURES // 2``
features. With a ReLU last layer, a unit whose input is negative for every object outputs 0
for all of them and passes no gradient: it is dead, and can never learn to tell objects
apart. Linear features (``Config.feature_activation``) pass a gradient everywhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from meta_rl.agent.encoders import FEATURES, encode
from meta_rl.config import Config
from meta_rl.learn.checkpoints import list_checkpoints, load_checkpoint
from meta_rl.tasks.harlow.objects import NUMPY, PROCEDURAL_SPLIT, render_objects
from meta_rl.tasks.harlow.screens import pixel_frames

N_OBJECTS = 256
"""Held-out objects the features are measured on."""


def dead_units(features: np.ndarray, activation: str) -> int:
    """Units of ``features [objects, units]`` that pass no gradient for any object: with
    "relu", those at 0 for every object; "linear" units are never dead."""
    if activation == "linear":
        return 0
    return int(np.sum(np.all(np.asarray(features) <= 0.0, axis=0)))


def object_features(params: dict, config: Config, n_objects: int = N_OBJECTS) -> np.ndarray:
    """One seed's features ``[n_objects, FEATURES // 2]`` of the first ``n_objects`` held-out
    procedural objects, each seen on the left of the pixels frame (``params``: one seed's
    weights, no seed axis)."""
    p = config.task
    ids = PROCEDURAL_SPLIT + np.arange(n_objects)
    images = render_objects(np.stack([ids, ids[::-1]], axis=-1), p.object_size, "", NUMPY)
    frames = pixel_frames(images[:, 0], images[:, 1], p, NUMPY)[:, 0]  # the first object on the left
    weights = {k: tf.constant(v)[None] for k, v in params.items() if k.startswith("enc_")}
    features = encode("objects", weights, tf.constant(frames[None], tf.float32), config.feature_activation)
    return features[0, :, :FEATURES // 2].numpy()


def dead_object_features(run_dir: Path, config: Config) -> int:
    """Dead object features of a pixels run's final checkpoint (``dead_units``)."""
    _, path = list_checkpoints(run_dir)[-1]
    _, params, _ = load_checkpoint(path, config)
    return dead_units(object_features(params, config), config.feature_activation)
