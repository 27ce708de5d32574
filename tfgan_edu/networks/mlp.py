"""Fully connected generator and discriminator (Goodfellow et al., 2014).

`mlp_discriminator(..., spectral_norm=True)` wraps every `Dense` layer in
`keras.layers.SpectralNormalization` (Miyato et al., 2018), which keeps the
largest singular value of each kernel near 1: with 1-Lipschitz activations
(such as the default leaky ReLU) the whole discriminator is then about
1-Lipschitz.

Each builder creates its weights under the name scope of its `name`, so
their paths read `mlp_generator/dense_1/kernel` (the layer names are unchanged):
a GAN's two networks have distinct weight paths, and
`keras.callbacks.TensorBoard(histogram_freq=...)` writes their histograms
under distinct tags.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers

ActivationLike = _layers.ActivationLike
"""An activation: a name, a callable or a layer instance."""


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
    _layers.check_positive(latent_dim, "latent_dim")
    output_shape = _layers.as_shape(output_shape, "output_shape")
    hidden_units = _layers.check_units(hidden_units)
    if output_activation is None:
        output_activation = "linear" if len(output_shape) == 1 else "tanh"

    # Weights under the network's name scope (`<name>/dense_1/kernel`), so
    # the two networks of a GAN have distinct weight paths.
    with keras.name_scope(name):
        z = keras.Input(shape=(latent_dim,), name="z")
        x = z
        for i, units in enumerate(hidden_units, start=1):
            x = keras.layers.Dense(units, name=f"dense_{i}")(x)
            x = _layers.activation_layer(activation, name=f"activation_{i}")(x)
        x = keras.layers.Dense(math.prod(output_shape), name="dense_out")(x)
        x = _layers.activation_layer(output_activation, name="activation_out")(x)
        outputs = keras.layers.Reshape(output_shape, name="reshape")(x)
        return keras.Model(z, outputs, name=name)


def mlp_discriminator(
    input_shape: int | Sequence[int],
    *,
    hidden_units: Sequence[int] = (256, 256),
    activation: ActivationLike = "leaky_relu",
    spectral_norm: bool = False,
    name: str = "mlp_discriminator",
) -> keras.Model:
    """Builds the fully connected discriminator of Goodfellow et al. (2014).

    A sample is flattened and goes through `Dense` layers with `activation`,
    then a final `Dense(1)` that returns a raw logit (no sigmoid): the losses
    of `tfgan_edu.losses` take logits.

    With `spectral_norm=True` every `Dense` layer, the logit layer included,
    is wrapped in `keras.layers.SpectralNormalization` (Miyato et al., 2018;
    one power iteration per call). Keras' layer normalizes in place: each
    call with `training=True` runs one power iteration to estimate the
    largest singular value `sigma` of the kernel, then divides the stored
    kernel by `sigma`, so the optimizer steps on the normalized kernel
    (Miyato et al. instead differentiate through `W / sigma(W)`). Calls with
    `training=False` use the kernel as stored. A wrapped layer keeps its
    name (`D.get_layer("logit").kernel` still works) and adds its power
    iteration vector `u` of shape `(1, units)` as a non-trainable weight:
    `count_params()` grows by `sum(hidden_units) + 1`.

    Args:
        input_shape: shape of one sample, e.g. `(2,)` or `(28, 28, 1)`; an
            int means a vector.
        hidden_units: units of the hidden `Dense` layers. Defaults to
            `(256, 256)`.
        activation: activation of the hidden layers: a name, a callable or a
            layer instance (copied for each use). Defaults to
            `"leaky_relu"`, Keras' leaky ReLU with negative slope 0.2 (the
            same as `keras.layers.LeakyReLU(0.2)`).
        spectral_norm: whether to wrap every `Dense` layer in
            `keras.layers.SpectralNormalization`. Defaults to `False`.
        name: name of the model. Defaults to `"mlp_discriminator"`.

    Returns:
        A built functional `keras.Model` from `(batch, *input_shape)` to
        logits of shape `(batch, 1)`.

    Example:

    >>> D = mlp_discriminator(input_shape=(2,))
    >>> D.output_shape
    (None, 1)
    >>> D_sn = mlp_discriminator((2,), hidden_units=(8,), spectral_norm=True)
    >>> type(D_sn.get_layer("logit")).__name__
    'SpectralNormalization'
    >>> D_sn.count_params()  # 33 trainable + u vectors of 8 and 1
    42
    """
    input_shape = _layers.as_shape(input_shape, "input_shape")
    hidden_units = _layers.check_units(hidden_units)
    _layers.check_bool(spectral_norm, "spectral_norm")

    # Weights under the network's name scope (`<name>/dense_1/kernel`), so
    # the two networks of a GAN have distinct weight paths.
    with keras.name_scope(name):
        inputs = keras.Input(shape=input_shape, name="x")
        x = keras.layers.Flatten(name="flatten")(inputs)
        for i, units in enumerate(hidden_units, start=1):
            dense = keras.layers.Dense(units, name=f"dense_{i}")
            x = _layers.spectral_normalized(dense, spectral_norm)(x)
            x = _layers.activation_layer(activation, name=f"activation_{i}")(x)
        logit = keras.layers.Dense(1, dtype="float32", name="logit")
        logits = _layers.spectral_normalized(logit, spectral_norm)(x)
        return keras.Model(inputs, logits, name=name)
