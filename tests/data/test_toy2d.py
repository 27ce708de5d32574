"""Tests for the 2-D toy distributions against their published definitions."""

import itertools

import numpy as np
import pytest
from scipy.spatial import cKDTree

from tfgan_edu.data import toy2d


def test_names():
    assert toy2d.NAMES == ("ring", "grid", "spiral")


def test_ring_modes_are_eight_points_evenly_spaced_on_radius_two():
    centres = toy2d.modes("ring")
    assert centres.shape == (8, 2) and centres.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0)
    angles = np.sort(np.mod(np.arctan2(centres[:, 1], centres[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8, atol=1e-12)
    assert toy2d.sigma("ring") == 0.02


def test_grid_modes_are_the_5x5_lattice():
    centres = toy2d.modes("grid")
    assert centres.shape == (25, 2) and centres.dtype == np.float64
    expected = set(itertools.product((-4.0, -2.0, 0.0, 2.0, 4.0), repeat=2))
    assert {tuple(c) for c in centres} == expected
    assert toy2d.sigma("grid") == 0.05


def test_modes_returns_a_copy():
    toy2d.modes("ring")[0] = 100.0
    assert toy2d.modes("ring")[0, 0] == 2.0


@pytest.mark.parametrize("name", toy2d.NAMES)
def test_sample_shape_dtype_and_determinism(name):
    a = toy2d.sample(name, n=500, seed=3)
    assert a.shape == (500, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, toy2d.sample(name, n=500, seed=3))
    assert not np.array_equal(a, toy2d.sample(name, n=500, seed=4))
    assert np.all(np.abs(a) < 4.5)


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_mixture_samples_have_the_documented_sigma_and_equal_weights(name):
    centres, sigma = toy2d.modes(name), toy2d.sigma(name)
    n = 20_000
    x = toy2d.sample(name, n=n, seed=0).astype(np.float64)
    nearest = np.linalg.norm(x[:, None] - centres[None], axis=2).argmin(axis=1)
    residual = x - centres[nearest]
    # Per-axis noise std matches sigma (the estimate is good to ~1% here).
    np.testing.assert_allclose(residual.std(axis=0), sigma, rtol=0.03)
    np.testing.assert_allclose(residual.mean(axis=0), 0.0, atol=3 * sigma / np.sqrt(n))
    # Equal weights: every component's count is within 5 binomial stds of n / K.
    k = len(centres)
    counts = np.bincount(nearest, minlength=k)
    assert np.all(np.abs(counts - n / k) < 5 * np.sqrt(n / k))


def test_spiral_follows_the_documented_curve():
    x = toy2d.sample("spiral", n=4_000, seed=0).astype(np.float64)
    t = np.linspace(1.5 * np.pi, 4.5 * np.pi, 20_000)
    curve = 0.25 * np.stack([t * np.cos(t), t * np.sin(t)], axis=1)
    distance = cKDTree(curve).query(x)[0]
    # Distance to the curve is |N(0, sigma)| across it: mean sigma * sqrt(2/pi).
    np.testing.assert_allclose(distance.mean(), 0.05 * np.sqrt(2 / np.pi), rtol=0.05)
    radius = np.linalg.norm(x, axis=1)
    assert 1.0 < radius.min() < 1.3 and 3.4 < radius.max() < 3.7
    assert toy2d.sigma("spiral") == 0.05


def test_sample_with_labels_matches_sample_and_modes():
    x, y = toy2d.sample_with_labels("grid", n=300, seed=1)
    np.testing.assert_array_equal(x, toy2d.sample("grid", n=300, seed=1))
    assert y.dtype == np.int32 and y.shape == (300,)
    assert np.all(np.linalg.norm(x - toy2d.modes("grid")[y], axis=1) < 0.3)


def test_unknown_name_lists_valid_names():
    with pytest.raises(
        ValueError, match=r"ring, grid, spiral.*Received: name='moons'$"
    ):
        toy2d.sample("moons", n=10)
    with pytest.raises(ValueError, match="Received: name='spiral'"):
        toy2d.modes("spiral")
    with pytest.raises(ValueError, match="Received: name='spiral'"):
        toy2d.sample_with_labels("spiral", n=3)


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "10"])
def test_n_must_be_a_positive_int(n):
    with pytest.raises(
        ValueError, match=r"integer >= 1 \(the number of samples\). Received: n="
    ):
        toy2d.sample("ring", n=n)
