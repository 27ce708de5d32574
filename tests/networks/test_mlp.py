"""Tests of the fully connected generator and discriminator."""

import keras
import numpy as np
import pytest

from tfgan_edu.networks import dcgan_discriminator, mlp_discriminator, mlp_generator


def test_vector_generator_is_linear_and_named():
    G = mlp_generator(latent_dim=16, output_shape=(2,))
    assert isinstance(G.layers[0], keras.layers.InputLayer)
    assert G.name == "mlp_generator"
    assert G.output_shape == (None, 2)
    assert G.get_layer("activation_out").get_config()["activation"] == "linear"
    # A linear output is unbounded: large inputs give values outside [-1, 1].
    out = keras.ops.convert_to_numpy(G(np.full((4, 16), 50.0, np.float32)))
    assert np.abs(out).max() > 1.0


@pytest.mark.parametrize("output_shape", [(28, 28, 1), (32, 32, 3)])
def test_image_generator_defaults_to_tanh(output_shape):
    G = mlp_generator(8, output_shape, hidden_units=(16,))
    out = keras.ops.convert_to_numpy(G(np.full((3, 8), 50.0, np.float32)))
    assert out.shape == (3, *output_shape)
    assert out.min() >= -1.0 and out.max() <= 1.0


def test_int_output_shape_and_custom_activations():
    G = mlp_generator(
        4,
        3,
        hidden_units=(8, 8, 8),
        activation=keras.layers.LeakyReLU(0.1),
        output_activation="sigmoid",
    )
    assert G.output_shape == (None, 3)
    assert len([la for la in G.layers if isinstance(la, keras.layers.Dense)]) == 4
    # One layer instance given by the caller is copied, never shared.
    leaky = [la for la in G.layers if isinstance(la, keras.layers.LeakyReLU)]
    assert len({id(la) for la in leaky}) == 3
    assert all(la.negative_slope == pytest.approx(0.1) for la in leaky)


def test_discriminator_returns_logits_of_shape_batch_by_one():
    D = mlp_discriminator(input_shape=(28, 28, 1), hidden_units=(32,))
    assert D.name == "mlp_discriminator"
    assert isinstance(D.layers[0], keras.layers.InputLayer)
    assert D.output_shape == (None, 1)
    # Raw logits, no sigmoid: unbounded.
    logits = keras.ops.convert_to_numpy(D(np.full((5, 28, 28, 1), 20.0, np.float32)))
    assert logits.shape == (5, 1)
    assert np.abs(logits).max() > 1.0


def test_discriminator_default_activation_is_leaky_relu_0_2():
    D = mlp_discriminator(2, hidden_units=(4,))
    layer = D.get_layer("activation_1")
    x = np.array([[-1.0, 2.0]], np.float32)
    np.testing.assert_allclose(layer(x), [[-0.2, 2.0]], rtol=1e-6)


def test_mlp_generator_pairs_with_dcgan_discriminator():
    G = mlp_generator(64, (32, 32, 1), hidden_units=(32,))
    D = dcgan_discriminator((32, 32, 1), base_filters=8)
    images = G(np.random.default_rng(0).normal(size=(4, 64)).astype(np.float32))
    assert keras.ops.convert_to_numpy(D(images)).shape == (4, 1)


@pytest.mark.parametrize("build", [mlp_generator, mlp_discriminator])
def test_config_round_trip_gives_same_outputs(build):
    model = build(3, (2,)) if build is mlp_generator else build((2,))
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(6, model.input_shape[-1]))
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"latent_dim": 0, "output_shape": (2,)}, "Received: latent_dim=0"),
        ({"latent_dim": 2, "output_shape": (2, 0)}, r"Received: output_shape=\(2, 0\)"),
        ({"latent_dim": 2, "output_shape": ()}, r"Received: output_shape=\(\)"),
        (
            {"latent_dim": 2, "output_shape": 2, "hidden_units": (4, -1)},
            r"Received: hidden_units=\(4, -1\)",
        ),
    ],
)
def test_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp_generator(**kwargs)
