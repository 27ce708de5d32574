"""Feature extraction at scale: images in, feature vectors out, batch by batch.

Sample-based metrics need the features of thousands of images (50,000 for
the published FID numbers). `extract_features` streams them through an
extractor one batch at a time, from whichever source holds them:

- a NumPy array (or tensor) of images `(n, H, W, C)`, cut into batches of
  `batch_size`;
- a `tf.data.Dataset` of batches, of images or of `(images, labels, ...)`
  tuples (what `tge.data.load` returns);
- any other iterable or generator of such batches, e.g.
  `(gan.generate(500, seed=i) for i in range(100))`, so generated images
  need not exist all at once.

Only the features are kept, never the images (`fid` keeps not even the
features: it folds each batch into a running mean and covariance). With
`progress=True` a tqdm bar counts the samples.

Example:

>>> images = np.random.default_rng(0).uniform(-1, 1, (10, 4, 4, 1))
>>> mean_pixel = lambda x: x.mean(axis=(1, 2))  # (b, 4, 4, 1) -> (b, 1)
>>> extract_features(mean_pixel, images, batch_size=3).shape
(10, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from tfgan_edu._checks import check_int
from tfgan_edu.metrics.features import get_extractor

DEFAULT_BATCH_SIZE: int = 256
"""Images per extractor call when the source is an array."""

_SOURCE_TYPES = (
    "an array of images (n, H, W, C), a tf.data.Dataset of batches (of images "
    "or (images, labels) tuples) or an iterable/generator of such batches"
)


def resolve_extractor(spec: Any) -> Callable[[np.ndarray], Any] | None:
    """Turns an extractor spec into a callable (`None` stays `None`).

    Args:
        spec: `None` (the inputs are feature vectors already), or anything
            `tfgan_edu.metrics.features.get_extractor` takes: `"digits"`,
            `"digits_logits"`, `"inception"` (the published FID's network),
            `"inception_keras"`, a `keras.Model` or a callable.

    Returns:
        A callable from a batch of images to an array `(b, d)`, or `None`.

    Example:

    >>> resolve_extractor(None) is None
    True
    >>> f = resolve_extractor(lambda x: x.reshape(len(x), -1))
    >>> f(np.zeros((2, 3, 3, 1), "float32")).shape
    (2, 9)
    """
    return None if spec is None else get_extractor(spec)


def check_source(data: Any, name: str) -> None:
    """Raises a ValueError unless `data` is a source `extract_features` reads.

    Example:

    >>> check_source(np.zeros((4, 8, 8, 1)), "images")
    >>> check_source([1, 2], "images")
    Traceback (most recent call last):
    ...
    ValueError: Expected `images` to be an array of images (n, H, W, C), ...
    """
    if isinstance(data, (np.ndarray, tf.Tensor, tf.data.Dataset)):
        if isinstance(data, (np.ndarray, tf.Tensor)) and (
            len(data.shape) < 2 or data.shape[0] == 0
        ):
            raise ValueError(
                f"Expected `{name}` to be a non-empty batch of samples (n, ...). "
                f"Received: {name}.shape={tuple(data.shape)}"
            )
        return
    if isinstance(data, (str, bytes, list, tuple, dict)) or not hasattr(
        data, "__iter__"
    ):
        raise ValueError(
            f"Expected `{name}` to be {_SOURCE_TYPES}. "
            f"Received: {name} of type {type(data).__name__}"
        )


def _to_numpy(batch: Any) -> np.ndarray:
    if isinstance(batch, (tuple, list)):  # (images, labels, ...) -> images
        batch = batch[0]
    elif isinstance(batch, dict) and "image" in batch:
        batch = batch["image"]
    return np.asarray(keras.ops.convert_to_numpy(batch))


def _source_batches(data: Any, batch_size: int) -> Iterator[np.ndarray]:
    """Yields the batches of a source as NumPy arrays."""
    if isinstance(data, (np.ndarray, tf.Tensor)):
        for start in range(0, data.shape[0], batch_size):
            yield np.asarray(data[start : start + batch_size])
    else:
        for batch in data:
            yield _to_numpy(batch)


def _known_size(data: Any, max_samples: int | None) -> int | None:
    if isinstance(data, (np.ndarray, tf.Tensor)):
        n = int(data.shape[0])
        return n if max_samples is None else min(n, max_samples)
    return max_samples


def feature_batches(
    extractor: Any,
    data: Any,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    max_samples: int | None = None,
    name: str = "images",
) -> Iterator[np.ndarray]:
    """Returns an iterator over the features `(b, d)` of `data`, batch by batch.

    The streaming core of `extract_features` (which see for the
    arguments); `extractor=None` yields the batches themselves, which must
    then be feature vectors `(b, d)`. The arguments are checked at once,
    before the first batch is read.

    Example:

    >>> data = (np.full((2, 3), i, "float32") for i in range(3))
    >>> [b.shape for b in feature_batches(None, data, max_samples=5)]
    [(2, 3), (2, 3), (1, 3)]
    """
    check_source(data, name)
    check_int("batch_size", batch_size)
    if max_samples is not None:
        check_int("max_samples", max_samples)
    if (
        isinstance(data, tf.data.Dataset)
        and max_samples is None
        and int(data.cardinality()) == int(tf.data.INFINITE_CARDINALITY)
    ):
        raise ValueError(
            f"Expected a finite dataset for `{name}`, or `max_samples` to say "
            f"when to stop. Received: {name} with infinite cardinality "
            "(a .repeat() dataset) and max_samples=None"
        )
    extractor = resolve_extractor(extractor)
    return _generate(extractor, data, batch_size, progress, max_samples, name)


def _generate(extractor, data, batch_size, progress, max_samples, name):
    """The generator behind `feature_batches`, once the arguments are checked."""
    count, dim = 0, None
    with tqdm(
        total=_known_size(data, max_samples),
        unit="sample",
        desc=name,
        disable=not progress,
    ) as bar:
        for batch in _source_batches(data, batch_size):
            if max_samples is not None:
                batch = batch[: max_samples - count]
            if batch.ndim == 0 or len(batch) == 0:
                continue
            features = batch if extractor is None else extractor(batch)
            features = np.asarray(keras.ops.convert_to_numpy(features))
            if features.ndim != 2 or len(features) != len(batch):
                what = "batches of" if extractor is None else "the extractor's"
                raise ValueError(
                    f"Expected {what} features of `{name}` to have shape (b, d) for "
                    f"a batch of b = {len(batch)} samples. Received: features of "
                    f"shape {features.shape} (from a batch of shape {batch.shape})"
                )
            if dim is not None and features.shape[1] != dim:
                raise ValueError(
                    f"Expected every batch of `{name}` to give features of the same "
                    f"dimension d = {dim}. Received: features of shape {features.shape}"
                )
            dim = features.shape[1]
            count += len(features)
            bar.update(len(features))
            yield features
            if max_samples is not None and count >= max_samples:
                return
    if count == 0:
        raise ValueError(
            f"Expected at least one sample in `{name}`. Received: an empty source"
        )


def extract_features(
    extractor: Any,
    images: Any,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    max_samples: int | None = None,
) -> np.ndarray:
    """Computes the feature vectors of many images, streaming them in batches.

    Args:
        extractor: anything `tfgan_edu.metrics.features.get_extractor`
            takes (`"digits"`, `"digits_logits"`, `"inception"` (the
            published FID's network), `"inception_keras"`, a
            `keras.Model`, a callable from a batch of images to `(b, ...)`
            features, a `FeatureExtractor`), or `None` when `images` hold
            feature vectors already.
        images: a NumPy array or tensor of images `(n, H, W, C)` in
            [-1, 1], a `tf.data.Dataset` of batches of images or of
            `(images, labels, ...)` tuples, or any iterable or generator of
            such batches.
        batch_size: images per extractor call for arrays; datasets and
            iterables are read in the batches they yield. Defaults to 256.
        progress: whether to show a tqdm progress bar. Defaults to `False`.
        max_samples: stop after this many samples (required for an
            infinite, `.repeat()`ed dataset). Defaults to `None` (all).

    Returns:
        A NumPy array `(n, d)` in the extractor's dtype (float32 for the
        named extractors). For arrays (n known) it is allocated once;
        otherwise the batches are concatenated at the end.

    Example:

    >>> import tfgan_edu as tge
    >>> ds = tge.data.load("digits", batch_size=64, split="test", seed=0)
    >>> extract_features("digits", ds, max_samples=100).shape
    (100, 128)
    """
    batches = feature_batches(extractor, images, batch_size, progress, max_samples)
    size = _known_size(images, max_samples)
    if size is None or not isinstance(images, (np.ndarray, tf.Tensor)):
        return np.concatenate(list(batches), axis=0)
    features = None
    start = 0
    for batch in batches:
        if features is None:
            features = np.empty((size, batch.shape[1]), dtype=batch.dtype)
        features[start : start + len(batch)] = batch
        start += len(batch)
    return features
