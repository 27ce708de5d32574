"""Tests of the DCGAN generator and discriminator."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu.networks import (
    SUPPORTED_IMAGE_SHAPES,
    dcgan_discriminator,
    dcgan_generator,
)

SMALL = 8  # base_filters that keep these tests fast


def _noise(n, latent_dim):
    return np.random.default_rng(0).normal(size=(n, latent_dim)).astype(np.float32)


def test_supported_shapes():
    assert set(SUPPORTED_IMAGE_SHAPES) == {
        (s, s, c) for s in (28, 32, 64) for c in (1, 3)
    }


@pytest.mark.parametrize("image_shape", SUPPORTED_IMAGE_SHAPES)
def test_generator_output_shape_and_tanh_range(image_shape):
    G = dcgan_generator(16, image_shape, base_filters=SMALL)
    assert G.name == "dcgan_generator"
    assert isinstance(G.layers[0], keras.layers.InputLayer)
    assert G.output_shape == (None, *image_shape)
    # Large last-layer weights drive tanh into saturation, never past [-1, 1].
    to_image = G.get_layer("to_image")
    to_image.kernel.assign(1000.0 * to_image.kernel)
    images = keras.ops.convert_to_numpy(G(_noise(3, 16), training=True))
    assert images.shape == (3, *image_shape)
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert np.abs(images).max() > 0.99


@pytest.mark.parametrize("image_shape", SUPPORTED_IMAGE_SHAPES)
@pytest.mark.parametrize("normalization", ["batch", "layer", None])
def test_discriminator_returns_logits(image_shape, normalization):
    D = dcgan_discriminator(
        image_shape, base_filters=SMALL, normalization=normalization
    )
    assert D.name == "dcgan_discriminator"
    assert isinstance(D.layers[0], keras.layers.InputLayer)
    assert D.output_shape == (None, 1)
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, *image_shape))
    assert keras.ops.convert_to_numpy(D(images)).shape == (2, 1)


def test_generator_architecture_doubles_resolution_and_halves_channels():
    G = dcgan_generator(64, (64, 64, 3), base_filters=64)
    convs = [la for la in G.layers if isinstance(la, keras.layers.Conv2DTranspose)]
    assert [la.output.shape[1:] for la in convs] == [
        (8, 8, 256),
        (16, 16, 128),
        (32, 32, 64),
        (64, 64, 3),
    ]
    assert all(la.kernel_size == (4, 4) and la.strides == (2, 2) for la in convs)
    assert G.get_layer("reshape").output.shape[1:] == (4, 4, 512)
    assert G.get_layer("to_image").get_config()["activation"] == "tanh"
    assert dcgan_generator(8, (28, 28, 1)).get_layer("reshape").output.shape[1:] == (
        7,
        7,
        128,
    )


def test_discriminator_normalizes_all_but_the_first_block():
    for normalization, kind in [
        ("batch", keras.layers.BatchNormalization),
        ("layer", keras.layers.LayerNormalization),
    ]:
        D = dcgan_discriminator((32, 32, 1), normalization=normalization)
        norms = [la.name for la in D.layers if isinstance(la, kind)]
        assert [n.split("_")[1] for n in norms] == ["2", "3"]
    D = dcgan_discriminator((32, 32, 1), normalization=None)
    assert not any(
        isinstance(
            la, keras.layers.BatchNormalization | keras.layers.LayerNormalization
        )
        for la in D.layers
    )


def test_layer_norm_critic_treats_samples_independently():
    # What WGAN-GP needs: a sample's logit does not depend on its batch.
    D = dcgan_discriminator((28, 28, 1), base_filters=SMALL, normalization="layer")
    images = np.random.default_rng(1).uniform(-1, 1, size=(4, 28, 28, 1))
    together = keras.ops.convert_to_numpy(D(images, training=True))
    alone = keras.ops.convert_to_numpy(D(images[:1], training=True))
    np.testing.assert_allclose(alone, together[:1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "image_shape, generator_params, discriminator_params",
    [
        ((28, 28, 1), 534_273, 138_945),
        ((32, 32, 1), 920_321, 662_081),
        ((64, 64, 3), 3_283_715, 2_767_425),
    ],
)
def test_documented_parameter_counts(
    image_shape, generator_params, discriminator_params
):
    assert dcgan_generator(64, image_shape).count_params() == generator_params
    assert dcgan_discriminator(image_shape).count_params() == discriminator_params


def test_kernels_are_initialized_from_normal_0_02():
    G = dcgan_generator(64, (32, 32, 1))
    D = dcgan_discriminator((32, 32, 1))
    for kernel in (G.get_layer("up_1_conv").kernel, D.get_layer("down_3_conv").kernel):
        values = keras.ops.convert_to_numpy(kernel)
        assert abs(values.mean()) < 1e-3
        assert values.std() == pytest.approx(0.02, rel=0.05)


@pytest.mark.parametrize("build", [dcgan_generator, dcgan_discriminator])
@pytest.mark.parametrize(
    "image_shape", [(16, 16, 1), (32, 32, 2), (32, 28, 1), (32, 32)]
)
def test_unsupported_shapes_raise(build, image_shape):
    args = (8, image_shape) if build is dcgan_generator else (image_shape,)
    with pytest.raises(ValueError) as info:
        build(*args)
    message = str(info.value)
    assert f"Received: image_shape={image_shape!r}" in message
    assert "(28, 28, 1)" in message and "(64, 64, 3)" in message


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="Received: normalization='instance'"):
        dcgan_discriminator(normalization="instance")
    with pytest.raises(ValueError, match="Received: base_filters=0"):
        dcgan_generator(8, base_filters=0)
    with pytest.raises(ValueError, match="Received: latent_dim=-1"):
        dcgan_generator(-1)


@pytest.mark.parametrize("build", [dcgan_generator, dcgan_discriminator])
def test_clone_and_config_round_trip_give_same_outputs(build):
    if build is dcgan_generator:
        model, x = build(16, (28, 28, 3), base_filters=SMALL), _noise(4, 16)
    else:
        model = build((28, 28, 3), base_filters=SMALL, normalization="layer")
        x = np.random.default_rng(0).uniform(-1, 1, size=(4, 28, 28, 3))
    expected = keras.ops.convert_to_numpy(model(x, training=False))
    for copy in (
        keras.models.clone_model(model),
        keras.Model.from_config(model.get_config()),
    ):
        copy.set_weights(model.get_weights())
        np.testing.assert_allclose(
            copy(x, training=False), expected, rtol=1e-5, atol=1e-5
        )


def test_keras_file_round_trip(tmp_path):
    G = dcgan_generator(16, (32, 32, 1), base_filters=SMALL)
    G.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    z = _noise(2, 16)
    np.testing.assert_allclose(loaded(z), G(z), rtol=1e-5, atol=1e-5)


def test_shapes_may_be_lists_of_numpy_ints():
    G = dcgan_generator(np.int64(8), [np.int64(28), 28, 1], base_filters=SMALL)
    D = dcgan_discriminator(list(np.array([28, 28, 1])), base_filters=SMALL)
    assert G.output_shape == (None, 28, 28, 1)
    assert D.input_shape == (None, 28, 28, 1)


def _is_spectral(layer):
    return isinstance(layer, keras.layers.SpectralNormalization)


def test_spectral_norm_requires_no_batch_normalization():
    with pytest.raises(ValueError, match="normalization=None") as info:
        dcgan_discriminator(spectral_norm=True)
    assert str(info.value).endswith(
        "Received: normalization='batch', spectral_norm=True"
    )
    with pytest.raises(ValueError, match="Received: spectral_norm=1"):
        dcgan_discriminator(normalization=None, spectral_norm=1)


@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3)])
def test_spectral_norm_wraps_every_convolution_and_the_logit(image_shape):
    D = dcgan_discriminator(
        image_shape, base_filters=SMALL, normalization=None, spectral_norm=True
    )
    wrapped = [la for la in D.layers if _is_spectral(la)]
    n_convs = 2 if image_shape[0] == 28 else 3
    assert [la.name for la in wrapped] == [
        *(f"down_{i}_conv" for i in range(1, n_convs + 1)),
        "logit",
    ]
    assert all(isinstance(la.layer, keras.layers.Conv2D) for la in wrapped[:-1])
    assert isinstance(wrapped[-1].layer, keras.layers.Dense)
    assert not any(isinstance(la, keras.layers.BatchNormalization) for la in D.layers)
    images = np.random.default_rng(0).uniform(-1, 1, size=(3, *image_shape))
    assert keras.ops.convert_to_numpy(D(images, training=True)).shape == (3, 1)


def test_spectral_norm_convolutions_have_unit_spectral_norm_after_training_calls():
    D = dcgan_discriminator(
        (28, 28, 1), base_filters=SMALL, normalization=None, spectral_norm=True
    )
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, 28, 28, 1))
    for _ in range(50):
        D(images, training=True)
    for layer in filter(_is_spectral, D.layers):
        # The layer's view of a kernel: (kh * kw * in_channels, filters).
        kernel = keras.ops.convert_to_numpy(layer.kernel)
        matrix = kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)
        sigma = np.linalg.svd(matrix, compute_uv=False)[0]
        assert sigma == pytest.approx(1.0, abs=0.01), layer.name


def test_spectral_norm_weights_get_gradients():
    D = dcgan_discriminator(
        (28, 28, 1), base_filters=SMALL, normalization=None, spectral_norm=True
    )
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, 28, 28, 1))
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(D(images, training=True))
    grads = tape.gradient(loss, D.trainable_weights)
    assert all(g is not None and np.isfinite(g).all() for g in grads)
    assert len(D.non_trainable_weights) == 3  # the u vectors, not trained


@pytest.mark.parametrize(
    "image_shape, params",
    [((28, 28, 1), 138_754), ((32, 32, 1), 661_378), ((64, 64, 3), 2_765_698)],
)
def test_documented_spectral_norm_parameter_counts(image_shape, params):
    D = dcgan_discriminator(image_shape, normalization=None, spectral_norm=True)
    assert D.count_params() == params


def test_spectral_norm_keras_file_round_trip(tmp_path):
    D = dcgan_discriminator(
        (28, 28, 1), base_filters=SMALL, normalization=None, spectral_norm=True
    )
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, 28, 28, 1))
    D(images, training=True)
    D.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    assert _is_spectral(loaded.get_layer("down_1_conv"))
    np.testing.assert_allclose(loaded(images), D(images), rtol=1e-5, atol=1e-5)
