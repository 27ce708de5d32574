"""Checks, layers and DCGAN stacks shared by the network builders.

Every name here is public within the package: the network modules import
them as this module's API (`from tfgan_edu.networks import _layers`).

Example:

>>> as_shape(2, "output_shape")
(2,)
>>> check_image_shape((28, 28, 1), "dcgan_generator")
((28, 28, 1), 7, 2)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import keras

from tfgan_edu.networks.fused_batch_norm import FusedBatchNormalization

ActivationLike = str | Callable | keras.layers.Layer
"""An activation: a name, a callable or a layer instance."""

BASE_SIZE = {28: 7, 32: 4, 64: 4}
"""Side of the first (generator) or last (discriminator) DCGAN feature map.

Keyed by image side; each stride-2 layer doubles or halves it.
"""

SUPPORTED_IMAGE_SHAPES = tuple(
    (size, size, channels) for size in BASE_SIZE for channels in (1, 3)
)
"""Image shapes the DCGAN-shaped builders accept (`dcgan.SUPPORTED_IMAGE_SHAPES`)."""

DCGAN_NORMALIZATIONS = ("batch", "layer", None)
"""Normalizations `dcgan_discriminator` and its relatives accept."""

# Keras' default BatchNormalization momentum (0.99) makes the moving
# statistics lag far behind short runs; 0.9 matches the reference DCGAN code.
BN_MOMENTUM = 0.9
"""Momentum of every `BatchNormalization` layer of the networks."""

MAX_FILTER_MULTIPLIER = 8
"""U-Net and PatchGAN filters stop doubling at this multiple of `base_filters`."""


def is_positive_int(value: object) -> bool:
    """Whether `value` is an int (not a bool) greater than zero."""
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value > 0
    )


def as_shape(shape: int | Sequence[int], arg: str) -> tuple[int, ...]:
    """Returns `shape` as a tuple of positive ints, or raises a `ValueError`."""
    dims = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if not dims or not all(is_positive_int(d) for d in dims):
        raise ValueError(
            f"`{arg}` must be a positive int or a non-empty tuple of positive "
            f"ints. Received: {arg}={shape!r}"
        )
    return tuple(int(d) for d in dims)


def check_positive(value: int, arg: str) -> None:
    """Raises a `ValueError` unless `value` is a positive int."""
    if not is_positive_int(value):
        raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={value!r}")


def check_units(hidden_units: Sequence[int]) -> tuple[int, ...]:
    """Returns `hidden_units` as a tuple of positive ints, or raises a `ValueError`."""
    units = tuple(hidden_units)
    if not all(is_positive_int(u) for u in units):
        raise ValueError(
            "`hidden_units` must be a sequence of positive ints. "
            f"Received: hidden_units={hidden_units!r}"
        )
    return units


def check_bool(value: object, arg: str) -> None:
    """Raises a `ValueError` unless `value` is `True` or `False`."""
    if not isinstance(value, bool):
        raise ValueError(f"`{arg}` must be True or False. Received: {arg}={value!r}")


def activation_layer(activation: ActivationLike, name: str) -> keras.layers.Layer:
    """A fresh activation layer for `activation` (a name, callable or layer).

    A layer instance is copied from its config, so one instance passed by the
    caller never ends up shared between positions or models.
    """
    if isinstance(activation, keras.layers.Layer):
        config = activation.get_config()
        config["name"] = name
        return activation.__class__.from_config(config)
    return keras.layers.Activation(activation, name=name)


def spectral_normalized(
    layer: keras.layers.Layer, spectral_norm: bool
) -> keras.layers.Layer:
    """`layer`, or `layer` wrapped in `SpectralNormalization` under its name.

    The wrapper takes the name of the layer it wraps, so `get_layer(name)`
    finds the same position with or without spectral normalization, and
    `get_layer(name).kernel` is the (normalized) kernel in both cases, and
    the dtype policy of the layer it wraps (a logit layer computes in
    float32 under a mixed-precision policy, wrapped or not).
    """
    if not spectral_norm:
        return layer
    return keras.layers.SpectralNormalization(
        layer, power_iterations=1, dtype=layer.dtype_policy, name=layer.name
    )


def batch_normalization(name: str, fused: bool = False) -> keras.layers.Layer:
    """A batch normalization layer of the networks, momentum `BN_MOMENTUM`.

    `keras.layers.BatchNormalization`, or with `fused=True` the same layer
    computed by TensorFlow's fused kernel (`FusedBatchNormalization`).
    """
    layer = FusedBatchNormalization if fused else keras.layers.BatchNormalization
    return layer(momentum=BN_MOMENTUM, name=name)


def init() -> keras.initializers.Initializer:
    """The weight initializer of the DCGAN paper: N(0, 0.02)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def check_image_shape(
    image_shape: Sequence[int], caller: str
) -> tuple[tuple[int, int, int], int, int]:
    """Returns `(shape, s, n)`: n stride-2 layers link an s x s map to `shape`."""
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape not in SUPPORTED_IMAGE_SHAPES:
        raise ValueError(
            f"`{caller}` supports `image_shape` in "
            f"{', '.join(str(s) for s in SUPPORTED_IMAGE_SHAPES)}. "
            f"Received: image_shape={image_shape!r}"
        )
    base = BASE_SIZE[shape[0]]
    return shape, base, (shape[0] // base).bit_length() - 1


def dcgan_upsampling(
    z: keras.KerasTensor,
    size: int,
    n_up: int,
    base_filters: int,
    fused_batch_norm: bool = False,
) -> keras.KerasTensor:
    """The hidden layers of `dcgan_generator`: `z` to `(B, H/2, W/2, base_filters)`."""
    filters = base_filters * 2 ** (n_up - 1)
    # (B, latent_dim) -> (B, s, s, filters)
    x = keras.layers.Dense(
        size * size * filters,
        use_bias=False,
        kernel_initializer=init(),
        name="project",
    )(z)
    x = keras.layers.Reshape((size, size, filters), name="reshape")(x)
    x = batch_normalization("project_bn", fused_batch_norm)(x)
    x = keras.layers.ReLU(name="project_relu")(x)
    for i in range(1, n_up):
        filters //= 2
        # (B, s, s, f) -> (B, 2s, 2s, f / 2)
        x = keras.layers.Conv2DTranspose(
            filters,
            4,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=init(),
            name=f"up_{i}_conv",
        )(x)
        x = batch_normalization(f"up_{i}_bn", fused_batch_norm)(x)
        x = keras.layers.ReLU(name=f"up_{i}_relu")(x)
    return x


def dcgan_features(
    x: keras.KerasTensor,
    base_filters: int,
    n_down: int,
    normalization: str | None,
    spectral_norm: bool,
    fused_batch_norm: bool = False,
) -> keras.KerasTensor:
    """The convolutions of `dcgan_discriminator`, flattened: `phi(x)`, `(B, F)`."""
    filters = base_filters
    for i in range(1, n_down + 1):
        normalize = i > 1 and normalization is not None
        # (B, h, w, c) -> (B, h / 2, w / 2, filters)
        conv = keras.layers.Conv2D(
            filters,
            4,
            strides=2,
            padding="same",
            use_bias=not normalize,
            kernel_initializer=init(),
            name=f"down_{i}_conv",
        )
        x = spectral_normalized(conv, spectral_norm)(x)
        if normalize and normalization == "batch":
            x = batch_normalization(f"down_{i}_bn", fused_batch_norm)(x)
        elif normalize:
            x = keras.layers.LayerNormalization(axis=(1, 2, 3), name=f"down_{i}_ln")(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2, name=f"down_{i}_lrelu")(x)
        filters *= 2
    return keras.layers.Flatten(name="flatten")(x)
