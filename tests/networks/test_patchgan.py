"""`patchgan_discriminator`: receptive field, patch logits, conditioning, errors."""

import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge


@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_receptive_field_matches_the_gradient_support(n_layers):
    """Pixels with a nonzero gradient for the centre logit span the field."""
    D = tge.networks.patchgan_discriminator(
        (96, 96, 1), base_filters=2, n_layers=n_layers, normalization=None
    )
    x = tf.Variable(
        np.random.default_rng(0).normal(size=(1, 96, 96, 1)), dtype="float32"
    )
    with tf.GradientTape() as tape:
        logits = D(x)
        centre = logits.shape[1] // 2
        y = logits[0, centre, centre, 0]
    support = np.nonzero(np.abs(tape.gradient(y, x).numpy()[0, ..., 0]).sum(axis=1))[0]
    side = support.max() - support.min() + 1
    assert side == tge.networks.patchgan_receptive_field(n_layers)
    assert (
        tge.networks.patchgan_receptive_field(n_layers)
        == {1: 16, 2: 34, 3: 70}[n_layers]
    )


def test_patch_logits_and_parameter_count():
    D = tge.networks.patchgan_discriminator((32, 32, 1))
    assert D.output_shape == (None, 4, 4, 1)
    # conv1 (bias) 16*1*64+64; conv2..conv4 without bias + BN (4 per channel);
    # logits 16*512*1+1.
    expected = (
        16 * 64
        + 64
        + 16 * 64 * 128
        + 4 * 128
        + 16 * 128 * 256
        + 4 * 256
        + 16 * 256 * 512
        + 4 * 512
        + 16 * 512
        + 1
    )
    assert D.count_params() == expected


def test_conditional_discriminator_sees_the_condition():
    D = tge.networks.patchgan_discriminator(
        (16, 16, 3), condition_shape=(16, 16, 1), base_filters=4, n_layers=2
    )
    rng = np.random.default_rng(0)
    image = rng.normal(size=(2, 16, 16, 3)).astype("float32")
    c1, c2 = (rng.normal(size=(2, 16, 16, 1)).astype("float32") for _ in range(2))
    assert D([c1, image]).shape == (2, 4, 4, 1)
    assert not np.allclose(D([c1, image]), D([c2, image]))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(image_shape=(32, 32, 1), n_layers=6), "2\\^n_layers = 64"),
        (dict(image_shape=(32, 32, 1), condition_shape=(16, 16, 1)), "same height"),
        (dict(image_shape=(32, 32)), "image_shape"),
        (dict(normalization="group"), "normalization='group'"),
        (dict(n_layers=0), "n_layers=0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tge.networks.patchgan_discriminator(**kwargs)
