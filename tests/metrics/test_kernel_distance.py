"""Tests for kid_from_features and kid against a direct O(n^2) float64 loop."""

import numpy as np
import pytest

from tfgan_edu.metrics import MeanStd, kid, kid_from_features
from tfgan_edu.metrics.kernel_distance import polynomial_mmd


def _direct_mmd(x, y):
    """Unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3, by explicit double loops."""
    m, d = x.shape
    k = lambda a, b: (float(np.dot(a, b)) / d + 1.0) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    return xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2.0 * xy / (m * m)


def test_polynomial_mmd_matches_double_loop():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(25, 6)), rng.normal(0.3, 1.2, size=(25, 6))
    assert polynomial_mmd(x, y) == pytest.approx(_direct_mmd(x, y), rel=1e-12)


def test_whole_set_subsets_give_the_full_sample_estimate():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(30, 5)), rng.normal(0.5, 1.0, size=(30, 5))
    # Every subset is a permutation of the whole set: the same MMD each time.
    score = kid_from_features(x, y, num_subsets=3, subset_size=1000)
    assert score.mean == pytest.approx(_direct_mmd(x, y), rel=1e-12)
    assert score.std == pytest.approx(0.0, abs=1e-12)


def test_subsets_match_a_reference_draw():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(60, 4)), rng.normal(size=(50, 4)) * 1.5
    draws = np.random.default_rng(7)
    expected = []
    for _ in range(4):
        xi = x[draws.choice(60, 20, replace=False)]
        yi = y[draws.choice(50, 20, replace=False)]
        expected.append(_direct_mmd(xi, yi))
    score = kid_from_features(x, y, num_subsets=4, subset_size=20, seed=7)
    assert score.mean == pytest.approx(np.mean(expected), rel=1e-10)
    assert score.std == pytest.approx(np.std(expected), rel=1e-8)
    assert isinstance(score, MeanStd) and isinstance(score.mean, float)


# Over seeds 0-9 (`benchmarks/measured_margins.py --only kid_same_vs_shifted`):
# |same| / std 0.05 to 1.11 (bar 3), shifted / std 7.5 to 20.5 (bar 5),
# shifted / (|same| + std) 19.6 to 49.2 (bar 10). Seed 3 is tested.
def test_same_distribution_is_near_zero_and_shift_is_positive():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(200, 16)), rng.normal(size=(200, 16))
    same = kid_from_features(a, b, num_subsets=10, subset_size=100)
    shifted = kid_from_features(a, b + 0.5, num_subsets=10, subset_size=100)
    assert abs(same.mean) < 3 * same.std
    assert shifted.mean > 5 * shifted.std
    assert shifted.mean > 10 * (abs(same.mean) + same.std)


def test_seed_makes_it_reproducible():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(100, 3)), rng.normal(size=(120, 3))
    first = kid_from_features(a, b, num_subsets=5, subset_size=30, seed=11)
    assert first == kid_from_features(a, b, num_subsets=5, subset_size=30, seed=11)
    assert first != kid_from_features(a, b, num_subsets=5, subset_size=30, seed=12)


def test_kid_extracts_features_first():
    rng = np.random.default_rng(5)
    real = rng.uniform(-1, 1, size=(40, 3, 3, 1)).astype("float32")
    fake = np.clip(real[::-1] * 0.5 + 0.2, -1, 1)
    flatten = lambda x: x.reshape(len(x), -1)  # noqa: E731
    got = kid(real, fake, extractor=flatten, num_subsets=3, subset_size=25, seed=1)
    expected = kid_from_features(
        flatten(real), flatten(fake), num_subsets=3, subset_size=25, seed=1
    )
    assert got.mean == pytest.approx(expected.mean, rel=1e-10)
    assert got.std == pytest.approx(expected.std, rel=1e-8)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_subsets": 0}, "Received: num_subsets=0"),
        ({"subset_size": 1}, "integer >= 2. Received: subset_size=1"),
        ({"subset_size": 2.5}, "Received: subset_size=2.5"),
    ],
)
def test_validation(kwargs, message):
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match=message):
        kid_from_features(x, x, **kwargs)
    with pytest.raises(ValueError, match=message):
        kid(x, x, extractor=None, **kwargs)


def test_feature_validation():
    with pytest.raises(ValueError, match=r"Received: real_features.shape=\(1, 2\)"):
        kid_from_features(np.zeros((1, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"fake_features.shape\[1\]=3"):
        kid_from_features(np.zeros((5, 2)), np.zeros((5, 3)))
