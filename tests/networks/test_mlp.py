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


def _spectral_norms(model):
    """Largest singular value of each wrapped kernel, reshaped as the layer does."""
    norms = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            kernel = keras.ops.convert_to_numpy(layer.kernel)
            matrix = kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)
            norms[layer.name] = np.linalg.svd(matrix, compute_uv=False)[0]
    return norms


def test_spectral_norm_wraps_every_dense_layer_and_adds_u_vectors():
    plain = mlp_discriminator((3,), hidden_units=(8, 4))
    D = mlp_discriminator((3,), hidden_units=(8, 4), spectral_norm=True)
    wrapped = [
        la for la in D.layers if isinstance(la, keras.layers.SpectralNormalization)
    ]
    assert [la.name for la in wrapped] == ["dense_1", "dense_2", "logit"]
    assert all(isinstance(la.layer, keras.layers.Dense) for la in wrapped)
    assert all(la.power_iterations == 1 for la in wrapped)
    # The u vectors, (1, units) each, are the only non-trainable weights.
    assert [tuple(w.shape) for w in D.non_trainable_weights] == [(1, 8), (1, 4), (1, 1)]
    assert D.count_params() == plain.count_params() + 8 + 4 + 1
    assert D.output_shape == (None, 1)
    assert D(np.zeros((5, 3), np.float32), training=True).shape == (5, 1)
    # The default stays without spectral normalization.
    assert not any(
        isinstance(la, keras.layers.SpectralNormalization) for la in plain.layers
    )


def test_spectral_norm_brings_each_largest_singular_value_to_one():
    D = mlp_discriminator((6,), hidden_units=(32, 16), spectral_norm=True)
    for layer in D.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            layer.kernel.assign(10.0 * layer.kernel)
    assert min(_spectral_norms(D).values()) > 2.0
    x = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    # Inference leaves the kernels alone; each training call runs one power
    # iteration and divides the kernel by the estimated singular value.
    D(x, training=False)
    assert min(_spectral_norms(D).values()) > 2.0
    for _ in range(50):
        D(x, training=True)
    for name, sigma in _spectral_norms(D).items():
        assert sigma == pytest.approx(1.0, abs=0.01), name


def test_spectral_norm_discriminator_is_1_lipschitz():
    # Every layer about 1-Lipschitz (leaky ReLU is) bounds the whole network.
    D = mlp_discriminator((2, 2), hidden_units=(16, 16), spectral_norm=True)
    for layer in D.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            layer.kernel.assign(5.0 * layer.kernel)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, 2, 2)).astype(np.float32)
    y = x + rng.normal(scale=rng.uniform(0.01, 2.0, size=(256, 1, 1)), size=x.shape)
    distance = np.linalg.norm((x - y).reshape(256, -1), axis=1)

    def ratios():
        dx = keras.ops.convert_to_numpy(D(x) - D(y.astype(np.float32)))[:, 0]
        return np.abs(dx) / distance

    assert ratios().max() > 1.5  # the scaled kernels are far from 1-Lipschitz
    for _ in range(50):
        D(x, training=True)
    assert 0.05 < ratios().max() <= 1.05


@pytest.mark.parametrize("round_trip", ["serialize", "keras_file"])
def test_spectral_norm_discriminator_round_trips(round_trip, tmp_path):
    D = mlp_discriminator((3,), hidden_units=(8,), spectral_norm=True)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    for _ in range(3):
        D(x, training=True)
    if round_trip == "serialize":  # how `tge.GAN.get_config` stores networks
        copy = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(D)
        )
        copy.set_weights(D.get_weights())
    else:
        D.save(tmp_path / "d.keras")
        copy = keras.models.load_model(tmp_path / "d.keras")
    assert isinstance(copy.get_layer("logit"), keras.layers.SpectralNormalization)
    for restored, original in zip(copy.get_weights(), D.get_weights()):
        np.testing.assert_array_equal(restored, original)  # u vectors included
    np.testing.assert_allclose(copy(x), D(x), rtol=1e-6, atol=1e-6)


def test_spectral_norm_must_be_a_bool():
    with pytest.raises(ValueError, match="Received: spectral_norm='yes'"):
        mlp_discriminator((2,), spectral_norm="yes")
