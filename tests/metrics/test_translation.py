"""Cycle error, the domain classifier and domain accuracy."""

import keras
import numpy as np
import pytest

import tfgan_edu as tge


def test_cycle_error_is_the_mean_absolute_round_trip_error_in_unit_range():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (10, 8, 8, 1)).astype("float32")
    shift = rng.normal(0, 0.1, x.shape[1:]).astype("float32")
    error = tge.metrics.cycle_error(
        lambda t: t * 2, lambda t: t / 2 + shift, x, batch_size=3
    )
    assert error == pytest.approx(
        np.mean(np.abs(shift.astype(np.float64))) / 2, rel=1e-5
    )


def test_cycle_error_calls_keras_models_in_inference_mode():
    identity = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Dropout(0.9)])
    x = np.ones((3, 4, 4, 1), "float32")
    assert tge.metrics.cycle_error(identity, identity, x) == 0.0


# Over seeds 0-4 (`benchmarks/measured_margins.py --only
# domain_classifier_invert`): every held-out digit of both domains is
# classified right on every seed (1.0, 1.0, and 0.0 taken for B), against
# the bars 0.95 and 0.05.
def test_domain_classifier_separates_inverted_digits():
    train_a, train_b = tge.data.unpaired_arrays("digits", "invert", split="train")
    a, b = tge.data.unpaired_arrays("digits", "invert", split="test")
    classifier = tge.metrics.train_domain_classifier(
        train_a[:320], train_b[:320], epochs=1, batch_size=16
    )
    assert classifier.output_shape == (None, 2)
    assert tge.metrics.domain_accuracy(classifier, a, "a") >= 0.95
    assert tge.metrics.domain_accuracy(classifier, b, "b") >= 0.95
    assert tge.metrics.domain_accuracy(classifier, a, "b") <= 0.05


def test_domain_accuracy_counts_the_argmax():
    # Logit of B minus logit of A is the first pixel: positive -> B.
    x = keras.Input((2, 2, 1))
    flat = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(
        2,
        kernel_initializer=keras.initializers.Constant(
            np.array([[0, 1], [0, 0], [0, 0], [0, 0]], "float32")
        ),
        bias_initializer="zeros",
    )(flat)
    model = keras.Model(x, logits)
    images = np.zeros((4, 2, 2, 1), "float32")
    images[:3, 0, 0, 0] = 1.0  # three of four are B
    assert tge.metrics.domain_accuracy(model, images, "b") == 0.75
    assert tge.metrics.domain_accuracy(model, images, "a") == 0.25


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: tge.metrics.domain_accuracy(None, np.zeros((1, 2, 2, 1)), "c"),
            "domain='c'",
        ),
        (
            lambda: tge.metrics.cycle_error(abs, abs, np.zeros((0, 2, 2, 1))),
            "non-empty",
        ),
        (
            lambda: tge.metrics.train_domain_classifier(
                np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 3))
            ),
            "same shape",
        ),
        (
            lambda: tge.metrics.train_domain_classifier(
                np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 1)), epochs=0
            ),
            "epochs=0",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
