"""Tests for frechet_distance, its statistics route and fid, against float64 references."""

import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

from tfgan_edu.metrics import (
    fid,
    frechet_distance,
    frechet_distance_from_statistics,
    save_statistics,
    statistics,
)
from tfgan_edu.metrics.frechet import psd_factor, trace_sqrt_product


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


# ---------------------------------------------------------------- statistics route


def _eigen_route(a, b):
    """The symmetric eigen-decomposition route: tr sqrt(S_a^1/2 S_b S_a^1/2)."""
    sigma_a, sigma_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(sigma_a)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    trace_sqrt = np.sum(
        np.sqrt(np.clip(np.linalg.eigvalsh(root @ sigma_b @ root), 0, None))
    )
    return float(
        np.sum((a.mean(0) - b.mean(0)) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2 * trace_sqrt
    )


def _exact_from_data(a, b):
    """For n < d: tr sqrt(S_a S_b) = sum of singular values of A B^T / sqrt(...)."""
    ac, bc = a - a.mean(0), b - b.mean(0)
    trace_sqrt = np.sum(np.linalg.svd(ac @ bc.T, compute_uv=False)) / np.sqrt(
        (len(a) - 1) * (len(b) - 1)
    )
    return float(
        np.sum((a.mean(0) - b.mean(0)) ** 2)
        + np.sum(ac**2) / (len(a) - 1)
        + np.sum(bc**2) / (len(b) - 1)
        - 2 * trace_sqrt
    )


@pytest.mark.parametrize("n_a, n_b, d", [(300, 200, 12), (100, 80, 40), (64, 80, 48)])
def test_matches_eigendecomposition_route(n_a, n_b, d):
    rng = np.random.default_rng(7)
    a, b = _correlated(rng, n_a, d, 1.0), _correlated(rng, n_b, d, 0.7)
    assert frechet_distance(a, b) == pytest.approx(_eigen_route(a, b), rel=1e-9)


@pytest.mark.parametrize(
    "n_a, n_b, d",
    [
        (10, 12, 64),  # both singular: pivoted factors
        (30, 7, 100),
        (50, 50, 200),
        (40, 30, 40),
        (200, 12, 40),  # only b singular: Cholesky of a reduces b
        (12, 200, 40),  # only a singular: Cholesky of b reduces a
    ],
)
def test_singular_covariances_match_exact_formula(n_a, n_b, d):
    # Here the sqrtm and eigen-decomposition routes are off by ~1e-8 relative
    # (round-off eigenvalues of the singular covariances, clipped or not).
    rng = np.random.default_rng(8)
    a, b = _correlated(rng, n_a, d, 1.0), _correlated(rng, n_b, d, 0.5)
    expected = _exact_from_data(a, b)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-11)


def test_from_statistics_equals_from_features():
    rng = np.random.default_rng(9)
    a, b = _correlated(rng, 200, 6, 1.0), _correlated(rng, 300, 6, 2.0)
    from_stats = frechet_distance_from_statistics(
        a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    )
    assert from_stats == pytest.approx(frechet_distance(a, b), rel=1e-10)


def test_commuting_covariances_closed_form():
    # Diagonal covariances: sum (sqrt(a_i) - sqrt(b_i))^2 + ||mu_a - mu_b||^2.
    var_a, var_b = np.array([1.0, 4.0, 9.0, 0.0]), np.array([4.0, 4.0, 1.0, 2.0])
    mu_a, mu_b = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 1.0, 0.0, 3.0])
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum(
        (np.sqrt(var_a) - np.sqrt(var_b)) ** 2
    )
    got = frechet_distance_from_statistics(mu_a, np.diag(var_a), mu_b, np.diag(var_b))
    assert got == pytest.approx(expected, rel=1e-12)


def test_zero_covariances_leave_the_mean_term():
    mu_a, mu_b = np.zeros(3), np.array([1.0, 2.0, 2.0])
    zero = np.zeros((3, 3))
    assert frechet_distance_from_statistics(mu_a, zero, mu_b, zero) == 9.0
    assert frechet_distance_from_statistics(
        mu_a, zero, mu_b, np.eye(3)
    ) == pytest.approx(12.0)


def test_trace_sqrt_product_of_rank_one_matrices():
    # S_a = u u^T, S_b = v v^T: S_a S_b has the single eigenvalue (u.v)^2.
    u, v = np.array([1.0, 2.0, 0.0]), np.array([3.0, -1.0, 2.0])
    assert trace_sqrt_product(np.outer(u, u), np.outer(v, v)) == pytest.approx(1.0)


def test_psd_factor_of_a_singular_covariance():
    x = np.random.default_rng(10).normal(size=(5, 9))
    sigma = np.cov(x, rowvar=False)  # rank 4
    factor = psd_factor(sigma)
    assert factor.shape == (9, 4)
    np.testing.assert_allclose(factor @ factor.T, sigma, atol=1e-12)


@pytest.mark.parametrize("other", [np.eye(2), np.diag([1.0, 0.0])])
def test_indefinite_matrix_is_rejected(other):
    # Against a positive definite and against a singular covariance: the
    # sygst and the pivoted route both name the matrix at fault.
    sigma = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    zero = np.zeros(2)
    with pytest.raises(ValueError, match="positive semi-definite.*Received: sigma_b"):
        frechet_distance_from_statistics(zero, other, zero, sigma)
    with pytest.raises(ValueError, match="positive semi-definite.*Received: sigma_a"):
        frechet_distance_from_statistics(zero, sigma, zero, other)


def test_from_statistics_validation():
    with pytest.raises(ValueError, match=r"same dimension.*mu_b.shape=\(3,\)"):
        frechet_distance_from_statistics(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match=r"sigma.shape=\(3, 3\)"):
        frechet_distance_from_statistics(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2))


# ------------------------------------------------------------------------- fid


def _flatten(x):
    return x.reshape(len(x), -1)


def _images(seed, n=60, shift=0.0):
    rng = np.random.default_rng(seed)
    return np.clip(rng.uniform(-1, 1, size=(n, 4, 4, 1)) + shift, -1, 1).astype(
        "float32"
    )


def test_fid_equals_frechet_distance_of_extracted_features():
    real, fake = _images(0), _images(1, shift=0.3)
    expected = frechet_distance(_flatten(real), _flatten(fake))
    assert fid(real, fake, extractor=_flatten, batch_size=7) == pytest.approx(
        expected, rel=1e-10
    )
    assert fid(_flatten(real), _flatten(fake), extractor=None) == pytest.approx(
        expected, rel=1e-10
    )


def test_fid_reads_datasets_generators_statistics_and_files(tmp_path):
    real, fake = _images(2), _images(3, shift=-0.2)
    expected = frechet_distance(_flatten(real), _flatten(fake))
    labels = np.zeros(len(real), "int32")
    dataset = tf.data.Dataset.from_tensor_slices((real, labels)).batch(16)
    batches = (fake[i : i + 9] for i in range(0, len(fake), 9))
    assert fid(dataset, batches, extractor=_flatten) == pytest.approx(
        expected, rel=1e-10
    )

    stats = statistics(_flatten(real))
    path = save_statistics(tmp_path / "real", *stats)
    for real_side in (stats, path):
        assert fid(real_side, fake, extractor=_flatten) == pytest.approx(
            expected, rel=1e-10
        )


def test_fid_max_samples_and_repeated_dataset():
    real, fake = _images(4), _images(5)
    expected = frechet_distance(_flatten(real[:40]), _flatten(fake[:40]))
    repeated = tf.data.Dataset.from_tensor_slices(real).batch(16).repeat()
    got = fid(repeated, fake, extractor=_flatten, max_samples=40)
    assert got == pytest.approx(expected, rel=1e-10)
    with pytest.raises(ValueError, match="infinite cardinality"):
        fid(repeated, fake, extractor=_flatten)


def test_fid_validates_both_sides_before_extracting():
    calls = []

    def extractor(x):
        calls.append(len(x))
        return _flatten(x)

    with pytest.raises(ValueError, match="Received: fake of type list"):
        fid(_images(0), [1, 2, 3], extractor=extractor)
    with pytest.raises(ValueError, match=r"Received: real.shape=\(0, 4, 4, 1\)"):
        fid(_images(0)[:0], _images(1), extractor=extractor)
    assert calls == []
    with pytest.raises(ValueError, match="at least 2 samples in `fake`"):
        fid(_images(0), _images(1)[:1], extractor=extractor)
    with pytest.raises(ValueError, match="same dimension"):
        fid((np.zeros(3), np.eye(3)), _images(1), extractor=extractor)


def test_fid_with_the_digits_extractor():
    import tfgan_edu as tge

    x, _ = next(
        iter(
            tge.data.load(
                "digits", batch_size=120, split="test", with_labels=True, seed=0
            )
        )
    )
    x = x.numpy()
    noise = np.random.default_rng(0).uniform(-1, 1, size=x.shape).astype("float32")
    same = fid(x[:60], x[60:])
    far = fid(x[:60], noise[:60])
    assert 0.0 < same < far
    features = tge.metrics.extract_features("digits", x)
    assert same == pytest.approx(
        frechet_distance(features[:60], features[60:]), rel=1e-9
    )
