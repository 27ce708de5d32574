"""`tfds.testing.mock_data` works offline (issue 17.8).

Inside `tfds.testing.mock_data`, `tge.data.load("mnist", ...)` serves TFDS'
random examples before it looks at the network: no probe, no
`DatasetUnavailableError`, also with `TFGAN_EDU_OFFLINE=1`. The probe is
replaced by one that fails the test if it is called, and every socket
connection is refused, so the tests also hold on a machine with a network.
"""

import socket

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_edu.data import images
from tfgan_edu.data.pipeline import FollowEpochs


@pytest.fixture
def no_network(monkeypatch):
    """Fails on any network probe or connection."""

    def probed(*args, **kwargs):
        raise AssertionError("the network was probed")

    def connect(*args, **kwargs):
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(images, "network_available", probed)
    monkeypatch.setattr(socket, "create_connection", connect)


@pytest.mark.parametrize("offline_env", [None, "1"])
def test_mnist_comes_from_the_mock_without_a_probe(
    no_network, monkeypatch, offline_env
):
    if offline_env is None:
        monkeypatch.delenv(images.OFFLINE_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(images.OFFLINE_ENV_VAR, offline_env)
    with tfds.testing.mock_data(num_examples=12):
        ds = images.load("mnist", 4, with_labels=True, seed=0)
        batches = list(ds)
    assert len(batches) == 3
    for x, y in batches:
        assert x.shape == (4, 28, 28, 1) and x.dtype == tf.float32
        assert y.shape == (4,) and y.dtype == tf.int32
        assert np.all((y.numpy() >= 0) & (y.numpy() < 10))
    values = np.concatenate([x.numpy().ravel() for x, _ in batches])
    assert -1.0 <= values.min() < -0.9 and 0.9 < values.max() <= 1.0


@pytest.mark.parametrize(
    "name, shape", [("fashion_mnist", (28, 28, 1)), ("cifar10", (32, 32, 3))]
)
def test_other_tfds_datasets_come_from_the_mock_offline(
    no_network, monkeypatch, name, shape
):
    monkeypatch.setenv(images.OFFLINE_ENV_VAR, "1")
    with tfds.testing.mock_data(num_examples=8):
        batches = list(images.load(name, 4, seed=0))
    assert [tuple(b.shape) for b in batches] == [(4, *shape)] * 2


def _passes(ds, count):
    return [np.concatenate([x.numpy() for x in ds]) for _ in range(count)]


def test_mock_pipeline_orders_epochs_by_seed_and_epoch(no_network, monkeypatch):
    """The `tf.data` source path of exact resume: a fresh pipeline at epoch k."""
    monkeypatch.setenv(images.OFFLINE_ENV_VAR, "1")
    with tfds.testing.mock_data(num_examples=16):
        ds = images.load("mnist", 4, seed=5)
        first = _passes(ds, 3)
        fresh = images.load("mnist", 4, seed=5)
        follow = FollowEpochs()
        follow.on_epoch_begin(2)
        again = _passes(fresh, 1)[0]
        pinned = _passes(ds, 1)[0]
        follow.on_train_end()
        fresh_passes = _passes(fresh, 3)
    flat = [p.reshape(16, -1) for p in first]
    # Each pass holds the same 16 images, in a new order.
    rows = {r.tobytes() for r in flat[0]}
    assert len(rows) == 16 and all({r.tobytes() for r in p} == rows for p in flat)
    assert not np.array_equal(flat[0], flat[1]) and not np.array_equal(flat[1], flat[2])
    np.testing.assert_array_equal(again, pinned)
    assert sorted(r.tobytes() for r in again.reshape(16, -1)) == sorted(rows)
    # Unpinned, a fresh pipeline with the same seed has the same sequence of
    # orders (each iterator, pinned or not, takes the next one).
    np.testing.assert_array_equal(fresh_passes[0], first[1])
    np.testing.assert_array_equal(fresh_passes[1], first[2])


def test_without_the_mock_offline_still_fails_fast(no_network, monkeypatch):
    monkeypatch.setenv(images.OFFLINE_ENV_VAR, "1")
    builder = images._tfds_builder("mnist")  # noqa: SLF001 (test of the module)
    if images._tfds_prepared(builder) or images._keras_cached("mnist"):  # noqa: SLF001
        pytest.skip("MNIST is stored on this machine")
    with pytest.raises(images.DatasetUnavailableError, match="TFGAN_EDU_OFFLINE=1"):
        images.load("mnist", 4)
