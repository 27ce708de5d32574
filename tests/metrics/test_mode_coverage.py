"""Tests for mode_coverage against hand-computed cases and a brute-force loop."""

import math

import numpy as np
import pytest

from tfgan_edu.data import toy2d
from tfgan_edu.metrics import mode_coverage


@pytest.mark.parametrize("name, k", [("ring", 8), ("grid", 25)])
def test_exact_centres_cover_every_mode(name, k):
    stats = mode_coverage(toy2d.modes(name), name)
    assert stats == {"modes": k, "high_quality": 1.0, "reverse_kl": 0.0}


@pytest.mark.parametrize("name, k", [("ring", 8), ("grid", 25)])
def test_collapse_to_one_mode(name, k):
    samples = np.repeat(toy2d.modes(name)[3:4], 100, axis=0)
    samples += np.random.default_rng(0).normal(
        scale=0.1 * toy2d.sigma(name), size=samples.shape
    )
    stats = mode_coverage(samples, name)
    assert stats["modes"] == 1 and stats["high_quality"] == 1.0
    assert stats["reverse_kl"] == pytest.approx(math.log(k), rel=1e-12)


def test_true_ring_samples_are_high_quality_at_the_chi_square_rate():
    stats = mode_coverage(toy2d.sample("ring", n=20_000, seed=0), "ring")
    # P(|N(0, s^2 I_2)| <= 3 s) = 1 - exp(-9 / 2).
    assert stats["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.004)
    assert stats["modes"] == 8 and stats["reverse_kl"] < 0.005


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_uniform_noise_is_mostly_low_quality(name):
    samples = np.random.default_rng(0).uniform(-5, 5, size=(20_000, 2))
    stats = mode_coverage(samples, name)
    k, radius = len(toy2d.modes(name)), 3 * toy2d.sigma(name)
    expected = k * math.pi * radius**2 / 100.0  # area of the discs / area of the box
    assert stats["high_quality"] == pytest.approx(expected, rel=0.3)
    assert stats["high_quality"] < 0.05


def test_uniform_noise_captures_every_grid_mode_evenly():
    # Why mode counts need the quality fraction beside them: noise spread over
    # the box lands ~14 high-quality samples near each of the 25 grid modes.
    samples = np.random.default_rng(0).uniform(-5, 5, size=(20_000, 2))
    stats = mode_coverage(samples, "grid")
    assert stats["modes"] == 25
    # KL of a multinomial histogram from uniform is about (K - 1) / (2 N_hq).
    n_high_quality = stats["high_quality"] * len(samples)
    assert stats["reverse_kl"] == pytest.approx(24 / (2 * n_high_quality), rel=0.5)


def test_hand_computed_case():
    centres = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    samples = np.array(
        [
            [0.0, 0.29],  # mode 0, within 0.3
            [0.1, 0.0],  # mode 0
            [0.9, 0.0],  # mode 1
            [0.5, 0.5],  # 0.71 from modes 1 and 2: low quality
            [-0.31, 0.0],  # nearest mode 0 but 0.31 away: low quality
        ]
    )
    stats = mode_coverage(samples, (centres, 0.1))
    assert stats["modes"] == 2
    assert stats["high_quality"] == pytest.approx(0.6)
    # q = (2/3, 1/3, 0), p = 1/3 each.
    expected = 2 / 3 * math.log(2 / 3 * 3) + 1 / 3 * math.log(1 / 3 * 3)
    assert stats["reverse_kl"] == pytest.approx(expected, rel=1e-12)


def test_exactly_three_sigma_counts_as_high_quality():
    centres = np.array([[0.0, 0.0], [10.0, 0.0]])
    stats = mode_coverage(np.array([[1.5, 0.0], [0.0, 1.5001]]), (centres, 0.5))
    assert stats["high_quality"] == 0.5 and stats["modes"] == 1


def test_no_high_quality_samples():
    stats = mode_coverage(np.array([[1.0, 1.0], [-1.0, 1.0]]), "ring")
    assert stats["modes"] == 0 and stats["high_quality"] == 0.0
    assert stats["reverse_kl"] == math.inf


def test_matches_a_brute_force_loop():
    rng = np.random.default_rng(1)
    centres, sigma = toy2d.modes("grid"), toy2d.sigma("grid")
    # Samples near 10 of the 25 modes, uneven counts, plus background noise.
    picks = rng.choice(10, size=400, p=np.arange(1, 11) / 55.0)
    samples = centres[picks] + rng.normal(scale=0.08, size=(400, 2))
    samples = np.concatenate([samples, rng.uniform(-5, 5, size=(100, 2))])

    counts = np.zeros(len(centres))
    high_quality = 0
    for point in samples:
        distances = [math.dist(point, c) for c in centres]
        j = int(np.argmin(distances))
        if distances[j] <= 3 * sigma:
            high_quality += 1
            counts[j] += 1
    q = counts / counts.sum()
    kl = sum(qi * math.log(qi * len(centres)) for qi in q if qi > 0)

    stats = mode_coverage(samples, "grid")
    assert stats["modes"] == int(np.count_nonzero(counts))
    assert stats["high_quality"] == pytest.approx(high_quality / len(samples))
    assert stats["reverse_kl"] == pytest.approx(kl, rel=1e-12)


def test_named_and_explicit_mixtures_agree():
    samples = toy2d.sample("ring", n=500, seed=0)
    explicit = (toy2d.modes("ring"), toy2d.sigma("ring"))
    assert mode_coverage(samples, "ring") == mode_coverage(samples, explicit)


@pytest.mark.parametrize(
    "samples, mixture, message",
    [
        (np.zeros((4, 3)), "ring", r"\(n, 2\).*Received: samples.shape=\(4, 3\)"),
        (np.zeros(4), "ring", r"Received: samples.shape=\(4,\)"),
        (np.zeros((0, 2)), "ring", r"Received: samples.shape=\(0, 2\)"),
        (np.array([[np.nan, 0.0]]), "ring", "finite"),
        (np.zeros((4, 2)), "spiral", "Received: mixture='spiral'"),
        (
            np.zeros((4, 2)),
            (np.zeros((3, 3)), 0.1),
            r"Received: centres.shape=\(3, 3\)",
        ),
        (np.zeros((4, 2)), (np.zeros((3, 2)), 0.0), "Received: sigma=0.0"),
        (np.zeros((4, 2)), 5, "Received: mixture=5"),
    ],
)
def test_validation(samples, mixture, message):
    with pytest.raises(ValueError, match=message):
        mode_coverage(samples, mixture)
