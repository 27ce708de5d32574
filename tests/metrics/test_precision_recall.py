"""Tests for precision_recall and density_coverage against brute-force float64 loops."""

import importlib

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from tfgan_edu.metrics import density_coverage, precision_recall
from tfgan_edu.metrics.precision_recall import nearest_neighbour_radii

# The module, which its function of the same name hides as a package attribute.
pr_module = importlib.import_module("tfgan_edu.metrics.precision_recall")


def _radii(x, k):
    d = cdist(x, x)  # exact float64 pairwise distances
    return np.sort(d, axis=1)[:, k]  # column 0 is the point itself


def _brute_force(real, fake, k_pr, k_dc):
    r_real, r_fake = _radii(real, k_pr), _radii(fake, k_pr)
    d = cdist(fake, real)  # (m, n)
    precision = np.mean(
        [any(d[j, i] <= r_real[i] for i in range(len(real))) for j in range(len(fake))]
    )
    recall = np.mean(
        [any(d[j, i] <= r_fake[j] for j in range(len(fake))) for i in range(len(real))]
    )
    r_dc = _radii(real, k_dc)
    inside = d <= r_dc[None, :]
    density = inside.sum() / (k_dc * len(fake))
    coverage = np.mean(inside.any(axis=0))
    return precision, recall, density, coverage


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(80, 5))
    fake = np.concatenate(
        [rng.normal(0.5, 1.3, size=(50, 5)), rng.normal(4.0, 0.3, size=(20, 5))]
    )
    precision, recall, density, coverage = _brute_force(real, fake, 3, 5)
    assert 0 < precision < 1 and 0 < recall < 1 and 0 < coverage < 1
    assert precision_recall(real, fake, k=3) == {
        "precision": pytest.approx(precision, abs=1e-12),
        "recall": pytest.approx(recall, abs=1e-12),
    }
    assert density_coverage(real, fake, k=5) == {
        "density": pytest.approx(density, abs=1e-12),
        "coverage": pytest.approx(coverage, abs=1e-12),
    }


def test_small_blocks_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(70, 3)), rng.normal(0.3, 1.0, size=(60, 3))
    expected = precision_recall(real, fake), density_coverage(real, fake)
    monkeypatch.setattr(pr_module, "CHUNK_ELEMENTS", 150)  # 2 rows per block
    assert (precision_recall(real, fake), density_coverage(real, fake)) == expected


def test_radii_match_sorted_distances():
    x = np.random.default_rng(3).normal(size=(40, 6))
    for k in (1, 3, 39):
        np.testing.assert_allclose(
            nearest_neighbour_radii(x, k), _radii(x, k), rtol=1e-10
        )


def test_duplicates_count_as_neighbours_at_distance_zero():
    x = np.array([[0.0], [0.0], [5.0], [7.0]])
    np.testing.assert_array_equal(nearest_neighbour_radii(x, 1), [0.0, 0.0, 2.0, 2.0])


# Over seeds 0-9 (`benchmarks/measured_margins.py --only pr_one_distribution`):
# precision 0.969 to 0.987 and recall 0.971 to 0.988 (bar 0.9), |density - 1|
# at most 0.027 (bar 0.1), coverage 0.962 to 0.975 (bar 0.95). Seed 4 is tested.
def test_two_samples_of_one_distribution():
    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(1500, 2)), rng.normal(size=(1500, 2))
    pr, dc = precision_recall(real, fake), density_coverage(real, fake)
    assert pr["precision"] > 0.9 and pr["recall"] > 0.9
    assert dc["density"] == pytest.approx(1.0, abs=0.1)
    assert dc["coverage"] > 0.95


def test_disjoint_distributions_score_zero():
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(200, 4)), rng.normal(size=(200, 4)) + 50.0
    assert precision_recall(real, fake) == {"precision": 0.0, "recall": 0.0}
    assert density_coverage(real, fake) == {"density": 0.0, "coverage": 0.0}


# Over seeds 0-9 (`benchmarks/measured_margins.py --only pr_mode_collapse`):
# precision 0.953 to 0.988 (bar 0.9), recall 0.228 to 0.251 (bar 0.3),
# |coverage - 0.25| at most 0.0225 (bar 0.05). Seed 6 is tested.
def test_mode_collapse_keeps_precision_and_loses_recall():
    rng = np.random.default_rng(6)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    real = centres[rng.integers(0, 4, 800)] + rng.normal(size=(800, 2))
    fake = centres[0] + rng.normal(size=(800, 2))  # one mode of four
    pr, dc = precision_recall(real, fake), density_coverage(real, fake)
    assert pr["precision"] > 0.9 and pr["recall"] < 0.3
    assert dc["coverage"] == pytest.approx(0.25, abs=0.05)


def test_an_outlier_inflates_recall_but_not_coverage():
    # Naeem et al.'s argument: one far generated sample has a huge k-NN ball.
    real = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
    fake = np.array([[0.0], [0.1], [0.2], [40.0]])
    assert precision_recall(real, fake, k=1)["recall"] == 1.0
    # Only the real balls around 0 and 1 (radius 1) hold generated samples.
    assert density_coverage(real, fake, k=1)["coverage"] == 0.4


@pytest.mark.parametrize(
    "function, real, fake, kwargs, message",
    [
        (
            precision_recall,
            np.zeros((5, 2)),
            np.zeros((5, 2)),
            {"k": 0},
            "Received: k=0",
        ),
        (
            precision_recall,
            np.zeros((3, 2)),
            np.zeros((5, 2)),
            {"k": 3},
            r"real_features.shape=\(3, 2\)",
        ),
        (
            precision_recall,
            np.zeros((5, 2)),
            np.zeros((3, 2)),
            {"k": 3},
            r"m > k = 3.*fake_features.shape=\(3, 2\)",
        ),
        (
            density_coverage,
            np.zeros((6, 2)),
            np.zeros((6, 3)),
            {},
            r"fake_features.shape\[1\]=3",
        ),
        (density_coverage, np.zeros((6, 2)), np.full((6, 2), np.nan), {}, "finite"),
        (
            density_coverage,
            np.zeros((6, 2)),
            np.zeros((0, 2)),
            {},
            r"fake_features.shape=\(0, 2\)",
        ),
    ],
)
def test_validation(function, real, fake, kwargs, message):
    with pytest.raises(ValueError, match=message):
        function(real, fake, **kwargs)
