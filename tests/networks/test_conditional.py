"""Tests of the class-conditional generators and discriminators."""

import keras
import numpy as np
import pytest

from tfgan_edu.networks.conditional import (
    acgan_discriminator,
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
)

SMALL = 8  # base_filters that keep these tests fast
K = 10


def _labels(n, k=K):
    return np.arange(n, dtype="int32") % k


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def _leaky_relu(x):
    return np.where(x > 0, x, 0.2 * x)


@pytest.mark.parametrize("output_shape", [(2,), (32, 32, 1)])
def test_mlp_generator_shapes_and_label_input(output_shape):
    G = conditional_mlp_generator(8, K, output_shape, hidden_units=(16,))
    assert [tuple(t.shape) for t in G.inputs] == [(None, 8), (None,)]
    assert G.inputs[1].dtype == "int32"
    z = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    out = _numpy(G([z, _labels(4)]))
    assert out.shape == (4, *output_shape)
    # The label changes the sample for the same noise.
    other = _numpy(G([z, _labels(4) + 1]))
    assert not np.allclose(out, other)
    # The unconditional generator is the nested body, fed [z, embed(y)].
    assert G.get_layer("mlp_generator").input_shape == (None, 8 + 16)


@pytest.mark.parametrize("mode", ["concat", "projection"])
@pytest.mark.parametrize("input_shape", [(2,), (8, 8, 1)])
def test_mlp_discriminator_shapes(mode, input_shape):
    D = conditional_mlp_discriminator(input_shape, K, hidden_units=(16,), mode=mode)
    x = np.random.default_rng(0).normal(size=(4, *input_shape)).astype("float32")
    logits = _numpy(D([x, _labels(4)]))
    assert logits.shape == (4, 1)
    assert not np.allclose(logits, _numpy(D([x, _labels(4) + 1])))


def test_dcgan_generator_shapes():
    G = conditional_dcgan_generator(16, K, (28, 28, 1), base_filters=SMALL)
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    images = _numpy(G([z, _labels(3)]))
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    assert G.get_layer("dcgan_generator").input_shape == (None, 16 + 16)


@pytest.mark.parametrize("mode", ["concat", "projection"])
@pytest.mark.parametrize("normalization", ["layer", None, "batch"])
def test_dcgan_discriminator_shapes(mode, normalization):
    D = conditional_dcgan_discriminator(
        (32, 32, 3), K, base_filters=SMALL, mode=mode, normalization=normalization
    )
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    assert _numpy(D([x, _labels(2)])).shape == (2, 1)
    assert not np.allclose(_numpy(D([x, _labels(2)])), _numpy(D([x, _labels(2) + 3])))


def test_concat_broadcasts_the_label_embedding_as_channels():
    D = conditional_dcgan_discriminator((28, 28, 1), K, base_filters=SMALL)
    joint = keras.Model(D.inputs, D.get_layer("image_and_label").output)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    out = _numpy(joint([x, np.array([3, 7], "int32")]))
    assert out.shape == (2, 28, 28, 1 + 16)
    np.testing.assert_array_equal(out[..., :1], x)
    table = D.get_layer("label_embedding").embeddings.numpy()
    np.testing.assert_array_equal(
        out[..., 1:], np.broadcast_to(table[[3, 7], None, None, :], (2, 28, 28, 16))
    )


def test_mlp_projection_logit_by_hand():
    """logit = psi(phi(x)) + <embed(y), phi(x)>, phi the last hidden layer."""
    D = conditional_mlp_discriminator((3,), 4, hidden_units=(5,), mode="projection")
    rng = np.random.default_rng(1)
    for w in D.weights:  # make every weight (bias included) matter
        w.assign(rng.normal(size=w.shape).astype("float32"))
    x, y = rng.normal(size=(6, 3)).astype("float32"), np.array([0, 1, 2, 3, 0, 2])
    dense, logit = D.get_layer("dense_1"), D.get_layer("logit")
    phi = _leaky_relu(x @ dense.kernel.numpy() + dense.bias.numpy())
    psi = phi @ logit.kernel.numpy() + logit.bias.numpy()
    embed = D.get_layer("label_embedding").embeddings.numpy()[y]
    expected = psi[:, 0] + np.sum(embed * phi, axis=1)
    np.testing.assert_allclose(_numpy(D([x, y]))[:, 0], expected, rtol=1e-5)


def test_dcgan_projection_logit_by_hand():
    D = conditional_dcgan_discriminator(
        (28, 28, 1), K, base_filters=SMALL, mode="projection"
    )
    rng = np.random.default_rng(2)
    table = D.get_layer("label_embedding").embeddings
    table.assign(rng.normal(size=table.shape).astype("float32"))
    x = rng.uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    y = np.array([1, 5, 9])
    phi = _numpy(keras.Model(D.inputs[0], D.get_layer("flatten").output)(x))
    assert phi.shape == (3, 7 * 7 * 2 * SMALL)
    logit = D.get_layer("logit")
    psi = phi @ logit.kernel.numpy() + logit.bias.numpy()
    expected = psi[:, 0] + np.sum(table.numpy()[y] * phi, axis=1)
    np.testing.assert_allclose(_numpy(D([x, y]))[:, 0], expected, rtol=1e-4)


def test_spectral_norm_wraps_the_projection_embedding():
    D = conditional_mlp_discriminator(
        (2,), 3, hidden_units=(8,), mode="projection", spectral_norm=True
    )
    for name in ("dense_1", "logit", "label_embedding"):
        assert isinstance(D.get_layer(name), keras.layers.SpectralNormalization)
    D = conditional_dcgan_discriminator(
        (32, 32, 1), 3, base_filters=SMALL, normalization=None, spectral_norm=True
    )
    assert isinstance(D.get_layer("down_1_conv"), keras.layers.SpectralNormalization)


def test_acgan_discriminator_heads():
    D = acgan_discriminator((32, 32, 1), K, base_filters=SMALL)
    assert len(D.inputs) == 1
    x = np.zeros((2, 32, 32, 1), "float32")
    logits, class_logits = D(x)
    assert tuple(logits.shape) == (2, 1) and tuple(class_logits.shape) == (2, K)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Received: mode='sum'"):
        conditional_mlp_discriminator((2,), 3, mode="sum")
    with pytest.raises(ValueError, match="Received: num_classes=0"):
        conditional_mlp_generator(4, 0, (2,))
    with pytest.raises(ValueError, match="Received: normalization='group'"):
        conditional_dcgan_discriminator((32, 32, 1), 3, normalization="group")
    with pytest.raises(ValueError, match="spectral_norm=True"):
        acgan_discriminator((32, 32, 1), 3, normalization="batch", spectral_norm=True)
    with pytest.raises(ValueError, match=r"Received: image_shape=\(30, 30, 1\)"):
        conditional_dcgan_generator(4, 3, (30, 30, 1))
