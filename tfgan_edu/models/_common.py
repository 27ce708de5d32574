"""Helpers shared by the model modules: data checks and multi-replica plumbing.

Every name here is public within the package: the model modules import
them as this module's API (`from tfgan_edu.models import _common`).

Example:

>>> shape_str((None, 28, 28, 1))
'(None, 28, 28, 1)'
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu import _backend
from tfgan_edu._checks import check_int


def shape_str(shape):
    """A shape as `(None, 2)`: `None` for unknown dimensions.

    Example:

    >>> shape_str((None, 2))
    '(None, 2)'
    """
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def check_network(label, net):
    """Raises a `TypeError` unless `net` is a Keras layer or model.

    Example:

    >>> check_network("generator", "not a model")
    Traceback (most recent call last):
    ...
    TypeError: Expected `generator` to be a keras.Model (or Layer). Received: generator='not a model'
    """
    if not isinstance(net, keras.layers.Layer):
        raise TypeError(
            f"Expected `{label}` to be a keras.Model (or Layer). "
            f"Received: {label}={net!r}"
        )


def check_sample_count(n, batch_size):
    """Checks `generate`'s `n` and `batch_size` arguments.

    Example:

    >>> check_sample_count(0, 256)
    Traceback (most recent call last):
    ...
    ValueError: Expected `n` to be an integer >= 1. Received: n=0
    """
    check_int("n", n)
    if batch_size < 1:
        raise ValueError(
            f"Expected `batch_size` >= 1. Received: batch_size={batch_size!r}"
        )


def batch_weight(batch):
    """The batch size of `batch` as a float32 scalar (a tracker's sample weight)."""
    return ops.cast(ops.shape(batch)[0], "float32")


def replica_weight(batch_size):
    """Weight that turns a per-replica mean into its share of the global mean.

    Keras sums gradients over replicas, so each replica's loss is scaled by
    `local_batch / global_batch` (1 without a multi-replica strategy; the
    backend layer's `replica_weight`).

    Example:

    >>> replica_weight(16)
    1.0
    """
    return _backend.current().replica_weight(batch_size)


def update_moving_average(averages, values, decay):
    """`average <- decay * average + (1 - decay) * value`, for each pair.

    Under several `tf.distribute` replicas the (mirrored) averages are
    updated in a merge call, as Keras optimizers update mirrored weights
    (the backend layer's `update_moving_average`).
    """
    _backend.current().update_moving_average(averages, values, decay)


def drop_missing(batch):
    """A batch without the `None` entries that Keras packs in.

    `train_on_batch(x)` and `test_on_batch(x)` hand `train_step` the tuple
    `(x, y, sample_weight)` with `y` and `sample_weight` left `None`.

    Example:

    >>> drop_missing(("x", None, None))
    ('x',)
    """
    if isinstance(batch, (tuple, list)):
        batch = tuple(part for part in batch if part is not None)
    return batch


def label_error(n_parts):
    """The error for labelled batches given to an unconditional model."""
    return ValueError(
        "GAN is unconditional and trains on real samples alone, but the data "
        f"yields {n_parts} elements per batch (such as (samples, labels)). Load the "
        "data without labels (e.g. tge.data.load(..., with_labels=False)) or drop "
        "them with `dataset.map(lambda x, y: x)`."
    )


def single_element(batch):
    """The one tensor (or `TensorSpec`) of a batch; labels or dicts are errors."""
    batch = drop_missing(batch)
    if isinstance(batch, (tuple, list)):
        if len(batch) != 1:
            raise label_error(len(batch))
        batch = batch[0]
    if isinstance(batch, dict):
        raise ValueError(
            "Expected batches of real samples (a single tensor). Received a dict "
            f"with keys {sorted(batch)}"
        )
    return batch


def check_sample_spec(shape, dtype, data_shape):
    """Raises unless samples of `shape` (no batch axis) and `dtype` fit `data_shape`."""
    dtype = keras.backend.standardize_dtype(dtype)
    if "int" in dtype or dtype == "bool":
        raise ValueError(
            "Expected real samples as floats (images scaled to [-1, 1]). Received "
            f"dtype={dtype}. Convert uint8 images with `tge.data.from_numpy` or "
            "`x / 127.5 - 1`."
        )
    known = all(d is not None for d in shape)
    if len(shape) != len(data_shape) or (
        known and tuple(int(d) for d in shape) != data_shape
    ):
        raise ValueError(
            f"Expected real samples of shape {shape_str((None, *data_shape))} to "
            "match the generator's output and the discriminator's input. "
            f"Received: samples of shape {shape_str((None, *shape))}"
        )


def real_samples(data, data_shape):
    """The real batch in `train_step`, with its structure and shape checked.

    Runs while the step is traced, so bad data fails before any update.
    """
    data = single_element(data)
    check_sample_spec(tuple(data.shape[1:]), data.dtype, data_shape)
    return ops.cast(data, "float32")


def check_samples_data(x, data_shape):
    """Checks `fit`'s unlabelled samples before training starts (cheap, static checks)."""
    if x is None:
        raise ValueError("GAN.fit() needs real samples. Received: x=None")
    if isinstance(x, tf.data.Dataset):
        spec = single_element(x.element_spec)
        check_sample_spec(tuple(spec.shape[1:]), spec.dtype, data_shape)
    elif isinstance(x, np.ndarray):
        check_sample_spec(tuple(x.shape[1:]), x.dtype, data_shape)
        if len(data_shape) >= 2 and x.size:
            lo, hi = float(np.min(x)), float(np.max(x))
            if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
                raise ValueError(
                    "Expected images scaled to [-1, 1] (the range of the "
                    "generator's tanh output). Received values in "
                    f"[{lo:g}, {hi:g}]; rescale them, e.g. with "
                    "`tge.data.from_numpy(x, value_range=(0, 255), ...)`."
                )


def mean_score(logits, family):
    """Mean discriminator output: a probability for the sigmoid loss families.

    Example:

    >>> from tfgan_edu import losses
    >>> float(mean_score([0.0, 0.0], losses.get("non_saturating")))
    0.5
    """
    logits = ops.cast(logits, "float32")
    return ops.mean(ops.sigmoid(logits) if family.probabilistic else logits)
