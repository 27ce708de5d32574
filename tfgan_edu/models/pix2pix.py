"""`Pix2Pix`: paired image-to-image translation (Isola et al., 2017)."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from tfgan_edu._checks import check_non_negative
from tfgan_edu.models._translation import (
    _ImageTranslation,
    apply,
    check_image_pairs,
    check_network,
    image_shape_of,
    l1_distance,
    unpack_pair,
)
from tfgan_edu.models.gan import _replica_weight

_NAMES = ("degraded", "clean")


@keras.saving.register_keras_serializable(package="tfgan_edu")
class Pix2Pix(_ImageTranslation):
    """A conditional GAN that translates paired images: `G(x) ~ y`.

    The generator maps an input image `x` (noisy, low-resolution, masked,
    gray, ...) to an output `G(x)`; the discriminator sees the input too and
    judges pairs: `D(x, y)` for a real pair, `D(x, G(x))` for a fake one.
    With `L_adv` a loss family of `tfgan_edu.losses` (non-saturating by
    default) and `lambda` = `l1_weight`, each `train_step` does, on a batch
    of pairs `(x, y)`:

    1. generate `G(x)`;
    2. update D on `L_D = d_loss(D(x, y), D(x, G(x)))`;
    3. update G, through the updated D, on
       `L_G = g_loss(D(x, G(x))) + lambda * mean|y - G(x)|`.

    The L1 term pulls `G(x)` towards the target (the low frequencies); the
    adversarial term, with a PatchGAN discriminator, makes it sharp
    (Isola et al. use `lambda = 100`). `History` has `d_loss`, `g_loss`
    (the total `L_G`), `adv_loss` (its adversarial part), `l1_loss` (the
    unweighted mean absolute error), and `real_score`, `fake_score` (mean
    `D` output on real and fake pairs, as probabilities for the sigmoid
    families). `evaluate` reports the same on held-out pairs; `predict` and
    `model(x)` translate.

    Args:
        generator: a `keras.Model` from `(batch, H, W, C_in)` images to
            `(batch, H, W, C_out)` images in [-1, 1], such as
            `tfgan_edu.networks.unet_generator`.
        discriminator: a two-input `keras.Model` from `[input, output]`
            images to logits (one per image or per patch), such as
            `tfgan_edu.networks.patchgan_discriminator(output_shape,
            condition_shape=input_shape)`.
        l1_weight: `lambda`, the weight of the L1 term. Defaults to 100.
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> ds = tge.data.paired("digits", task="denoise", batch_size=16, n=32, seed=0)
    >>> model = tge.Pix2Pix(
    ...     tge.networks.unet_generator((32, 32, 1), base_filters=4, depth=2),
    ...     tge.networks.patchgan_discriminator(
    ...         (32, 32, 1), condition_shape=(32, 32, 1), base_filters=4, n_layers=1
    ...     ),
    ... )
    >>> model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...               g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    >>> history = model.fit(ds, epochs=1, verbose=0)
    >>> sorted(history.history)
    ['adv_loss', 'd_loss', 'fake_score', 'g_loss', 'l1_loss', 'real_score']
    >>> model.predict(next(iter(ds))[0], verbose=0).shape
    (16, 32, 32, 1)
    """

    _default_loss = "non_saturating"

    def __init__(self, generator, discriminator, l1_weight=100.0, **kwargs):
        super().__init__(**kwargs)
        check_network("generator", generator)
        check_network("discriminator", discriminator)
        self.l1_weight = check_non_negative("l1_weight", l1_weight)
        self.generator = generator
        self.discriminator = discriminator
        self.input_image_shape, self.output_image_shape = self._check_networks()

        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.adv_loss_tracker = keras.metrics.Mean(name="adv_loss")
        self.l1_loss_tracker = keras.metrics.Mean(name="l1_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        # Both networks were built by `_check_networks`.
        self.built = True

    # ------------------------------------------------------------------ api

    def call(self, inputs, training=False):
        """Translates input images: `model(x)` is `generator(x)`."""
        return self.generator(inputs, training=training)

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.adv_loss_tracker,
            self.l1_loss_tracker,
            self.real_score_tracker,
            self.fake_score_tracker,
        ]

    def fit(self, x=None, y=None, **kwargs):
        """Trains on `(degraded, clean)` pairs; arguments as `keras.Model.fit`.

        `x` is a `tf.data.Dataset` of `(input, target)` image batches, such
        as `tge.data.paired(...)`, or an array of inputs with the targets
        as `y`. Shapes, dtypes and (for arrays) the [-1, 1] range are
        checked before training starts.
        """
        self._check_compiled()
        check_image_pairs(
            x, y, self.input_image_shape, self.output_image_shape, "Pix2Pix", _NAMES
        )
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)  # the dataset shuffles itself
        return super().fit(x, y, **kwargs)

    def evaluate(self, x=None, y=None, **kwargs):
        """The losses on held-out pairs (no update); arguments as `fit`."""
        self._check_compiled()
        check_image_pairs(
            x, y, self.input_image_shape, self.output_image_shape, "Pix2Pix", _NAMES
        )
        return super().evaluate(x, y, **kwargs)

    # ------------------------------------------------------------ training

    def train_step(self, data):
        x, y = unpack_pair(
            data, self.input_image_shape, self.output_image_shape, _NAMES
        )
        batch_size = ops.shape(x)[0]
        weight = _replica_weight(batch_size)  # 1 on a single device

        with tf.GradientTape() as g_tape:
            # 1. Generate G(x).
            fake = self.generator(x, training=True)
        # 2. Update D on real pairs (x, y) and fake pairs (x, G(x)).
        with tf.GradientTape() as d_tape:
            real_logits = self.discriminator([x, y], training=True)
            fake_logits = self.discriminator(
                [x, ops.stop_gradient(fake)], training=True
            )
            d_loss = self.loss_family.discriminator_loss(real_logits, fake_logits)
            scaled_d_loss = d_loss * weight
        d_vars = self.discriminator.trainable_variables
        d_grads = d_tape.gradient(scaled_d_loss, d_vars)
        self.d_optimizer.apply_gradients(zip(d_grads, d_vars))
        # 3. Update G through the updated D, plus the L1 pull towards y. The
        # generator's tape resumes recording: G(x) is not computed twice.
        with g_tape:
            adv_loss = self.loss_family.generator_loss(
                self.discriminator([x, fake], training=True)
            )
            l1_loss = l1_distance(y, fake)
            g_loss = adv_loss + self.l1_weight * l1_loss
            scaled_g_loss = g_loss * weight
        g_vars = self.generator.trainable_variables
        g_grads = g_tape.gradient(scaled_g_loss, g_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))

        self._update_metrics(
            batch_size, d_loss, g_loss, adv_loss, l1_loss, real_logits, fake_logits
        )
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = unpack_pair(
            data, self.input_image_shape, self.output_image_shape, _NAMES
        )
        fake = self.generator(x, training=False)
        real_logits = self.discriminator([x, y], training=False)
        fake_logits = self.discriminator([x, fake], training=False)
        d_loss = self.loss_family.discriminator_loss(real_logits, fake_logits)
        adv_loss = self.loss_family.generator_loss(fake_logits)
        l1_loss = l1_distance(y, fake)
        g_loss = adv_loss + self.l1_weight * l1_loss
        self._update_metrics(
            ops.shape(x)[0], d_loss, g_loss, adv_loss, l1_loss, real_logits, fake_logits
        )
        return {m.name: m.result() for m in self.metrics}

    def _update_metrics(
        self, batch_size, d_loss, g_loss, adv_loss, l1_loss, real_logits, fake_logits
    ):
        # Weighted by the batch size: exact global means under tf.distribute.
        w = ops.cast(batch_size, "float32")
        for tracker, value in (
            (self.d_loss_tracker, d_loss),
            (self.g_loss_tracker, g_loss),
            (self.adv_loss_tracker, adv_loss),
            (self.l1_loss_tracker, l1_loss),
            (self.real_score_tracker, self._score(real_logits)),
            (self.fake_score_tracker, self._score(fake_logits)),
        ):
            tracker.update_state(value, sample_weight=w)

    def _generator_variables(self):
        return self.generator.trainable_variables

    def _discriminator_variables(self):
        return self.discriminator.trainable_variables

    def _check_networks(self):
        """Builds both networks on zeros; returns the input and output shapes."""
        in_shape = image_shape_of("generator", self.generator)
        if in_shape is None:
            raise ValueError(
                "Expected `generator` to be a functional keras.Model with one image "
                "input (such as `tge.networks.unet_generator`), so that its input "
                f"shape is known. Received: generator={self.generator!r}"
            )
        fake = apply(
            "generator", self.generator, ops.zeros((2, *in_shape)), f"images {in_shape}"
        )
        out_shape = tuple(int(d) for d in fake.shape[1:])
        if len(out_shape) != 3 or out_shape[:2] != in_shape[:2]:
            raise ValueError(
                "Expected the generator to return images of its input's height and "
                f"width. Received: input {in_shape}, output {out_shape}"
            )
        d_inputs = getattr(self.discriminator, "inputs", None)
        if d_inputs is not None and len(d_inputs) != 2:
            raise ValueError(
                "Expected a conditional discriminator taking [input, output] images "
                "(e.g. `tge.networks.patchgan_discriminator(output_shape, "
                "condition_shape=input_shape)`). Received: a discriminator with "
                f"{len(d_inputs)} input(s)"
            )
        logits = apply(
            "discriminator",
            self.discriminator,
            [ops.zeros((2, *in_shape)), fake],
            f"[input {in_shape}, output {out_shape}] image pairs",
        )
        if len(logits.shape) < 1 or logits.shape[0] != 2:
            raise ValueError(
                "Expected the discriminator to return logits per image or per patch, "
                "with the batch as first axis. Received: output of shape "
                f"{tuple(logits.shape)}"
            )
        return in_shape, out_shape

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "l1_weight": self.l1_weight,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(
            config.pop("discriminator")
        )
        return cls(generator=generator, discriminator=discriminator, **config)
