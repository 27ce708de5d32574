"""`unet_generator`: shapes, parameter counts, skip connections, options, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.networks.unet import normalization_layer


def expected_params(channels, out_channels, base, depth, normalized=True):
    """Parameters counted by hand: 4x4 kernels, skips doubling decoder inputs."""
    f = [base * min(2**i, 8) for i in range(depth)]  # encoder widths
    total, c = 0, channels
    for i, width in enumerate(f, start=1):
        norm = normalized and 1 < i < depth
        total += 16 * c * width + (0 if norm else width) + (4 * width if norm else 0)
        c = width
    for i in range(depth, 1, -1):  # decoder block i outputs f[i - 2] channels
        width = f[i - 2]
        total += 16 * c * width + (4 * width if normalized else width)
        c = 2 * width  # after the skip concatenation
    return total + 16 * c * out_channels + out_channels


@pytest.mark.parametrize(
    "shape, out, base, depth",
    [((32, 32, 1), None, 32, 4), ((32, 32, 1), 3, 8, 3), ((16, 16, 3), 1, 4, 2)],
)
def test_shapes_and_parameter_count(shape, out, base, depth):
    G = tge.networks.unet_generator(shape, out, base_filters=base, depth=depth)
    out = out or shape[-1]
    assert G.output_shape == (None, *shape[:2], out)
    # Batch norm: gamma, beta (trainable) and two moving statistics.
    assert G.count_params() == expected_params(shape[-1], out, base, depth)


def test_output_in_tanh_range_and_deterministic_in_inference():
    G = tge.networks.unet_generator((16, 16, 1), base_filters=4, depth=2, dropout=0.5)
    x = np.random.default_rng(0).normal(size=(4, 16, 16, 1)).astype("float32") * 10
    y1, y2 = G(x, training=False).numpy(), G(x, training=False).numpy()
    assert np.all(np.abs(y1) <= 1.0)
    np.testing.assert_array_equal(y1, y2)  # dropout is off
    assert not np.allclose(G(x, training=True), G(x, training=True))


def test_skip_connection_carries_each_pixel_to_the_output():
    """Through the skips, each output pixel depends on the input pixels nearby
    and the gradient is concentrated there, not spread over the image."""
    G = tge.networks.unet_generator(
        (32, 32, 1), base_filters=4, depth=3, normalization=None
    )
    x = tf.Variable(
        np.random.default_rng(0).normal(size=(1, 32, 32, 1)), dtype="float32"
    )
    with tf.GradientTape() as tape:
        y = G(x)[0, 5, 5, 0]
    grad = np.abs(tape.gradient(y, x).numpy()[0, ..., 0])
    near = grad[3:8, 3:8].sum()
    assert near > 0.5 * grad.sum()
    assert grad[20:, 20:].sum() > 0  # and far pixels reach it through the bottleneck


def test_instance_normalization_normalizes_each_image_and_channel():
    layer = normalization_layer("instance", "norm")
    x = np.random.default_rng(0).normal(3, 2, size=(2, 8, 8, 4)).astype("float32")
    y = layer(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1, atol=1e-2)
    G = tge.networks.unet_generator((16, 16, 1), depth=2, normalization="instance")
    assert isinstance(G.get_layer("up_2_norm"), keras.layers.GroupNormalization)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(image_shape=(32, 32)), "image_shape"),
        (dict(image_shape=(28, 28, 1), depth=3), "multiples of 2\\^depth = 8"),
        (dict(depth=0), "depth=0"),
        (dict(base_filters=2.5), "base_filters=2.5"),
        (dict(dropout=1.0), "dropout=1.0"),
        (dict(normalization="layer"), "normalization='layer'"),
        (dict(output_channels=0), "output_channels=0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tge.networks.unet_generator(**kwargs)
