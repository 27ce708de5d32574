"""The one `tf.data` recipe every loader in `tfgan_edu.data` goes through.

`make_dataset` follows the `tf.data` performance guide: cache what was read
from disk, shuffle with a seeded buffer, batch, transform whole batches at a
time (vectorised), prefetch. Loaders differ only in where the examples come
from and in the `transform` that scales them to [-1, 1].

Example:

>>> import numpy as np
>>> from tfgan_edu.data.pipeline import make_dataset
>>> ds = make_dataset(np.zeros((10, 2), "float32"), batch_size=4, seed=0)
>>> [tuple(batch.shape) for batch in ds]
[(4, 2), (4, 2)]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_int

UNKNOWN_SIZE_SHUFFLE_BUFFER: int = 10_000
"""Shuffle buffer for a dataset whose number of examples is unknown."""


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
            epochs. Defaults to `None`.
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

    size = int(ds.cardinality())
    if drop_remainder and 0 <= size < batch_size:
        raise ValueError(
            f"The dataset has {size} examples, fewer than one batch, so "
            "`drop_remainder=True` would leave no batch at all. Expected "
            f"`batch_size` <= {size} or `drop_remainder=False`. Received: "
            f"batch_size={batch_size}"
        )
    if shuffle:
        buffer_size = size if size > 0 else UNKNOWN_SIZE_SHUFFLE_BUFFER
        ds = ds.shuffle(buffer_size, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if transform is not None:
        if isinstance(ds.element_spec, tuple):
            ds = ds.map(
                lambda features, *rest: (transform(features), *rest),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        else:
            ds = ds.map(transform, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
