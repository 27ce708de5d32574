"""Class-conditional generators and discriminators.

Every network here takes the class label as a second input: generators map
`[z (batch, latent_dim), labels (batch,)]` to samples, discriminators map
`[x, labels]` to one logit per sample; labels are int32 class indices in
`[0, num_classes)`. The discriminators condition in one of two ways (`mode`):

- `"concat"` (Mirza & Osindero, 2014): a learned label embedding is joined
  to the input: concatenated to a flattened vector, or broadcast over the
  image as extra input channels.
- `"projection"` (Miyato & Koyama, 2018): the logit is
  `psi(phi(x)) + <embed(y), phi(x)>`, the unconditional logit `psi` of the
  features `phi(x)` plus their inner product with an embedding of the
  class: the form the logit takes when the class-conditional densities are
  log-linear in `phi(x)`.

`acgan_discriminator` (Odena et al., 2017) is not conditioned on the label:
it sees the image alone and returns two heads, an adversarial logit and
`num_classes` class logits.

The generators concatenate a label embedding to `z` (Mirza & Osindero,
2014) and feed it to the unconditional generator (`mlp_generator`,
`dcgan_generator`), which they hold as a nested model.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from tfgan_edu.networks import _layers
from tfgan_edu.networks.dcgan import dcgan_generator
from tfgan_edu.networks.mlp import ActivationLike, mlp_generator

MODES = ("concat", "projection")


def _label_input() -> keras.KerasTensor:
    return keras.Input(shape=(), dtype="int32", name="labels")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"`mode` must be one of {MODES}. Received: mode={mode!r}")


def _generator_embedding(
    labels: keras.KerasTensor, num_classes: int, embedding_dim: int
) -> keras.KerasTensor:
    # N(0, 1) like z, so the label weighs as much as the noise from the start
    # (Keras' default uniform(-0.05, 0.05) would hide it behind z at first).
    # (B,) -> (B, embedding_dim)
    return keras.layers.Embedding(
        num_classes,
        embedding_dim,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0),
        name="label_embedding",
    )(labels)


def _projection_logit(
    features: keras.KerasTensor,
    labels: keras.KerasTensor,
    num_classes: int,
    spectral_norm: bool,
) -> keras.KerasTensor:
    """`psi(phi) + <embed(y), phi>` for features `phi` of shape `(B, F)`."""
    # The logit is computed in float32 under a mixed-precision policy.
    logit = keras.layers.Dense(
        1, kernel_initializer=_layers.init(), dtype="float32", name="logit"
    )
    psi = _layers.spectral_normalized(logit, spectral_norm)(features)  # (B, 1)
    embedding = keras.layers.Embedding(
        num_classes,
        features.shape[-1],
        embeddings_initializer=_layers.init(),
        dtype="float32",
        name="label_embedding",
    )
    embedded = _layers.spectral_normalized(embedding, spectral_norm)(labels)  # (B, F)
    inner = keras.layers.Dot(axes=1, dtype="float32", name="projection")(
        [embedded, features]
    )
    return keras.layers.Add(dtype="float32", name="logit_plus_projection")(
        [psi, inner]
    )  # (B, 1)


def _check_common(num_classes: int, mode: str, spectral_norm: bool) -> None:
    _layers.check_positive(num_classes, "num_classes")
    _check_mode(mode)
    _layers.check_bool(spectral_norm, "spectral_norm")


def _check_normalization(normalization: str | None, spectral_norm: bool) -> None:
    if normalization not in _layers.DCGAN_NORMALIZATIONS:
        raise ValueError(
            "`normalization` must be one of 'batch', 'layer' or None. "
            f"Received: normalization={normalization!r}"
        )
    if spectral_norm and normalization == "batch":
        raise ValueError(
            "Spectral normalization replaces batch normalization in the "
            "discriminator: pass `normalization=None` (or 'layer') with "
            "`spectral_norm=True`. Received: normalization='batch', "
            "spectral_norm=True"
        )


# --------------------------------------------------------------------- MLP


def conditional_mlp_generator(
    latent_dim: int,
    num_classes: int,
    output_shape: int | Sequence[int],
    *,
    embedding_dim: int = 16,
    hidden_units: Sequence[int] = (256, 256),
    activation: ActivationLike = "relu",
    output_activation: ActivationLike | None = None,
    name: str = "conditional_mlp_generator",
) -> keras.Model:
    """Builds a fully connected class-conditional generator.

    The label goes through an `Embedding` (initialized from N(0, 1), like
    `z`), is concatenated to `z` (Mirza & Osindero, 2014), and the joint
    vector feeds an `mlp_generator` of `latent_dim + embedding_dim` inputs,
    held as the nested model `"mlp_generator"`.

    Args:
        latent_dim: size of the noise vector `z`.
        num_classes: number of classes `K`; labels lie in `[0, K)`.
        output_shape: shape of one sample, e.g. `(2,)` or `(32, 32, 1)`; an
            int means a vector.
        embedding_dim: size of the label embedding. Defaults to 16.
        hidden_units: units of the hidden `Dense` layers. Defaults to
            `(256, 256)`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        output_activation: activation of the output layer. Defaults to
            `None`: linear for vectors, `"tanh"` for images.
        name: name of the model. Defaults to `"conditional_mlp_generator"`.

    Returns:
        A built functional `keras.Model` from `[z (batch, latent_dim),
        labels (batch,)]` to samples of shape `(batch, *output_shape)`.

    Example:

    >>> import numpy as np
    >>> G = conditional_mlp_generator(8, num_classes=3, output_shape=(2,))
    >>> G([np.zeros((4, 8)), np.array([0, 1, 2, 0])]).shape
    TensorShape([4, 2])
    """
    _layers.check_positive(latent_dim, "latent_dim")
    _layers.check_positive(num_classes, "num_classes")
    _layers.check_positive(embedding_dim, "embedding_dim")
    body = mlp_generator(
        latent_dim + embedding_dim,
        output_shape,
        hidden_units=hidden_units,
        activation=activation,
        output_activation=output_activation,
    )
    z = keras.Input(shape=(latent_dim,), name="z")
    labels = _label_input()
    embedded = _generator_embedding(labels, num_classes, embedding_dim)
    # (B, latent_dim) + (B, embedding_dim) -> (B, latent_dim + embedding_dim)
    joint = keras.layers.Concatenate(name="z_and_label")([z, embedded])
    return keras.Model([z, labels], body(joint), name=name)


def conditional_mlp_discriminator(
    input_shape: int | Sequence[int],
    num_classes: int,
    *,
    hidden_units: Sequence[int] = (256, 256),
    mode: str = "concat",
    embedding_dim: int = 16,
    activation: ActivationLike = "leaky_relu",
    spectral_norm: bool = False,
    name: str = "conditional_mlp_discriminator",
) -> keras.Model:
    """Builds a fully connected class-conditional discriminator.

    The sample is flattened and goes through `Dense` layers with
    `activation` (the features `phi(x)`), then `Dense(1)` (`psi`) gives the
    logit. The label enters by `mode`:

    - `"concat"`: an `embedding_dim` label embedding is concatenated to the
      flattened sample before the first layer.
    - `"projection"`: the logit is `psi(phi(x)) + <embed(y), phi(x)>`, with
      an embedding of size `hidden_units[-1]` (Miyato & Koyama, 2018).

    With `spectral_norm=True` every `Dense` layer, and the projection
    embedding, is wrapped in `keras.layers.SpectralNormalization`.

    Args:
        input_shape: shape of one sample, e.g. `(2,)`; an int means a vector.
        num_classes: number of classes `K`; labels lie in `[0, K)`.
        hidden_units: units of the hidden `Dense` layers. Defaults to
            `(256, 256)`.
        mode: `"concat"` or `"projection"`. Defaults to `"concat"`.
        embedding_dim: size of the label embedding in `"concat"` mode
            (`"projection"` embeds into the feature size). Defaults to 16.
        activation: activation of the hidden layers. Defaults to
            `"leaky_relu"` (negative slope 0.2).
        spectral_norm: whether to wrap the `Dense` layers (and the
            projection embedding) in `keras.layers.SpectralNormalization`.
            Defaults to `False`.
        name: name of the model. Defaults to
            `"conditional_mlp_discriminator"`.

    Returns:
        A built functional `keras.Model` from `[x (batch, *input_shape),
        labels (batch,)]` to logits of shape `(batch, 1)`.

    Example:

    >>> import numpy as np
    >>> D = conditional_mlp_discriminator((2,), 3, mode="projection")
    >>> D([np.zeros((4, 2)), np.array([0, 1, 2, 0])]).shape
    TensorShape([4, 1])
    """
    input_shape = _layers.as_shape(input_shape, "input_shape")
    hidden_units = _layers.check_units(hidden_units)
    _check_common(num_classes, mode, spectral_norm)
    _layers.check_positive(embedding_dim, "embedding_dim")

    inputs = keras.Input(shape=input_shape, name="x")
    labels = _label_input()
    x = keras.layers.Flatten(name="flatten")(inputs)  # (B, prod(input_shape))
    if mode == "concat":
        embedded = keras.layers.Embedding(
            num_classes, embedding_dim, name="label_embedding"
        )(labels)
        x = keras.layers.Concatenate(name="x_and_label")([x, embedded])
    for i, units in enumerate(hidden_units, start=1):
        dense = keras.layers.Dense(units, name=f"dense_{i}")
        x = _layers.spectral_normalized(dense, spectral_norm)(x)
        x = _layers.activation_layer(activation, name=f"activation_{i}")(x)
    if mode == "projection":
        logits = _projection_logit(x, labels, num_classes, spectral_norm)
    else:
        logit = keras.layers.Dense(1, dtype="float32", name="logit")
        logits = _layers.spectral_normalized(logit, spectral_norm)(x)
    return keras.Model([inputs, labels], logits, name=name)


# ------------------------------------------------------------------- DCGAN


def conditional_dcgan_generator(
    latent_dim: int,
    num_classes: int,
    image_shape: Sequence[int] = (32, 32, 1),
    *,
    base_filters: int = 64,
    embedding_dim: int = 16,
    name: str = "conditional_dcgan_generator",
) -> keras.Model:
    """Builds a class-conditional DCGAN generator.

    The label goes through an `Embedding` (initialized from N(0, 1), like
    `z`), is concatenated to `z` (Mirza & Osindero, 2014), and the joint
    vector feeds a `dcgan_generator` of `latent_dim + embedding_dim` inputs,
    held as the nested model `"dcgan_generator"`. That adds
    `(num_classes + s * s * C) * embedding_dim` parameters to the
    unconditional generator (`s * s * C` the size of its first feature map).

    Args:
        latent_dim: size of the noise vector `z`.
        num_classes: number of classes `K`; labels lie in `[0, K)`.
        image_shape: `(height, width, channels)`, one of
            `tfgan_edu.networks.SUPPORTED_IMAGE_SHAPES`. Defaults to
            `(32, 32, 1)`.
        base_filters: channels of the last hidden feature map. Defaults to 64.
        embedding_dim: size of the label embedding. Defaults to 16.
        name: name of the model. Defaults to `"conditional_dcgan_generator"`.

    Returns:
        A built functional `keras.Model` from `[z (batch, latent_dim),
        labels (batch,)]` to images of shape `(batch, *image_shape)` in
        `[-1, 1]`.

    Example:

    >>> import numpy as np
    >>> G = conditional_dcgan_generator(16, 10, (28, 28, 1), base_filters=8)
    >>> G([np.zeros((2, 16)), np.array([3, 7])]).shape
    TensorShape([2, 28, 28, 1])
    """
    _layers.check_positive(latent_dim, "latent_dim")
    _layers.check_positive(num_classes, "num_classes")
    _layers.check_positive(embedding_dim, "embedding_dim")
    body = dcgan_generator(
        latent_dim + embedding_dim, image_shape, base_filters=base_filters
    )
    z = keras.Input(shape=(latent_dim,), name="z")
    labels = _label_input()
    embedded = _generator_embedding(labels, num_classes, embedding_dim)
    # (B, latent_dim) + (B, embedding_dim) -> (B, latent_dim + embedding_dim)
    joint = keras.layers.Concatenate(name="z_and_label")([z, embedded])
    return keras.Model([z, labels], body(joint), name=name)


def conditional_dcgan_discriminator(
    image_shape: Sequence[int],
    num_classes: int,
    *,
    base_filters: int = 64,
    mode: str = "concat",
    embedding_dim: int = 16,
    normalization: str | None = "layer",
    spectral_norm: bool = False,
    name: str = "conditional_dcgan_discriminator",
) -> keras.Model:
    """Builds a class-conditional DCGAN discriminator.

    The convolutions of `dcgan_discriminator` (stride 2, kernel 4, leaky
    ReLU 0.2, every block but the first normalized) give flattened features
    `phi(x)`; `Dense(1)` (`psi`) gives the logit. The label enters by `mode`:

    - `"concat"`: an `embedding_dim` label embedding is broadcast over
      height and width and concatenated to the image as extra input
      channels.
    - `"projection"`: the logit is `psi(phi(x)) + <embed(y), phi(x)>`
      (Miyato & Koyama, 2018), with an embedding of the size of `phi(x)`
      (`s * s * 4 * base_filters` for 32x32 images, `s = 4`).

    Args:
        image_shape: `(height, width, channels)`, one of
            `tfgan_edu.networks.SUPPORTED_IMAGE_SHAPES`.
        num_classes: number of classes `K`; labels lie in `[0, K)`.
        base_filters: channels of the first convolution. Defaults to 64.
        mode: `"concat"` or `"projection"`. Defaults to `"concat"`.
        embedding_dim: channels of the label map in `"concat"` mode.
            Defaults to 16.
        normalization: `"layer"`, `None` or `"batch"`. Defaults to
            `"layer"`, which suits gradient penalties (per-sample).
        spectral_norm: whether to wrap every `Conv2D`, the logit `Dense`
            and the projection embedding in
            `keras.layers.SpectralNormalization`; not with `"batch"`.
            Defaults to `False`.
        name: name of the model. Defaults to
            `"conditional_dcgan_discriminator"`.

    Returns:
        A built functional `keras.Model` from `[images (batch,
        *image_shape), labels (batch,)]` to logits of shape `(batch, 1)`.

    Example:

    >>> import numpy as np
    >>> D = conditional_dcgan_discriminator((28, 28, 1), 10, base_filters=8)
    >>> D([np.zeros((2, 28, 28, 1)), np.array([3, 7])]).shape
    TensorShape([2, 1])
    """
    _layers.check_positive(base_filters, "base_filters")
    _layers.check_positive(embedding_dim, "embedding_dim")
    _check_common(num_classes, mode, spectral_norm)
    _check_normalization(normalization, spectral_norm)
    image_shape, _, n_down = _layers.check_image_shape(
        image_shape, "conditional_dcgan_discriminator"
    )

    images = keras.Input(shape=image_shape, name="images")
    labels = _label_input()
    x = images
    if mode == "concat":
        embedded = keras.layers.Embedding(
            num_classes, embedding_dim, name="label_embedding"
        )(labels)
        # (B, E) -> (B, 1, 1, E) -> (B, H, W, E): the same label map everywhere.
        label_map = keras.layers.Reshape((1, 1, embedding_dim), name="label_pixel")(
            embedded
        )
        label_map = keras.layers.UpSampling2D(image_shape[:2], name="label_map")(
            label_map
        )
        x = keras.layers.Concatenate(name="image_and_label")([images, label_map])
    features = _layers.dcgan_features(
        x, base_filters, n_down, normalization, spectral_norm
    )
    if mode == "projection":
        logits = _projection_logit(features, labels, num_classes, spectral_norm)
    else:
        logit = keras.layers.Dense(
            1, kernel_initializer=_layers.init(), dtype="float32", name="logit"
        )
        logits = _layers.spectral_normalized(logit, spectral_norm)(features)
    return keras.Model([images, labels], logits, name=name)


def acgan_discriminator(
    image_shape: Sequence[int],
    num_classes: int,
    *,
    base_filters: int = 64,
    normalization: str | None = "layer",
    spectral_norm: bool = False,
    name: str = "acgan_discriminator",
) -> keras.Model:
    """Builds the two-headed discriminator of AC-GAN (Odena et al., 2017).

    The convolutions of `dcgan_discriminator` give flattened features
    `phi(x)` of the image alone (no label input); two `Dense` heads on them
    return the adversarial logit, `"logit"` `(batch, 1)`, and the class
    logits, `"class_logits"` `(batch, num_classes)`.

    Args:
        image_shape: `(height, width, channels)`, one of
            `tfgan_edu.networks.SUPPORTED_IMAGE_SHAPES`.
        num_classes: number of classes `K`.
        base_filters: channels of the first convolution. Defaults to 64.
        normalization: `"layer"`, `None` or `"batch"`. Defaults to
            `"layer"`.
        spectral_norm: whether to wrap every `Conv2D` and both heads in
            `keras.layers.SpectralNormalization`; not with `"batch"`.
            Defaults to `False`.
        name: name of the model. Defaults to `"acgan_discriminator"`.

    Returns:
        A built functional `keras.Model` from images `(batch,
        *image_shape)` to `[logits (batch, 1), class_logits (batch,
        num_classes)]`.

    Example:

    >>> import numpy as np
    >>> D = acgan_discriminator((28, 28, 1), 10, base_filters=8)
    >>> [tuple(t.shape) for t in D(np.zeros((2, 28, 28, 1)))]
    [(2, 1), (2, 10)]
    """
    _layers.check_positive(base_filters, "base_filters")
    _layers.check_positive(num_classes, "num_classes")
    _layers.check_bool(spectral_norm, "spectral_norm")
    _check_normalization(normalization, spectral_norm)
    image_shape, _, n_down = _layers.check_image_shape(
        image_shape, "acgan_discriminator"
    )

    images = keras.Input(shape=image_shape, name="images")
    features = _layers.dcgan_features(
        images, base_filters, n_down, normalization, spectral_norm
    )
    heads = [
        keras.layers.Dense(
            units, kernel_initializer=_layers.init(), dtype="float32", name=head
        )
        for units, head in ((1, "logit"), (num_classes, "class_logits"))
    ]
    outputs = [_layers.spectral_normalized(h, spectral_norm)(features) for h in heads]
    return keras.Model(images, outputs, name=name)
