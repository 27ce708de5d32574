"""Tests for frechet_distance against independent float64 references."""

import numpy as np
import pytest
import scipy.linalg

from tfgan_edu.metrics import frechet_distance


def _scipy_reference(a, b):
    """The TTUR / TF-GAN formula with scipy.linalg.sqrtm, in float64."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    sigma_a, sigma_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(sigma_a @ sigma_b).real
    return float(
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2 * np.trace(covmean)
    )


def _correlated(rng, n, d, scale):
    mixing = rng.normal(size=(d, d)) * scale
    return rng.normal(size=(n, d)) @ mixing + rng.normal(size=d)


def test_matches_scipy_sqrtm_reference():
    rng = np.random.default_rng(0)
    a, b = _correlated(rng, 600, 8, 1.0), _correlated(rng, 400, 8, 0.5)
    expected = _scipy_reference(a, b)
    assert expected > 1.0
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)


def test_one_dimension_closed_form():
    # For 1-D Gaussians: (mu_a - mu_b)^2 + (s_a - s_b)^2.
    rng = np.random.default_rng(1)
    a, b = rng.normal(1.0, 2.0, size=(300, 1)), rng.normal(-0.5, 0.5, size=(200, 1))
    expected = (a.mean() - b.mean()) ** 2 + (a.std(ddof=1) - b.std(ddof=1)) ** 2
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("n, d", [(500, 6), (10, 50)])
def test_shifted_copy_gives_squared_shift(n, d):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(n, d))
    shift = rng.normal(size=d)
    assert frechet_distance(a, a + shift) == pytest.approx(np.sum(shift**2), rel=1e-6)


def test_identical_sets_give_zero():
    a = _correlated(np.random.default_rng(3), 300, 16, 2.0)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_symmetric():
    rng = np.random.default_rng(4)
    a, b = _correlated(rng, 300, 5, 1.0), _correlated(rng, 200, 5, 3.0)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-10)


def test_fewer_samples_than_dimensions_is_finite():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(8, 64)), rng.normal(loc=0.2, size=(12, 64)) * 1.5
    distance = frechet_distance(a, b)
    assert np.isfinite(distance) and distance > 0.0
    assert isinstance(distance, float)


def test_float32_input_is_computed_in_float64():
    rng = np.random.default_rng(6)
    a, b = _correlated(rng, 400, 4, 1.0), _correlated(rng, 400, 4, 1.0)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    expected = _scipy_reference(a32.astype(np.float64), b32.astype(np.float64))
    assert frechet_distance(a32, b32) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize(
    "a, b, message",
    [
        (np.zeros(5), np.zeros((5, 2)), r"Received: features_a.shape=\(5,\)"),
        (
            np.zeros((5, 2)),
            np.zeros((1, 2)),
            r"n >= 2.*Received: features_b.shape=\(1, 2\)",
        ),
        (
            np.zeros((5, 2)),
            np.zeros((5, 3)),
            r"same dimension.*features_b.shape\[1\]=3",
        ),
        (np.full((5, 2), np.inf), np.zeros((5, 2)), "finite"),
    ],
)
def test_validation(a, b, message):
    with pytest.raises(ValueError, match=message):
        frechet_distance(a, b)
