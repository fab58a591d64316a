"""Encoders in front of the LSTM, for tasks whose observations are images or object ids
(a task names the one it needs in its ``encoder`` attribute).

``conv``: Wang et al. 2018 (Simulation 5) put a convolutional network in front of the LSTM
for frames of 84x84. The frames here are small (objects a dozen pixels wide), so two 3x3
convolutions and one dense layer are enough:

    image [H, W, 3] -> conv 3x3, 16, ReLU -> conv 3x3 stride 2, 16, ReLU -> dense, ReLU -> features

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

import numpy as np
import tensorflow as tf

CHANNELS = 16
FEATURES = 64
"""Width of the feature vector the LSTM sees (both encoders)."""
SLOTS = 2
"""Objects in an id observation (left, right), each embedded in ``FEATURES // SLOTS``."""
PER_SEED = ("conv", "objects")
"""Encoders whose convolutions run one seed after another (``_conv``): seeds trained in one
process share nothing, so they are better trained one per process."""


def encoder_shapes(kind: str, obs_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Shapes of one seed's encoder weights (``kind`` "conv", "objects" or "embedding")."""
    if kind == "embedding":
        return {"enc_embed": (obs_shape[0] // SLOTS, FEATURES // SLOTS)}
    height, width, depth = obs_shape
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


def encode(kind: str, params: dict, obs: tf.Tensor) -> tf.Tensor:
    """Features ``[S, B, FEATURES]`` of one step's observations ``[S, B, ...]``."""
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
        features = _conv(params, tf.reshape(halves, [n_seeds, batch * SLOTS, *halves.shape[3:]]))
        return tf.reshape(features, [n_seeds, batch, FEATURES])
    return _conv(params, obs)


def _conv(params: dict, images: tf.Tensor) -> tf.Tensor:
    """Features ``[S, N, FEATURES]`` of images ``[S, N, H, W, C]`` (any leading ``N``)."""
    out = []
    for s in range(images.shape[0]):  # per-seed kernels: one small conv stack per seed
        x = tf.nn.relu(tf.nn.conv2d(images[s], params["enc_conv1_w"][s], 1, "VALID")
                       + params["enc_conv1_b"][s])
        x = tf.nn.relu(tf.nn.conv2d(x, params["enc_conv2_w"][s], 2, "VALID")
                       + params["enc_conv2_b"][s])
        x = tf.reshape(x, [tf.shape(x)[0], -1])
        out.append(tf.nn.relu(tf.matmul(x, params["enc_dense_w"][s]) + params["enc_dense_b"][s]))
    return tf.stack(out)


def encode_sequence(kind: str, params: dict, obs: tf.Tensor) -> tf.Tensor:
    """``encode`` for a whole sequence ``[T, S, B, ...]`` at once -> ``[T, S, B, FEATURES]``."""
    n_steps, n_seeds, batch = obs.shape[:3]
    rest = list(range(3, obs.shape.rank))
    flat = tf.reshape(tf.transpose(obs, [1, 0, 2, *rest]), [n_seeds, n_steps * batch, *obs.shape[3:]])
    features = tf.reshape(encode(kind, params, flat), [n_seeds, n_steps, batch, FEATURES])
    return tf.transpose(features, [1, 0, 2, 3])


def encoder_backward(kind: str, params: dict, obs: tf.Tensor, d_features: tf.Tensor) -> dict:
    """Gradients of the encoder weights given the loss gradient ``d_features [T, S, B, F]``
    with respect to the features of the stored observations ``obs [T, S, B, ...]``."""
    weights = {k: v for k, v in params.items() if k.startswith("enc_")}
    with tf.GradientTape() as tape:
        tape.watch(weights)
        features = encode_sequence(kind, weights, obs)
    return tape.gradient(features, weights, output_gradients=d_features)
