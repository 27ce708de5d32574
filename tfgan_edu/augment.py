"""Differentiable augmentation of image batches (Zhao et al., 2020).

With little data the discriminator memorizes the real images and its
feedback to the generator degrades. DiffAugment applies one random,
differentiable transformation `T` to every image the discriminator sees,
real and generated alike, in both updates:

    d_loss = L_D(D(T(x)), D(T(G(z))))      g_loss = L_G(D(T(G(z))))

Because `T` is differentiable, the generator update backpropagates through
it to `G`; because real and fake are transformed the same (random) way, the
generator is not pushed to produce augmented-looking images. Augmenting only
the real images would teach `G` to imitate the augmentations.

| function | transformation | parameters drawn per image |
|---|---|---|
| `color` | brightness, saturation, contrast | `b ~ U(-0.5, 0.5)`, `s ~ U(0, 2)`, `c ~ U(0.5, 1.5)` |
| `translation` | integer shift, `fill_value` enters | `dy, dx` in `[-ratio * size, ratio * size]` |
| `cutout` | one square set to `fill_value` | its position, fully inside the image |
| `diff_augment` | the named ones, in order | — |

Images are batches `(batch, height, width, channels)` of floats in `[-1, 1]`
(the range of the official code and of this package's data). Every function
uses only Keras operations, so it runs on every Keras backend (TensorFlow,
JAX, PyTorch), inside a `tf.function` (also with `jit_compile=True`) or a
JAX `jit`, with an unknown batch size, and each output is differentiable
with respect to the images.

`seed` is an int, `None` or a `keras.random.SeedGenerator`. An int gives the
same augmentation at every call: right for tests, wrong for training. A
`SeedGenerator` advances at every draw, so successive calls differ while a
run stays reproducible: pass the model's generator in a `train_step`. `None`
draws from Keras' global generator (eager code only).
"""

from __future__ import annotations

import numbers

import keras
from keras import ops

SeedLike = int | keras.random.SeedGenerator | None

# The value that enters at the border (`translation`) or fills the cut
# square (`cutout`). The official code fills with 0, mid-grey in [-1, 1];
# -1 is the background of digit datasets (black), so a shifted or cut digit
# looks like another digit rather than one on a grey patch.
_FILL_VALUE = -1.0
# Knuth's multiplicative hash constant: spreads (seed, k) over 31 bits.
_SEED_MULTIPLIER = 2654435761


def _split_seed(seed: SeedLike, n: int) -> list[SeedLike]:
    """`n` seeds for `n` independent draws from one `seed` argument."""
    if seed is None or isinstance(seed, keras.random.SeedGenerator):
        # The given (or the global) generator advances at every draw.
        return [seed] * n
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        # One int per draw: equal ints would draw equal numbers.
        return [(int(seed) * _SEED_MULTIPLIER + k) % 2**31 for k in range(1, n + 1)]
    raise ValueError(
        "Expected `seed` to be an int, None or a `keras.random.SeedGenerator`. "
        f"Received: seed={seed!r}"
    )


def _images(images):
    """`images` as a float tensor `(batch, height, width, channels)`."""
    images = ops.convert_to_tensor(images)
    shape = tuple(images.shape)
    if len(shape) != 4 or None in shape[1:3]:
        raise ValueError(
            "Expected `images` of shape (batch, height, width, channels) with "
            f"a known height and width. Received: images.shape={shape}"
        )
    if not keras.backend.is_float_dtype(images.dtype):
        raise ValueError(
            "Expected `images` of a float dtype, with values in [-1, 1]. "
            f"Received: images.dtype={keras.backend.standardize_dtype(images.dtype)}"
        )
    return images


def _fraction(size: int, ratio: float) -> int:
    """`ratio * size` pixels, rounded to the nearest int as the official code."""
    if not isinstance(ratio, numbers.Real) or not 0 <= ratio <= 1:
        raise ValueError(
            f"`ratio` must be a number in [0, 1]. Received: ratio={ratio!r}"
        )
    return int(size * ratio + 0.5)


def _shift(images, offset, axis: int, fill_value: float):
    """Moves the content of each image by `offset` pixels along `axis`.

    `offset` has shape `(batch, 1)`; `fill_value` enters on the other side.
    """
    size = images.shape[axis]
    # One row (or column) of `fill_value` at each end: (B, size + 2, ...).
    pad_width = [[0, 0]] * 4
    pad_width[axis] = [1, 1]
    padded = ops.pad(images, pad_width, constant_values=fill_value)
    # Output row i reads input row i - offset, that is padded row
    # i - offset + 1; rows that fall outside the image read a padding row.
    index = ops.clip(ops.arange(size)[None, :] - offset + 1, 0, size + 1)  # (B, size)
    # A gather: the gradient goes back to the pixels that were read. The
    # index is the same for every pixel of a row (column) and every channel.
    index = ops.expand_dims(index, [2, 3] if axis == 1 else [1, 3])
    return ops.take_along_axis(padded, index, axis=axis)


def translation(
    images,
    ratio: float = 0.125,
    *,
    fill_value: float = _FILL_VALUE,
    seed: SeedLike = None,
):
    """Shifts each image by a random whole number of pixels.

    Each image moves down by `dy` and right by `dx` pixels, integers drawn
    uniformly (in this order, one pair per image) from
    `[-round(ratio * height), round(ratio * height)]` and
    `[-round(ratio * width), round(ratio * width)]`; what leaves the frame is
    lost and `fill_value` enters on the other side. The official DiffAugment
    fills with 0, mid-grey in `[-1, 1]`; the default -1 is the background of
    digit datasets, so a shifted digit stays a digit on black (pass 0.0 to
    match the official code, e.g. for natural images).

    Args:
        images: float images `(batch, height, width, channels)` in `[-1, 1]`.
        ratio: largest shift, as a fraction of the height and the width, in
            `[0, 1]`. Defaults to 0.125, as in the paper.
        fill_value: value of the pixels that enter. Defaults to -1.0.
        seed: an int, `None` or a `keras.random.SeedGenerator`. Defaults to
            `None`.

    Returns:
        The shifted images, of the same shape and dtype.

    Example:

    >>> import numpy as np
    >>> images = np.full((1, 8, 8, 1), -1.0, "float32")
    >>> images[0, 4, 4, 0] = 1.0  # one bright pixel, at most 2 from the border
    >>> shifted = translation(images, ratio=0.25, seed=0)
    >>> tuple(shifted.shape), float(ops.sum(shifted == 1.0))
    ((1, 8, 8, 1), 1.0)
    """
    images = _images(images)
    height, width = images.shape[1], images.shape[2]
    max_dy, max_dx = _fraction(height, ratio), _fraction(width, ratio)
    seed_y, seed_x = _split_seed(seed, 2)
    batch_size = ops.shape(images)[0]
    # Offsets (B, 1), in pixels; randint's maxval is exclusive.
    dy = keras.random.randint((batch_size, 1), -max_dy, max_dy + 1, seed=seed_y)
    dx = keras.random.randint((batch_size, 1), -max_dx, max_dx + 1, seed=seed_x)
    images = _shift(images, dy, axis=1, fill_value=fill_value)
    return _shift(images, dx, axis=2, fill_value=fill_value)


def cutout(
    images,
    ratio: float = 0.5,
    *,
    fill_value: float = _FILL_VALUE,
    seed: SeedLike = None,
):
    """Sets one random square of each image to `fill_value`.

    The square has sides `round(ratio * height)` by `round(ratio * width)`
    (half the image by default, as in the paper) and lies fully inside the
    image: its top row and left column are drawn uniformly (in this order,
    one pair per image) among the positions that keep it inside. The
    official code draws the square's center anywhere in the image, so its
    square may be clipped by the border; here every image loses the same
    area. `fill_value` defaults to -1, the background of digit datasets
    (the official code uses 0, mid-grey in `[-1, 1]`), see `translation`.

    Args:
        images: float images `(batch, height, width, channels)` in `[-1, 1]`.
        ratio: side of the square, as a fraction of the height and the
            width, in `[0, 1]`. Defaults to 0.5.
        fill_value: value of the cut pixels. Defaults to -1.0.
        seed: an int, `None` or a `keras.random.SeedGenerator`. Defaults to
            `None`.

    Returns:
        The images with one square cut out, of the same shape and dtype.
        The gradient with respect to the cut pixels is zero.

    Example:

    >>> import numpy as np
    >>> images = np.ones((2, 8, 8, 1), "float32")
    >>> cut = cutout(images, ratio=0.5, seed=0)  # a 4x4 square per image
    >>> ops.convert_to_numpy(ops.sum(cut == -1.0, axis=(1, 2, 3))).tolist()
    [16, 16]
    """
    images = _images(images)
    height, width = images.shape[1], images.shape[2]
    cut_h, cut_w = _fraction(height, ratio), _fraction(width, ratio)
    seed_top, seed_left = _split_seed(seed, 2)
    batch_size = ops.shape(images)[0]
    # Top-left corner (B, 1) of the square; randint's maxval is exclusive.
    top = keras.random.randint((batch_size, 1), 0, height - cut_h + 1, seed=seed_top)
    left = keras.random.randint((batch_size, 1), 0, width - cut_w + 1, seed=seed_left)
    rows, cols = ops.arange(height)[None, :], ops.arange(width)[None, :]
    in_rows = (rows >= top) & (rows < top + cut_h)  # (B, H)
    in_cols = (cols >= left) & (cols < left + cut_w)  # (B, W)
    in_square = in_rows[:, :, None, None] & in_cols[:, None, :, None]  # (B, H, W, 1)
    return ops.where(in_square, ops.cast(fill_value, images.dtype), images)


def color(images, *, seed: SeedLike = None):
    """Randomly changes the brightness, saturation and contrast of each image.

    The three steps of the official DiffAugment code, with one random factor
    per image for each, drawn in this order:

    - brightness: `x + b`, `b ~ U(-0.5, 0.5)`;
    - saturation: `(x - m) * s + m`, `s ~ U(0, 2)`, `m` the mean over the
      channels of each pixel (no change for one-channel images);
    - contrast: `(x - m) * c + m`, `c ~ U(0.5, 1.5)`, `m` the mean of the
      whole image.

    The results are not clipped to `[-1, 1]`, as in the official code.

    Args:
        images: float images `(batch, height, width, channels)` in `[-1, 1]`.
        seed: an int, `None` or a `keras.random.SeedGenerator`. Defaults to
            `None`.

    Returns:
        The transformed images, of the same shape and dtype.

    Example:

    >>> images = ops.zeros((3, 4, 4, 3))
    >>> shifted = color(images, seed=0)  # on a flat grey image, only b acts
    >>> bool(ops.all(ops.std(shifted, axis=(1, 2, 3)) < 1e-6))
    True
    """
    images = _images(images)
    seed_b, seed_s, seed_c = _split_seed(seed, 3)
    shape, dtype = (ops.shape(images)[0], 1, 1, 1), images.dtype
    b = keras.random.uniform(shape, -0.5, 0.5, dtype=dtype, seed=seed_b)
    s = keras.random.uniform(shape, 0.0, 2.0, dtype=dtype, seed=seed_s)
    c = keras.random.uniform(shape, 0.5, 1.5, dtype=dtype, seed=seed_c)
    x = images + b
    pixel_mean = ops.mean(x, axis=-1, keepdims=True)  # (B, H, W, 1)
    x = (x - pixel_mean) * s + pixel_mean
    image_mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)  # (B, 1, 1, 1)
    return (x - image_mean) * c + image_mean


_AUGMENTATIONS = {"color": color, "translation": translation, "cutout": cutout}


def parse_policy(policy: str) -> list[str]:
    """Splits and checks a `diff_augment` policy string.

    Args:
        policy: comma-separated names among `"color"`, `"translation"` and
            `"cutout"`.

    Returns:
        The names, in order.

    Example:

    >>> parse_policy("color, cutout")
    ['color', 'cutout']
    """
    if not isinstance(policy, str):
        raise ValueError(
            "Expected `policy` to be a string of comma-separated names among "
            f"{', '.join(map(repr, _AUGMENTATIONS))}. Received: policy={policy!r}"
        )
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in _AUGMENTATIONS]
    if unknown:
        raise ValueError(
            f"Unknown augmentation {unknown[0]!r} in `policy`; valid names are "
            f"{', '.join(map(repr, _AUGMENTATIONS))}, separated by commas. "
            f"Received: policy={policy!r}"
        )
    return names


def diff_augment(
    images,
    policy: str = "color,translation,cutout",
    *,
    fill_value: float = _FILL_VALUE,
    seed: SeedLike = None,
):
    """Applies the DiffAugment transformations named in `policy`, in order.

    Apply it, with the same `policy`, to every batch the discriminator
    sees: the real and the generated images in the discriminator update,
    and the generated images in the generator update (whose gradient then
    flows through the augmentation).

    Args:
        images: float images `(batch, height, width, channels)` in `[-1, 1]`.
        policy: comma-separated names among `"color"`, `"translation"` and
            `"cutout"`, applied in the order given, with their default
            ratios; `""` applies none. Defaults to
            `"color,translation,cutout"`, the paper's choice with little
            data.
        fill_value: value of the pixels that `translation` and `cutout`
            fill. Defaults to -1.0.
        seed: an int, `None` or a `keras.random.SeedGenerator` (in a
            `train_step`, the model's). Defaults to `None`.

    Returns:
        The augmented images, of the same shape and dtype.

    Example:

    >>> images = keras.random.uniform((4, 32, 32, 3), -1.0, 1.0, seed=0)
    >>> seed_generator = keras.random.SeedGenerator(1)
    >>> tuple(diff_augment(images, seed=seed_generator).shape)
    (4, 32, 32, 3)
    >>> tuple(diff_augment(images, "translation,cutout", seed=0).shape)
    (4, 32, 32, 3)
    """
    names = parse_policy(policy)
    images = _images(images)
    for name, name_seed in zip(names, _split_seed(seed, len(names))):
        if name == "color":
            images = color(images, seed=name_seed)
        else:
            images = _AUGMENTATIONS[name](images, fill_value=fill_value, seed=name_seed)
    return images
