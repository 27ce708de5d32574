"""Packed discriminators (PacGAN, Lin, Khetan, Fanti & Oh, 2018).

A packed discriminator judges `pack` samples at once: consecutive samples of
a batch are concatenated along their last axis, `(B, ..., C)` to
`(B / pack, ..., pack * C)`, and one logit is returned per pack. Packs are
all real or all fake. A generator that has collapsed onto a few modes makes
packs whose members look alike, which real packs rarely do, so the
discriminator sees the missing diversity and the generator is pushed to
spread out. Lin et al. show that packing penalizes mode collapse
(their Theorem 3) and recover nearly all 25 modes of the 2-D grid with
`pack` 2 to 4 where the plain GAN misses several.

The batch size must be a multiple of `pack` (load data with
`drop_remainder=True`, the default of `tfgan_edu.data.load`). Training needs
nothing else: `tfgan_edu.GAN` reads the `pack` attribute and the losses
average over the packs' logits.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf

from tfgan_edu._checks import check_int
from tfgan_edu.networks import _layers
from tfgan_edu.networks.mlp import ActivationLike, mlp_discriminator


def _check_pack(pack) -> int:
    return check_int("pack", pack, note=" (samples per pack)")


def pack_samples(x, pack: int):
    """Concatenates each run of `pack` consecutive samples along the last axis.

    `(B, ..., C)` becomes `(B / pack, ..., pack * C)`: pack `i` holds samples
    `pack * i, ..., pack * i + pack - 1`, in order (for vectors, the
    concatenation `[x_0, x_1, ...]`; for images, their channels stacked).

    Args:
        x: a batch of shape `(B, ..., C)` with `B` a multiple of `pack`.
        pack: samples per pack (1 returns `x` unchanged).

    Returns:
        A tensor of shape `(B / pack, ..., pack * C)`.

    Example:

    >>> import numpy as np
    >>> pack_samples(np.arange(8.0).reshape(4, 2), 2).numpy()
    array([[0., 1., 2., 3.],
           [4., 5., 6., 7.]])
    """
    pack = _check_pack(pack)
    x = tf.convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise ValueError(
            "Expected a batch of samples of shape (batch, ..., channels). "
            f"Received: x of shape {tuple(x.shape)}"
        )
    if pack == 1:
        return x
    batch = x.shape[0]
    if batch is not None and batch % pack:
        raise ValueError(
            f"Expected the batch size to be a multiple of pack={pack}, so that "
            "every pack is full (load data with drop_remainder=True). "
            f"Received: a batch of {batch}"
        )
    shape = tf.shape(x)
    rank = len(x.shape)
    # (B, *s, C) -> (B/m, m, *s, C) -> (B/m, *s, m, C) -> (B/m, *s, m*C)
    grouped = tf.reshape(x, tf.concat([[-1, pack], shape[1:]], axis=0))
    order = [0, *range(2, rank), 1, rank]
    packed = tf.transpose(grouped, order)
    new_shape = tf.concat([[-1], shape[1:-1], [pack * shape[-1]]], axis=0)
    out = tf.reshape(packed, new_shape)
    static = x.shape[1:-1].as_list()
    last = None if x.shape[-1] is None else pack * x.shape[-1]
    return tf.ensure_shape(
        out, [None if batch is None else batch // pack, *static, last]
    )


@keras.saving.register_keras_serializable(package="tfgan_edu")
class PackedDiscriminator(keras.Model):
    """A discriminator that scores packs of `pack` samples (PacGAN).

    Calls `discriminator(pack_samples(x, pack))`: a batch of `B` samples
    gets `B / pack` logits. `tfgan_edu.GAN` recognizes the `pack`
    attribute, so a `PackedDiscriminator` drops in for any discriminator.

    Args:
        discriminator: a `keras.Model` taking packed samples, of shape
            `(batch, ..., pack * C)` for samples of shape `(..., C)`, and
            returning one logit per pack.
        pack: samples per pack. Defaults to 2.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

    >>> import numpy as np
    >>> import tfgan_edu as tge
    >>> D = PackedDiscriminator(tge.networks.mlp_discriminator((4,)), pack=2)
    >>> D(np.zeros((6, 2), "float32")).shape
    TensorShape([3, 1])
    """

    def __init__(self, discriminator, pack=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(discriminator, keras.layers.Layer):
            raise TypeError(
                "Expected `discriminator` to be a keras.Model (or Layer). "
                f"Received: discriminator={discriminator!r}"
            )
        self.discriminator = discriminator
        self.pack = _check_pack(pack)
        self.built = True  # no weights of its own

    def call(self, inputs, training=False):
        return self.discriminator(pack_samples(inputs, self.pack), training=training)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "pack": self.pack,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        discriminator = keras.saving.deserialize_keras_object(
            config.pop("discriminator")
        )
        return cls(discriminator=discriminator, **config)


def packed_mlp_discriminator(
    input_shape: int | Sequence[int],
    pack: int = 2,
    *,
    hidden_units: Sequence[int] = (256, 256),
    activation: ActivationLike = "leaky_relu",
    spectral_norm: bool = False,
    name: str = "packed_mlp_discriminator",
) -> PackedDiscriminator:
    """Builds a PacGAN discriminator: an MLP that sees `pack` samples at once.

    The MLP of `mlp_discriminator` on packed samples of shape
    `(..., pack * C)`, wrapped in a `PackedDiscriminator`. Lin et al. (2018)
    keep the discriminator's size about the same as without packing (only
    its input layer grows), as here.

    Args:
        input_shape: shape of one sample, e.g. `(2,)`; an int means a vector.
        pack: samples per pack. Defaults to 2.
        hidden_units: units of the hidden layers. Defaults to `(256, 256)`.
        activation: hidden activation. Defaults to `"leaky_relu"`.
        spectral_norm: spectral normalization of every layer. Defaults to
            `False`.
        name: name of the model. Defaults to `"packed_mlp_discriminator"`.

    Returns:
        A built `PackedDiscriminator` mapping `(B, *input_shape)` to logits
        of shape `(B / pack, 1)`.

    Example:

    >>> import numpy as np
    >>> D = packed_mlp_discriminator((2,), pack=4, hidden_units=(8,))
    >>> D(np.zeros((8, 2), "float32")).shape
    TensorShape([2, 1])
    >>> D.discriminator.input_shape
    (None, 8)
    """
    input_shape = _layers.as_shape(input_shape, "input_shape")
    pack = _check_pack(pack)
    packed_shape = (*input_shape[:-1], pack * input_shape[-1])
    inner = mlp_discriminator(
        packed_shape,
        hidden_units=hidden_units,
        activation=activation,
        spectral_norm=spectral_norm,
        name=f"{name}_inner",
    )
    return PackedDiscriminator(inner, pack=pack, name=name)
