"""Tests of the script that trains the shipped digits classifier."""

import json
import os
import platform

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


def test_mnist_on_a_tiny_budget_writes_the_mnist_assets(tmp_path, capsys):
    """The same script trains the MNIST classifier: one epoch of the 4,000
    train digits already classifies far above chance (measured: see the
    assert), and the files carry the MNIST names and metadata."""
    out = tmp_path / "assets"
    assert (
        script.main(["--dataset", "mnist_5k", "--epochs", "1", "--out", str(out)]) == 0
    )
    assert capsys.readouterr().out.startswith("mnist_5k: trained in")
    record = json.loads((out / features.MNIST_INFO_FILE).read_text())
    assert record["dataset"] == "mnist_5k" and record["epochs"] == 1
    assert record["max_rotation"] == script.SETTINGS["mnist_5k"].max_rotation
    assert record["test_accuracy"] > 0.6  # 0.86 measured; chance is 0.1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            features.MNIST_WEIGHTS_FILE,
            features.MNIST_INFO_FILE,
            "mnist_5k_train_statistics.npz",
            "mnist_5k_test_statistics.npz",
        ]
    )
    meta = load_statistics(out / "mnist_5k_train_statistics.npz", with_meta=True)[2]
    assert meta == {
        "extractor": "mnist",
        "dataset": "mnist_5k",
        "split": "train",
        "n": 4000,
    }


def test_bad_dataset_is_refused():
    with pytest.raises(ValueError) as info:
        script.train_classifier("mnist")
    assert str(info.value).endswith("Received: dataset='mnist'")


# The CPU the shipped mnist_5k assets were reproduced on, bit for bit
# (/proc/cpuinfo's model name, 2026-12-04). oneDNN picks its kernels by
# CPU, and float32 round-off then differs: the digits assets, made on an
# AMD EPYC, were not reproduced on this Xeon. On another CPU only the
# accuracy can be compared, and the retraining takes 10 to 15 minutes of a
# 2-core AMD EPYC with AVX2 (872 s in a fresh-clone `make test` on
# 2026-12-05, a third of that run's slowest worker): it runs there only
# when this variable is set.
REPRODUCED_ON = "Intel(R) Xeon(R) Processor"
RETRAIN_ELSEWHERE = "TFGAN_EDU_RETRAIN_CLASSIFIER"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["mnist_5k"])
def test_the_script_reproduces_the_shipped_assets_bit_for_bit(dataset, tmp_path):
    """Retraining with the shipped settings gives the shipped weights and
    statistics exactly on the CPU they were made on (mnist_5k: 133 s of CPU
    time, up to 6 minutes wall on the shared 2-core machine; reproduced in
    three runs on 2026-12-04), and the shipped accuracy to within a point
    elsewhere.

    Not "digits": on 2026-12-04 the shipped digits weights were reproduced
    neither by this script nor by its version before the MNIST change
    (commit 7a9728d), whose full 15-epoch training this script matches
    weight for weight (checked the same day)."""
    cpu = _cpu_model()
    if cpu != REPRODUCED_ON and not os.environ.get(RETRAIN_ELSEWHERE):
        pytest.skip(
            f"the shipped {dataset} assets were made on {REPRODUCED_ON!r}, and "
            f"on this CPU ({cpu!r}) only their accuracy could be compared, "
            f"after 10-15 minutes of training: set {RETRAIN_ELSEWHERE}=1 to run it"
        )
    assert script.main(["--dataset", dataset, "--out", str(tmp_path)]) == 0
    name = features.REFERENCE_EXTRACTORS[dataset]
    weights_file, info_file = features.CLASSIFIER_FILES[name]
    record = json.loads((tmp_path / info_file).read_text())
    info = features.shipped_classifier_info(name)
    for key in ("epochs", "seed", "config"):
        assert record[key] == info[key], key
    if cpu != REPRODUCED_ON:
        assert abs(record["test_accuracy"] - info["test_accuracy"]) <= 0.01
        return
    shipped = features.shipped_classifier(name)
    retrained = features.image_classifier(**features.CLASSIFIER_CONFIGS[name])
    retrained.load_weights(tmp_path / weights_file)
    for a, b in zip(shipped.get_weights(), retrained.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    for split in features.REFERENCE_SPLITS:
        file = features.statistics_file(dataset, split)
        for a, b in zip(
            load_statistics(features.assets_directory() / file),
            load_statistics(tmp_path / file),
            strict=True,
        ):
            np.testing.assert_array_equal(a, b)
    for key in ("train_accuracy", "test_accuracy"):
        assert record[key] == info[key], key
