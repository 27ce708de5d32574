"""`Pix2Pix`: paired image-to-image translation (Isola et al., 2017)."""

from __future__ import annotations

import keras
from keras import ops

from tfgan_edu._checks import check_non_negative
from tfgan_edu.models import _common
from tfgan_edu.models._base import Player
from tfgan_edu.models._translation import (
    ImageTranslation,
    apply,
    image_shape_of,
    l1_distance,
)


@keras.saving.register_keras_serializable(package="tfgan_edu")
class Pix2Pix(ImageTranslation):
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

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (
        Player("d", ("discriminator",), "d_optimizer"),
        Player("g", ("generator",), "g_optimizer"),
    )
    NETWORKS = ("generator", "discriminator")
    CONFIG = ("l1_weight",)
    DEFAULT_LOSS = "non_saturating"
    NAMES = ("degraded", "clean")

    def __init__(self, generator, discriminator, l1_weight=100.0, **kwargs):
        super().__init__(**kwargs)
        self._set_networks(generator=generator, discriminator=discriminator)
        self.l1_weight = check_non_negative("l1_weight", l1_weight)
        self.input_image_shape, self.output_image_shape = self._check_networks()
        self._add_trackers(*self._metric_names())
        # Both networks were built by `_check_networks`.
        self.built = True

    # ------------------------------------------------------------------ api

    def call(self, inputs, training=False):
        """Translates input images: `model(x)` is `generator(x)`."""
        return self.generator(inputs, training=training)

    @property
    def image_shapes(self):
        """`(input, output)` image shapes `(H, W, C)`."""
        return self.input_image_shape, self.output_image_shape

    def _metric_names(self):
        return ["d_loss", "g_loss", "adv_loss", "l1_loss", "real_score", "fake_score"]

    # ------------------------------------------------------------ training

    def _train_step(self, data):
        x, y = self._unpack(data)
        batch_size = ops.shape(x)[0]
        weight = _common.replica_weight(batch_size)  # 1 on a single device

        # 1. Generate G(x), once: the generator's update later goes back
        # through this same pass.
        generated = self._forward("g", lambda: self.generator(x, training=True))
        fake = generated.outputs

        # 2. Update D on real pairs (x, y) and fake pairs (x, G(x)).
        def d_loss_fn():
            terms = self._discriminator_losses(x, y, ops.stop_gradient(fake), True)
            return terms["d_loss"], terms

        d_terms, _ = self._minimize("d", d_loss_fn, weight)

        # 3. Update G through the updated D, plus the L1 pull towards y.
        def g_loss_fn(fake):
            fake_logits = self.discriminator([x, fake], training=True)
            g_terms = self._generator_losses(y, fake, fake_logits)
            return g_terms["g_loss"], g_terms

        g_terms, _ = self._minimize_through(generated, g_loss_fn, weight)
        self._record({**d_terms, **g_terms}, batch_size)
        return self._results()

    def _test_step(self, data):
        x, y = self._unpack(data)
        fake = self.generator(x, training=False)
        d_terms = self._discriminator_losses(x, y, fake, False)
        g_terms = self._generator_losses(y, fake, d_terms.pop("fake_logits"))
        self._record({**d_terms, **g_terms}, ops.shape(x)[0])
        return self._results()

    def _discriminator_losses(self, x, y, fake, training):
        """`d_loss` on real pairs `(x, y)` and fake pairs `(x, fake)`, the
        scores, and (for `test_step`) the fake pairs' `fake_logits`."""
        real_logits = self.discriminator([x, y], training=training)
        fake_logits = self.discriminator([x, fake], training=training)
        family = self.loss_family
        return {
            "d_loss": family.discriminator_loss(real_logits, fake_logits),
            "real_score": _common.mean_score(real_logits, family),
            "fake_score": _common.mean_score(fake_logits, family),
            "fake_logits": fake_logits,
        }

    def _generator_losses(self, y, fake, fake_logits):
        """`g_loss = adv_loss + l1_weight * l1_loss`, with its two parts."""
        adv_loss = self.loss_family.generator_loss(fake_logits)
        l1_loss = l1_distance(y, fake)
        return {
            "g_loss": adv_loss + self.l1_weight * l1_loss,
            "adv_loss": adv_loss,
            "l1_loss": l1_loss,
        }

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
        _common.check_logits_shape(logits, "the discriminator's output")
        return in_shape, out_shape
