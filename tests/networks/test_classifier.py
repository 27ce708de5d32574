"""Tests of the small image classifier and of feature_model."""

import keras
import numpy as np
import pytest

from tfgan_edu.networks import feature_model, image_classifier


def test_architecture_and_parameter_count():
    model = image_classifier()
    assert model.output_shape == (None, 10)
    assert model.get_layer("features").output.shape == (None, 128)
    convs = [la for la in model.layers if isinstance(la, keras.layers.Conv2D)]
    assert [la.output.shape[1:] for la in convs] == [
        (32, 32, 16),
        (32, 32, 16),
        (16, 16, 32),
        (16, 16, 32),
        (8, 8, 64),
    ]
    # 3x3 kernels (no biases) and 4 batch-norm vectors each, features, logits.
    pairs = [(1, 16), (16, 16), (16, 32), (32, 32), (32, 64)]
    expected = sum(9 * a * b + 4 * b for a, b in pairs)
    expected += 64 * 128 + 128 + 128 * 10 + 10
    assert model.count_params() == expected == 44954
    bns = [la for la in model.layers if isinstance(la, keras.layers.BatchNormalization)]
    assert len(bns) == 5 and all(la.momentum == 0.9 for la in bns)


def test_other_shapes_and_sizes():
    model = image_classifier((28, 28, 3), 5, base_filters=4, feature_units=8)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 3)).astype("float32")
    assert keras.ops.convert_to_numpy(model(x)).shape == (2, 5)
    assert model.get_layer("features").activation is keras.activations.elu


def test_feature_model_shares_weights_and_matches_logits():
    model = image_classifier(base_filters=4, feature_units=8, dropout=0.0)
    embed = feature_model(model)
    x = np.random.default_rng(1).uniform(-1, 1, (3, 32, 32, 1)).astype("float32")
    feats = keras.ops.convert_to_numpy(embed(x))
    kernel, bias = (w.numpy() for w in model.get_layer("logits").weights)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(x)),
        feats @ kernel + bias,
        rtol=1e-5,
        atol=1e-6,
    )
    model.get_layer("features").kernel.assign(
        np.zeros_like(model.get_layer("features").kernel.numpy())
    )
    # ELU(0 * x + b) with b = 0: every feature is 0 once the shared kernel is zeroed.
    np.testing.assert_allclose(keras.ops.convert_to_numpy(embed(x)), 0.0)
    with pytest.raises(
        ValueError, match="Received: classifier='image_classifier', layer='nope'"
    ):
        feature_model(model, "nope")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(image_shape=(32, 32)), "Received: image_shape=(32, 32)"),
        (dict(image_shape=(2, 2, 1)), "Received: image_shape=(2, 2, 1)"),
        (dict(num_classes=0), "Received: num_classes=0"),
        (dict(feature_units=1.5), "Received: feature_units=1.5"),
        (dict(dropout=1.0), "Received: dropout=1.0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError) as info:
        image_classifier(**kwargs)
    assert str(info.value).endswith(message)
