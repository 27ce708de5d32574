"""The PatchGAN discriminator of pix2pix and CycleGAN (Isola et al., 2017).

Instead of one logit per image, a fully convolutional network gives one
logit per overlapping patch: output position `(i, j)` sees only a
`receptive field x receptive field` window of the input, and judges
whether that patch looks real. The losses of `tfgan_edu.losses` average
over all patches. The L1 term of pix2pix takes care of the low
frequencies; the PatchGAN only has to model local texture, with fewer
parameters, on images of any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers
from tfgan_edu.networks.unet import check_normalization, normalization_layer

_KERNEL_SIZE = 4


def patchgan_receptive_field(n_layers: int = 3) -> int:
    """The side of the input patch each logit of `patchgan_discriminator` sees.

    Walking back from one output pixel through the convolutions (kernel
    `k = 4`; `n_layers` of stride 2, then two of stride 1), a window of
    side `r` before a layer of stride `s` covers `(r - 1) * s + k` pixels
    after it.

    Args:
        n_layers: stride-2 convolutions of the discriminator. Defaults to 3.

    Returns:
        The side, in input pixels: 16, 34, 70 for 1, 2, 3 layers (70 is the
        "70x70 PatchGAN" of pix2pix).

    Example:

    >>> [patchgan_receptive_field(n) for n in (1, 2, 3)]
    [16, 34, 70]
    """
    _layers.check_positive(n_layers, "n_layers")
    side = 1
    for stride in (1, 1, *([2] * n_layers)):  # from the output back to the input
        side = (side - 1) * stride + _KERNEL_SIZE
    return side


def patchgan_discriminator(
    image_shape: Sequence[int] = (32, 32, 1),
    condition_shape: Sequence[int] | None = None,
    *,
    base_filters: int = 64,
    n_layers: int = 3,
    normalization: str | None = "batch",
    name: str = "patchgan_discriminator",
) -> keras.Model:
    """Builds a PatchGAN discriminator, conditional on an input image or not.

    Conditional (`condition_shape` given, pix2pix): the model takes
    `[condition, image]`, concatenates them along the channels and judges
    whether `image` is a real translation of `condition`: `D(x, y)`.
    Unconditional (CycleGAN): it takes the image alone.

    Layers: `n_layers` `Conv2D` (kernel 4, stride 2, `"same"`) with
    `base_filters * 2^i` channels (at most `8 * base_filters`),
    normalized except the first, LeakyReLU(0.2); one more such
    convolution with stride 1; a last stride-1 `Conv2D` to one channel of
    raw logits (no sigmoid). Each logit sees a
    `patchgan_receptive_field(n_layers)`-pixel square of the input.

    With the defaults on 32x32x1 (unconditional): 32 -> 16 -> 8 -> 4 -> 4
    -> 4x4 logits, 2,763,521 parameters; `base_filters=16, n_layers=2`:
    8x8 logits, 44,449 parameters.

    Args:
        image_shape: `(height, width, channels)` of the judged image;
            height and width must be multiples of `2^n_layers`. Defaults
            to `(32, 32, 1)`.
        condition_shape: `(height, width, channels)` of the condition, with
            the image's height and width; `None` for an unconditional
            discriminator. Defaults to `None`.
        base_filters: channels of the first convolution. Defaults to 64.
        n_layers: stride-2 convolutions. Defaults to 3 (the 70x70 PatchGAN).
        normalization: `"batch"` (pix2pix), `"instance"` (CycleGAN) or
            `None`. Defaults to `"batch"`.
        name: name of the model. Defaults to `"patchgan_discriminator"`.

    Returns:
        A built functional `keras.Model` from `[condition, image]` (or
        `image`) to logits of shape
        `(batch, height / 2^n_layers, width / 2^n_layers, 1)`.

    Example:

    >>> D = patchgan_discriminator((32, 32, 3), condition_shape=(32, 32, 1),
    ...                            base_filters=16, n_layers=2)
    >>> D.output_shape
    (None, 8, 8, 1)
    >>> [tuple(t.shape) for t in D.inputs]
    [(None, 32, 32, 1), (None, 32, 32, 3)]
    """
    image_shape = _check_image_shape(image_shape, "image_shape")
    if condition_shape is not None:
        condition_shape = _check_image_shape(condition_shape, "condition_shape")
        if condition_shape[:2] != image_shape[:2]:
            raise ValueError(
                "Expected the condition and the image to have the same height and "
                f"width. Received: condition_shape={condition_shape}, "
                f"image_shape={image_shape}"
            )
    _layers.check_positive(base_filters, "base_filters")
    _layers.check_positive(n_layers, "n_layers")
    check_normalization(normalization)
    if image_shape[0] % 2**n_layers or image_shape[1] % 2**n_layers:
        raise ValueError(
            f"Expected height and width to be multiples of 2^n_layers = "
            f"{2**n_layers}. Use fewer layers. Received: image_shape={image_shape}, "
            f"n_layers={n_layers}"
        )

    image = keras.Input(shape=image_shape, name="image")
    if condition_shape is None:
        inputs, x = image, image
    else:
        condition = keras.Input(shape=condition_shape, name="condition")
        inputs = [condition, image]
        # (B, H, W, C_cond) + (B, H, W, C) -> (B, H, W, C_cond + C)
        x = keras.layers.Concatenate(name="condition_and_image")(inputs)
    for i in range(n_layers + 1):
        stride = 2 if i < n_layers else 1
        normalize = i > 0 and normalization is not None
        # (B, h, w, c) -> (B, h / stride, w / stride, filters)
        x = keras.layers.Conv2D(
            base_filters * min(2**i, _layers.MAX_FILTER_MULTIPLIER),
            _KERNEL_SIZE,
            strides=stride,
            padding="same",
            use_bias=not normalize,
            kernel_initializer=_layers.init(),
            name=f"conv_{i + 1}",
        )(x)
        if normalize:
            x = normalization_layer(normalization, f"norm_{i + 1}")(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2, name=f"lrelu_{i + 1}")(x)
    # (B, h, w, c) -> (B, h, w, 1): one logit per patch
    logits = keras.layers.Conv2D(
        1,
        _KERNEL_SIZE,
        padding="same",
        kernel_initializer=_layers.init(),
        dtype="float32",
        name="logits",
    )(x)
    return keras.Model(inputs, logits, name=name)


def _check_image_shape(shape, arg: str) -> tuple[int, int, int]:
    shape = _layers.as_shape(shape, arg)
    if len(shape) != 3:
        raise ValueError(
            f"Expected `{arg}` to be (height, width, channels). Received: {arg}={shape!r}"
        )
    return shape
