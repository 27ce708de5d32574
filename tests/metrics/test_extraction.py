"""Tests for extract_features / feature_batches: every source, batching, limits."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu.metrics import extract_features
from tfgan_edu.metrics.extraction import feature_batches


def _flatten(x):
    return np.asarray(x).reshape(len(x), -1)


def _images(n=23, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 3, 3, 1)).astype("float32")


def test_array_in_batches_equals_one_call():
    images, sizes = _images(), []

    def extractor(x):
        sizes.append(len(x))
        return _flatten(x) * 2.0

    features = extract_features(extractor, images, batch_size=5)
    np.testing.assert_array_equal(features, _flatten(images) * 2.0)
    assert sizes == [5, 5, 5, 5, 3] and features.dtype == np.float32


@pytest.mark.parametrize("with_labels", [False, True])
def test_dataset_of_images_or_pairs(with_labels):
    images = _images()
    slices = (images, np.arange(len(images))) if with_labels else images
    dataset = tf.data.Dataset.from_tensor_slices(slices).batch(4)
    np.testing.assert_array_equal(extract_features(_flatten, dataset), _flatten(images))


def test_generator_and_dict_batches():
    images = _images()
    batches = ({"image": images[i : i + 6], "label": 0} for i in range(0, 23, 6))
    np.testing.assert_array_equal(extract_features(_flatten, batches), _flatten(images))


def test_max_samples_cuts_every_source():
    images = _images()
    expected = _flatten(images[:11])
    repeated = tf.data.Dataset.from_tensor_slices(images).batch(4).repeat()
    generator = (images[i : i + 4] for i in range(0, 23, 4))
    for source in (images, repeated, generator):
        got = extract_features(_flatten, source, batch_size=4, max_samples=11)
        np.testing.assert_array_equal(got, expected)


def test_features_pass_through_without_extractor():
    features = np.random.default_rng(1).normal(size=(9, 4))
    np.testing.assert_array_equal(
        extract_features(None, features, batch_size=2), features
    )
    chunks = [b.shape for b in feature_batches(None, features, batch_size=4)]
    assert chunks == [(4, 4), (4, 4), (1, 4)]


def test_progress_bar_counts_samples(capsys):
    extract_features(_flatten, _images(), batch_size=10, progress=True)
    assert "23/23" in capsys.readouterr().err


def test_checks_come_before_any_extraction():
    calls = []

    def extractor(x):
        calls.append(len(x))
        return _flatten(x)

    for source, kwargs, message in [
        ([1, 2], {}, "Received: images of type list"),
        ("images.npy", {}, "Received: images of type str"),
        (np.zeros(3), {}, r"Received: images.shape=\(3,\)"),
        (_images(), {"batch_size": 0}, "Received: batch_size=0"),
        (_images(), {"max_samples": 0}, "Received: max_samples=0"),
        (
            tf.data.Dataset.from_tensor_slices(_images()).batch(4).repeat(),
            {},
            "infinite cardinality",
        ),
    ]:
        with pytest.raises(ValueError, match=message):
            extract_features(extractor, source, **kwargs)
    assert calls == []


def test_bad_extractor_outputs():
    with pytest.raises(ValueError, match=r"\(b, d\) for a batch of b = 5"):
        extract_features(lambda x: _flatten(x)[:2], _images(), batch_size=5)
    with pytest.raises(ValueError, match=r"batches of features.*\(5, 3, 3, 1\)"):
        extract_features(None, _images(), batch_size=5)
    mixed = iter([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match="same dimension d = 3"):
        extract_features(None, mixed)
    with pytest.raises(ValueError, match="at least one sample"):
        extract_features(_flatten, iter([]))
