"""Tests of the real-vs-real FID/KID floor."""

import json

import numpy as np
import pytest

from tfgan_edu.metrics import features, real_floor
from tfgan_edu.metrics.frechet import (
    frechet_distance,
    frechet_distance_from_statistics,
)


@pytest.fixture(scope="module")
def digits_floor():
    return real_floor.real_floor("digits", n=300, draws=3, seed=1)


def test_full_floor_is_the_distance_of_the_shipped_statistics(digits_floor):
    # The shipped statistics were computed by the training script, apart
    # from the features this function extracts.
    expected = frechet_distance_from_statistics(
        *features.reference_statistics("digits", "train"),
        *features.reference_statistics("digits", "test"),
    )
    assert digits_floor["full"]["fid"] == pytest.approx(expected, rel=1e-5, abs=1e-7)
    assert (digits_floor["n_train"], digits_floor["n_test"]) == (1437, 360)
    assert abs(digits_floor["full"]["kid"]) < 0.05  # the same distribution
    # 99.4% of the held-out digits are classified correctly.
    assert 0.9 < digits_floor["test_confident_fraction"] <= 1.0


def test_subsample_draws_are_the_seeded_random_sets(digits_floor):
    extractor = features.get_extractor("digits")
    train = extractor(features.dataset_arrays("digits", "train")[0])
    test = extractor(features.dataset_arrays("digits", "test")[0])
    rng = np.random.default_rng(1)
    expected = [
        frechet_distance(train[rng.choice(len(train), 300, replace=False)], test)
        for _ in range(3)
    ]
    fid = digits_floor["subsample"]["fid"]
    np.testing.assert_allclose(fid["values"], expected, rtol=1e-6)
    assert fid["mean"] == pytest.approx(np.mean(expected), rel=1e-6)
    assert fid["std"] > 0 and fid["min"] <= fid["mean"] <= fid["max"]
    # Fewer train images: the floor is higher than with all of them.
    assert fid["mean"] > digits_floor["full"]["fid"]


def test_main_prints_and_writes_json(tmp_path, capsys):
    out = tmp_path / "floor.json"
    argv = ["--dataset", "digits", "--n", "100", "--draws", "2", "--out", str(out)]
    assert real_floor.main(argv) == 0
    printed = capsys.readouterr().out
    assert "train (1437) vs test (360): FID" in printed
    assert json.loads(out.read_text())["subsample"]["fid"]["values"][0] > 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(dataset="mnist"), "Received: dataset='mnist'"),
        (dict(dataset="digits", n=1), "Received: n=1"),
        (dict(dataset="digits", n=5000), "Received: n=5000"),
        (dict(dataset="digits", draws=0), "Received: draws=0"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError) as info:
        real_floor.real_floor(**kwargs)
    assert str(info.value).endswith(message)
