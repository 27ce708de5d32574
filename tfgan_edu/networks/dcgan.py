"""Convolutional generator and discriminator of DCGAN (Radford et al., 2016).

`dcgan_discriminator(..., spectral_norm=True, normalization=None)` is the
DCGAN-shaped discriminator of SNGAN (Miyato et al., 2018): every `Conv2D`
and the logit `Dense` are wrapped in `keras.layers.SpectralNormalization`,
and there is no batch normalization.

Each builder creates its weights under the name scope of its `name`, so
their paths read `dcgan_discriminator/logit/kernel` (the layer names are unchanged):
a GAN's two networks have distinct weight paths, and
`keras.callbacks.TensorBoard(histogram_freq=...)` writes their histograms
under distinct tags.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers

SUPPORTED_IMAGE_SHAPES = _layers.SUPPORTED_IMAGE_SHAPES
"""Image shapes `dcgan_generator` and `dcgan_discriminator` accept."""


def dcgan_generator(
    latent_dim: int,
    image_shape: Sequence[int] = (32, 32, 1),
    *,
    base_filters: int = 64,
    fused_batch_norm: bool = False,
    name: str = "dcgan_generator",
) -> keras.Model:
    """Builds the DCGAN generator of Radford et al. (2016).

    Noise `z` goes through a `Dense` layer reshaped to an `s x s` feature
    map (`s = 7` for 28x28 images, 4 for 32x32 and 64x64), then stride-2
    `Conv2DTranspose` layers (kernel 4, `"same"` padding), each followed by
    batch normalization and ReLU, that double the resolution and halve the
    channels down to `base_filters`; a last stride-2 `Conv2DTranspose` to
    the image channels with `tanh` gives pixels in `[-1, 1]`. Kernels are
    initialized from N(0, 0.02) as in the paper.

    Parameters with `base_filters=64` and `latent_dim=64` (measured; add
    `s * s * C` per extra latent dimension, C the first map's channels):
    28x28x1: 534,273 (7x7x128 -> 14x14x64 -> 28x28x1);
    32x32x1: 920,321 (4x4x256 -> 8x8x128 -> 16x16x64 -> 32x32x1);
    64x64x3: 3,283,715 (4x4x512 -> 8x8x256 -> ... -> 32x32x64 -> 64x64x3).

    Args:
        latent_dim: size of the noise vector `z`.
        image_shape: `(height, width, channels)` of the images, one of
            `(28, 28, c)`, `(32, 32, c)`, `(64, 64, c)` with `c` 1 or 3.
            Defaults to `(32, 32, 1)`.
        base_filters: channels of the last hidden feature map; each layer
            before it has twice as many as the next. Defaults to 64.
        fused_batch_norm: compute the batch normalization with
            TensorFlow's fused kernel (`FusedBatchNormalization`: the same
            function and weights, within float32 rounding). Defaults to
            `False`; `benchmarks/throughput.py` measures both.
        name: name of the model. Defaults to `"dcgan_generator"`.

    Returns:
        A built functional `keras.Model` from `(batch, latent_dim)` to
        images of shape `(batch, *image_shape)` in `[-1, 1]`.

    Example:

    >>> G = dcgan_generator(latent_dim=64, image_shape=(32, 32, 1))
    >>> G.output_shape
    (None, 32, 32, 1)
    >>> G.count_params()
    920321
    """
    _layers.check_positive(latent_dim, "latent_dim")
    _layers.check_positive(base_filters, "base_filters")
    _layers.check_bool(fused_batch_norm, "fused_batch_norm")
    image_shape, size, n_up = _layers.check_image_shape(image_shape, "dcgan_generator")

    # Weights under the network's name scope (`<name>/dense_1/kernel`), so
    # the two networks of a GAN have distinct weight paths.
    with keras.name_scope(name):
        z = keras.Input(shape=(latent_dim,), name="z")
        x = _layers.dcgan_upsampling(z, size, n_up, base_filters, fused_batch_norm)
        # (B, H / 2, W / 2, base_filters) -> (B, H, W, channels)
        images = keras.layers.Conv2DTranspose(
            image_shape[-1],
            4,
            strides=2,
            padding="same",
            activation="tanh",
            kernel_initializer=_layers.init(),
            name="to_image",
        )(x)
        return keras.Model(z, images, name=name)


def dcgan_discriminator(
    image_shape: Sequence[int] = (32, 32, 1),
    *,
    base_filters: int = 64,
    normalization: str | None = "batch",
    spectral_norm: bool = False,
    fused_batch_norm: bool = False,
    name: str = "dcgan_discriminator",
) -> keras.Model:
    """Builds the DCGAN discriminator of Radford et al. (2016).

    Stride-2 `Conv2D` layers (kernel 4, `"same"` padding) with LeakyReLU(0.2)
    halve the resolution and double the channels, from `base_filters` down
    to an `s x s` map (`s = 7` for 28x28 images, 4 for 32x32 and 64x64),
    mirroring `dcgan_generator`; every block but the first is normalized.
    A `Dense(1)` on the flattened map returns a raw logit (no sigmoid).
    Kernels are initialized from N(0, 0.02) as in the paper.

    Use `normalization="layer"` (or `None`) for a WGAN-GP critic: the
    gradient penalty is taken per sample, and batch normalization couples
    the samples of a batch (Gulrajani et al., 2017). Layer normalization
    here normalizes each sample over height, width and channels.

    With `spectral_norm=True` every `Conv2D` and the logit `Dense` are
    wrapped in `keras.layers.SpectralNormalization` (Miyato et al., 2018;
    one power iteration per call), and `normalization` must not be
    `"batch"`: pass `None`, as in SNGAN, whose discriminator has no batch
    normalization since spectral normalization controls its Lipschitz
    constant (`"layer"` is allowed, but its learned gain is not
    normalized). Keras' layer
    normalizes in place: each call with `training=True` runs one power
    iteration to estimate the largest singular value `sigma` of the kernel
    reshaped to `(kh * kw * in_channels, filters)`, then divides the stored
    kernel by `sigma`; calls with `training=False` use the kernel as stored.
    That reshaped norm is Miyato et al.'s proxy: it bounds the operator norm
    of a convolution only up to a factor that depends on kernel size and
    stride. A wrapped layer keeps its name and adds its vector `u` of shape
    `(1, filters)` as a non-trainable weight.

    Parameters with `base_filters=64` (measured), batch / layer / no
    normalization / spectral normalization (no normalization plus the `u`
    vectors): 28x28x1: 138,945 / 150,977 / 138,561 / 138,754;
    32x32x1: 662,081 / 685,121 / 660,929 / 661,378; 64x64x3: 2,767,425 /
    2,878,529 / 2,764,737 / 2,765,698.

    Args:
        image_shape: `(height, width, channels)` of the images, one of
            `(28, 28, c)`, `(32, 32, c)`, `(64, 64, c)` with `c` 1 or 3.
            Defaults to `(32, 32, 1)`.
        base_filters: channels of the first convolution; each next one has
            twice as many. Defaults to 64.
        normalization: `"batch"`, `"layer"` or `None` (no normalization).
            Defaults to `"batch"`; pass `None` with `spectral_norm=True`.
        spectral_norm: whether to wrap every `Conv2D` and the logit `Dense`
            in `keras.layers.SpectralNormalization`. Defaults to `False`.
        fused_batch_norm: with `normalization="batch"`, compute it with
            TensorFlow's fused kernel (`FusedBatchNormalization`, as in
            `dcgan_generator`). Defaults to `False`.
        name: name of the model. Defaults to `"dcgan_discriminator"`.

    Returns:
        A built functional `keras.Model` from `(batch, *image_shape)` images
        to logits of shape `(batch, 1)`.

    Example:

    >>> D = dcgan_discriminator(image_shape=(28, 28, 1), normalization="layer")
    >>> D.output_shape
    (None, 1)
    >>> D_sn = dcgan_discriminator((28, 28, 1), normalization=None, spectral_norm=True)
    >>> type(D_sn.get_layer("down_1_conv")).__name__
    'SpectralNormalization'
    """
    _layers.check_positive(base_filters, "base_filters")
    if normalization not in _layers.DCGAN_NORMALIZATIONS:
        raise ValueError(
            "`normalization` must be one of 'batch', 'layer' or None. "
            f"Received: normalization={normalization!r}"
        )
    _layers.check_bool(spectral_norm, "spectral_norm")
    _layers.check_bool(fused_batch_norm, "fused_batch_norm")
    if spectral_norm and normalization == "batch":
        raise ValueError(
            "Spectral normalization replaces batch normalization in the "
            "discriminator (SNGAN uses none): pass `normalization=None` with "
            "`spectral_norm=True`. Received: normalization='batch', "
            "spectral_norm=True"
        )
    image_shape, _, n_down = _layers.check_image_shape(
        image_shape, "dcgan_discriminator"
    )

    # Weights under the network's name scope (`<name>/dense_1/kernel`), so
    # the two networks of a GAN have distinct weight paths.
    with keras.name_scope(name):
        images = keras.Input(shape=image_shape, name="images")
        x = images
        x = _layers.dcgan_features(
            x, base_filters, n_down, normalization, spectral_norm, fused_batch_norm
        )
        logit = keras.layers.Dense(
            1, kernel_initializer=_layers.init(), dtype="float32", name="logit"
        )
        logits = _layers.spectral_normalized(logit, spectral_norm)(x)
        return keras.Model(images, logits, name=name)
