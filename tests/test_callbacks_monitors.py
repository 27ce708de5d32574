"""FIDMonitor and ModeCoverageMonitor: numbers in History, TensorBoard, checks."""

import glob

import keras
import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.callbacks import FIDMonitor, ModeCoverageMonitor
from tfgan_edu.metrics import features
from tfgan_edu.metrics.train_digits_classifier import digits_arrays


def _reference_fid(mu_a, sigma_a, feats_b):
    """The TTUR formula with scipy.linalg.sqrtm, in float64."""
    feats_b = np.asarray(feats_b, np.float64)
    mu_b, sigma_b = feats_b.mean(0), np.cov(feats_b, rowvar=False)
    covmean = scipy.linalg.sqrtm(sigma_a @ sigma_b).real
    return float(
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2 * np.trace(covmean)
    )


def _tiny_digits_gan():
    gan = tge.GAN(
        generator=tge.networks.dcgan_generator(16, (32, 32, 1), base_filters=8),
        discriminator=tge.networks.dcgan_discriminator((32, 32, 1), base_filters=8),
        latent_dim=16,
        seed=0,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        jit_compile=False,
    )
    return gan


@pytest.fixture(scope="module")
def test_digits():
    return digits_arrays("test")[0]


def test_fid_lands_in_history_and_tensorboard(tmp_path):
    gan = _tiny_digits_gan()
    monitor = FIDMonitor("digits", num_samples=200)
    history = gan.fit(
        tge.data.load("digits", batch_size=32, n=64, seed=0),
        epochs=2,
        verbose=0,
        callbacks=[monitor, keras.callbacks.TensorBoard(tmp_path)],
    )
    assert monitor.epochs == [1, 2]
    fids = history.history["fid"]
    assert fids == [v["fid"] for v in monitor.values]
    assert len(fids) == 2 and all(np.isfinite(fids)) and fids[0] > 0

    # The last value is the FID of the final generator's samples (seed 0)
    # against the shipped train statistics, by the scipy formula.
    mu, sigma = features.reference_statistics("digits", "train")
    fake = features.get_extractor("digits")(gan.generate(200, seed=0))
    assert fids[-1] == pytest.approx(_reference_fid(mu, sigma, fake), rel=1e-6)

    # keras.callbacks.TensorBoard, listed after the monitor, records it.
    logged = {}
    for path in glob.glob(str(tmp_path / "train" / "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "epoch_fid":
                    logged[event.step] = float(tf.make_ndarray(value.tensor))
    assert sorted(logged) == [0, 1]  # Keras counts epochs from 0
    np.testing.assert_allclose([logged[0], logged[1]], fids, rtol=1e-6)


def test_real_images_paths_and_statistics_give_the_same_fid(test_digits, tmp_path):
    rng = np.random.default_rng(0)
    fake = np.clip(test_digits[:150] + rng.normal(0, 0.3, (150, 32, 32, 1)), -1, 1)
    fake = fake.astype("float32")
    extract = features.get_extractor("digits")
    real_feats = extract(test_digits).astype(np.float64)
    expected = _reference_fid(
        real_feats.mean(0), np.cov(real_feats, rowvar=False), extract(fake)
    )
    from_images = FIDMonitor(test_digits).measure(fake)["fid"]
    assert from_images == pytest.approx(expected, rel=1e-6)
    stats = tge.metrics.statistics(real_feats)
    path = tge.metrics.save_statistics(tmp_path / "real.npz", *stats)
    from_stats = FIDMonitor(stats, name="fid_test").measure(fake)
    assert from_stats["fid_test"] == pytest.approx(expected, rel=1e-6)
    assert FIDMonitor(path).measure(fake)["fid"] == pytest.approx(expected, rel=1e-6)
    # A dataset of (images, labels) batches works as the real side too.
    dataset = tge.data.load(
        "digits", batch_size=100, split="test", with_labels=True, shuffle=False
    )
    monitor = FIDMonitor(dataset)
    assert monitor.measure(fake)["fid"] == pytest.approx(
        _reference_fid(*tge.metrics.statistics(real_feats[:300]), extract(fake)),
        rel=1e-6,
    )


def test_mode_coverage_lands_in_history():
    gan = tge.experiments.default_gan("ring", seed=0)
    monitor = ModeCoverageMonitor("ring", every_n_epochs=2, num_samples=1000, seed=3)
    history = gan.fit(
        tge.data.load("ring", batch_size=128, n=512, seed=0),
        epochs=3,
        verbose=0,
        callbacks=[monitor],
    )
    # Measured after epoch 2 (every 2nd) and epoch 3 (the last).
    assert monitor.epochs == [2, 3]
    expected = tge.metrics.mode_coverage(gan.generate(1000, seed=3), "ring")
    for key in ("modes", "high_quality", "reverse_kl"):
        assert len(history.history[key]) == 2
        assert history.history[key][-1] == expected[key]


def test_a_model_without_generate_is_refused():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse")
    with pytest.raises(ValueError, match="Received: model of type Functional"):
        model.fit(
            np.zeros((4, 2)),
            np.zeros((4, 1)),
            verbose=0,
            callbacks=[ModeCoverageMonitor()],
        )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: FIDMonitor(every_n_epochs=0), "Received: every_n_epochs=0"),
        (lambda: FIDMonitor(num_samples=1), "Received: num_samples=1"),
        (lambda: FIDMonitor(seed=-1), "Received: seed=-1"),
        (lambda: FIDMonitor(name=""), "Received: name=''"),
        (
            lambda: FIDMonitor("digits", extractor="inception"),
            "Received: real='digits', extractor='inception'",
        ),
        (lambda: FIDMonitor([1, 2]), "Received: real of type list"),
        (
            lambda: FIDMonitor("digits", extractor=lambda x: x.mean(axis=(1, 2))),
            "Received: real='digits', extractor=<function",
        ),
        (lambda: FIDMonitor((np.zeros(3), np.eye(2))), "sigma.shape=(2, 2)"),
        (lambda: ModeCoverageMonitor("spiral"), "Received: mixture='spiral'"),
        (
            lambda: ModeCoverageMonitor(every_n_epochs=2.5),
            "Received: every_n_epochs=2.5",
        ),
    ],
)
def test_bad_arguments_are_refused_at_construction(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert message in str(info.value)


def test_a_missing_statistics_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        FIDMonitor(tmp_path / "missing.npz")
