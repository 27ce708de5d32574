"""The one `tf.data` recipe every loader in `tfgan_edu.data` goes through.

`make_dataset` follows the `tf.data` performance guide: cache what was read
from disk, shuffle with a seeded buffer, batch, transform whole batches at a
time (vectorised), prefetch. Loaders differ only in where the examples come
from and in the `transform` that scales them to [-1, 1].

The order of a shuffled pipeline is a function of `(seed, epoch)`, not of
how many times this process has iterated it, so a run resumed in a fresh
process (`keras.callbacks.BackupAndRestore` after a crash or a `kill -9`)
sees the same batches as the run it continues. Each pipeline counts its own
passes: each new iterator takes the next order of a sequence seeded by
`seed` (the value it needs is drawn when the iterator is made, so the
sequence does not depend on threads); during `fit`, the `FollowEpochs`
callback pins the order to `fit`'s own epoch number, which
`BackupAndRestore` restores.

Example:

>>> import numpy as np
>>> from tfgan_edu.data.pipeline import make_dataset
>>> ds = make_dataset(np.zeros((10, 2), "float32"), batch_size=4, seed=0)
>>> [tuple(batch.shape) for batch in ds]
[(4, 2), (4, 2)]
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_int

UNKNOWN_SIZE_SHUFFLE_BUFFER: int = 10_000
"""Shuffle buffer for a dataset whose number of examples is unknown."""

_SEED_RANGE = 2**31 - 1
_GRAPH_SEED = 87654321  # TensorFlow's default graph-level seed


class EpochCounter:
    """The epoch of one shuffled pipeline, read each time an iterator starts.

    Two variables on the host: `pinned` and `epoch`. Pinned (by
    `FollowEpochs` during `fit`), every iterator that starts uses the order
    of `(seed, epoch)`; unpinned, each iterator uses the next order of the
    pipeline's own seeded sequence (a plain `for` loop reshuffles each pass).
    Every `EpochCounter` alive is in `EpochCounter.live`; the dataset
    functions that read it keep it alive as long as any dataset built on the
    pipeline lives, and the dataset `make_dataset` returns holds it as the
    attribute `epoch_counter` (see `counter_of`).

    Example:

    >>> counter = EpochCounter()
    >>> int(counter.epoch.numpy()), bool(counter.pinned.numpy())
    (0, False)
    """

    live: weakref.WeakSet[EpochCounter] = weakref.WeakSet()

    def __init__(self):
        with tf.init_scope(), tf.device("/cpu:0"):
            self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
            self.pinned = tf.Variable(False, trainable=False)
        EpochCounter.live.add(self)

    def order_seed(self, base: tf.Tensor, draw: tf.Tensor) -> tf.Tensor:
        """The stateless seed of an iterator's order.

        Args:
            base: the pipeline's seed (int64 scalar).
            draw: the iterator's own draw from the pipeline's seeded
                sequence (int64 scalar), made when the iterator was made.

        Returns:
            `[base, epoch]` when pinned, else `[base, -1 - |draw|]` (so the
            two never collide).
        """
        pinned = tf.stack([base, self.epoch.read_value()])
        unpinned = tf.stack([base, -1 - tf.bitwise.bitwise_and(draw, 2**62 - 1)])
        return tf.where(self.pinned.read_value(), pinned, unpinned)

    def pin(self, epoch: int) -> None:
        """Makes every iterator that starts from now on use `epoch`'s order."""
        self.epoch.assign(epoch)
        self.pinned.assign(True)

    def unpin(self) -> None:
        """Goes back to the pipeline's own sequence of orders."""
        self.pinned.assign(False)


class FollowEpochs(keras.callbacks.Callback):
    """Makes the shuffled pipelines of `tfgan_edu.data` follow `fit`'s epochs.

    At the start of epoch `e` of `fit`, before its iterator is made, every
    live pipeline made by `make_dataset` (so by `tge.data.load`,
    `from_numpy`, `from_directory`, `paired`, ...) is set to epoch `e`:
    epoch `e` sees the same order in every process, in particular after
    `keras.callbacks.BackupAndRestore` resumed a killed run at epoch `e`.
    When training ends, they go back to their own sequence of orders. Datasets
    derived from a pipeline (`load(...).take(10)`, `.map(...)`) follow too:
    a pipeline's counter lives as long as any dataset built on it.

    Passes of a `.repeat()`ed pipeline that start in the same epoch of `fit`
    (with `steps_per_epoch`) get the same order.

    Example:

    >>> ds = make_dataset(np.arange(8.0), batch_size=8, seed=0)
    >>> follow = FollowEpochs()
    >>> follow.on_epoch_begin(3)
    >>> third = next(iter(ds)).numpy()
    >>> follow.on_epoch_begin(3)
    >>> bool(np.array_equal(third, next(iter(ds)).numpy()))
    True
    """

    def on_epoch_begin(self, epoch, logs=None):
        for counter in list(EpochCounter.live):
            counter.pin(epoch)

    def on_train_end(self, logs=None):
        for counter in list(EpochCounter.live):
            counter.unpin()


def _base_seed(seed: int | None) -> int:
    """`seed`, or one drawn as `Dataset.shuffle(seed=None)` would draw it.

    With `seed=None` and TensorFlow's global seed set
    (`keras.utils.set_random_seed`), the seed is the global seed's next
    operation seed, deterministic as `shuffle`'s; otherwise fresh.
    """
    if seed is not None:
        return int(seed) % 2**63
    global_seed, op_seed = tf.compat.v1.get_seed(None)
    if global_seed is None:
        return secrets.randbelow(_SEED_RANGE)
    return (int(global_seed) % _SEED_RANGE) * _SEED_RANGE + int(
        op_seed or 0
    ) % _SEED_RANGE


def make_dataset(
    source: np.ndarray | tuple[np.ndarray, np.ndarray] | tf.data.Dataset,
    *,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    transform: Callable[[tf.Tensor], tf.Tensor] | None = None,
) -> tf.data.Dataset:
    """Turns examples into a shuffled, batched, prefetched `tf.data.Dataset`.

    In order: a `tf.data.Dataset` source (examples read from files) is
    cached in memory after its first pass, so later epochs skip decoding;
    arrays are in memory already and are sliced without a copy. Then the
    examples are shuffled (with a buffer as large as the dataset, so every
    epoch is a uniform permutation when the size is known), batched,
    transformed a batch at a time, and prefetched with `AUTOTUNE`.

    Args:
        source: One of: an array of examples `(N, ...)`; a pair
            `(features, labels)` of arrays with the same first dimension; or
            an unbatched `tf.data.Dataset` of examples or of
            `(features, labels)` pairs.
        batch_size: Examples per batch, a positive int.
        shuffle: Whether to shuffle the examples (reshuffled each epoch).
            Defaults to `True`.
        seed: Seed of the shuffle. The same seed gives the same sequence of
            epochs, and, with `FollowEpochs` in `fit`, epoch `e` the same
            order in every process. Defaults to `None`: a seed drawn from
            TensorFlow's global seed when one is set (as
            `keras.utils.set_random_seed` does), else a fresh one.
        drop_remainder: Whether to drop the last, smaller batch, so that
            every batch has exactly `batch_size` examples. Defaults to `True`.
        transform: Function applied to each batch of features (never to
            labels), e.g. scaling `uint8` pixels to [-1, 1]. Defaults to
            `None` (no change).

    Returns:
        A `tf.data.Dataset` of feature batches, or of `(features, labels)`
        batch pairs when the source has labels.

    Example:

    >>> x = np.arange(6, dtype="uint8").reshape(6, 1)
    >>> y = np.arange(6, dtype="int32")
    >>> ds = make_dataset((x, y), batch_size=3, shuffle=False,
    ...                   transform=lambda b: tf.cast(b, "float32") / 5.0)
    >>> features, labels = next(iter(ds))
    >>> features.numpy().ravel().tolist(), labels.numpy().tolist()
    ([0.0, 0.2, 0.4], [0, 1, 2])
    """
    check_int("batch_size", batch_size)

    arrays = None
    if isinstance(source, tf.data.Dataset):
        ds = source.cache()
    else:
        if isinstance(source, tuple):
            if len(source) != 2 or len(source[0]) != len(source[1]):
                raise ValueError(
                    "Expected `source` to be an array or a `(features, labels)` "
                    "pair with as many labels as features. Received: "
                    f"source=tuple of {len(source)} with lengths "
                    f"{[len(part) for part in source]}"
                )
        ds = tf.data.Dataset.from_tensor_slices(source)
        arrays = source

    size = int(ds.cardinality())
    if drop_remainder and 0 <= size < batch_size:
        raise ValueError(
            f"The dataset has {size} examples, fewer than one batch, so "
            "`drop_remainder=True` would leave no batch at all. Expected "
            f"`batch_size` <= {size} or `drop_remainder=False`. Received: "
            f"batch_size={batch_size}"
        )
    counter = None
    if shuffle:
        counter = EpochCounter()
        if arrays is not None:
            ds = _permuted_by_epoch(
                arrays, size, batch_size, drop_remainder, seed, counter
            )
        else:
            ds = _shuffled_by_epoch(ds, size, batch_size, drop_remainder, seed, counter)
    else:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if transform is not None:
        if isinstance(ds.element_spec, tuple):
            ds = ds.map(
                lambda features, *rest: (transform(features), *rest),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        else:
            ds = ds.map(transform, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    if counter is not None:
        ds.epoch_counter = counter  # keeps the counter alive with the dataset
    return ds


def counter_of(dataset: tf.data.Dataset) -> EpochCounter | None:
    """The `EpochCounter` of a dataset `make_dataset` shuffled, else `None`.

    Example:

    >>> ds = make_dataset(np.zeros((4, 1)), batch_size=2, seed=0)
    >>> isinstance(counter_of(ds), EpochCounter)
    True
    """
    return getattr(dataset, "epoch_counter", None)


def _orders(seed: int, counter: EpochCounter, epoch_of) -> tf.data.Dataset:
    """One pass, `epoch_of(order_seed)`, with `counter`'s seed for this iterator.

    The draw comes from `Dataset.random(..., rerandomize_each_iteration=True)`,
    whose sequence advances when an iterator is made (synchronously), never
    in a background thread: so iterators that Keras makes and drops (at the
    end of each epoch) cannot make the sequence depend on timing.
    """
    base = tf.constant(seed, tf.int64)
    draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    return draws.take(1).flat_map(lambda draw: epoch_of(counter.order_seed(base, draw)))


def _batch_count(size: int, batch_size: int, drop_remainder: bool) -> int:
    return size // batch_size if drop_remainder else -(-size // batch_size)


def _permuted_by_epoch(arrays, size, batch_size, drop_remainder, seed, counter):
    """In-memory `arrays` in batches, epoch `e` in the order of `(seed, e)`.

    Each iterator gets its order's seed from `counter` when it starts and
    permutes the indices with `tf.random.experimental.stateless_shuffle`
    seeded by it: a uniform permutation, the same on every machine and in
    every process. Batches are gathered a batch at a time (vectorised), with
    no shuffle buffer to fill.
    """
    tensors = tf.nest.map_structure(tf.convert_to_tensor, arrays)

    def epoch_of(order_seed):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(size, dtype=tf.int64), seed=order_seed
        )
        return tf.data.Dataset.from_tensor_slices(order).batch(
            batch_size, drop_remainder=drop_remainder
        )

    def gather(indices):
        return tf.nest.map_structure(lambda t: tf.gather(t, indices), tensors)

    indices = _orders(_base_seed(seed), counter, epoch_of)
    indices = indices.apply(
        tf.data.experimental.assert_cardinality(
            _batch_count(size, batch_size, drop_remainder)
        )
    )
    return indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE)


def _shuffled_by_epoch(ds, size, batch_size, drop_remainder, seed, counter):
    """`ds` shuffled and batched, epoch `e` in the order of `(seed, e)`.

    For examples read from files (TFDS, a folder): each iterator gets its
    order's seed from `counter` when it starts, and shuffles `ds` (a buffer of
    the whole dataset when its size is known) with a seed drawn statelessly
    from it, without reshuffling inside the pass.
    """
    buffer_size = size if size > 0 else UNKNOWN_SIZE_SHUFFLE_BUFFER

    def epoch_of(order_seed):
        # Traced once, in a graph of its own: a fixed graph seed makes the
        # order independent of TensorFlow's global seed (and keeps `shuffle`
        # from comparing the tensor seed with 0 when that global seed is 0).
        tf.random.set_seed(_GRAPH_SEED)
        shuffle_seed = tf.random.stateless_uniform(
            [],
            seed=order_seed,
            minval=0,
            maxval=_SEED_RANGE,
            dtype=tf.int64,
        )
        return ds.shuffle(
            buffer_size, seed=shuffle_seed, reshuffle_each_iteration=False
        ).batch(batch_size, drop_remainder=drop_remainder)

    batches = _orders(_base_seed(seed), counter, epoch_of)
    if size >= 0:
        count = _batch_count(size, batch_size, drop_remainder)
        batches = batches.apply(tf.data.experimental.assert_cardinality(count))
    return batches
