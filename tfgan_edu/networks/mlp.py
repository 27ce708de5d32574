"""Fully connected generator and discriminator (Goodfellow et al., 2014)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import keras

ActivationLike = str | Callable | keras.layers.Layer


def _is_positive_int(value: object) -> bool:
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value > 0
    )


def _as_shape(shape: int | Sequence[int], arg: str) -> tuple[int, ...]:
    """Returns `shape` as a tuple of positive ints, or raises a `ValueError`."""
    dims = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if not dims or not all(_is_positive_int(d) for d in dims):
        raise ValueError(
            f"`{arg}` must be a positive int or a non-empty tuple of positive "
            f"ints. Received: {arg}={shape!r}"
        )
    return tuple(int(d) for d in dims)


def _check_positive(value: int, arg: str) -> None:
    if not _is_positive_int(value):
        raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={value!r}")


def _check_units(hidden_units: Sequence[int]) -> tuple[int, ...]:
    units = tuple(hidden_units)
    if not all(_is_positive_int(u) for u in units):
        raise ValueError(
            "`hidden_units` must be a sequence of positive ints. "
            f"Received: hidden_units={hidden_units!r}"
        )
    return units


def _activation_layer(activation: ActivationLike, name: str) -> keras.layers.Layer:
    """A fresh activation layer for `activation` (a name, callable or layer).

    A layer instance is copied from its config, so one instance passed by the
    caller never ends up shared between positions or models.
    """
    if isinstance(activation, keras.layers.Layer):
        config = activation.get_config()
        config["name"] = name
        return activation.__class__.from_config(config)
    return keras.layers.Activation(activation, name=name)


def mlp_generator(
    latent_dim: int,
    output_shape: int | Sequence[int],
    *,
    hidden_units: Sequence[int] = (256, 256),
    activation: ActivationLike = "relu",
    output_activation: ActivationLike | None = None,
    name: str = "mlp_generator",
) -> keras.Model:
    """Builds the fully connected generator of Goodfellow et al. (2014).

    Noise `z` of shape `(batch, latent_dim)` goes through `Dense` layers
    with `activation`, then one `Dense` layer with `prod(output_shape)`
    units, reshaped to `(batch, *output_shape)`.

    The default output activation depends on the data: linear for vectors
    (`output_shape` of rank 1, such as 2-D toy points, which are not
    bounded) and `"tanh"` for images (rank 2 or 3, such as `(32, 32, 1)`),
    whose pixels this package keeps in `[-1, 1]`. So an image-shaped
    `mlp_generator` pairs with `dcgan_discriminator` as it is.

    Args:
        latent_dim: size of the noise vector `z`.
        output_shape: shape of one sample, e.g. `(2,)` or `(28, 28, 1)`; an
            int means a vector.
        hidden_units: units of the hidden `Dense` layers. Defaults to
            `(256, 256)`.
        activation: activation of the hidden layers: a name, a callable or a
            layer instance (copied for each use). Defaults to `"relu"`.
        output_activation: activation of the output layer. Defaults to
            `None`: linear for vectors, `"tanh"` for images.
        name: name of the model. Defaults to `"mlp_generator"`.

    Returns:
        A built functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *output_shape)`.

    Example:

    >>> G = mlp_generator(latent_dim=16, output_shape=(2,))
    >>> G.output_shape
    (None, 2)
    >>> mlp_generator(64, (28, 28, 1), hidden_units=(32,)).output_shape
    (None, 28, 28, 1)
    """
    _check_positive(latent_dim, "latent_dim")
    output_shape = _as_shape(output_shape, "output_shape")
    hidden_units = _check_units(hidden_units)
    if output_activation is None:
        output_activation = "linear" if len(output_shape) == 1 else "tanh"

    z = keras.Input(shape=(latent_dim,), name="z")
    x = z
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, name=f"dense_{i}")(x)
        x = _activation_layer(activation, name=f"activation_{i}")(x)
    x = keras.layers.Dense(math.prod(output_shape), name="dense_out")(x)
    x = _activation_layer(output_activation, name="activation_out")(x)
    outputs = keras.layers.Reshape(output_shape, name="reshape")(x)
    return keras.Model(z, outputs, name=name)


def mlp_discriminator(
    input_shape: int | Sequence[int],
    *,
    hidden_units: Sequence[int] = (256, 256),
    activation: ActivationLike = "leaky_relu",
    name: str = "mlp_discriminator",
) -> keras.Model:
    """Builds the fully connected discriminator of Goodfellow et al. (2014).

    A sample is flattened and goes through `Dense` layers with `activation`,
    then a final `Dense(1)` that returns a raw logit (no sigmoid): the losses
    of `tfgan_edu.losses` take logits.

    Args:
        input_shape: shape of one sample, e.g. `(2,)` or `(28, 28, 1)`; an
            int means a vector.
        hidden_units: units of the hidden `Dense` layers. Defaults to
            `(256, 256)`.
        activation: activation of the hidden layers: a name, a callable or a
            layer instance (copied for each use). Defaults to
            `"leaky_relu"`, Keras' leaky ReLU with negative slope 0.2 (the
            same as `keras.layers.LeakyReLU(0.2)`).
        name: name of the model. Defaults to `"mlp_discriminator"`.

    Returns:
        A built functional `keras.Model` from `(batch, *input_shape)` to
        logits of shape `(batch, 1)`.

    Example:

    >>> D = mlp_discriminator(input_shape=(2,))
    >>> D.output_shape
    (None, 1)
    """
    input_shape = _as_shape(input_shape, "input_shape")
    hidden_units = _check_units(hidden_units)

    inputs = keras.Input(shape=input_shape, name="x")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, name=f"dense_{i}")(x)
        x = _activation_layer(activation, name=f"activation_{i}")(x)
    logits = keras.layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, logits, name=name)
