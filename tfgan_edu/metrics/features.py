"""Feature extractors: the embeddings in which FID, KID, IS and precision/recall compare images.

A sample-based metric never compares pixels: it maps every image through a
fixed network and compares the two clouds of feature vectors. Which network
matters as much as which metric.

- `"inception"`: the 2,048-d `pool_3` features of the Inception network
  of the published FID (Heusel et al., 2017) and KID (Binkowski et al.,
  2018) numbers: the TensorFlow GraphDef `classify_image_graph_def.pb` of
  the 2015 Inception release (`inception-2015-12-05.tgz`), which TTUR's
  `fid.py` and TF-GAN load. It is fed as TTUR feeds it: images in
  [0, 255] into the graph's `ExpandDims:0`, resized to 299x299 by the
  graph's own `ResizeBilinear` (see `inception_graph_function`). Other
  Inception-v3 weights give other FIDs (pytorch-fid documents this), so
  only this network's FIDs compare with papers. The graph (89 MB
  archive, 91 MB file) is downloaded once on a connected machine and kept
  in the Keras cache (`inception_graph_path`); offline, asking for it
  fails within seconds with `WeightsUnavailableError`, which says what
  to download and where to put it.
- `"inception_keras"`: the 2,048-d average pool of
  `keras.applications.InceptionV3` (ImageNet weights, about 84 MB,
  downloaded by Keras), with the bilinear half-pixel resize of
  `inception_preprocess`. A different network from the published FID's:
  its FIDs do not compare with papers (`"inception"` meant this network
  before issue 17).
- `"digits"`: the 128-d penultimate features of a small CNN
  (`tfgan_edu.networks.image_classifier`) trained on the embedded digits by
  `python -m tfgan_edu.metrics.train_digits_classifier`, whose weights ship
  with the package. It classifies 99.4% of the held-out digits correctly
  (`digits_classifier_info()["test_accuracy"]`). Inception features of
  blurry 32x32 grayscale digits mostly describe ImageNet textures; a
  classifier of the domain itself knows what makes a digit a digit
  (this is how FID is measured on MNIST in e.g. Lucic et al., 2018).
- `"digits_logits"`: the same classifier's 10 logits, for the Inception
  Score on digits.
- `"mnist"` / `"mnist_logits"`: the same architecture trained on the 4,000
  train digits of `mnist_5k` (real MNIST, 28x28) by `python -m
  tfgan_edu.metrics.train_digits_classifier --dataset mnist_5k`; its
  accuracy on the 1,000 held-out test digits is
  `mnist_classifier_info()["test_accuracy"]`. It reads 32x32 images: the
  28x28 digits padded with 2 background pixels, as
  `tge.data.load("mnist_5k", image_size=32)` gives them; 28x28 inputs are
  padded the same way (so both sizes of a digit have the same features),
  other sizes resized bilinearly.
- Any `keras.Model` or Python callable from images to `(n, ...)` arrays.

`get_extractor(spec)` turns any of these into one callable,
`extractor(images) -> np.ndarray (n, d)`, with images a float32 array
`(n, H, W, C)` in [-1, 1] (the range of a `tanh` generator and of
`tfgan_edu.data.load`).

Precomputed `(mu, sigma)` of the real train and test splits ship too, in
the features of each dataset's own classifier (`reference_statistics(
"digits" | "mnist_5k", split)`; the dataset is named by its loader key,
the extractor by its classifier: `REFERENCE_EXTRACTORS`), so FID against
real digits needs no pass over the data.

Example:

>>> import tfgan_edu as tge
>>> extractor = get_extractor("digits")
>>> images = next(iter(tge.data.load("digits", batch_size=8, seed=0)))
>>> extractor(images.numpy()).shape
(8, 128)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_int
from tfgan_edu.data import images as data_images
from tfgan_edu.metrics.moments import load_statistics
from tfgan_edu.networks.classifier import feature_model, image_classifier

ASSETS_PACKAGE: str = "tfgan_edu.metrics"
ASSETS_DIR: str = "assets"
DIGITS_WEIGHTS_FILE: str = "digits_classifier.weights.h5"
DIGITS_INFO_FILE: str = "digits_classifier.json"
DIGITS_IMAGE_SHAPE: tuple[int, int, int] = (32, 32, 1)
DIGITS_CLASSIFIER_CONFIG: dict[str, Any] = dict(
    image_shape=DIGITS_IMAGE_SHAPE,
    num_classes=10,
    base_filters=16,
    feature_units=128,
    dropout=0.3,
    feature_activation="elu",
    name="digits_classifier",
)
"""The `image_classifier` arguments of the shipped digits classifier."""

MNIST_WEIGHTS_FILE: str = "mnist_classifier.weights.h5"
MNIST_INFO_FILE: str = "mnist_classifier.json"
MNIST_IMAGE_SHAPE: tuple[int, int, int] = (32, 32, 1)
"""The MNIST classifier reads 28x28 digits padded with 2 background pixels,
as `tge.data.load("mnist_5k", image_size=32)` gives them."""
MNIST_PADDING: int = 2
MNIST_CLASSIFIER_CONFIG: dict[str, Any] = {
    **DIGITS_CLASSIFIER_CONFIG,
    "image_shape": MNIST_IMAGE_SHAPE,
    "name": "mnist_classifier",
}
"""The `image_classifier` arguments of the shipped MNIST classifier: the
digits classifier's architecture, under its own name."""

CLASSIFIER_CONFIGS: dict[str, dict[str, Any]] = {
    "digits": DIGITS_CLASSIFIER_CONFIG,
    "mnist": MNIST_CLASSIFIER_CONFIG,
}
"""The shipped classifiers, by extractor name: their `image_classifier` arguments."""

CLASSIFIER_FILES: dict[str, tuple[str, str]] = {
    "digits": (DIGITS_WEIGHTS_FILE, DIGITS_INFO_FILE),
    "mnist": (MNIST_WEIGHTS_FILE, MNIST_INFO_FILE),
}
"""The shipped classifiers' `(weights, JSON record)` file names, by extractor name."""

REFERENCE_EXTRACTORS: dict[str, str] = {"digits": "digits", "mnist_5k": "mnist"}
"""For each dataset with shipped statistics, the extractor they were computed with."""
REFERENCE_DATASETS: tuple[str, ...] = tuple(REFERENCE_EXTRACTORS)
REFERENCE_SPLITS: tuple[str, ...] = ("train", "test")

EXTRACTORS: tuple[str, ...] = (
    "digits",
    "digits_logits",
    "mnist",
    "mnist_logits",
    "inception",
    "inception_keras",
)
"""The extractor names `get_extractor` accepts."""

INCEPTION_EXTRACTORS: tuple[str, ...] = ("inception", "inception_keras")
"""The Inception extractors (299x299 inputs; 32 images per call by default)."""

INCEPTION_IMAGE_SIZE: int = 299
INCEPTION_FEATURES: int = 2048
INCEPTION_WEIGHTS_FILE: str = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
"""The file `keras.applications.InceptionV3(include_top=False)` downloads
(`extractor="inception_keras"`)."""

INCEPTION_GRAPH_URL: str = (
    "http://download.tensorflow.org/models/image/imagenet/inception-2015-12-05.tgz"
)
"""The 2015 Inception release that TTUR's and TF-GAN's FID download."""
INCEPTION_ARCHIVE_FILE: str = "inception-2015-12-05.tgz"
INCEPTION_ARCHIVE_BYTES: int = 88_931_400
INCEPTION_GRAPH_FILE: str = "classify_image_graph_def.pb"
"""The GraphDef in `INCEPTION_ARCHIVE_FILE`: the network of the published FID."""
INCEPTION_GRAPH_MD5: str = "e6bb154e85f5d4331c22abcddb5dcf31"
INCEPTION_GRAPH_BYTES: int = 95_673_916
"""MD5 and size of `INCEPTION_GRAPH_FILE`, checked when it is extracted."""
INCEPTION_GRAPH_INPUT: str = "ExpandDims:0"
"""Where TTUR feeds images `(b, H, W, 3)` in [0, 255] (float32)."""
INCEPTION_GRAPH_OUTPUT: str = "pool_3:0"
"""The 2,048-d average pool, `(b, 1, 1, 2048)`, whose activations FID compares."""

_RANGE_TOLERANCE = 1e-3


class WeightsUnavailableError(RuntimeError):
    """Raised when pretrained weights are neither cached nor downloadable."""


class FeatureExtractor:
    """A named callable from images in [-1, 1] to feature vectors `(n, d)`.

    Args:
        function: maps a float32 batch `(b, H, W, C)` to an array `(b, ...)`;
            extra axes are flattened.
        name: a short name shown in messages and stored with statistics.
        batch_size: images per call of `function`. Defaults to 256.
        check_range: whether images must lie in [-1, 1]. Defaults to `True`.

    Example:

    >>> mean_pixel = FeatureExtractor(lambda x: x.mean(axis=(1, 2)), "mean")
    >>> mean_pixel(np.zeros((3, 4, 4, 1), "float32")).shape
    (3, 1)
    """

    def __init__(
        self,
        function: Callable[[np.ndarray], Any],
        name: str,
        batch_size: int = 256,
        check_range: bool = True,
    ) -> None:
        _check_batch_size(batch_size)
        self.function = function
        self.name = name
        self.batch_size = batch_size
        self.check_range = check_range

    def __repr__(self) -> str:
        return f"FeatureExtractor(name={self.name!r})"

    def __call__(self, images: Any) -> np.ndarray:
        """Returns the float32 features `(n, d)` of images `(n, H, W, C)`."""
        images = _check_images(images, self.check_range)
        batches = []
        for start in range(0, len(images), self.batch_size):
            out = keras.ops.convert_to_numpy(
                self.function(images[start : start + self.batch_size])
            )
            batches.append(np.asarray(out, dtype=np.float32).reshape(len(out), -1))
        return np.concatenate(batches, axis=0)


def _check_batch_size(batch_size: int) -> None:
    check_int("batch_size", batch_size)


def _check_images(images: Any, check_range: bool) -> np.ndarray:
    """`images` as a float32 `(n, H, W, C)` array, n >= 1, optionally in [-1, 1]."""
    images = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(
            "Expected a batch of images of shape (n, height, width, channels) "
            f"with n >= 1. Received: images.shape={images.shape}"
        )
    if not np.all(np.isfinite(images)):
        raise ValueError(
            "Expected finite image values. Received: images with "
            f"{int(np.sum(~np.isfinite(images)))} NaN or infinite values"
        )
    if check_range:
        low, high = float(images.min()), float(images.max())
        if low < -1.0 - _RANGE_TOLERANCE or high > 1.0 + _RANGE_TOLERANCE:
            raise ValueError(
                "Expected image values in [-1, 1] (the range of "
                "`tge.data.load` and of a tanh generator); rescale pixels in "
                "[0, 255] with `x / 127.5 - 1`. "
                f"Received: images with min={low:g}, max={high:g}"
            )
    return images


# --- the shipped digits classifier ------------------------------------------


def _asset(name: str):
    """A `Traversable` for a file in the package's `metrics/assets` folder."""
    return importlib.resources.files(ASSETS_PACKAGE) / ASSETS_DIR / name


def _check_classifier_name(name: str) -> None:
    if name not in CLASSIFIER_CONFIGS:
        raise ValueError(
            "Expected `name` to be one of "
            f"{', '.join(map(repr, CLASSIFIER_CONFIGS))}. Received: name={name!r}"
        )


def shipped_classifier(name: str = "digits") -> keras.Model:
    """Builds a classifier that ships with the package and loads its weights.

    The architecture is `tfgan_edu.networks.image_classifier` with
    `CLASSIFIER_CONFIGS[name]` (128 penultimate features); the weights were
    trained on the dataset's train split by `python -m
    tfgan_edu.metrics.train_digits_classifier --dataset digits|mnist_5k`.
    Every call returns a new model, so training or editing it leaves the
    extractors alone.

    Args:
        name: `"digits"` (scikit-learn's 8x8 digits, upsampled to 32x32) or
            `"mnist"` (the `mnist_5k` digits, 28x28 padded to 32x32).
            Defaults to `"digits"`.

    Returns:
        A `keras.Model` from `(n, 32, 32, 1)` images in [-1, 1] to
        `(n, 10)` logits; its layer `"features"` gives the 128-d embedding.

    Example:

    >>> shipped_classifier("mnist").name
    'mnist_classifier'
    """
    _check_classifier_name(name)
    model = image_classifier(**CLASSIFIER_CONFIGS[name])
    with importlib.resources.as_file(_asset(CLASSIFIER_FILES[name][0])) as path:
        model.load_weights(path)
    return model


def shipped_classifier_info(name: str = "digits") -> dict[str, Any]:
    """What the training script recorded about a shipped classifier.

    Args:
        name: `"digits"` or `"mnist"`. Defaults to `"digits"`.

    Returns:
        A dict with `"test_accuracy"` (float, accuracy on the held-out
        split), `"train_accuracy"`, `"epochs"`, `"seed"`, `"config"` (the
        `image_classifier` arguments), `"training_seconds"` and the
        augmentation settings; the MNIST record also names its
        `"dataset"` (the digits one predates that key).

    Example:

    >>> shipped_classifier_info("mnist")["test_accuracy"] >= 0.98
    True
    """
    _check_classifier_name(name)
    info = _asset(CLASSIFIER_FILES[name][1]).read_text(encoding="utf-8")
    return json.loads(info)


def digits_classifier() -> keras.Model:
    """Builds the digits classifier and loads the weights that ship with the package.

    The architecture is `tfgan_edu.networks.image_classifier` with
    `DIGITS_CLASSIFIER_CONFIG` (128 penultimate features); the weights were
    trained on the digits train split by `python -m
    tfgan_edu.metrics.train_digits_classifier`. Every call returns a new
    model, so training or editing it leaves the extractors alone.

    Returns:
        A `keras.Model` from `(n, 32, 32, 1)` images in [-1, 1] to
        `(n, 10)` logits; its layer `"features"` gives the 128-d embedding.

    Example:

    >>> import tfgan_edu as tge
    >>> model = digits_classifier()
    >>> x, y = next(iter(tge.data.load("digits", batch_size=64, with_labels=True,
    ...                                split="test", shuffle=False)))
    >>> accuracy = np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y)
    >>> bool(accuracy > 0.95)
    True
    """
    return shipped_classifier("digits")


def digits_classifier_info() -> dict[str, Any]:
    """What the training script recorded about the shipped digits classifier.

    Returns:
        A dict with `"test_accuracy"` (float, accuracy on the 360 held-out
        digits), `"train_accuracy"`, `"epochs"`, `"seed"`, `"config"`
        (the `image_classifier` arguments) and `"training_seconds"`.

    Example:

    >>> digits_classifier_info()["test_accuracy"] >= 0.97
    True
    """
    return shipped_classifier_info("digits")


def mnist_classifier() -> keras.Model:
    """Builds the MNIST classifier and loads the weights that ship with the package.

    Trained on the 4,000 `mnist_5k` train digits (28x28 padded with 2
    background pixels to 32x32, as `tge.data.load("mnist_5k",
    image_size=32)` gives them) by `python -m
    tfgan_edu.metrics.train_digits_classifier --dataset mnist_5k`; its
    accuracy on the 1,000 held-out test digits is
    `mnist_classifier_info()["test_accuracy"]`.

    Returns:
        A `keras.Model` from `(n, 32, 32, 1)` images in [-1, 1] to
        `(n, 10)` logits; its layer `"features"` gives the 128-d embedding.

    Example:

    >>> import tfgan_edu as tge
    >>> x, y = next(iter(tge.data.load("mnist_5k", batch_size=100, split="test",
    ...                                with_labels=True, image_size=32,
    ...                                shuffle=False)))
    >>> logits = mnist_classifier().predict(x, verbose=0)
    >>> bool(np.mean(np.argmax(logits, axis=1) == y) > 0.95)
    True
    """
    return shipped_classifier("mnist")


def mnist_classifier_info() -> dict[str, Any]:
    """What the training script recorded about the shipped MNIST classifier.

    Returns:
        A dict as `shipped_classifier_info` returns it; `"test_accuracy"`
        is measured on the 1,000 held-out `mnist_5k` test digits.

    Example:

    >>> mnist_classifier_info()["dataset"]
    'mnist_5k'
    """
    return shipped_classifier_info("mnist")


def assets_directory() -> Path:
    """The folder of the files that ship with `tfgan_edu.metrics`.

    Returns:
        A `pathlib.Path` (inside the installed package).

    Example:

    >>> (assets_directory() / DIGITS_WEIGHTS_FILE).is_file()
    True
    """
    return Path(str(importlib.resources.files(ASSETS_PACKAGE) / ASSETS_DIR))


def statistics_file(dataset: str, split: str) -> str:
    """The file name of a dataset split's reference statistics.

    Example:

    >>> statistics_file("mnist_5k", "test")
    'mnist_5k_test_statistics.npz'
    """
    return f"{dataset}_{split}_statistics.npz"


def check_reference_dataset(dataset: str) -> None:
    """Raises a `ValueError` unless `dataset` is in `REFERENCE_DATASETS`.

    Example:

    >>> check_reference_dataset("mnist")
    Traceback (most recent call last):
    ...
    ValueError: Expected `dataset` to be one of 'digits', 'mnist_5k'. Received: dataset='mnist'
    """
    if dataset not in REFERENCE_DATASETS:
        raise ValueError(
            "Expected `dataset` to be one of "
            f"{', '.join(map(repr, REFERENCE_DATASETS))}. Received: dataset={dataset!r}"
        )


def dataset_arrays(
    dataset: str = "digits", split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """All images of a split as arrays, as the dataset's classifier reads them.

    The images are those of `tge.data.load(dataset, split=split)`, in the
    order it keeps them, at 32x32 (`mnist_5k`: 28x28 padded with 2
    background pixels, `image_size=32`).

    Args:
        dataset: `"digits"` or `"mnist_5k"`. Defaults to `"digits"`.
        split: `"train"`, `"test"` or `"all"`. Defaults to `"train"`.

    Returns:
        `(images, labels)`: float32 `(N, 32, 32, 1)` in [-1, 1] and int32
        `(N,)`.

    Example:

    >>> x, y = dataset_arrays("mnist_5k", "test")
    >>> x.shape, y.shape, np.bincount(y).tolist() == [100] * 10
    ((1000, 32, 32, 1), (1000,), True)
    """
    check_reference_dataset(dataset)
    data = data_images.load(
        dataset,
        batch_size=512,
        with_labels=True,
        split=split,
        shuffle=False,
        drop_remainder=False,
        image_size=32,
    )
    parts = [(np.asarray(x), np.asarray(y)) for x, y in data]
    return (
        np.concatenate([x for x, _ in parts]),
        np.concatenate([y for _, y in parts]).astype(np.int32),
    )


def reference_statistics(
    dataset: str = "digits", split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the real images' classifier features, precomputed.

    The training script computes them once from every image of the split
    (float64, unbiased covariance) in the features of the dataset's own
    shipped classifier (`REFERENCE_EXTRACTORS`: `"digits"` for `"digits"`,
    `"mnist"` for `"mnist_5k"`) and ships them, so the FID of generated
    digits against the real ones needs no pass over the data.

    Args:
        dataset: `"digits"` (statistics in `extractor="digits"` features)
            or `"mnist_5k"` (in `extractor="mnist"` features). Defaults to
            `"digits"`.
        split: `"train"` or `"test"` (digits: 1,437 / 360 images;
            mnist_5k: 4,000 / 1,000). Defaults to `"train"`.

    Returns:
        `(mu, sigma)`: float64 arrays of shapes `(128,)` and `(128, 128)`.

    Example:

    >>> mu, sigma = reference_statistics("mnist_5k", split="test")
    >>> mu.shape, sigma.shape, sigma.dtype.name
    ((128,), (128, 128), 'float64')
    """
    check_reference_dataset(dataset)
    if split not in REFERENCE_SPLITS:
        raise ValueError(
            f"Expected `split` to be one of {', '.join(map(repr, REFERENCE_SPLITS))}. "
            f"Received: split={split!r}"
        )
    with importlib.resources.as_file(_asset(statistics_file(dataset, split))) as path:
        return load_statistics(path)


@functools.lru_cache(maxsize=4)
def _classifier_function(name: str, output: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """A shipped classifier's `"features"` or `"logits"` as a `tf.function`.

    Built once per classifier and output; traced once for any batch size
    (3x faster than calling the model eagerly on a 2-core CPU).
    """
    classifier = shipped_classifier(name)
    model = feature_model(classifier) if output == "features" else classifier
    shape = CLASSIFIER_CONFIGS[name]["image_shape"]
    return tf.function(
        lambda batch: model(batch, training=False),
        input_signature=[tf.TensorSpec((None, *shape), tf.float32)],
    )


def _check_grayscale(images: np.ndarray) -> None:
    if images.shape[-1] != 1:
        raise ValueError(
            "The digits and MNIST classifiers read grayscale images (n, H, W, 1). "
            f"Received: images.shape={images.shape}"
        )


def _to_digits_shape(images: np.ndarray) -> np.ndarray:
    """Grayscale images resized bilinearly to 32x32 when they are another size."""
    if images.shape[1:3] != DIGITS_IMAGE_SHAPE[:2]:
        images = tf.image.resize(images, DIGITS_IMAGE_SHAPE[:2], method="bilinear")
    return images


def to_mnist_shape(images: np.ndarray) -> np.ndarray:
    """Grayscale digits as the MNIST classifier reads them: 32x32, padded.

    28x28 digits (MNIST's own size) get 2 background pixels (-1) on each
    side, exactly as `tge.data.load("mnist_5k", image_size=32)` pads them,
    so a 28x28 digit and its padded 32x32 copy have the same features.
    32x32 images pass unchanged (a generator's border pixels are seen,
    and scored, as they are); other sizes are resized bilinearly to 32x32.

    Args:
        images: float32 array `(n, H, W, 1)` in [-1, 1].

    Returns:
        A float32 array `(n, 32, 32, 1)`.

    Example:

    >>> x = np.ones((1, 28, 28, 1), "float32")
    >>> y = to_mnist_shape(x)
    >>> y.shape, float(y[0, 0, 0, 0]), float(y[0, 2, 2, 0])
    ((1, 32, 32, 1), -1.0, 1.0)
    """
    size = MNIST_IMAGE_SHAPE[0] - 2 * MNIST_PADDING
    if images.shape[1:3] == (size, size):
        pad = ((0, 0), (MNIST_PADDING, MNIST_PADDING), (MNIST_PADDING, MNIST_PADDING))
        return np.pad(images, (*pad, (0, 0)), constant_values=-1.0)
    if images.shape[1:3] != MNIST_IMAGE_SHAPE[:2]:
        images = tf.image.resize(images, MNIST_IMAGE_SHAPE[:2], method="bilinear")
        return np.asarray(images, dtype=np.float32)
    return images


_TO_SHAPE = {"digits": _to_digits_shape, "mnist": to_mnist_shape}


def _classifier_extractor(spec: str, batch_size: int) -> FeatureExtractor:
    """`get_extractor` for `"digits"`, `"digits_logits"`, `"mnist"`, `"mnist_logits"`."""
    name, _, logits = spec.partition("_")
    function = _classifier_function(name, "logits" if logits else "features")
    to_shape = _TO_SHAPE[name]

    def extract(batch: np.ndarray) -> tf.Tensor:
        _check_grayscale(batch)
        return function(to_shape(batch))

    return FeatureExtractor(extract, spec, batch_size=batch_size)


# --- Inception-v3 --------------------------------------------------------------


def _rgb_images(images):
    """Checked images in [-1, 1] as RGB: grayscale copied to 3 channels."""
    images = _check_images(images, check_range=True)
    if images.shape[-1] not in (1, 3):
        raise ValueError(
            "Expected grayscale (1 channel) or RGB (3 channels) images. "
            f"Received: images.shape={images.shape}"
        )
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)  # (n, H, W, 1) -> (n, H, W, 3)
    return images


def inception_preprocess(images: Any) -> np.ndarray:
    """Prepares images in [-1, 1] for `keras.applications.InceptionV3`.

    What `extractor="inception_keras"` feeds its model. (The published
    FID's graph, `extractor="inception"`, resizes inside the graph with
    TF1's bilinear resize instead: see `inception_graph_function`.)

    Grayscale images are tiled to 3 channels, every image is resized to
    299x299 with bilinear interpolation (`tf.image.resize`, half-pixel
    centres, no antialiasing), and values are clipped to [-1, 1], the
    range Inception-v3 was trained on (`(pixel - 127.5) / 127.5`, what
    `keras.applications.inception_v3.preprocess_input` computes from
    [0, 255]). Bilinear weights are convex, so resizing keeps the range.

    Args:
        images: array `(n, H, W, 1)` or `(n, H, W, 3)` in [-1, 1].

    Returns:
        A float32 array `(n, 299, 299, 3)` in [-1, 1].

    Example:

    >>> x = np.linspace(-1, 1, 2 * 8 * 8).reshape(2, 8, 8, 1).astype("float32")
    >>> y = inception_preprocess(x)
    >>> y.shape, bool(y.min() >= -1 and y.max() <= 1)
    ((2, 299, 299, 3), True)
    >>> bool(np.all(y[..., 0] == y[..., 2]))
    True
    """
    images = _rgb_images(images)
    size = (INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE)
    resized = tf.image.resize(images, size, method="bilinear", antialias=False)
    return np.clip(resized.numpy(), -1.0, 1.0).astype(np.float32)


def _keras_models_dirs() -> list[str]:
    """Where `keras.utils.get_file` keeps downloaded weights."""
    return [
        os.path.join(os.path.dirname(d), "models")
        for d in data_images.keras_cache_dirs()
    ]


def _cached_or_downloadable(name: str, unavailable) -> str | None:
    """The cached path of `name`, or None when it can be downloaded.

    Raises `unavailable(reason)` when it is not cached and downloads are
    forbidden (`TFGAN_EDU_OFFLINE=1`) or the network is unreachable.
    """
    cached = _cached_model_file(name)
    if cached is not None:
        return cached
    if data_images.offline_forced():
        raise unavailable(f"{data_images.OFFLINE_ENV_VAR}=1 forbids downloads")
    if not data_images.network_available():
        host, port = data_images.probe_target()
        raise unavailable(
            f"the network is unreachable ({host}:{port} cannot be reached)"
        )
    return None


def _cached_model_file(name: str) -> str | None:
    """The path of `name` in the first Keras models cache that holds it, else None."""
    for folder in _keras_models_dirs():
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def _weights_unavailable(reason: str) -> WeightsUnavailableError:
    return WeightsUnavailableError(
        "Cannot load the ImageNet weights of Inception-v3 for extractor="
        f"'inception_keras': {INCEPTION_WEIGHTS_FILE} is not in the Keras cache "
        f"({', '.join(_keras_models_dirs())}) and {reason}. Offline, measure "
        "with the digits classifier that ships with tfgan_edu: "
        "extractor='digits' (e.g. `tge.metrics.fid(real, fake, "
        "extractor='digits')`), or copy the weights file into the cache from a "
        "connected machine. Received: weights='imagenet'"
    )


def _inception_weights_argument(weights: str | None) -> str | None:
    """What to pass as `InceptionV3(weights=...)`; raises fast when offline."""
    if weights is None or weights != "imagenet":
        if weights is not None and not (
            isinstance(weights, (str, os.PathLike)) and os.path.isfile(weights)
        ):
            raise ValueError(
                "Expected `weights` to be 'imagenet', None (random weights, for "
                "tests) or the path of an Inception-v3 weights file. "
                f"Received: weights={weights!r}"
            )
        return None if weights is None else os.fspath(weights)
    cached = _cached_or_downloadable(INCEPTION_WEIGHTS_FILE, _weights_unavailable)
    return "imagenet" if cached is None else cached


@functools.lru_cache(maxsize=2)
def _inception_model(weights: str | None) -> keras.Model:
    return keras.applications.InceptionV3(
        include_top=False,
        weights=weights,
        input_shape=(INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE, 3),
        pooling="avg",
    )


def inception_v3(weights: str | None = "imagenet") -> keras.Model:
    """Returns Keras' Inception-v3 up to its 2,048-d average pool (no classifier head).

    The network of `extractor="inception_keras"`: `keras.applications`'
    ImageNet weights, not the 2015 graph of the published FID
    (`extractor="inception"`).

    Built once per `weights` and cached. Offline, without the weights file
    in the Keras cache, it raises `WeightsUnavailableError` after at most a
    few seconds (a connection probe; none with `TFGAN_EDU_OFFLINE=1`).

    Args:
        weights: `"imagenet"` (downloaded on first use, about 84 MB, then
            read from the Keras cache), a path to a weights file, or `None`
            for random weights (only good for tests: features of an
            untrained network make FID meaningless). Defaults to
            `"imagenet"`.

    Returns:
        A `keras.Model` from `(n, 299, 299, 3)` images in [-1, 1] to
        `(n, 2048)` features.

    Raises:
        WeightsUnavailableError: offline, when the ImageNet weights are not
            cached.

    Example:

    >>> inception_v3(weights=None).output_shape
    (None, 2048)
    """
    return _inception_model(_inception_weights_argument(weights))


def inception_v3_features(
    images: Any, *, weights: str | None = "imagenet", batch_size: int = 32
) -> np.ndarray:
    """Computes the pool features of Keras' Inception-v3 (`extractor="inception_keras"`).

    Each batch goes through `inception_preprocess` (gray to RGB, bilinear
    resize to 299x299) and `inception_v3(weights)`. For the features of
    the published FID's network, use `get_extractor("inception")`.

    Args:
        images: array `(n, H, W, 1 or 3)` in [-1, 1].
        weights: see `inception_v3`. Defaults to `"imagenet"`.
        batch_size: images per forward pass (a 299x299x3 batch of 32 is
            34 MB). Defaults to 32.

    Returns:
        A float32 array `(n, 2048)`.

    Raises:
        WeightsUnavailableError: offline, when the ImageNet weights are not
            cached.

    Example:

    >>> x = np.zeros((2, 32, 32, 1), "float32")
    >>> inception_v3_features(x, weights=None).shape  # doctest: +SKIP
    (2, 2048)
    """
    return get_extractor("inception_keras", batch_size=batch_size, weights=weights)(
        images
    )


# --- the published FID's Inception graph (TTUR / TF-GAN) -----------------------


def _graph_unavailable(reason: str) -> WeightsUnavailableError:
    target = os.path.join(_keras_models_dirs()[0], INCEPTION_GRAPH_FILE)
    return WeightsUnavailableError(
        "Cannot load the Inception network of the published FID for extractor="
        f"'inception': {INCEPTION_GRAPH_FILE} is not in the Keras cache "
        f"({', '.join(_keras_models_dirs())}) and {reason}. On a connected "
        f"machine, download {INCEPTION_GRAPH_URL} ({INCEPTION_ARCHIVE_BYTES:,} "
        f"bytes) and extract {INCEPTION_GRAPH_FILE} from it to {target} (or run "
        "`tge.metrics.features.inception_graph_path()` there once and copy "
        "that file), or pass its path as `weights`. Offline, measure with the "
        "digits classifier that ships with tfgan_edu: extractor='digits' (e.g. "
        "`tge.metrics.fid(real, fake, extractor='digits')`). "
        "(extractor='inception_keras' reads Keras' InceptionV3 weights, "
        f"{INCEPTION_WEIGHTS_FILE}, instead: another network, whose FIDs do not "
        "compare with papers.) Received: weights='imagenet'"
    )


def _file_md5(path: str) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_inception_graph() -> str:
    """Downloads the 2015 archive, keeps the checked GraphDef, drops the archive."""
    archive = keras.utils.get_file(
        INCEPTION_ARCHIVE_FILE, INCEPTION_GRAPH_URL, cache_subdir="models"
    )
    target = os.path.join(os.path.dirname(archive), INCEPTION_GRAPH_FILE)
    partial = f"{target}.part"
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(INCEPTION_GRAPH_FILE)
            with open(partial, "wb") as out:
                for block in iter(lambda: member.read(1 << 20), b""):
                    out.write(block)
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise WeightsUnavailableError(
            f"Expected {archive} to be the 2015 Inception release holding "
            f"{INCEPTION_GRAPH_FILE}; delete it and try again. Received: {exc}"
        ) from exc
    size, md5 = os.path.getsize(partial), _file_md5(partial)
    if (size, md5) != (INCEPTION_GRAPH_BYTES, INCEPTION_GRAPH_MD5):
        os.remove(partial)
        raise WeightsUnavailableError(
            f"Expected {INCEPTION_GRAPH_FILE} from {INCEPTION_GRAPH_URL} to have "
            f"{INCEPTION_GRAPH_BYTES} bytes and MD5 {INCEPTION_GRAPH_MD5}; "
            f"delete {archive} and try again. Received: {size} bytes, MD5 {md5}"
        )
    os.replace(partial, target)
    os.remove(archive)
    return target


def inception_graph_path(weights: str | os.PathLike = "imagenet") -> str:
    """The path of the published FID's Inception GraphDef, downloaded once if need be.

    With `weights="imagenet"` the file is looked for in the Keras cache
    (`<KERAS_HOME or ~/.keras>/models/classify_image_graph_def.pb`, then
    `/tmp/.keras/models`). When it is missing, `INCEPTION_ARCHIVE_FILE`
    is downloaded from `INCEPTION_GRAPH_URL` with `keras.utils.get_file`,
    `INCEPTION_GRAPH_FILE` is extracted next to it and checked against its
    size and MD5 (`INCEPTION_GRAPH_BYTES`, `INCEPTION_GRAPH_MD5`), and the
    archive is deleted. A file already in the cache is used as it is.

    Args:
        weights: `"imagenet"` (the cached or downloaded 2015 graph) or the
            path of a GraphDef file with the same tensor names. Defaults to
            `"imagenet"`.

    Returns:
        The path of the GraphDef file.

    Raises:
        WeightsUnavailableError: offline (`TFGAN_EDU_OFFLINE=1` or the
            download host unreachable: a probe of at most a few seconds)
            when the file is not cached, or when the download does not
            hold the expected file.
        ValueError: when `weights` is neither `"imagenet"` nor a file.

    Example:

    >>> os.path.basename(inception_graph_path())  # doctest: +SKIP
    'classify_image_graph_def.pb'
    """
    if weights != "imagenet":
        if not (isinstance(weights, (str, os.PathLike)) and os.path.isfile(weights)):
            raise ValueError(
                "Expected `weights` to be 'imagenet' or the path of a GraphDef "
                f"file ({INCEPTION_GRAPH_FILE}) for extractor='inception'; random "
                "weights (weights=None) exist only for extractor='inception_keras'. "
                f"Received: weights={weights!r}"
            )
        return os.fspath(weights)
    cached = _cached_or_downloadable(INCEPTION_GRAPH_FILE, _graph_unavailable)
    return _download_inception_graph() if cached is None else cached


def _const_node(name: str, value: float, dtype: int, device: str):
    node = tf.compat.v1.NodeDef(name=name, op="Const", device=device)
    node.attr["dtype"].type = dtype
    node.attr["value"].tensor.CopyFrom(
        tf.make_tensor_proto(value, dtype=tf.dtypes.as_dtype(dtype))
    )
    return node


def _op_node(name: str, op: str, inputs: list[str], dtype: int, device: str):
    node = tf.compat.v1.NodeDef(name=name, op=op, input=inputs, device=device)
    node.attr["T"].type = dtype
    return node


def _batch_norm_nodes(node) -> list:
    """`BatchNormWithGlobalNormalization` as the elementary ops of its kernel.

    The op was removed in GraphDef version 9 and is refused inside a
    function; its kernel computes `(t - m) * (rsqrt(v + eps) * gamma) + beta`
    (`gamma` only with `scale_after_normalization`), in this order.
    """
    data, controls = list(node.input[:5]), list(node.input[5:])
    t, m, v, beta, gamma = data
    dtype, device, name = node.attr["T"].type, node.device, node.name
    eps = node.attr["variance_epsilon"].f
    nodes = [
        _const_node(f"{name}/_epsilon", eps, dtype, device),
        _op_node(f"{name}/_variance", "AddV2", [v, f"{name}/_epsilon"], dtype, device),
        _op_node(f"{name}/_rsqrt", "Rsqrt", [f"{name}/_variance"], dtype, device),
    ]
    scale = f"{name}/_rsqrt"
    if node.attr["scale_after_normalization"].b:
        nodes.append(_op_node(f"{name}/_scale", "Mul", [scale, gamma], dtype, device))
        scale = f"{name}/_scale"
    nodes += [
        _op_node(f"{name}/_centered", "Sub", [t, m], dtype, device),
        _op_node(f"{name}/_scaled", "Mul", [f"{name}/_centered", scale], dtype, device),
        _op_node(name, "AddV2", [f"{name}/_scaled", beta, *controls], dtype, device),
    ]
    return nodes


def patch_inception_graph(graph_def):
    """Prepares the 2015 Inception GraphDef for batches inside a TF2 function.

    Two patches, on a copy:

    - the batch dimension: the graph was exported for one JPEG at a time,
      so every tensor after `ExpandDims` has batch size 1 in its recorded
      shapes. As TTUR's `_get_inception_layer` does (it sets the leading
      1 of every tensor's static shape to `None`), every recorded shape
      (`_output_shapes`, a placeholder's `shape`) with a leading 1 gets an
      unknown leading dimension, so the shapes inferred from a batch of
      any size are kept;
    - `BatchNormWithGlobalNormalization` nodes (removed from GraphDef
      version 9 on, refused by TF2 functions) become the elementary ops of
      their kernel, under the same output name.

    Args:
        graph_def: a `tf.compat.v1.GraphDef`.

    Returns:
        A new `tf.compat.v1.GraphDef`.

    Example:

    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     _ = tf.compat.v1.placeholder(tf.float32, (1, 4), name="x")
    >>> patched = patch_inception_graph(g.as_graph_def(add_shapes=True))
    >>> patched.node[0].attr["shape"].shape.dim[0].size
    -1
    """
    patched = tf.compat.v1.GraphDef()
    patched.versions.CopyFrom(graph_def.versions)
    patched.library.CopyFrom(graph_def.library)
    for node in graph_def.node:
        nodes = (
            _batch_norm_nodes(node)
            if node.op == "BatchNormWithGlobalNormalization"
            else [node]
        )
        for original in nodes:
            new = patched.node.add()
            new.CopyFrom(original)
            shapes = list(new.attr["_output_shapes"].list.shape)
            if "shape" in new.attr and new.op.startswith("Placeholder"):
                shapes.append(new.attr["shape"].shape)
            for shape in shapes:
                if len(shape.dim) > 0 and shape.dim[0].size == 1:
                    shape.dim[0].size = -1
            if not new.attr["_output_shapes"].list.shape:
                del new.attr["_output_shapes"]
    return patched


def _read_graph_def(path: str):
    graph_def = tf.compat.v1.GraphDef()
    try:
        with tf.io.gfile.GFile(path, "rb") as f:
            graph_def.ParseFromString(f.read())
    except Exception as exc:  # protobuf's DecodeError, or an unreadable file
        raise ValueError(
            f"Expected a binary TensorFlow GraphDef such as {INCEPTION_GRAPH_FILE}. "
            f"Received: a file that does not parse as one ({path}: {exc})"
        ) from exc
    return graph_def


@functools.lru_cache(maxsize=2)
def inception_graph_function(path: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """The pool features of a GraphDef as a TF2 function, for batches of any size.

    The GraphDef is patched (`patch_inception_graph`) and imported with
    `tf.compat.v1.import_graph_def` inside `tf.compat.v1.wrap_function`,
    with a batch of images mapped onto `INCEPTION_GRAPH_INPUT`
    (`ExpandDims:0`), where TTUR feeds them; everything after it runs as
    in the graph: `ResizeBilinear` to 299x299 (TF1's resize: no
    half-pixel centres, no antialiasing), `(x - 128) / 128`, the network
    up to `pool_3`. Only the ops `pool_3` needs run (not the JPEG decoder
    before the input, nor the classifier after it). Built once per path.

    Args:
        path: a GraphDef file with the tensors `ExpandDims:0` (input,
            `(1, H, W, 3)` float32) and `pool_3:0` (output, `(1, 1, 1, d)`),
            as `classify_image_graph_def.pb` of the 2015 release.

    Returns:
        A function from float32 images `(b, H, W, 3)` in [0, 255] to
        float32 features `(b, d)` (`d = 2048` for the 2015 graph).

    Raises:
        ValueError: when the file is not a GraphDef with those tensors.

    Example:

    >>> f = inception_graph_function(inception_graph_path())  # doctest: +SKIP
    >>> f(tf.zeros((2, 32, 32, 3))).shape  # doctest: +SKIP
    TensorShape([2, 2048])
    """
    graph_def = patch_inception_graph(_read_graph_def(path))

    def pool_features(images: tf.Tensor) -> tf.Tensor:
        (pool,) = tf.compat.v1.import_graph_def(
            graph_def,
            input_map={INCEPTION_GRAPH_INPUT: images},
            return_elements=[INCEPTION_GRAPH_OUTPUT],
            name="",
        )
        d = pool.shape[1:].num_elements()  # (b, 1, 1, d) -> (b, d)
        if d is None:
            return tf.reshape(pool, [tf.shape(pool)[0], -1])
        return tf.reshape(pool, [-1, d])

    try:
        return tf.compat.v1.wrap_function(
            pool_features, [tf.TensorSpec((None, None, None, 3), tf.float32)]
        )
    except (ValueError, KeyError, tf.errors.OpError) as exc:
        raise ValueError(
            f"Expected a GraphDef with the tensors {INCEPTION_GRAPH_INPUT!r} (input, "
            f"images (1, H, W, 3)) and {INCEPTION_GRAPH_OUTPUT!r} (pool features), "
            f"as {INCEPTION_GRAPH_FILE} has them. Received: {path} ({exc})"
        ) from exc


def inception_graph_input(images: Any) -> np.ndarray:
    """Images in [-1, 1] as TTUR feeds them to the Inception graph: RGB in [0, 255].

    Grayscale images are tiled to 3 channels and values mapped by
    `(x + 1) * 127.5`. They keep their size: the graph resizes them to
    299x299 itself. Nothing is rounded to integers (TTUR reads PNG files,
    whose pixels are integers; round generated images the same way if the
    last decimals of a comparison with a paper matter).

    Args:
        images: array `(n, H, W, 1)` or `(n, H, W, 3)` in [-1, 1].

    Returns:
        A float32 array `(n, H, W, 3)` in [0, 255].

    Example:

    >>> inception_graph_input(np.array([-1.0, 0.0, 1.0]).reshape(1, 1, 3, 1))[0, 0]
    array([[  0. ,   0. ,   0. ],
           [127.5, 127.5, 127.5],
           [255. , 255. , 255. ]], dtype=float32)
    """
    images = _rgb_images(images)
    return np.clip((images + 1.0) * 127.5, 0.0, 255.0).astype(np.float32)


def _inception_graph_extractor(weights: Any, batch_size: int) -> FeatureExtractor:
    """`get_extractor("inception")`: the published FID's network."""
    function = inception_graph_function(inception_graph_path(weights))
    return FeatureExtractor(
        lambda batch: function(tf.constant(inception_graph_input(batch))),
        "inception",
        batch_size=batch_size,
    )


# --- one entry point -----------------------------------------------------------


def get_extractor(
    spec: str | keras.Model | Callable | FeatureExtractor = "digits",
    *,
    batch_size: int | None = None,
    weights: str | None = "imagenet",
) -> FeatureExtractor:
    """Returns a feature extractor: images `(n, H, W, C)` in [-1, 1] -> `(n, d)`.

    Args:
        spec: `"digits"` (128-d penultimate features of the shipped digits
            classifier; other image sizes are resized to 32x32),
            `"digits_logits"` (its 10 logits), `"mnist"` (128-d features
            of the shipped MNIST classifier; 28x28 digits are padded to
            32x32, see `to_mnist_shape`), `"mnist_logits"` (its 10
            logits), `"inception"` (2,048-d `pool_3` features of the
            published FID's Inception graph, see
            `inception_graph_function`), `"inception_keras"` (2,048-d
            pool features of `keras.applications.InceptionV3`), a
            `keras.Model` (called with
            `training=False`; extra output axes are flattened), a Python
            callable from a batch to an array, or a `FeatureExtractor`
            (returned as is). Defaults to `"digits"`.
        batch_size: images per forward pass. Defaults to `None`: 32 for
            the Inception extractors (a 299x299x3 batch of 32 is 34 MB),
            256 otherwise.
        weights: only used by the Inception extractors. `"inception"`:
            `"imagenet"` (the 2015 graph, see `inception_graph_path`) or
            the path of a GraphDef file. `"inception_keras"`: see
            `inception_v3`. Defaults to `"imagenet"`.

    Returns:
        A `FeatureExtractor`, callable on an array and returning float32
        features `(n, d)`. The named extractors check that images lie in
        [-1, 1]; models and callables receive the images as given.

    Raises:
        WeightsUnavailableError: for `"inception"` and `"inception_keras"`
            offline without the cached network file (within seconds).

    Example:

    >>> extractor = get_extractor("digits_logits")
    >>> extractor(np.zeros((4, 32, 32, 1), "float32")).shape
    (4, 10)
    >>> get_extractor(lambda x: x[:, 0, 0, :])(np.ones((2, 8, 8, 3), "float32"))
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """
    if isinstance(spec, FeatureExtractor):
        return spec
    if batch_size is None:
        batch_size = 32 if spec in INCEPTION_EXTRACTORS else 256
    _check_batch_size(batch_size)
    if isinstance(spec, str):
        if spec not in EXTRACTORS:
            raise ValueError(
                f"Expected `extractor` to be one of {', '.join(map(repr, EXTRACTORS))}, "
                f"a keras.Model or a callable. Received: extractor={spec!r}"
            )
        if spec == "inception":
            return _inception_graph_extractor(weights, batch_size)
        if spec == "inception_keras":
            model = inception_v3(weights)
            return FeatureExtractor(
                lambda batch: model(inception_preprocess(batch), training=False),
                "inception_keras",
                batch_size=batch_size,
            )
        return _classifier_extractor(spec, batch_size)
    if isinstance(spec, keras.Model):
        return FeatureExtractor(
            lambda batch: spec(batch, training=False),
            spec.name,
            batch_size=batch_size,
            check_range=False,
        )
    if callable(spec):
        return FeatureExtractor(
            spec,
            getattr(spec, "__name__", type(spec).__name__),
            batch_size=batch_size,
            check_range=False,
        )
    raise ValueError(
        f"Expected `extractor` to be one of {', '.join(map(repr, EXTRACTORS))}, "
        f"a keras.Model or a callable. Received: extractor={spec!r}"
    )
