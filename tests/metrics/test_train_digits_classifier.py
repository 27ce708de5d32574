"""Tests of the script that trains the shipped digits classifier."""

import json

import numpy as np
import pytest

from tfgan_edu.metrics import features
from tfgan_edu.metrics import train_digits_classifier as script
from tfgan_edu.metrics.moments import load_statistics


def test_digits_arrays_are_the_loader_splits():
    x, y = script.digits_arrays("train")
    assert x.shape == (1437, 32, 32, 1) and y.shape == (1437,)
    assert x.min() >= -1.0 and x.max() <= 1.0
    # The labels are those of scikit-learn's stratified 80/20 split, in order.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    target = load_digits().target
    expected = train_test_split(target, test_size=0.2, stratify=target, random_state=0)
    np.testing.assert_array_equal(y, expected[0])


def test_main_on_a_tiny_budget_writes_consistent_assets(tmp_path, capsys):
    """One epoch (45 steps) already classifies far above chance (measured:
    see the assert), and the record, weights and statistics it writes agree
    with each other."""
    assert script.main(["--epochs", "1", "--out", str(tmp_path)]) == 0
    assert "held-out test" in capsys.readouterr().out
    record = json.loads((tmp_path / features.DIGITS_INFO_FILE).read_text())
    assert record["epochs"] == 1 and record["seed"] == 0
    assert record["test_accuracy"] > 0.5  # 0.69 measured; chance is 0.1

    model = features.image_classifier(**features.DIGITS_CLASSIFIER_CONFIG)
    model.load_weights(tmp_path / features.DIGITS_WEIGHTS_FILE)
    assert script.accuracy(model, "test") == pytest.approx(record["test_accuracy"])
    # The statistics are those of the written model's features.
    embed = features.feature_model(model)
    feats = embed.predict(script.digits_arrays("test")[0], verbose=0).astype(np.float64)
    mu, sigma = load_statistics(tmp_path / "digits_test_statistics.npz")
    np.testing.assert_allclose(mu, feats.mean(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sigma, np.cov(feats, rowvar=False), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(epochs=0), "Received: epochs=0"),
        (dict(batch_size=True), "Received: batch_size=True"),
        (dict(n=0), "Received: n=0"),
        (dict(n=5000), "Received: n=5000"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError) as info:
        script.train_classifier(**kwargs)
    assert str(info.value).endswith(message)
