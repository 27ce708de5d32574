"""The U-Net generator of pix2pix (Isola et al., 2017; Ronneberger et al., 2015).

An encoder halves the resolution `depth` times, a decoder doubles it back,
and a skip connection concatenates every encoder map to the decoder map of
the same size, so fine detail of the input reaches the output without
passing through the bottleneck: in image-to-image translation input and
output share their structure (edges, positions), only their appearance
differs.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers

NORMALIZATIONS: tuple = ("batch", "instance", None)
"""Normalizations `unet_generator` and `patchgan_discriminator` accept."""


def normalization_layer(normalization: str | None, name: str) -> keras.layers.Layer:
    """A fresh normalization layer: batch, instance, or none (identity).

    Instance normalization (Ulyanov et al., 2016), used by CycleGAN, is
    group normalization with one group per channel: each image and
    channel is normalized over height and width.

    Args:
        normalization: `"batch"`, `"instance"` or `None`.
        name: name of the layer.

    Returns:
        A `keras.layers.Layer`.

    Example:

    >>> type(normalization_layer("instance", "norm")).__name__
    'GroupNormalization'
    """
    if normalization == "batch":
        return _layers.batch_normalization(name)
    if normalization == "instance":
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    return keras.layers.Identity(name=name)


def check_normalization(normalization: object) -> None:
    """Raises a `ValueError` unless `normalization` is one of `NORMALIZATIONS`."""
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            "Expected `normalization` to be 'batch', 'instance' or None. "
            f"Received: normalization={normalization!r}"
        )


def unet_generator(
    image_shape: Sequence[int] = (32, 32, 1),
    output_channels: int | None = None,
    *,
    base_filters: int = 32,
    depth: int = 4,
    dropout: float = 0.5,
    normalization: str | None = "batch",
    name: str = "unet_generator",
) -> keras.Model:
    """Builds the U-Net generator of pix2pix, sized for small images.

    Encoder block `i` (`i = 1..depth`): `Conv2D` (kernel 4, stride 2,
    `"same"`) with `base_filters * 2^(i-1)` channels (at most
    `8 * base_filters`), normalization (not in the first block, nor in
    the innermost one, whose map may be 1x1), LeakyReLU(0.2). Decoder
    block `i` (from the innermost): `Conv2DTranspose` (kernel 4, stride 2)
    to the channels of encoder block `i - 1`, normalization, dropout in
    the three innermost decoder blocks (pix2pix's only source of noise;
    active in training only), ReLU, then concatenation with the
    encoder's map of the same size. A last `Conv2DTranspose` with `tanh`
    gives the output image in [-1, 1]. Kernels start from N(0, 0.02).

    With the defaults on 32x32x1: 32 -> 16 -> 8 -> 4 -> 2 -> 4 -> 8 ->
    16 -> 32, 32/64/128/256 channels down, 1,543,585 parameters;
    `base_filters=16, depth=3` (32 -> 4 -> 32): 91,281.

    Args:
        image_shape: `(height, width, channels)` of the input; height and
            width must be multiples of `2^depth`. Defaults to `(32, 32, 1)`.
        output_channels: channels of the output, e.g. 3 to colorize a
            1-channel input. Defaults to `None`: as many as the input.
        base_filters: channels of the first encoder block. Defaults to 32.
        depth: number of stride-2 encoder (and decoder) blocks. Defaults
            to 4.
        dropout: dropout rate of the three innermost decoder blocks, in
            [0, 1); 0 turns it off. Defaults to 0.5, as in pix2pix.
        normalization: `"batch"` (pix2pix), `"instance"` (CycleGAN) or
            `None`. Defaults to `"batch"`.
        name: name of the model. Defaults to `"unet_generator"`.

    Returns:
        A built functional `keras.Model` from `(batch, H, W, C)` images to
        `(batch, H, W, output_channels)` images in [-1, 1].

    Example:

    >>> G = unet_generator((32, 32, 1))
    >>> G.output_shape, G.count_params()
    ((None, 32, 32, 1), 1543585)
    >>> unet_generator((32, 32, 1), output_channels=3, base_filters=8).output_shape
    (None, 32, 32, 3)
    """
    image_shape = _layers.as_shape(image_shape, "image_shape")
    if len(image_shape) != 3:
        raise ValueError(
            "Expected `image_shape` to be (height, width, channels). "
            f"Received: image_shape={image_shape!r}"
        )
    _layers.check_positive(base_filters, "base_filters")
    _layers.check_positive(depth, "depth")
    if output_channels is not None:
        _layers.check_positive(output_channels, "output_channels")
    _check_rate(dropout)
    check_normalization(normalization)
    height, width, channels = image_shape
    if height % 2**depth or width % 2**depth:
        raise ValueError(
            f"Expected height and width to be multiples of 2^depth = {2**depth}, "
            f"so that every stride-2 block halves the map exactly. Use a smaller "
            f"`depth`. Received: image_shape={image_shape}, depth={depth}"
        )
    output_channels = output_channels or channels

    def filters(i):
        return base_filters * min(2 ** (i - 1), _layers.MAX_FILTER_MULTIPLIER)

    inputs = keras.Input(shape=image_shape, name="images")
    x = inputs
    skips = []
    for i in range(1, depth + 1):
        # (B, h, w, c) -> (B, h / 2, w / 2, filters(i))
        x = keras.layers.Conv2D(
            filters(i),
            4,
            strides=2,
            padding="same",
            use_bias=not (1 < i < depth and normalization),
            kernel_initializer=_layers.init(),
            name=f"down_{i}_conv",
        )(x)
        if 1 < i < depth:
            x = normalization_layer(normalization, f"down_{i}_norm")(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2, name=f"down_{i}_lrelu")(x)
        skips.append(x)

    for i in range(depth, 1, -1):
        # (B, h, w, c) -> (B, 2h, 2w, filters(i - 1)), then concatenated
        # with the encoder's map of that size: 2 * filters(i - 1) channels.
        x = keras.layers.Conv2DTranspose(
            filters(i - 1),
            4,
            strides=2,
            padding="same",
            use_bias=not normalization,
            kernel_initializer=_layers.init(),
            name=f"up_{i}_conv",
        )(x)
        x = normalization_layer(normalization, f"up_{i}_norm")(x)
        if dropout and i > depth - 3:
            x = keras.layers.Dropout(dropout, name=f"up_{i}_dropout")(x)
        x = keras.layers.ReLU(name=f"up_{i}_relu")(x)
        x = keras.layers.Concatenate(name=f"up_{i}_skip")([x, skips[i - 2]])
    # (B, H / 2, W / 2, 2 * base_filters) -> (B, H, W, output_channels)
    outputs = keras.layers.Conv2DTranspose(
        output_channels,
        4,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=_layers.init(),
        name="to_image",
    )(x)
    return keras.Model(inputs, outputs, name=name)


def _check_rate(dropout: object) -> None:
    if (
        isinstance(dropout, bool)
        or not isinstance(dropout, numbers.Real)
        or not 0 <= dropout < 1
    ):
        raise ValueError(
            f"Expected `dropout` to be a number in [0, 1). Received: dropout={dropout!r}"
        )
