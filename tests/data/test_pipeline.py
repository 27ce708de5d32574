"""Tests for the shared tf.data helper."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu.data.pipeline import make_dataset


def _epoch(ds):
    return [
        tuple(np.asarray(t) for t in b) if isinstance(b, tuple) else b.numpy()
        for b in ds
    ]


def test_batches_and_drop_remainder():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    shapes = [b.shape[0] for b in make_dataset(x, batch_size=4, seed=0)]
    assert shapes == [4, 4]
    shapes = [b.shape[0] for b in make_dataset(x, batch_size=4, drop_remainder=False)]
    assert sorted(shapes) == [2, 4, 4]


def test_each_epoch_is_a_fresh_seeded_permutation():
    x = np.arange(100, dtype=np.int64)
    ds = make_dataset(x, batch_size=100, seed=7)
    first, second = (np.concatenate(_epoch(ds)) for _ in range(2))
    assert sorted(first.tolist()) == list(range(100))
    assert sorted(second.tolist()) == list(range(100))
    assert not np.array_equal(first, x) and not np.array_equal(first, second)
    again = make_dataset(x, batch_size=100, seed=7)
    np.testing.assert_array_equal(np.concatenate(_epoch(again)), first)


def test_no_shuffle_keeps_order():
    x = np.arange(12, dtype=np.int64)
    out = np.concatenate(_epoch(make_dataset(x, batch_size=4, shuffle=False)))
    np.testing.assert_array_equal(out, x)


def test_transform_applies_to_features_only_and_labels_stay_aligned():
    labels = np.arange(50, dtype=np.int32)
    features = (labels * 2).astype(np.uint8).reshape(50, 1)
    ds = make_dataset(
        (features, labels),
        batch_size=10,
        seed=1,
        transform=lambda b: tf.cast(b, tf.float32) / 2.0,
    )
    for f, y in ds:
        assert f.dtype == tf.float32 and y.dtype == tf.int32
        np.testing.assert_array_equal(f.numpy()[:, 0], y.numpy())


def test_dataset_source_is_read_once_then_cached():
    reads = []

    def generate():
        reads.append(1)
        yield from range(8)

    source = tf.data.Dataset.from_generator(
        generate, output_signature=tf.TensorSpec((), tf.int64)
    ).apply(tf.data.experimental.assert_cardinality(8))
    ds = make_dataset(source, batch_size=4, seed=0)
    for _ in range(3):
        assert sorted(np.concatenate(_epoch(ds)).tolist()) == list(range(8))
    assert len(reads) == 1


@pytest.mark.parametrize("batch_size", [0, -2, 1.5, True])
def test_batch_size_must_be_positive_int(batch_size):
    with pytest.raises(ValueError, match=r"Received: batch_size="):
        make_dataset(np.zeros((4, 2)), batch_size=batch_size)


def test_fewer_examples_than_a_batch_is_an_error_when_dropping_remainder():
    with pytest.raises(ValueError, match=r"3 examples.*Received: batch_size=8"):
        make_dataset(np.zeros((3, 2)), batch_size=8)
    ds = make_dataset(np.zeros((3, 2)), batch_size=8, drop_remainder=False)
    assert [b.shape[0] for b in ds] == [3]


def test_mismatched_pair_is_an_error():
    with pytest.raises(ValueError, match="as many labels as features"):
        make_dataset((np.zeros((4, 2)), np.zeros(3)), batch_size=2)
