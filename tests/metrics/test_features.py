"""Tests of the feature extractors: the shipped digits classifier, its reference
statistics, the Inception-v3 preprocessing and the offline failure."""

import configparser
import fnmatch
import importlib.resources
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu.data import images as data_images
from tfgan_edu.metrics import features
from tfgan_edu.metrics.moments import load_statistics
from tfgan_edu.metrics.train_digits_classifier import digits_arrays

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def test_digits():
    return digits_arrays("test")


@pytest.fixture(scope="module")
def test_mnist():
    return features.dataset_arrays("mnist_5k", "test")


# --- the shipped classifier ----------------------------------------------------


def test_shipped_weights_reach_97_percent_on_held_out_digits(test_digits):
    images, labels = test_digits
    assert images.shape == (360, 32, 32, 1)
    logits = features.get_extractor("digits_logits")(images)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == labels))
    assert accuracy >= 0.97
    # The record that ships beside the weights says the same.
    info = features.digits_classifier_info()
    assert info["test_accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert info["config"]["feature_units"] == 128


def test_assets_are_small_and_declared_as_package_data():
    folder = importlib.resources.files("tfgan_edu.metrics") / "assets"
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert names == sorted(
        [
            features.DIGITS_WEIGHTS_FILE,
            features.DIGITS_INFO_FILE,
            "digits_train_statistics.npz",
            "digits_test_statistics.npz",
            features.MNIST_WEIGHTS_FILE,
            features.MNIST_INFO_FILE,
            "mnist_5k_train_statistics.npz",
            "mnist_5k_test_statistics.npz",
        ]
    )
    sizes = {name: (folder / name).stat().st_size for name in names}
    # Each classifier: its weights (about 240 kB) and two 128x128 float64
    # covariances (131 kB each).
    for prefix in ("digits_", "mnist"):
        group = [size for name, size in sizes.items() if name.startswith(prefix)]
        assert len(group) == 4 and sum(group) < 550_000, sizes
    # A non-editable install copies exactly what options.package_data lists.
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    patterns = [
        p.strip()
        for p in config["options.package_data"]["tfgan_edu.metrics"].split(",")
    ]
    for name in names:
        assert any(fnmatch.fnmatch(f"assets/{name}", p) for p in patterns), name


def _conv3x3_same(x, kernel, bias):
    """float64 reference of a 3x3 'same' convolution: (n, h, w, c) -> (n, h, w, f)."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    # windows: (n, h, w, c, 3, 3); kernel: (3, 3, c, f)
    return np.einsum("nhwcij,ijcf->nhwf", windows, kernel) + bias


def _numpy_classifier(model, images):
    """The digits classifier's forward pass in float64 NumPy: (features, logits)."""
    w = {
        layer.name: [v.numpy().astype(np.float64) for v in layer.weights]
        for layer in model.layers
    }

    def block(x, suffix):  # conv (no bias), batch norm (inference), ReLU
        gamma, beta, mean, variance = w[f"bn{suffix}"]
        x = _conv3x3_same(x, w[f"conv{suffix}"][0], 0.0)
        return np.maximum((x - mean) / np.sqrt(variance + 1e-3) * gamma + beta, 0.0)

    x = images.astype(np.float64)
    for stage in (1, 2):
        for j in (1, 2):
            x = block(x, f"{stage}_{j}")
        n, h, wd, c = x.shape
        x = x.reshape(n, h // 2, 2, wd // 2, 2, c).max(axis=(2, 4))  # 2x2 max pool
    x = block(x, "3").mean(axis=(1, 2))  # global average pool
    z = x @ w["features"][0] + w["features"][1]
    feats = np.where(z > 0, z, np.expm1(z))  # ELU
    return feats, feats @ w["logits"][0] + w["logits"][1]


@pytest.mark.parametrize("name", ["digits", "mnist"])
def test_extractors_match_a_numpy_forward_pass(name, test_digits, test_mnist):
    images = {"digits": test_digits, "mnist": test_mnist}[name][0][:5]
    expected_features, expected_logits = _numpy_classifier(
        features.shipped_classifier(name), images
    )
    feats = features.get_extractor(name)(images)
    logits = features.get_extractor(f"{name}_logits")(images)
    assert feats.shape == (5, 128) and feats.dtype == np.float32
    assert logits.shape == (5, 10)
    np.testing.assert_allclose(feats, expected_features, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(logits, expected_logits, rtol=1e-4, atol=1e-4)


def test_no_feature_dimension_is_constant_on_real_digits(test_digits):
    feats = features.get_extractor("digits")(test_digits[0])
    assert np.min(feats.std(axis=0)) > 1e-3


def test_batches_and_other_sizes(test_digits):
    images = test_digits[0][:7]
    whole = features.get_extractor("digits")(images)
    np.testing.assert_allclose(
        features.get_extractor("digits", batch_size=3)(images), whole, atol=1e-5
    )
    # 28x28 images are resized bilinearly to the classifier's 32x32.
    small = tf.image.resize(images, (28, 28)).numpy()
    expected = features.get_extractor("digits")(
        tf.image.resize(small, (32, 32), method="bilinear").numpy()
    )
    np.testing.assert_allclose(
        features.get_extractor("digits")(small), expected, atol=1e-5
    )


def test_models_and_callables_are_extractors():
    images = np.random.default_rng(0).uniform(-1, 1, (5, 4, 4, 2)).astype("float32")
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, keras.layers.Conv2D(3, 1, use_bias=False)(inputs))
    kernel = model.layers[-1].kernel.numpy()[0, 0]  # (2, 3)
    extractor = features.get_extractor(model, batch_size=2)
    assert extractor.name == model.name
    np.testing.assert_allclose(
        extractor(images), (images @ kernel).reshape(5, -1), rtol=1e-5, atol=1e-6
    )
    mean_pixel = features.get_extractor(lambda x: x.mean(axis=(1, 2)))
    np.testing.assert_allclose(mean_pixel(images), images.mean(axis=(1, 2)))
    assert features.get_extractor(mean_pixel) is mean_pixel
    # Models and callables see the data as given, whatever its range.
    assert mean_pixel(255 * np.ones((1, 2, 2, 1))).tolist() == [[255.0]]


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((3, 32, 32)), "Received: images.shape=(3, 32, 32)"),
        (np.zeros((0, 32, 32, 1)), "with n >= 1"),
        (np.full((2, 32, 32, 1), np.nan), "NaN or infinite"),
        (np.full((2, 32, 32, 1), 255.0), "Received: images with min=255, max=255"),
        (np.zeros((2, 32, 32, 3)), "grayscale images (n, H, W, 1)"),
    ],
)
def test_bad_images_are_refused(images, message):
    with pytest.raises(ValueError, match=r"Expected|grayscale") as info:
        features.get_extractor("digits")(images)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(spec="pixels"), "Received: extractor='pixels'"),
        (dict(spec=5), "Received: extractor=5"),
        (dict(spec="digits", batch_size=0), "Received: batch_size=0"),
        (
            dict(spec="inception", weights="no/such/file.h5"),
            "Received: weights='no/such/file.h5'",
        ),
        (dict(spec="inception", weights=5), "Received: weights=5"),
    ],
)
def test_bad_extractor_specs_are_refused(kwargs, message):
    with pytest.raises(ValueError) as info:
        features.get_extractor(**kwargs)
    assert str(info.value).endswith(message) or message in str(info.value)


# --- reference statistics --------------------------------------------------------


@pytest.mark.parametrize(
    "dataset, split, n",
    [
        ("digits", "train", 1437),
        ("digits", "test", 360),
        ("mnist_5k", "train", 4000),
        ("mnist_5k", "test", 1000),
    ],
)
def test_reference_statistics_match_recomputation(dataset, split, n):
    images = features.dataset_arrays(dataset, split)[0]
    assert len(images) == n
    extractor = features.REFERENCE_EXTRACTORS[dataset]
    feats = features.get_extractor(extractor)(images).astype(np.float64)
    mu, sigma = features.reference_statistics(dataset, split=split)
    assert mu.dtype == sigma.dtype == np.float64
    np.testing.assert_allclose(mu, feats.mean(axis=0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(sigma, np.cov(feats, rowvar=False), rtol=1e-6, atol=1e-6)
    path = features.assets_directory() / features.statistics_file(dataset, split)
    meta = load_statistics(path, with_meta=True)[2]
    assert meta == {"extractor": extractor, "dataset": dataset, "split": split, "n": n}


# --- the shipped MNIST classifier -------------------------------------------------


def test_mnist_classifier_reaches_98_percent_on_the_held_out_1000(test_mnist):
    images, labels = test_mnist
    assert images.shape == (1000, 32, 32, 1)
    assert np.bincount(labels).tolist() == [100] * 10
    logits = features.get_extractor("mnist_logits")(images)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == labels))
    assert accuracy >= 0.98
    info = features.mnist_classifier_info()
    assert info["test_accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert info["dataset"] == "mnist_5k"
    assert info["config"] == {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in features.MNIST_CLASSIFIER_CONFIG.items()
    }


def test_mnist_reads_28x28_digits_as_their_padded_32x32_copies():
    """The loader's 28x28 and 32x32 (padded) digits get the same features, so
    a generator of either size is compared with the same real statistics."""
    small = next(
        iter(data_images.load("mnist_5k", 16, split="test", shuffle=False))
    ).numpy()
    padded = next(
        iter(
            data_images.load("mnist_5k", 16, split="test", shuffle=False, image_size=32)
        )
    ).numpy()
    assert small.shape == (16, 28, 28, 1) and padded.shape == (16, 32, 32, 1)
    np.testing.assert_array_equal(features.to_mnist_shape(small), padded)
    extractor = features.get_extractor("mnist")
    np.testing.assert_array_equal(extractor(small), extractor(padded))
    # Other sizes are resized bilinearly to 32x32.
    big = tf.image.resize(padded, (64, 64)).numpy()
    expected = extractor(tf.image.resize(big, (32, 32), method="bilinear").numpy())
    np.testing.assert_allclose(extractor(big), expected, atol=1e-5)
    with pytest.raises(ValueError, match="grayscale"):
        extractor(np.zeros((2, 28, 28, 3), "float32"))


def test_mnist_features_separate_the_classes(test_mnist):
    """A feature space for FID on digits must tell digits apart: the nearest
    neighbour of a held-out digit among the other held-out digits (in the
    128-d features) has its class far more often than chance (0.1)."""
    images, labels = test_mnist
    feats = features.get_extractor("mnist")(images).astype(np.float64)
    assert np.min(feats.std(axis=0)) > 1e-3  # no constant dimension
    squared = np.sum(feats**2, axis=1)
    distances = squared[:, None] + squared[None, :] - 2 * feats @ feats.T
    np.fill_diagonal(distances, np.inf)
    nearest = labels[np.argmin(distances, axis=1)]
    assert np.mean(nearest == labels) > 0.95


def test_mnist_statistics_work_with_fid_kid_and_the_fid_monitor(test_mnist):
    from tfgan_edu.callbacks import FIDMonitor
    from tfgan_edu.metrics import fid, inception_score, kid

    images = test_mnist[0]
    test_stats = features.reference_statistics("mnist_5k", "test")
    # The real test digits are at distance ~0 from their own statistics.
    assert abs(fid(test_stats, images, extractor="mnist")) < 1e-6
    assert (
        kid(images[:500], images[500:], extractor="mnist", subset_size=200).mean < 0.01
    )
    assert inception_score(images, classifier="mnist_logits").mean > 9.0
    monitor = FIDMonitor("mnist_5k", extractor="mnist")
    train_stats = features.reference_statistics("mnist_5k", "train")
    for got, expected in zip(monitor.real_statistics(), train_stats):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match=r"pass extractor='mnist' with them"):
        FIDMonitor("mnist_5k")  # the default extractor, "digits", is refused


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: features.shipped_classifier("mnist_5k"), "Received: name='mnist_5k'"),
        (lambda: features.dataset_arrays("mnist", "test"), "Received: dataset='mnist'"),
    ],
)
def test_shipped_classifier_arguments_are_checked(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).endswith(message)


def test_reference_statistics_arguments_are_checked():
    with pytest.raises(ValueError, match=r"Received: dataset='mnist'"):
        features.reference_statistics("mnist")
    with pytest.raises(ValueError, match=r"Received: split='all'"):
        features.reference_statistics("digits", split="all")


# --- Inception-v3 ----------------------------------------------------------------


def _bilinear_half_pixel(image, out_h, out_w):
    """float64 reference of bilinear resizing with half-pixel centres, (h, w, c)."""
    in_h, in_w = image.shape[:2]

    def weights(out_size, in_size):
        src = np.clip(
            (np.arange(out_size) + 0.5) * in_size / out_size - 0.5, 0, in_size - 1
        )
        low = np.floor(src).astype(int)
        return low, np.minimum(low + 1, in_size - 1), src - low

    y0, y1, wy = weights(out_h, in_h)
    x0, x1, wx = weights(out_w, in_w)
    wy, wx = wy[:, None, None], wx[None, :, None]
    top = image[y0][:, x0] * (1 - wx) + image[y0][:, x1] * wx
    bottom = image[y1][:, x0] * (1 - wx) + image[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def test_inception_preprocess_tiles_gray_and_resizes_bilinearly():
    rng = np.random.default_rng(0)
    gray = rng.uniform(-1, 1, (2, 5, 7, 1)).astype("float32")
    out = features.inception_preprocess(gray)
    assert out.shape == (2, 299, 299, 3) and out.dtype == np.float32
    assert out.min() >= -1.0 and out.max() <= 1.0
    for c in range(3):  # gray is tiled to three identical channels
        np.testing.assert_array_equal(out[..., c], out[..., 0])
    for i in range(2):
        expected = _bilinear_half_pixel(gray[i].astype(np.float64), 299, 299)
        np.testing.assert_allclose(out[i, ..., :1], expected, atol=1e-5)
    np.testing.assert_allclose(
        out[..., :1],
        tf.image.resize(gray, (299, 299), method="bilinear").numpy(),
        atol=1e-6,
    )
    # Corners of the upsampled image are the corner pixels; constants stay constant.
    np.testing.assert_allclose(out[0, 0, 0, 0], gray[0, 0, 0, 0], atol=1e-6)
    flat = features.inception_preprocess(np.full((1, 8, 8, 3), 0.25, "float32"))
    np.testing.assert_allclose(flat, 0.25, atol=1e-6)
    rgb = rng.uniform(-1, 1, (1, 6, 6, 3)).astype("float32")
    np.testing.assert_allclose(
        features.inception_preprocess(rgb)[0],
        _bilinear_half_pixel(rgb[0].astype(np.float64), 299, 299),
        atol=1e-5,
    )


def test_inception_preprocess_refuses_bad_images():
    with pytest.raises(ValueError, match=r"Received: images.shape=\(1, 8, 8, 2\)"):
        features.inception_preprocess(np.zeros((1, 8, 8, 2), "float32"))
    with pytest.raises(ValueError, match="Received: images with min=0, max=255"):
        features.inception_preprocess(np.array([0, 255.0]).reshape(1, 1, 2, 1))


def _assert_offline_error(info):
    message = str(info.value)
    assert "extractor='digits'" in message
    assert features.INCEPTION_WEIGHTS_FILE in message
    assert message.endswith("Received: weights='imagenet'")


def test_inception_fails_fast_offline(monkeypatch):
    monkeypatch.setenv(data_images.OFFLINE_ENV_VAR, "1")
    start = time.perf_counter()
    with pytest.raises(features.WeightsUnavailableError) as info:
        features.get_extractor("inception")
    assert time.perf_counter() - start < 10.0
    _assert_offline_error(info)
    assert "TFGAN_EDU_OFFLINE=1 forbids downloads" in str(info.value)
    with pytest.raises(features.WeightsUnavailableError):
        features.inception_v3_features(np.zeros((1, 8, 8, 1), "float32"))


def test_inception_fails_fast_when_the_network_is_unreachable(monkeypatch):
    monkeypatch.delenv(data_images.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.setattr(data_images, "network_available", lambda: False)
    start = time.perf_counter()
    with pytest.raises(features.WeightsUnavailableError) as info:
        features.inception_v3()
    assert time.perf_counter() - start < 10.0
    _assert_offline_error(info)
    assert "the network is unreachable" in str(info.value)


def test_cached_inception_weights_are_used_without_the_network(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv(data_images.OFFLINE_ENV_VAR, "1")
    cached = tmp_path / "models" / features.INCEPTION_WEIGHTS_FILE
    cached.parent.mkdir()
    cached.write_bytes(b"")
    assert features._inception_weights_argument("imagenet") == str(cached)


def test_inception_features_with_random_weights():
    """The model path end to end, without the ImageNet weights (3 s idle)."""
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    feats = features.inception_v3_features(images, weights=None, batch_size=1)
    assert feats.shape == (2, features.INCEPTION_FEATURES)
    model = features.inception_v3(weights=None)
    expected = model(features.inception_preprocess(images), training=False).numpy()
    np.testing.assert_allclose(feats, expected, rtol=1e-4, atol=1e-5)
