"""Tests for inception_score against closed forms and a float64 NumPy formula."""

import math

import numpy as np
import pytest
from scipy.special import softmax

from tfgan_edu.metrics import MeanStd, inception_score


def _reference(probs, splits):
    """Salimans et al.'s formula, term by term in float64."""
    n, scores = len(probs), []
    for i in range(splits):
        part = probs[i * n // splits : (i + 1) * n // splits]
        marginal = part.mean(axis=0)
        kl = [
            sum(p * math.log(p / q) for p, q in zip(row, marginal) if p > 0)
            for row in part
        ]
        scores.append(math.exp(np.mean(kl)))
    return np.mean(scores), np.std(scores)


def test_uniform_predictions_score_one():
    score = inception_score(np.full((100, 7), 1 / 7), splits=4)
    assert score.mean == pytest.approx(1.0, abs=1e-12)
    assert score.std == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("k", [2, 10])
def test_confident_balanced_predictions_score_k(k):
    probs = np.eye(k)[np.arange(20 * k) % k]
    assert inception_score(probs, splits=5).mean == pytest.approx(k, rel=1e-12)


def test_probability_tensors_are_accepted():
    import tensorflow as tf

    probs = tf.one_hot(tf.range(40) % 4, 4)  # (40, 4) float32 tensor
    assert inception_score(probs, splits=2).mean == pytest.approx(4.0, rel=1e-6)


def test_one_class_only_scores_one():
    probs = np.tile([0.0, 1.0, 0.0], (30, 1))
    assert inception_score(probs, splits=3).mean == pytest.approx(1.0)


def test_matches_float64_reference():
    rng = np.random.default_rng(0)
    probs = softmax(rng.normal(scale=3.0, size=(103, 6)), axis=1)
    mean, std = inception_score(probs, splits=4)
    expected_mean, expected_std = _reference(probs, 4)
    assert mean == pytest.approx(expected_mean, rel=1e-12)
    assert std == pytest.approx(expected_std, rel=1e-9)


def test_images_through_a_logits_classifier():
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, size=(50, 4, 4, 1)).astype("float32")
    weights = rng.normal(size=(16, 5)).astype("float32")

    def classifier(x):  # (b, 4, 4, 1) -> (b, 5) logits
        return 3.0 * x.reshape(len(x), -1) @ weights

    probs = softmax(classifier(images).astype(np.float64), axis=1)
    expected = _reference(probs, 5)
    got = inception_score(images, splits=5, classifier=classifier, batch_size=8)
    assert isinstance(got, MeanStd)
    assert got.mean == pytest.approx(expected[0], rel=1e-6)

    from_probs = inception_score(
        images,
        splits=5,
        classifier=lambda x: softmax(classifier(x), axis=1),
        from_logits=False,
    )
    assert from_probs.mean == pytest.approx(expected[0], rel=1e-5)


def test_digits_classifier_scores_real_digits_high():
    import tfgan_edu as tge

    x = next(iter(tge.data.load("digits", batch_size=200, split="test", seed=0)))
    score = inception_score(x.numpy(), splits=2)
    # A 99%-accurate classifier on balanced real digits: close to K = 10.
    assert 7.0 < score.mean <= 10.0


@pytest.mark.parametrize(
    "probs, kwargs, message",
    [
        (np.full((10, 2), 0.5), {"splits": 0}, "Received: splits=0"),
        (np.full((3, 2), 0.5), {"splits": 4}, "at least `splits` = 4.*Received: 3"),
        (np.array([[1.2, -0.2]]), {"splits": 1}, ">= 0. Received"),
        (np.array([[0.5, 0.2]]), {"splits": 1}, "row 0 summing to 0.7"),
        (np.array([[np.nan, 1.0]]), {"splits": 1}, "finite"),
        (np.zeros((2, 4, 4, 1)), {"splits": 3}, "at least `splits` = 3.*Received: 2"),
        ([0.5, 0.5], {"splits": 1}, "Received: probs_or_images of type list"),
    ],
)
def test_validation(probs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        inception_score(probs, **kwargs)
