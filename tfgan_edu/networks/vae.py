"""Encoders and decoders for variational autoencoders (Kingma & Welling, 2014).

An encoder maps a sample `x` to the parameters of the approximate posterior
`q(z | x) = N(mean, diag(exp(log_var)))`, returned as one tensor of shape
`(batch, 2 * latent_dim)`: the means first, then the log-variances. A
decoder maps `z` to the parameters of `p(x | z)`, with the shape of a
sample, in the form its `likelihood` needs:

- `"bernoulli"`: logits of pixel intensities (no activation; the model
  applies the sigmoid);
- `"gaussian"`: the mean, through `tanh` for images (pixels live in
  `[-1, 1]`) and linear for vectors.

The convolutional pair mirrors DCGAN (`tfgan_edu.networks.dcgan`): the
encoder is the discriminator's convolution stack with a `Dense` head of
`2 * latent_dim` units instead of one logit, and the decoder is the
generator's upsampling stack with its last layer's activation set by the
likelihood. With `likelihood="gaussian"`, `conv_decoder` has the layers of
`dcgan_generator`, so one network can be both a VAE decoder and a GAN
generator (as in `tfgan_edu.VAEGAN`).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers
from tfgan_edu.networks.mlp import ActivationLike, mlp_generator

LIKELIHOODS = ("bernoulli", "gaussian")
"""The observation models a decoder can parameterize."""


def check_likelihood(likelihood: str) -> str:
    """Returns `likelihood` if it is one of `LIKELIHOODS`, else raises."""
    if likelihood not in LIKELIHOODS:
        raise ValueError(
            f"Expected `likelihood` to be one of {LIKELIHOODS}. "
            f"Received: likelihood={likelihood!r}"
        )
    return likelihood


def _posterior_head(x: keras.KerasTensor, latent_dim: int) -> keras.KerasTensor:
    # (B, F) -> (B, 2 * latent_dim): [mean, log_var]
    return keras.layers.Dense(
        2 * latent_dim, kernel_initializer=_layers.init(), name="posterior"
    )(x)


def conv_encoder(
    image_shape: Sequence[int] = (32, 32, 1),
    latent_dim: int = 16,
    *,
    base_filters: int = 32,
    normalization: str | None = None,
    name: str = "conv_encoder",
) -> keras.Model:
    """Builds a convolutional VAE encoder shaped like the DCGAN discriminator.

    Stride-2 `Conv2D` layers (kernel 4, `"same"` padding) with
    LeakyReLU(0.2) halve the resolution and double the channels from
    `base_filters` down to an `s x s` map (`s = 7` for 28x28 images, 4 for
    32x32 and 64x64), exactly as in `dcgan_discriminator`; a `Dense` layer
    named `"posterior"` on the flattened map returns the posterior's means
    and log-variances.

    Normalization is off by default: batch normalization would make an
    image's code depend on the rest of its batch in training but not in
    `evaluate`, which blurs the comparison of bounds.

    Args:
        image_shape: `(height, width, channels)`, one of `(28, 28, c)`,
            `(32, 32, c)`, `(64, 64, c)` with `c` 1 or 3. Defaults to
            `(32, 32, 1)`.
        latent_dim: size of `z`. Defaults to 16.
        base_filters: channels of the first convolution; each next one has
            twice as many. Defaults to 32.
        normalization: `"batch"`, `"layer"` or `None`. Defaults to `None`.
        name: name of the model. Defaults to `"conv_encoder"`.

    Returns:
        A built functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 2 * latent_dim)`: `[mean, log_var]`.

    Example:

    >>> E = conv_encoder((32, 32, 1), latent_dim=8, base_filters=8)
    >>> E.output_shape
    (None, 16)
    """
    _layers.check_positive(latent_dim, "latent_dim")
    _layers.check_positive(base_filters, "base_filters")
    if normalization not in _layers.DCGAN_NORMALIZATIONS:
        raise ValueError(
            "`normalization` must be one of 'batch', 'layer' or None. "
            f"Received: normalization={normalization!r}"
        )
    image_shape, _, n_down = _layers.check_image_shape(image_shape, "conv_encoder")
    images = keras.Input(shape=image_shape, name="images")
    features = _layers.dcgan_features(
        images, base_filters, n_down, normalization, spectral_norm=False
    )
    return keras.Model(images, _posterior_head(features, latent_dim), name=name)


def conv_decoder(
    latent_dim: int = 16,
    image_shape: Sequence[int] = (32, 32, 1),
    *,
    likelihood: str = "bernoulli",
    base_filters: int = 32,
    name: str = "conv_decoder",
) -> keras.Model:
    """Builds a convolutional VAE decoder shaped like the DCGAN generator.

    `z` goes through the layers of `dcgan_generator` (a `Dense` projection
    to an `s x s` map, then stride-2 `Conv2DTranspose` layers with batch
    normalization and ReLU) up to a last stride-2 `Conv2DTranspose` to the
    image channels, named `"to_image"`. Its activation depends on
    `likelihood`: none for `"bernoulli"` (the outputs are logits of pixel
    intensities in `[0, 1]`), `tanh` for `"gaussian"` (the outputs are
    pixel means in `[-1, 1]`; the network is then layer for layer a
    `dcgan_generator`).

    Args:
        latent_dim: size of `z`. Defaults to 16.
        image_shape: `(height, width, channels)`, one of `(28, 28, c)`,
            `(32, 32, c)`, `(64, 64, c)` with `c` 1 or 3. Defaults to
            `(32, 32, 1)`.
        likelihood: `"bernoulli"` (logits) or `"gaussian"` (tanh means).
            Defaults to `"bernoulli"`.
        base_filters: channels of the last hidden feature map; each layer
            before it has twice as many. Defaults to 32.
        name: name of the model. Defaults to `"conv_decoder"`.

    Returns:
        A built functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.

    Example:

    >>> D = conv_decoder(8, (28, 28, 1), base_filters=8)
    >>> D.output_shape
    (None, 28, 28, 1)
    >>> D.get_layer("to_image").activation.__name__
    'linear'
    """
    _layers.check_positive(latent_dim, "latent_dim")
    _layers.check_positive(base_filters, "base_filters")
    check_likelihood(likelihood)
    image_shape, size, n_up = _layers.check_image_shape(image_shape, "conv_decoder")
    z = keras.Input(shape=(latent_dim,), name="z")
    x = _layers.dcgan_upsampling(z, size, n_up, base_filters)
    # (B, H / 2, W / 2, base_filters) -> (B, H, W, channels)
    outputs = keras.layers.Conv2DTranspose(
        image_shape[-1],
        4,
        strides=2,
        padding="same",
        activation="tanh" if likelihood == "gaussian" else None,
        kernel_initializer=_layers.init(),
        name="to_image",
    )(x)
    return keras.Model(z, outputs, name=name)


def mlp_encoder(
    input_shape: int | Sequence[int],
    latent_dim: int = 2,
    *,
    hidden_units: Sequence[int] = (128, 128),
    activation: ActivationLike = "relu",
    name: str = "mlp_encoder",
) -> keras.Model:
    """Builds a fully connected VAE encoder.

    A sample is flattened and goes through `Dense` layers with
    `activation`; a `Dense` layer named `"posterior"` returns the
    posterior's means and log-variances.

    Args:
        input_shape: shape of one sample, e.g. `(2,)`; an int means a vector.
        latent_dim: size of `z`. Defaults to 2.
        hidden_units: units of the hidden layers. Defaults to `(128, 128)`.
        activation: activation of the hidden layers (a name, callable or
            layer, copied for each use). Defaults to `"relu"`.
        name: name of the model. Defaults to `"mlp_encoder"`.

    Returns:
        A built functional `keras.Model` from `(batch, *input_shape)` to
        `(batch, 2 * latent_dim)`: `[mean, log_var]`.

    Example:

    >>> mlp_encoder((2,), latent_dim=2, hidden_units=(16,)).output_shape
    (None, 4)
    """
    input_shape = _layers.as_shape(input_shape, "input_shape")
    _layers.check_positive(latent_dim, "latent_dim")
    hidden_units = _layers.check_units(hidden_units)
    inputs = keras.Input(shape=input_shape, name="x")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, name=f"dense_{i}")(x)
        x = _layers.activation_layer(activation, name=f"activation_{i}")(x)
    return keras.Model(inputs, _posterior_head(x, latent_dim), name=name)


def mlp_decoder(
    latent_dim: int,
    output_shape: int | Sequence[int],
    *,
    likelihood: str = "gaussian",
    hidden_units: Sequence[int] = (128, 128),
    activation: ActivationLike = "relu",
    name: str = "mlp_decoder",
) -> keras.Model:
    """Builds a fully connected VAE decoder (an `mlp_generator`).

    The output layer is linear for `"bernoulli"` (logits) and for
    `"gaussian"` vectors (unbounded means), `tanh` for `"gaussian"` images.

    Args:
        latent_dim: size of `z`.
        output_shape: shape of one sample, e.g. `(2,)`; an int means a
            vector.
        likelihood: `"bernoulli"` or `"gaussian"`. Defaults to
            `"gaussian"`.
        hidden_units: units of the hidden layers. Defaults to `(128, 128)`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        name: name of the model. Defaults to `"mlp_decoder"`.

    Returns:
        A built functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *output_shape)`.

    Example:

    >>> mlp_decoder(2, (2,), hidden_units=(16,)).output_shape
    (None, 2)
    """
    check_likelihood(likelihood)
    output_shape = _layers.as_shape(output_shape, "output_shape")
    if likelihood == "bernoulli" or len(output_shape) == 1:
        output_activation = "linear"
    else:
        output_activation = "tanh"
    return mlp_generator(
        latent_dim,
        output_shape,
        hidden_units=hidden_units,
        activation=activation,
        output_activation=output_activation,
        name=name,
    )
