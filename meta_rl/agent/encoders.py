"""Encoders in front of the LSTM, for tasks whose observations are images or object ids
(a task names the one it needs in its ``encoder`` attribute).

``conv``: Wang et al. 2018 (Simulation 5) put a convolutional network in front of the LSTM
for frames of 84x84. The frames here are small (objects a dozen pixels wide), so two 3x3
convolutions and one dense layer are enough:

    image [H, W, 3] -> conv 3x3, 16, ReLU -> conv 3x3 stride 2, 16, ReLU -> dense, ReLU -> features

(the last ReLU, or none: ``Config.feature_activation``, ``ACTIVATIONS``).

``conv-mask``: an image whose last channel is a mask (e.g. where a goal that moves between
episodes stands in view, drawn in a channel of its own), the other channels through the conv
net above and the mask through a linear layer, the two feature vectors summed. The images
without the mask can then be few (one per place and heading of a fixed layout): encoded once
per update for the whole batch (``shared_features``), each step adds its mask's features.

``objects``: a frame that shows two square objects at its two ends; the same conv net (as
above, with a dense layer of ``FEATURES // 2``) encodes each of them, and the LSTM sees both
feature vectors side by side: an object looks the same to it on either side.

``embedding``: an observation of two one-hot object ids (left, right). One embedding table
serves both positions, as the convolution's kernels serve every position of an image: an
object then looks the same to the LSTM wherever it stands, and the network can learn one way
of comparing objects instead of one per object. Fed the one-hot ids directly, the LSTM must
learn separately for each object that its left and right ids are the same object (measured:
it plateaus at about 80 % correct after the first trial).

Weights carry the leading seed axis like the rest of the agent; each seed's convolutions run
on its own images. The encoder is applied once per step while acting, and once more on the
whole stored sequence when learning, where ``tf.GradientTape`` takes its gradients from the
LSTM's input gradients (``encoder_backward``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import tensorflow as tf

CHANNELS = 16
FEATURES = 64
"""Width of the feature vector the LSTM sees (both encoders)."""
SLOTS = 2
"""Objects in an id observation (left, right), each embedded in ``FEATURES // SLOTS``."""
ACTIVATIONS = {"relu": tf.nn.relu, "linear": tf.identity}
"""The conv nets' last layer (``Config.feature_activation``). A ReLU unit that is negative for
every object is dead: it no longer passes a gradient, so it cannot learn to tell objects
apart. Linear features cannot die, as the embedding's cannot."""


MASKED = "conv-mask"
"""The encoder kind whose observations carry a mask in their last channel."""


def encoder_shapes(kind: str, obs_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Shapes of one seed's encoder weights (``kind`` "conv", "conv-mask", "objects" or
    "embedding")."""
    if kind == "embedding":
        return {"enc_embed": (obs_shape[0] // SLOTS, FEATURES // SLOTS)}
    height, width, depth = obs_shape
    if kind == MASKED:
        conv = encoder_shapes("conv", (height, width, depth - 1))
        return {**conv, "enc_mask_w": (height * width, FEATURES)}
    features = FEATURES
    if kind == "objects":  # the conv net sees one object (a square) at a time
        width, features = height, FEATURES // SLOTS
    h1, w1 = height - 2, width - 2  # 3x3 VALID
    h2, w2 = (h1 - 3) // 2 + 1, (w1 - 3) // 2 + 1  # 3x3 VALID, stride 2
    return {"enc_conv1_w": (3, 3, depth, CHANNELS), "enc_conv1_b": (CHANNELS,),
            "enc_conv2_w": (3, 3, CHANNELS, CHANNELS), "enc_conv2_b": (CHANNELS,),
            "enc_dense_w": (h2 * w2 * CHANNELS, features), "enc_dense_b": (features,)}


def init_encoder(kind: str, seeds: list[int], obs_shape: tuple[int, ...]) -> dict[str, tf.Tensor]:
    """He-uniform kernels (ReLU layers), zero biases, unit-normal embeddings; a function of
    the seed alone."""
    shapes = encoder_shapes(kind, obs_shape)
    per_seed = []
    for seed in seeds:
        weights = {}
        for i, (name, shape) in enumerate(shapes.items()):
            if name == "enc_embed":
                weights[name] = tf.random.stateless_normal(shape, seed=[int(seed), -10 - i])
            elif name.endswith("_b"):
                weights[name] = tf.zeros(shape)
                continue
            fan_in = int(np.prod(shape[:-1]))
            limit = np.sqrt(6.0 / fan_in)
            weights[name] = tf.random.stateless_uniform(shape, seed=[int(seed), -10 - i],
                                                        minval=-limit, maxval=limit)
        per_seed.append(weights)
    return {k: tf.stack([w[k] for w in per_seed]) for k in shapes}


def encode(kind: str, params: dict, obs: tf.Tensor, activation: str = "relu") -> tf.Tensor:
    """Features ``[S, B, FEATURES]`` of one step's observations ``[S, B, ...]``; ``activation``:
    the conv nets' last layer's (``ACTIVATIONS``)."""
    if kind == "embedding":
        n_seeds, batch, width = obs.shape
        ids = tf.reshape(obs, [n_seeds, batch, SLOTS, width // SLOTS])
        features = tf.einsum("sbpk,skd->sbpd", ids, params["enc_embed"])
        return tf.reshape(features, [n_seeds, batch, FEATURES])
    if kind == "objects":
        # the left and the right object (squares at the two ends of the frame) through
        # the same conv net: an object gives the same features wherever it stands
        n_seeds, batch, height, width = obs.shape[:4]
        halves = tf.stack([obs[:, :, :, :height], obs[:, :, :, width - height:]], axis=2)
        features = _conv(params, tf.reshape(halves, [n_seeds, batch * SLOTS, *halves.shape[3:]]), activation)
        return tf.reshape(features, [n_seeds, batch, FEATURES])
    if kind == MASKED:
        return _conv(params, obs[..., :-1], activation) + mask_features(params, obs[..., -1])
    return _conv(params, obs, activation)


def mask_features(params: dict, mask: tf.Tensor) -> tf.Tensor:
    """The ``conv-mask`` encoder's linear features ``[S, N, FEATURES]`` of masks ``[S, N, H, W]``."""
    flat = tf.reshape(mask, [*mask.shape[:2], -1])
    return tf.einsum("snk,skf->snf", flat, params["enc_mask_w"])


def shared_features(kind: str, params: dict, screens: tf.Tensor, activation: str = "relu") -> tf.Tensor:
    """Features ``[S, K, FEATURES]`` of screens ``[K, H, W, C]`` that every episode shares, each
    observation being one of them whole (``conv``), or one of them and a mask (``conv-mask``:
    the screen's part of the features)."""
    n_seeds = params["enc_conv1_w"].shape[0]
    return _conv(params, tf.broadcast_to(screens[None], [n_seeds, *screens.shape]), activation)


def conv3x3(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, stride: tuple[int, int] = (1, 1)) -> tf.Tensor:
    """ReLU of a 3x3 VALID convolution with per-seed kernels: ``x [S, N, H, W, C]``,
    ``w [S, 3, 3, C, K]``, ``b [S, K]`` -> ``[S, N, H', W', K]``.

    Written as nine shifted slices and one matrix product rather than ``tf.nn.conv2d``:
    every seed convolves with its own kernels in the same product, and XLA compiles it
    (and its gradient) as fast as the LSTM around it; XLA's CPU convolution gradients
    inside the training loop were about 20 times slower than TensorFlow's kernels."""
    sh, sw = stride
    height, width = x.shape[2], x.shape[3]
    out_h, out_w = (height - 3) // sh + 1, (width - 3) // sw + 1
    patches = tf.concat([x[:, :, i:i + sh * (out_h - 1) + 1:sh, j:j + sw * (out_w - 1) + 1:sw]
                         for i in range(3) for j in range(3)], axis=-1)  # [S, N, H', W', 9C]
    kernel = tf.reshape(w, [w.shape[0], -1, w.shape[-1]])  # rows in (i, j, c) order, as patches
    return tf.nn.relu(tf.einsum("snhwk,skc->snhwc", patches, kernel) + b[:, None, None, None])


def _conv(params: dict, images: tf.Tensor, activation: str) -> tf.Tensor:
    """Features ``[S, N, FEATURES]`` of images ``[S, N, H, W, C]`` (any leading ``N``)."""
    x = conv3x3(images, params["enc_conv1_w"], params["enc_conv1_b"])
    x = conv3x3(x, params["enc_conv2_w"], params["enc_conv2_b"], (2, 2))
    return _dense(params, tf.reshape(x, [*x.shape[:2], -1]), activation)


def _dense(params: dict, x: tf.Tensor, activation: str) -> tf.Tensor:
    """The conv nets' last layer: ``x [S, N, K]`` -> features ``[S, N, F]``."""
    return ACTIVATIONS[activation](tf.einsum("snk,skf->snf", x, params["enc_dense_w"])
                                   + params["enc_dense_b"][:, None])


def screen_maps(kind: str, params: dict, screens: tf.Tensor, activation: str = "relu") -> tf.Tensor:
    """What an encoder can compute once per screen: ``screens [S, N, H, W, C]`` are the
    distinct images an episode shows (a task's ``screens``), each step's observation a
    window of one of them (its ``view``).

    ``objects``: the screens are whole frames, so this is their features ``[S, N, F]``.
    ``conv``: the two convolutions over the whole screen, the second at stride 1 across
    columns, ``[S, N, h2, W - 4, CHANNELS]``: a convolution is translation-equivariant, so
    the conv net's output on a window starting at column ``g`` is this map's columns
    ``g, g + 2, ...`` (``view_features``), for every ``g``, computed once per screen
    instead of once per step.
    """
    if kind == "objects":
        return encode(kind, params, screens, activation)
    x = conv3x3(screens, params["enc_conv1_w"], params["enc_conv1_b"])
    return conv3x3(x, params["enc_conv2_w"], params["enc_conv2_b"], (2, 1))


def episode_maps(kind: str, params: dict, screens: tf.Tensor, activation: str = "relu") -> tf.Tensor:
    """``screen_maps`` of every episode's screens ``[S, B, K, H, W, C]`` -> ``[S, B, K, ...]``."""
    n_seeds, batch, k = screens.shape[:3]
    flat = tf.reshape(screens, [n_seeds, batch * k, *screens.shape[3:]])
    maps = screen_maps(kind, params, flat, activation)
    return tf.reshape(maps, [n_seeds, batch, k, *maps.shape[2:]])


def view_features(kind: str, params: dict, maps: tf.Tensor, column: tf.Tensor,
                  view_width: int, activation: str = "relu") -> tf.Tensor:
    """Features ``[S, N, FEATURES]`` of windows ``view_width`` wide starting at ``column
    [S, N]`` of the screens whose ``screen_maps`` are ``maps [S, N, ...]``: equal to
    ``encode`` of the windows themselves."""
    if kind == "objects":
        return maps
    w2 = (view_width - 2 - 3) // 2 + 1  # conv 3x3 VALID, then conv 3x3 VALID stride 2
    columns = column[..., None] + 2 * tf.range(w2)  # [S, N, w2]
    x = tf.gather(maps, columns, axis=3, batch_dims=2)  # [S, N, h2, w2, C]
    return _dense(params, tf.reshape(x, [*x.shape[:2], -1]), activation)


def screen_sequence_features(kind: str, params: dict, screens: tf.Tensor, index: tf.Tensor,
                             column: tf.Tensor | None, view_width: int,
                             activation: str = "relu") -> tf.Tensor:
    """Features ``[T, S, B, FEATURES]`` of a sequence of views: screen ``index [T, S, B]`` of
    each episode's ``screens [S, B, K, H, W, C]`` seen from ``column [T, S, B]``, or of the
    screens every episode shares, ``[K, H, W, C]``, seen whole (``shared_features``)."""
    if screens.shape.rank == 4:
        table = shared_features(kind, params, screens, activation)  # [S, K, F]
        picked = tf.gather(table, tf.transpose(index, [1, 0, 2]), batch_dims=1)  # [S, T, B, F]
        return tf.transpose(picked, [1, 0, 2, 3])
    n_seeds, batch = screens.shape[:2]
    n_steps = index.shape[0]
    maps = episode_maps(kind, params, screens, activation)
    picked = tf.gather(maps, tf.transpose(index, [1, 2, 0]), batch_dims=2)  # [S, B, T, ...]
    picked = tf.reshape(picked, [n_seeds, batch * n_steps, *picked.shape[3:]])
    cols = tf.reshape(tf.transpose(column, [1, 2, 0]), [n_seeds, batch * n_steps])
    features = view_features(kind, params, picked, cols, view_width, activation)
    return tf.transpose(tf.reshape(features, [n_seeds, batch, n_steps, FEATURES]), [2, 0, 1, 3])


def _over_steps(features_of, x: tf.Tensor) -> tf.Tensor:
    """``features_of`` (``[S, N, ...]`` -> ``[S, N, FEATURES]``) applied to a whole sequence
    ``x [T, S, B, ...]`` at once -> ``[T, S, B, FEATURES]``."""
    n_steps, n_seeds, batch = x.shape[:3]
    rest = list(range(3, x.shape.rank))
    flat = tf.reshape(tf.transpose(x, [1, 0, 2, *rest]), [n_seeds, n_steps * batch, *x.shape[3:]])
    features = tf.reshape(features_of(flat), [n_seeds, n_steps, batch, FEATURES])
    return tf.transpose(features, [1, 0, 2, 3])


def encode_sequence(kind: str, params: dict, obs: tf.Tensor, activation: str = "relu") -> tf.Tensor:
    """``encode`` for a whole sequence ``[T, S, B, ...]`` at once -> ``[T, S, B, FEATURES]``."""
    return _over_steps(lambda flat: encode(kind, params, flat, activation), obs)


class Seen(NamedTuple):
    """What the encoder saw over a batch of episodes, kept for its gradients: the
    observations ``obs [T, S, B, ...]``, or, for a task whose observations are windows of
    a few screens, each episode's ``screens [S, B, K, H, W, C]`` (or the screens all share,
    ``[K, H, W, C]``, seen whole) and each step's window (``view_index`` and ``view_column
    [T, S, B]``, ``view_width`` columns wide), with each step's ``masks [T, S, B, H, W]``
    for the ``conv-mask`` encoder."""

    obs: tf.Tensor | None = None
    screens: tf.Tensor | None = None
    view_index: tf.Tensor | None = None
    view_column: tf.Tensor | None = None
    view_width: int = 0
    masks: tf.Tensor | None = None


def encoder_backward(kind: str, params: dict, seen: Seen, d_features: tf.Tensor,
                     activation: str = "relu") -> dict:
    """Gradients of the encoder weights given the loss gradient ``d_features [T, S, B, F]``
    with respect to the features of what it saw (``seen``)."""
    weights = {k: v for k, v in params.items() if k.startswith("enc_")}
    with tf.GradientTape() as tape:
        tape.watch(weights)
        if seen.screens is not None:
            features = screen_sequence_features(kind, weights, seen.screens, seen.view_index,
                                                seen.view_column, seen.view_width, activation)
            if seen.masks is not None:
                features += _over_steps(lambda flat: mask_features(weights, flat), seen.masks)
        else:
            features = encode_sequence(kind, weights, seen.obs, activation)
    return tape.gradient(features, weights, output_gradients=d_features)
