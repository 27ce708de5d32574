"""Helpers shared by the model modules: data checks and multi-replica plumbing.

Every name here is public within the package: the model modules import
them as this module's API (`from tfgan_edu.models import _common`).

Example:

>>> shape_str((None, 28, 28, 1))
'(None, 28, 28, 1)'
"""

from __future__ import annotations

import os

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
    try:
        dtype = keras.backend.standardize_dtype(dtype)
    except ValueError:  # strings, objects: no Keras dtype at all
        dtype = getattr(dtype, "name", str(dtype))
    if "float" not in dtype:
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


def check_samples_data(x, data_shape, value_range=None):
    """Checks `fit`'s unlabelled samples before training starts.

    The structure, dtype and shape of a dataset's batches; for an array
    also that it is not empty, finite, and (images, or `value_range`) in
    range. A dataset's values are checked as its batches arrive
    (`sample_assertions`).
    """
    if x is None:
        raise ValueError("GAN.fit() needs real samples. Received: x=None")
    if isinstance(x, tf.data.Dataset):
        spec = single_element(x.element_spec)
        check_sample_spec(tuple(spec.shape[1:]), spec.dtype, data_shape)
    elif isinstance(x, np.ndarray):
        check_sample_spec(tuple(x.shape[1:]), x.dtype, data_shape)
        check_not_empty(x)
        check_finite(x, "real samples")
        value_range = samples_range(data_shape, value_range)
        if value_range is not None:
            check_value_range(
                x,
                "real samples",
                value_range,
                "rescale them, e.g. with "
                "`tge.data.from_numpy(x, value_range=(0, 255), ...)`.",
            )


def samples_range(data_shape, value_range=None):
    """The range real samples must lie in: `value_range`, else [-1, 1] for images."""
    if value_range is None and len(data_shape) >= 2:
        return (-1, 1)
    return value_range


def sample_assertions(samples, index, data_shape, value_range=None):
    """`value_assertions` of a dataset's batch of real samples (see `check_samples_data`)."""
    return value_assertions(
        samples, index, "real samples", samples_range(data_shape, value_range)
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


# ------------------------------------------------------ bad-input checks


def check_logits_shape(logits, what, batch=2):
    """Raises unless `logits` holds one logit per sample of a `batch`-sample batch.

    One logit per sample is an output of shape `(batch,)`, `(batch, 1)` or
    patch-shaped `(batch, h, w, 1)` (one logit per patch, PatchGAN): any
    rank, with a last axis of 1 beyond the first. An output of several
    logits per sample, such as `(batch, 3)`, would be broadcast against the
    loss's targets and train on a loss nobody asked for.

    Args:
        logits: the network's output on `batch` samples.
        what: the output, for the message ("the discriminator's output").
        batch: the number of samples (or packs) the network was given.

    Example:

    >>> check_logits_shape(np.zeros((2, 1)), "the discriminator's output")
    >>> check_logits_shape(np.zeros((2, 3)), "the discriminator's output")
    Traceback (most recent call last):
    ...
    ValueError: Expected the discriminator's output to be one logit per sample, of shape (batch,), (batch, 1) or patch-shaped (batch, h, w, 1). Received: output of shape (2, 3)
    """
    shape = getattr(logits, "shape", None)
    if (
        shape is None
        or len(shape) < 1
        or shape[0] != batch
        or (len(shape) > 1 and shape[-1] != 1)
    ):
        received = type(logits).__name__ if shape is None else shape_str(tuple(shape))
        raise ValueError(
            f"Expected {what} to be one logit per sample, of shape (batch,), "
            "(batch, 1) or patch-shaped (batch, h, w, 1). Received: output of "
            f"shape {received}"
        )


def check_fit_kwargs(kwargs):
    """Checks `fit`'s `batch_size` (Keras takes 0 for its default of 32).

    Example:

    >>> check_fit_kwargs({"batch_size": 0})
    Traceback (most recent call last):
    ...
    ValueError: Expected `batch_size` to be an integer >= 1 or None. Received: batch_size=0
    """
    if kwargs.get("batch_size") is not None:
        check_int("batch_size", kwargs["batch_size"], note=" or None")


def check_callbacks(callbacks, has_keras_optimizer):
    """Raises for Keras callbacks that would fail on these models only mid-training.

    `keras.callbacks.EarlyStopping` and `ReduceLROnPlateau` with
    `mode="auto"` infer the direction of `loss` alone (and of compiled
    metrics): on `g_loss`, `d_loss` or `elbo` they raise after the first
    epoch. Keras' `ReduceLROnPlateau` also changes `model.optimizer`, which
    a model with one optimizer per player does not have. The subclasses in
    `tfgan_edu.callbacks` do both.

    Example:

    >>> check_callbacks([keras.callbacks.EarlyStopping("g_loss")], False)
    Traceback (most recent call last):
    ...
    ValueError: Expected mode='min' or mode='max' for keras.callbacks.EarlyStopping(monitor='g_loss'): Keras cannot tell whether 'g_loss' should fall or rise and would stop with an error after the first epoch. Pass mode='min' for a loss, or use tge.callbacks.EarlyStopping, which minimizes every '*loss' monitor. Received: mode='auto'
    """
    for callback in callbacks or ():
        kind = type(callback)
        if kind is keras.callbacks.ReduceLROnPlateau and not has_keras_optimizer:
            raise ValueError(
                "Expected tge.callbacks.ReduceLROnPlateau, which reduces every "
                "player's learning rate: keras.callbacks.ReduceLROnPlateau "
                "changes `model.optimizer`, and this model has one optimizer "
                "per player. Received: keras.callbacks.ReduceLROnPlateau"
            )
        if kind in (keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau):
            monitor = callback.monitor
            if callback.mode == "auto" and monitor not in ("loss", "val_loss"):
                raise ValueError(
                    f"Expected mode='min' or mode='max' for keras.callbacks."
                    f"{kind.__name__}(monitor={monitor!r}): Keras cannot tell "
                    f"whether {monitor!r} should fall or rise and would stop "
                    "with an error after the first epoch. Pass mode='min' for "
                    f"a loss, or use tge.callbacks.{kind.__name__}, which "
                    "minimizes every '*loss' monitor. Received: mode='auto'"
                )


def check_not_empty(x):
    """Raises when `fit`'s data holds no sample (Keras returns an empty `History`).

    A dataset of unknown size (after `filter`, say) is read up to its first
    batch to tell (a separate iterator: training reads it again from the
    start).

    Example:

    >>> check_not_empty(np.zeros((0, 2)))
    Traceback (most recent call last):
    ...
    ValueError: Expected at least one sample to train on. Received: an array of shape (0, 2)
    """
    if isinstance(x, tf.data.Dataset):
        cardinality = int(x.cardinality())
        if cardinality == 0:
            raise ValueError(
                "Expected at least one batch to train on. Received: an empty "
                "tf.data.Dataset (cardinality 0)"
            )
        if cardinality == tf.data.UNKNOWN_CARDINALITY and not any(
            True for _ in x.take(1)
        ):
            raise ValueError(
                "Expected at least one batch to train on. Received: a dataset "
                "that yielded no batch"
            )
    elif isinstance(x, np.ndarray) and (x.ndim == 0 or len(x) == 0):
        raise ValueError(
            "Expected at least one sample to train on. Received: an array of "
            f"shape {x.shape}"
        )


def check_finite(x, what):
    """Raises unless the array `x` holds finite numbers only (NaN fails every range check).

    Example:

    >>> check_finite(np.array([[0.0], [np.nan]]), "real samples")
    Traceback (most recent call last):
    ...
    ValueError: Expected real samples to be finite numbers. Received: 1 NaN or infinite value(s), the first in sample 1
    """
    finite = np.isfinite(x)
    if not finite.all():
        bad = np.flatnonzero(~finite.reshape(len(x), -1).all(axis=1))
        raise ValueError(
            f"Expected {what} to be finite numbers. Received: "
            f"{int((~finite).sum())} NaN or infinite value(s), the first in "
            f"sample {int(bad[0])}"
        )


def check_value_range(x, what, value_range, hint):
    """Raises unless the finite array `x` lies in `value_range` (to 1e-3).

    Example:

    >>> check_value_range(np.array([0.0, 255.0]), "images", (-1, 1), "rescale them.")
    Traceback (most recent call last):
    ...
    ValueError: Expected images in [-1, 1]. Received values in [0, 255]; rescale them.
    """
    if x.size:
        lo, hi = float(np.min(x)), float(np.max(x))
        if lo < value_range[0] - 1e-3 or hi > value_range[1] + 1e-3:
            raise ValueError(
                f"Expected {what} in [{value_range[0]:g}, {value_range[1]:g}]. "
                f"Received values in [{lo:g}, {hi:g}]; {hint}"
            )


# Marks the messages of the checks `fit` adds to a dataset, so that `fit`
# can tell them from other errors and re-raise them as a `ValueError`.
_CHECK_START, _CHECK_END = "<tfgan_edu batch check>", "</tfgan_edu batch check>"


def _assert(ok, message, *values):
    """A `tf.debugging.Assert` whose message `message.format(*values)` is built in the graph."""
    text = tf.strings.format(_CHECK_START + message + _CHECK_END, values, summarize=-1)
    return tf.debugging.Assert(ok, [text], summarize=1)


def value_assertions(values, index, what, value_range=None):
    """Assertions that batch `index` of a dataset holds finite values (in `value_range`).

    Run by `with_batch_checks` as the batch arrives: two reductions over
    the batch, no copy.

    Args:
        values: the batch's samples (a tensor).
        index: the batch's position in its pass over the dataset (int64).
        what: the values, for the message ("real samples").
        value_range: `(low, high)` the values must lie in (to 1e-3), or None.

    Returns:
        The assertion ops.
    """
    values = tf.cast(values, "float32")
    finite = tf.math.is_finite(values)
    bad = tf.reduce_sum(tf.cast(tf.logical_not(finite), "int64"))
    checks = [
        _assert(
            tf.equal(bad, 0),
            f"Expected {what} to be finite numbers. Received: batch {{}} of the "
            "dataset (counted from 0 in each pass) holds {} NaN or infinite "
            "value(s).",
            index,
            bad,
        )
    ]
    if value_range is not None:
        low, high = value_range
        # Reduced over the finite values, so that NaN is reported as such.
        lo = tf.reduce_min(tf.where(finite, values, float(low)))
        hi = tf.reduce_max(tf.where(finite, values, float(high)))
        checks.append(
            _assert(
                tf.logical_and(lo >= low - 1e-3, hi <= high + 1e-3),
                f"Expected {what} in [{low:g}, {high:g}]. Received: batch {{}} "
                "of the dataset (counted from 0 in each pass) holds values in "
                "[{}, {}]; rescale them, e.g. with "
                "`dataset.map(lambda x: x / 127.5 - 1)` for pixels in [0, 255].",
                index,
                lo,
                hi,
            )
        )
    return checks


def label_assertions(labels, index, num_classes):
    """Assertions that batch `index` of a dataset holds labels in `[0, num_classes)`."""
    labels = tf.cast(labels, "int64")
    lo, hi = tf.reduce_min(labels), tf.reduce_max(labels)
    return [
        _assert(
            tf.logical_or(
                tf.equal(tf.size(labels), 0),
                tf.logical_and(lo >= 0, hi < num_classes),
            ),
            f"Expected labels in [0, num_classes={num_classes}). Received: "
            "batch {} of the dataset (counted from 0 in each pass) holds "
            "labels in [{}, {}].",
            index,
            lo,
            hi,
        )
    ]


def with_batch_checks(dataset, assertions):
    """`dataset`, each batch checked by `assertions(batch, index)` as it arrives.

    The checks run in the `tf.data` pipeline, which feeds every Keras
    backend, before the batch reaches a training step: they work under
    XLA and JAX's `jit` too, where a step cannot raise. A failed check
    raises `tf.errors.InvalidArgumentError` from the iterator; `fit` turns
    it into a `ValueError` with `batch_check_error`.

    Args:
        dataset: a `tf.data.Dataset` of batches.
        assertions: `(batch, index) -> [assertion ops]`; `index` is the
            batch's position in the current pass over the dataset.

    Returns:
        A dataset of the same batches.

    Example:

    >>> ds = tf.data.Dataset.from_tensor_slices(np.array([[0.0], [np.inf]])).batch(1)
    >>> checked = with_batch_checks(
    ...     ds, lambda x, i: value_assertions(x, i, "real samples")
    ... )
    >>> try:
    ...     list(checked)
    ... except tf.errors.InvalidArgumentError as exc:
    ...     print(batch_check_error(exc))
    Expected real samples to be finite numbers. Received: batch 1 of the dataset (counted from 0 in each pass) holds 1 NaN or infinite value(s).
    """

    def check(index, batch):
        with tf.control_dependencies(assertions(batch, index)):
            return tf.nest.map_structure(tf.identity, batch)

    return dataset.enumerate().map(check)


def batch_check_error(exc):
    """The `ValueError` of a failed `with_batch_checks` check, or None for other errors."""
    message = str(getattr(exc, "message", exc))
    start = message.find(_CHECK_START)
    end = message.find(_CHECK_END, start)
    if start < 0 or end < 0:
        return None
    return ValueError(message[start + len(_CHECK_START) : end])


# ------------------------------------------------------------ generation


def available_memory():
    """Bytes of memory available now (psutil if installed, else `os.sysconf`), or None."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        return int(psutil.virtual_memory().available)
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def check_fits_in_memory(n, data_shape):
    """Raises unless `n` float32 samples of `data_shape` fit in the available memory.

    Example:

    >>> check_fits_in_memory(10, (2,))
    >>> check_fits_in_memory(10**15, (28, 28, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Expected `n` samples to fit in memory: 1e+15 samples of shape (28, 28, 1) take 2.85e+06 TiB as float32, and ... are available. Generate fewer at a time (in a loop over seeds) and save or reduce each chunk. Received: n=1000000000000000
    """
    size = float(n) * float(np.prod(data_shape, dtype=np.float64)) * 4.0
    available = available_memory()
    if available is not None and size > available:
        raise ValueError(
            f"Expected `n` samples to fit in memory: {n:.3g} samples of shape "
            f"{tuple(data_shape)} take {_bytes_str(size)} as float32, and "
            f"{_bytes_str(available)} are available. Generate fewer at a time "
            "(in a loop over seeds) and save or reduce each chunk. Received: "
            f"n={n}"
        )


def _bytes_str(size):
    """`1.5 GiB`."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.3g} {unit}"
        size /= 1024
    return f"{size:.3g} TiB"


def sample_in_batches(n, data_shape, latent_dim, seed, batch_size, sample_fn):
    """`n` samples of `sample_fn`, drawn `batch_size` at a time from seeded noise.

    The noise is the stream `np.random.default_rng(seed).standard_normal`
    read `batch_size` rows at a time (the same numbers as one draw of
    `(n, latent_dim)`), and the output is filled in place, so memory holds
    the output and one batch: `generate(10**9)` never asks for the noise
    of all samples at once. Refuses up front an output that does not fit
    in memory.

    Args:
        n: number of samples (checked).
        data_shape: the shape of one sample.
        latent_dim: size of the noise vectors.
        seed: seed of the noise (`None`: fresh).
        batch_size: samples per call of `sample_fn`.
        sample_fn: `(z, start, stop) -> samples`: the samples `start:stop`
            from their float32 noise `z`.

    Returns:
        A float32 array of shape `(n, *data_shape)`.

    Example:

    >>> sample_in_batches(3, (1,), 1, 0, 2, lambda z, i, j: z).shape
    (3, 1)
    """
    check_sample_count(n, batch_size)
    check_fits_in_memory(n, data_shape)
    rng = np.random.default_rng(seed)
    out = np.empty((n, *data_shape), "float32")
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        z = rng.standard_normal((stop - start, latent_dim)).astype("float32")
        out[start:stop] = ops.convert_to_numpy(sample_fn(z, start, stop))
    return out
