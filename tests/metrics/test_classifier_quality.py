"""Tests of the classifier-based sample quality: confident fraction, class
histogram, the real digits' yardstick and the quality bar."""

import numpy as np
import pytest

from tfgan_edu.metrics import features
from tfgan_edu.metrics.classifier_quality import (
    classifier_quality,
    classifier_quality_from_logits,
    quality_bar,
    reference_confident_fraction,
)


@pytest.fixture(scope="module")
def test_mnist():
    return features.dataset_arrays("mnist_5k", "test")


def test_hand_built_logits_give_the_exact_histogram_and_fraction():
    # Softmax of [a, 0, 0] has top probability e^a / (e^a + 2): 0.9 needs
    # a >= ln 18 = 2.890. Rows: class 0 at 2.80 (0.891, not confident),
    # class 0 at 2.95 (0.905, confident), class 1 twice with 10 (confident),
    # class 2 with 0.5 (0.452), and one class-1 row of 3 equal logits (1/3).
    logits = np.array(
        [
            [2.80, 0, 0],
            [2.95, 0, 0],
            [0, 10, 0],
            [0, 10, 0],
            [0, 0, 0.5],
            [1, 1, 1],
        ]
    )
    q = classifier_quality_from_logits(logits, threshold=0.9)
    # Ties go to the first class (argmax), so the last row is class 0.
    np.testing.assert_array_equal(q["predicted_classes"], [0, 0, 1, 1, 2, 0])
    np.testing.assert_array_equal(q["class_histogram"], np.array([3, 2, 1]) / 6)
    assert q["min_class_fraction"] == 1 / 6
    assert q["confident_fraction"] == 3 / 6
    expected_confidence = [
        np.exp(2.8) / (np.exp(2.8) + 2),
        np.exp(2.95) / (np.exp(2.95) + 2),
        np.exp(10) / (np.exp(10) + 2),
        np.exp(10) / (np.exp(10) + 2),
        np.exp(0.5) / (np.exp(0.5) + 2),
        1 / 3,
    ]
    np.testing.assert_allclose(q["confidence"], expected_confidence, rtol=1e-12)
    # The threshold is inclusive: exactly 1/3 counts at threshold 1/3.
    assert (
        classifier_quality_from_logits(logits, threshold=1 / 3)["confident_fraction"]
        == 1.0
    )


def test_a_missing_class_shows_as_a_zero_in_the_histogram():
    logits = np.tile(np.eye(10)[[0, 1, 2, 3, 4, 5, 6, 7, 8, 8]] * 20, (5, 1))
    q = classifier_quality_from_logits(logits)
    assert q["class_histogram"].shape == (10,)
    assert q["class_histogram"][9] == 0 and q["class_histogram"][8] == 0.2
    assert q["min_class_fraction"] == 0.0 and q["confident_fraction"] == 1.0


def test_images_go_through_the_named_classifier(test_mnist):
    images = test_mnist[0][:300]
    logits = features.get_extractor("mnist_logits")(images)
    expected = classifier_quality_from_logits(logits)
    for spec in ("mnist", "mnist_logits", features.get_extractor("mnist_logits")):
        got = classifier_quality(images, spec)
        assert got["confident_fraction"] == expected["confident_fraction"]
        np.testing.assert_array_equal(
            got["class_histogram"], expected["class_histogram"]
        )
    # 28x28 digits (unpadded) are judged as their padded copies.
    unpadded = images[:, 2:-2, 2:-2, :]
    got = classifier_quality(unpadded, "mnist")
    assert got["confident_fraction"] == expected["confident_fraction"]


def test_real_held_out_digits_are_confident_and_balanced(test_mnist):
    images, labels = test_mnist
    q = classifier_quality(images, "mnist")
    # 98.4% of them are classified correctly, so nearly all confidently.
    assert q["confident_fraction"] > 0.95
    assert q["min_class_fraction"] > 0.09  # 100 of each class in truth
    assert reference_confident_fraction("mnist_5k", "test") == (q["confident_fraction"])


def test_quality_bar_passes_real_digits_and_fails_noise_and_one_class(test_mnist):
    images, labels = test_mnist
    real = quality_bar(images)
    assert real["passed"] and real["relative_confidence"] == 1.0
    noise = np.random.default_rng(0).uniform(-1, 1, (200, 32, 32, 1)).astype("float32")
    assert not quality_bar(noise)["passed"]
    ones = images[labels == 1]  # perfectly good digits, but only one class
    result = quality_bar(ones)
    assert result["relative_confidence"] > 0.9 and result["min_class_fraction"] == 0.0
    assert not result["passed"]
    # A lower class floor cannot rescue a one-class sample; a zero floor can.
    assert quality_bar(ones, min_class_fraction=0.0)["passed"]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: classifier_quality_from_logits(np.zeros((2, 3)), 0.0),
            "Received: threshold=0.0",
        ),
        (
            lambda: classifier_quality_from_logits(np.zeros((2, 3)), 1.5),
            "Received: threshold=1.5",
        ),
        (
            lambda: classifier_quality_from_logits(np.zeros(3)),
            "Received: logits.shape=(3,)",
        ),
        (
            lambda: reference_confident_fraction("mnist"),
            "Received: dataset='mnist'",
        ),
        (
            lambda: reference_confident_fraction("mnist_5k", "all"),
            "Received: split='all'",
        ),
        (
            lambda: quality_bar(np.zeros((2, 28, 28, 1)), min_class_fraction=2),
            "Received: min_class_fraction=2",
        ),
        (
            lambda: quality_bar(np.zeros((2, 28, 28, 1)), min_relative_confidence=True),
            "Received: min_relative_confidence=True",
        ),
    ],
)
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).endswith(message)
