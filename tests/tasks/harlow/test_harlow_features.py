"""Dead object features of the pixels encoder (``meta_rl/tasks/harlow/features.py``)."""

import dataclasses

import numpy as np
import pytest

from meta_rl.agent.encoders import FEATURES
from meta_rl.agent.network import initial_weights
from meta_rl.learn.checkpoints import save_checkpoint
from meta_rl.tasks.harlow.features import dead_object_features, dead_units, object_features
from meta_rl.tasks.registry import get_config


def test_dead_units_counts_units_silent_for_every_object():
    features = np.array([[0.0, 1.0, 0.0, -2.0],
                         [0.0, 0.0, 3.0, -1.0],
                         [0.0, 0.0, 0.0, -0.5]])
    assert dead_units(features, "relu") == 2  # units 0 and 3; 1 and 2 fire for one object
    assert dead_units(features, "linear") == 0  # a linear unit passes a gradient everywhere


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_a_negative_bias_kills_every_relu_feature(tmp_path, activation):
    """Fresh weights leave most ReLU features alive; a large negative bias on the last layer
    kills all of them, and none of the linear ones."""
    config = dataclasses.replace(get_config("harlow-pixels"), feature_activation=activation)
    params = initial_weights(0, config)
    features = object_features(params, config, 64)
    assert features.shape == (64, FEATURES // 2)
    assert dead_units(features, activation) <= FEATURES // 8
    assert len(np.unique(features.round(5), axis=0)) == 64  # distinct objects, distinct features
    params["enc_dense_b"] = params["enc_dense_b"] - 1e3
    save_checkpoint(tmp_path, 32, params, {k: np.ones_like(v) for k, v in params.items()}, config)
    expected = FEATURES // 2 if activation == "relu" else 0
    assert dead_object_features(tmp_path, config) == expected
