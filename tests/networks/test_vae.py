"""Tests of the VAE encoders and decoders."""

import keras
import numpy as np
import pytest

from tfgan_edu.networks import (
    SUPPORTED_IMAGE_SHAPES,
    conv_decoder,
    conv_encoder,
    dcgan_discriminator,
    dcgan_generator,
    mlp_decoder,
    mlp_encoder,
)

SMALL = 8  # base_filters that keep these tests fast


@pytest.mark.parametrize("image_shape", SUPPORTED_IMAGE_SHAPES)
def test_conv_pair_round_trips_every_supported_shape(image_shape):
    E = conv_encoder(image_shape, latent_dim=5, base_filters=SMALL)
    D = conv_decoder(5, image_shape, base_filters=SMALL)
    assert E.output_shape == (None, 10) and D.output_shape == (None, *image_shape)
    images = np.random.default_rng(0).uniform(-1, 1, (2, *image_shape))
    stats = E(images)
    assert stats.shape == (2, 10)
    assert D(stats[:, :5]).shape == (2, *image_shape)


def test_encoder_is_the_dcgan_convolution_stack_with_a_posterior_head():
    E = conv_encoder((32, 32, 1), latent_dim=8, base_filters=SMALL)
    D = dcgan_discriminator((32, 32, 1), base_filters=SMALL, normalization=None)
    conv = [la.name for la in E.layers if isinstance(la, keras.layers.Conv2D)]
    assert conv == [la.name for la in D.layers if isinstance(la, keras.layers.Conv2D)]
    # Same convolutions; the Dense head has 2 * 8 outputs instead of 1.
    flat = 4 * 4 * 4 * SMALL
    assert E.count_params() - D.count_params() == (flat + 1) * (16 - 1)
    assert E.get_layer("posterior").units == 16


def test_gaussian_conv_decoder_is_a_dcgan_generator():
    keras.utils.set_random_seed(3)
    D = conv_decoder(8, (28, 28, 1), likelihood="gaussian", base_filters=SMALL)
    keras.utils.set_random_seed(3)
    G = dcgan_generator(8, (28, 28, 1), base_filters=SMALL)
    assert [la.name for la in D.layers] == [la.name for la in G.layers]
    for a, b in zip(D.get_weights(), G.get_weights()):
        np.testing.assert_array_equal(a, b)  # same layers, same initial weights
    assert D.get_layer("to_image").activation is keras.activations.tanh


def test_bernoulli_conv_decoder_returns_unbounded_logits():
    D = conv_decoder(4, (32, 32, 1), likelihood="bernoulli", base_filters=SMALL)
    to_image = D.get_layer("to_image")
    to_image.kernel.assign(1000.0 * to_image.kernel)
    out = keras.ops.convert_to_numpy(D(np.ones((2, 4), "float32"), training=True))
    assert np.abs(out).max() > 1.0  # logits, not tanh outputs


@pytest.mark.parametrize(
    "likelihood, shape, activation",
    [
        ("gaussian", (2,), "linear"),
        ("bernoulli", (2,), "linear"),
        ("gaussian", (8, 8, 1), "tanh"),
        ("bernoulli", (8, 8, 1), "linear"),
    ],
)
def test_mlp_decoder_output_activation(likelihood, shape, activation):
    D = mlp_decoder(3, shape, likelihood=likelihood, hidden_units=(4,))
    assert D.output_shape == (None, *shape)
    assert D.get_layer("activation_out").activation.__name__ == activation


def test_mlp_encoder_is_linear_without_hidden_layers():
    E = mlp_encoder((2,), latent_dim=3, hidden_units=())
    x = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    kernel, bias = E.get_layer("posterior").get_weights()
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(E(x)), x @ kernel + bias, rtol=1e-6
    )


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: conv_encoder((30, 30, 1)), "Received: image_shape="),
        (lambda: conv_encoder(latent_dim=0), "Received: latent_dim=0"),
        (lambda: conv_encoder(normalization="group"), "Received: normalization="),
        (lambda: conv_decoder(4, likelihood="poisson"), "Received: likelihood="),
        (lambda: conv_decoder(4, base_filters=-1), "Received: base_filters=-1"),
        (lambda: mlp_encoder((2,), hidden_units=(0,)), "Received: hidden_units="),
        (lambda: mlp_decoder(2, (2,), likelihood="normal"), "Received: likelihood="),
    ],
)
def test_bad_arguments(build, match):
    with pytest.raises(ValueError, match=match):
        build()
