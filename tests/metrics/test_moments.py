"""Tests for statistics, MomentAccumulator and the .npz round trip (metrics/moments.py)."""

import numpy as np
import pytest

from tfgan_edu.metrics import load_statistics, moments, save_statistics, statistics
from tfgan_edu.metrics.moments import MomentAccumulator, check_statistics


def _reference(x):
    x = np.asarray(x, dtype=np.float64)
    return x.mean(0), np.cov(x, rowvar=False)


def test_matches_numpy_mean_and_covariance():
    x = np.random.default_rng(0).normal(size=(300, 7)) @ np.diag(np.arange(1, 8))
    mu, sigma = statistics(x)
    expected_mu, expected_sigma = _reference(x)
    np.testing.assert_allclose(mu, expected_mu, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sigma, expected_sigma, rtol=1e-12, atol=1e-14)
    assert mu.dtype == sigma.dtype == np.float64
    np.testing.assert_array_equal(sigma, sigma.T)


def test_chunked_merge_matches_numpy(monkeypatch):
    # 12 values per chunk: 3 rows of 4 at a time, so 34 rows take 12 merges.
    monkeypatch.setattr(moments, "CHUNK_ELEMENTS", 12)
    x = np.random.default_rng(1).normal(size=(34, 4)).astype(np.float32)
    mu, sigma = statistics(x)
    expected_mu, expected_sigma = _reference(x)
    np.testing.assert_allclose(mu, expected_mu, rtol=1e-12)
    np.testing.assert_allclose(sigma, expected_sigma, rtol=1e-10)


def test_large_offset_does_not_cancel(monkeypatch):
    # sum x x^T - n m m^T would lose every digit here; the pairwise merge does not.
    monkeypatch.setattr(moments, "CHUNK_ELEMENTS", 30)
    rng = np.random.default_rng(2)
    noise = rng.normal(size=(200, 3))
    _, sigma = statistics(noise + 1e8)
    expected = np.cov(noise, rowvar=False)  # the covariance ignores the offset
    np.testing.assert_allclose(sigma, expected, rtol=1e-6, atol=1e-6)


def test_accumulator_over_uneven_batches_equals_whole():
    x = np.random.default_rng(3).normal(size=(50, 5))
    accumulator = MomentAccumulator()
    for start, stop in [(0, 1), (1, 11), (11, 12), (12, 50)]:
        accumulator.update(x[start:stop])
    mu, sigma = accumulator.result()
    assert accumulator.count == 50
    np.testing.assert_allclose(sigma, np.cov(x, rowvar=False), rtol=1e-12)
    np.testing.assert_allclose(mu, x.mean(0), rtol=1e-12)


def test_accumulator_errors():
    accumulator = MomentAccumulator()
    with pytest.raises(ValueError, match="at least 2.*Received: 0"):
        accumulator.result()
    accumulator.update(np.zeros((3, 4)))
    with pytest.raises(
        ValueError, match=r"\(b, 4\).*Received: features.shape=\(2, 5\)"
    ):
        accumulator.update(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="finite"):
        accumulator.update(np.full((2, 4), np.nan))


@pytest.mark.parametrize(
    "features, message",
    [
        (np.zeros(5), r"Received: features.shape=\(5,\)"),
        (np.zeros((1, 3)), r"n >= 2.*Received: features.shape=\(1, 3\)"),
        (np.array([[1.0, np.inf], [0.0, 0.0]]), "finite"),
        ("abc", "Received: features of type str"),
        (np.array([["a", "b"], ["c", "d"]]), "real numbers"),
    ],
)
def test_statistics_validation(features, message):
    with pytest.raises(ValueError, match=message):
        statistics(features)


def test_save_and_load_round_trip(tmp_path):
    x = np.random.default_rng(4).normal(size=(40, 3))
    mu, sigma = statistics(x)
    path = save_statistics(tmp_path / "real", mu, sigma, extractor="digits", n=40)
    assert path == str(tmp_path / "real.npz")
    loaded_mu, loaded_sigma = load_statistics(path)
    np.testing.assert_array_equal(loaded_mu, mu)
    np.testing.assert_array_equal(loaded_sigma, sigma)
    _, _, meta = load_statistics(path, with_meta=True)
    assert meta == {"extractor": "digits", "n": 40}


def test_loads_ttur_style_files(tmp_path):
    # TTUR's fid_stats_*.npz hold float32 `mu` and `sigma` and nothing else.
    path = tmp_path / "fid_stats.npz"
    np.savez(path, mu=np.ones(2, np.float32), sigma=np.eye(2, dtype=np.float32))
    mu, sigma = load_statistics(path)
    assert mu.dtype == sigma.dtype == np.float64
    np.testing.assert_array_equal(sigma, np.eye(2))


def test_save_and_load_errors(tmp_path):
    with pytest.raises(ValueError, match="Received: extra="):
        save_statistics(tmp_path / "s", np.zeros(2), np.eye(2), extra={"a": 1})
    with pytest.raises(FileNotFoundError, match="Received: path="):
        load_statistics(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", mean=np.zeros(2))
    with pytest.raises(ValueError, match=r"'mu' and 'sigma'.*keys \['mean'\]"):
        load_statistics(tmp_path / "other.npz")


@pytest.mark.parametrize(
    "mu, sigma, message",
    [
        (np.zeros(2), np.eye(3), r"mu.shape=\(2,\), sigma.shape=\(3, 3\)"),
        (np.zeros((2, 2)), np.eye(2), r"mu.shape=\(2, 2\)"),
        (np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), "symmetric"),
        (np.zeros(2), np.diag([1.0, -1.0]), "non-negative variances"),
        (np.array([0.0, np.nan]), np.eye(2), "finite"),
    ],
)
def test_check_statistics(mu, sigma, message):
    with pytest.raises(ValueError, match=message):
        check_statistics(mu, sigma)
