"""Class-conditional GANs: `ConditionalGAN` (Mirza & Osindero, 2014) and `ACGAN`.

Both train on `(samples, labels)` batches with the algorithm of
`tfgan_edu.GAN`; they change only the pieces of its `train_step` that see
labels. The fakes of a step are generated for the labels of its real batch,
so the generator is trained on the class distribution of the data.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu._checks import check_int, check_non_negative
from tfgan_edu.losses import auxiliary_classifier_loss
from tfgan_edu.models import _common
from tfgan_edu.models._base import BACKEND
from tfgan_edu.models.gan import GAN


@keras.saving.register_keras_serializable(package="tfgan_edu")
class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator both see the class label.

    The conditional GAN of Mirza & Osindero (2014): `G(z, y)` makes a
    sample of class `y` and `D(x, y)` scores whether `x` is a real sample of
    class `y`. `train_step` is that of `tfgan_edu.GAN` (same losses,
    `d_steps`, penalties, label smoothing, instance noise, EMA) with the
    labels of each real batch passed to both networks; the fakes of a step
    are generated for those same labels, so their class distribution is the
    data's. Gradient penalties differentiate the critic with respect to the
    samples only, at fixed labels.

    Batches must be `(samples, labels)` pairs, labels int class indices of
    shape `(batch,)` (or `(batch, 1)`) in `[0, num_classes)`; `fit` checks
    the data before training starts. Labels out of range are caught in
    `fit` before training for NumPy labels, and for a `tf.data.Dataset` as
    each batch arrives, in the data pipeline, before the batch's step: a
    `ValueError` names the batch and its label range, on every backend and
    under XLA or JAX's `jit`. (Batches given to `train_on_batch` are checked
    inside the step, by TensorFlow without XLA and by PyTorch only: a
    compiled step cannot raise.)

    Like `GAN`, it trains on TensorFlow, JAX and PyTorch.

    Args:
        generator: a two-input `keras.Model` mapping `[z (batch,
            latent_dim), labels (batch,)]` to samples, such as
            `tfgan_edu.networks.conditional_dcgan_generator`.
        discriminator: a two-input `keras.Model` mapping `[x, labels]` to
            one logit per sample, such as
            `tfgan_edu.networks.conditional_dcgan_discriminator`.
        latent_dim: size of the noise vector `z`.
        num_classes: number of classes `K`.
        seed: seed of the noise drawn in `train_step` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> from tfgan_edu.models.conditional_gan import ConditionalGAN
    >>> from tfgan_edu.networks import conditional as nets
    >>> gan = ConditionalGAN(
    ...     generator=nets.conditional_mlp_generator(8, 8, (2,), hidden_units=(16,)),
    ...     discriminator=nets.conditional_mlp_discriminator(
    ...         (2,), 8, hidden_units=(16,)
    ...     ),
    ...     latent_dim=8,
    ...     num_classes=8,
    ... )
    >>> gan.compile(d_optimizer="adam", g_optimizer="adam")
    >>> ds = tge.data.load("ring", batch_size=64, n=256, with_labels=True)
    >>> history = gan.fit(ds, epochs=1, verbose=0)
    >>> gan.generate(5, labels=3, seed=0).shape
    (5, 2)
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    CONFIG = (*GAN.CONFIG, "num_classes")

    def __init__(
        self, generator, discriminator, latent_dim, num_classes, seed=None, **kwargs
    ):
        check_int("num_classes", num_classes)
        # Set before GAN.__init__, whose network check needs it.
        self.num_classes = int(num_classes)
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)

    # ------------------------------------------------------------------ api

    def _check_fit_data(self, x, y):
        """Checks labelled data: `(samples, labels)` batches, or NumPy `x` and `y`.

        The samples are checked as in `GAN.fit`, the labels for an integer
        dtype, shape `(batch,)` or `(batch, 1)`, and (NumPy) values in
        `[0, num_classes)`.
        """
        if isinstance(x, tf.data.Dataset):
            samples, labels = _split_labelled(x.element_spec, type(self).__name__)
            _common.check_sample_spec(
                tuple(samples.shape[1:]), samples.dtype, self.data_shape
            )
            _check_label_spec(labels.shape, labels.dtype)
        elif x is None or isinstance(x, np.ndarray):
            _common.check_samples_data(x, self.data_shape)
            if y is None:
                raise ValueError(
                    f"{type(self).__name__} trains on samples with their class "
                    "labels: pass them as `y` (int class indices, one per "
                    "sample). Received: y=None"
                )
            y = self._check_numpy_labels(y, len(x), "y")
        return x, y

    def _batch_assertions(self, batch, index):
        """A dataset's samples (finite, images in [-1, 1]) and labels (in range)."""
        samples, labels = _split_labelled(batch, type(self).__name__)
        return [
            *_common.sample_assertions(samples, index, self.data_shape),
            *_common.label_assertions(labels, index, self.num_classes),
        ]

    def generate(self, n, labels=None, seed=None, batch_size=256):
        """Draws `n` samples of requested classes from the generator.

        Args:
            n: number of samples.
            labels: the class of each sample: `None` (default) cycles
                through the classes, `0, 1, ..., K - 1, 0, 1, ...`, so each
                class gets `n // K` samples (the first `n % K` classes one
                more) and a grid with `K` columns has one class per column;
                an int gives `n` samples of that class; an array of `n` ints
                gives one sample per label.
            seed: integer seed of the latent noise; the same seed (and
                labels) gives the same samples. `None` draws fresh noise.
            batch_size: samples generated per forward pass. Defaults to 256.

        Returns:
            A float32 NumPy array of shape `(n, *data_shape)`.
        """
        _common.check_sample_count(n, batch_size)
        num_classes = self.num_classes
        if labels is None:
            # Made a batch at a time, as the noise.
            return self._sample(
                n,
                lambda i, j: (np.arange(i, j) % num_classes).astype("int32"),
                seed,
                batch_size,
            )
        if isinstance(labels, (int, np.integer)) and not isinstance(labels, bool):
            label = int(self._check_numpy_labels(np.array([labels]), 1, "labels")[0])
            return self._sample(
                n, lambda i, j: np.full(j - i, label, "int32"), seed, batch_size
            )
        labels = self._check_numpy_labels(labels, n, "labels")
        return self._sample(n, lambda i, j: labels[i:j], seed, batch_size)

    # ---------------------------------------------------------- the hooks

    def _check_networks(self):
        """Builds both networks on two labelled samples; returns the sample shape."""
        _check_input_count(self.generator, "generator", 2, "[z, labels]")
        _check_input_count(self.discriminator, "discriminator", *self._d_inputs)
        z_input = _inputs(self.generator)[:1]
        if z_input and tuple(z_input[0].shape[1:]) not in (
            (self.latent_dim,),
            (None,),
        ):
            raise ValueError(
                f"The generator takes noise of shape {_common.shape_str(z_input[0].shape)}, "
                f"but latent_dim={self.latent_dim} means noise of shape "
                f"(None, {self.latent_dim}). Received: latent_dim={self.latent_dim}"
            )
        # The first and the last class: an embedding too small for
        # `num_classes` fails here, not in the middle of training.
        labels = np.array([0, self.num_classes - 1], "int32")
        z = np.zeros((2, self.latent_dim), "float32")
        try:
            fake = self.generator([z, labels], training=False)
        except Exception as exc:
            raise ValueError(
                "The generator could not be applied to `[z, labels]` with z of "
                f"shape (2, {self.latent_dim}) and labels [0, {self.num_classes - 1}]. "
                "Expected a two-input model mapping noise and int class labels "
                f"in [0, num_classes) to samples. Received: latent_dim="
                f"{self.latent_dim}, num_classes={self.num_classes}; error: {exc}"
            ) from exc
        data_shape = tuple(int(d) for d in fake.shape[1:])
        try:
            outputs = self._discriminate(fake, ops.convert_to_tensor(labels), False)
        except Exception as exc:
            raise ValueError(
                "The discriminator could not score the generator's samples of "
                f"shape {_common.shape_str((None, *data_shape))} with labels "
                f"[0, {self.num_classes - 1}]. Error: {exc}"
            ) from exc
        self._check_discriminator_outputs(outputs)
        return data_shape

    # The discriminator's inputs: their number and form, for error messages.
    _d_inputs = (2, "[x, labels]")

    def _check_discriminator_outputs(self, outputs):
        _check_logits(outputs, "the discriminator's output")

    def _unpack(self, data):
        """Returns `(real_samples, labels)`; labels as int32 of shape `(batch,)`."""
        samples, labels = _split_labelled(data, type(self).__name__)
        real = _common.real_samples(samples, self.data_shape)
        _check_label_spec(labels.shape, labels.dtype)
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        # Checked at run time, before the labels are used, where the backend
        # can (not under XLA, nor in JAX's jit).
        return real, BACKEND.check_range(
            labels, self.num_classes, "labels", "num_classes"
        )

    def _generator_inputs(self, z, labels):
        return [z, labels]

    def _discriminate(self, x, labels, training):
        return self.discriminator(
            [self._training_view(x, training), labels], training=training
        )

    def _check_numpy_labels(self, labels, n, arg):
        """`labels` as int32 `(n,)` after checking dtype, shape and range."""
        array = np.asarray(labels)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"Expected `{arg}` to be int class indices in [0, "
                f"{self.num_classes}) (not one-hot, not floats). Received: "
                f"{arg} of dtype {array.dtype}"
            )
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.shape != (n,):
            raise ValueError(
                f"Expected `{arg}` to hold one label per sample, shape ({n},). "
                f"Received: {arg} of shape {array.shape}"
            )
        if n and (array.min() < 0 or array.max() >= self.num_classes):
            raise ValueError(
                f"Expected `{arg}` in [0, num_classes={self.num_classes}). "
                f"Received: {arg} in [{array.min()}, {array.max()}]"
            )
        return array.astype("int32")


@keras.saving.register_keras_serializable(package="tfgan_edu")
class ACGAN(ConditionalGAN):
    """Auxiliary-classifier GAN (Odena et al., 2017).

    The generator is conditional, `G(z, y)`, as in `ConditionalGAN`; the
    discriminator sees the sample alone and has two heads, an adversarial
    logit and `num_classes` class logits (`acgan_discriminator`). Both
    players also want the classifier to be right, with `CE` the sparse
    softmax cross-entropy averaged over the batch:

        d_loss = adversarial_d_loss + aux_weight * (CE(class_logits(x), y)
                                                    + CE(class_logits(G(z, y)), y))
        g_loss = adversarial_g_loss + aux_weight * CE(class_logits(G(z, y)), y)

    The adversarial losses are the family chosen in `compile`, on the
    adversarial logit. `History` reports these totals as `d_loss` and
    `g_loss`, and adds `d_aux_loss` and `g_aux_loss` (the unweighted
    cross-entropies) and `real_class_accuracy` (the classifier's accuracy
    on the real batch). Gradient penalties (`gradient_penalty_weight`,
    `r1_weight`) are not supported.

    Args:
        generator: a two-input `keras.Model` mapping `[z (batch,
            latent_dim), labels (batch,)]` to samples.
        discriminator: a `keras.Model` mapping samples to `[logits (batch,
            1), class_logits (batch, num_classes)]`, such as
            `tfgan_edu.networks.acgan_discriminator`.
        latent_dim: size of the noise vector `z`.
        num_classes: number of classes `K`.
        aux_weight: weight of the classification losses. Defaults to 1.
        seed: seed of the noise drawn in `train_step` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> from tfgan_edu.models.conditional_gan import ACGAN
    >>> from tfgan_edu.networks import conditional as nets
    >>> gan = ACGAN(
    ...     generator=nets.conditional_dcgan_generator(
    ...         16, 10, (32, 32, 1), base_filters=8
    ...     ),
    ...     discriminator=nets.acgan_discriminator((32, 32, 1), 10, base_filters=8),
    ...     latent_dim=16,
    ...     num_classes=10,
    ... )
    >>> gan.compile(d_optimizer="adam", g_optimizer="adam")
    >>> ds = tge.data.load("digits", batch_size=32, n=64, with_labels=True)
    >>> sorted(gan.fit(ds, epochs=1, verbose=0).history)  # doctest: +NORMALIZE_WHITESPACE
    ['d_aux_loss', 'd_loss', 'fake_score', 'g_aux_loss', 'g_loss',
     'real_class_accuracy', 'real_score']
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    CONFIG = (*ConditionalGAN.CONFIG, "aux_weight")

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        num_classes,
        aux_weight=1.0,
        seed=None,
        **kwargs,
    ):
        self.aux_weight = check_non_negative("aux_weight", aux_weight)
        super().__init__(
            generator, discriminator, latent_dim, num_classes, seed=seed, **kwargs
        )
        self._add_trackers("d_aux_loss", "g_aux_loss", "real_class_accuracy")

    def _penalty_critic(self):
        # Gradient penalties constrain the adversarial head only.
        return lambda x, training: self.discriminator(x, training=training)[0]

    def _d_penalties(self, real, fake, labels):
        # The discriminator sees images alone; the labels feed its class head.
        return super()._d_penalties(real, fake, None)

    def _metric_names(self):
        return [
            *super()._metric_names(),
            "d_aux_loss",
            "g_aux_loss",
            "real_class_accuracy",
        ]

    # ---------------------------------------------------------- the hooks

    _d_inputs = (1, "x")

    def _check_discriminator_outputs(self, outputs):
        if not isinstance(outputs, (list, tuple)) or len(outputs) != 2:
            raise ValueError(
                "Expected the ACGAN discriminator to return two outputs, "
                "[logits, class_logits]. Received: "
                f"{len(outputs) if isinstance(outputs, (list, tuple)) else 1} output(s)"
            )
        _check_logits(outputs[0], "the discriminator's first output (the logit)")
        class_shape = tuple(outputs[1].shape)
        if class_shape != (2, self.num_classes):
            raise ValueError(
                "Expected the discriminator's second output to be class logits "
                f"of shape (batch, {self.num_classes}). Received: output of shape "
                f"{class_shape}"
            )

    def _discriminate(self, x, labels, training):
        # The discriminator does not see the label: [logits, class_logits].
        return self.discriminator(self._training_view(x, training), training=training)

    def _discriminator_loss(self, real_out, fake_out, labels):
        """`d_loss` (adversarial + weighted classification) and `d_aux_loss`."""
        adversarial = super()._discriminator_loss(real_out[0], fake_out[0], labels)
        real_aux = auxiliary_classifier_loss(real_out[1], labels)
        fake_aux = auxiliary_classifier_loss(fake_out[1], labels)
        d_aux = real_aux + fake_aux
        return {
            "d_loss": adversarial["d_loss"] + self.aux_weight * d_aux,
            "d_aux_loss": d_aux,
        }

    def _generator_loss(self, fake_out, labels):
        """`g_loss` (adversarial + weighted classification) and `g_aux_loss`."""
        adversarial = super()._generator_loss(fake_out[0], labels)
        aux = auxiliary_classifier_loss(fake_out[1], labels)
        return {
            "g_loss": adversarial["g_loss"] + self.aux_weight * aux,
            "g_aux_loss": aux,
        }

    def _score_terms(self, real_out, fake_out, labels):
        """The scores of the adversarial logits, and the classifier's accuracy."""
        predicted = ops.cast(ops.argmax(real_out[1], axis=-1), "int32")
        accuracy = ops.mean(ops.cast(ops.equal(predicted, labels), "float32"))
        return {
            **super()._score_terms(real_out[0], fake_out[0], labels),
            "real_class_accuracy": accuracy,
        }


# ---------------------------------------------------------------- helpers


def _inputs(model):
    return getattr(model, "inputs", None) or []


def _check_input_count(model, role, count, form):
    inputs = _inputs(model)
    if inputs and len(inputs) != count:
        raise ValueError(
            f"Expected the {role} to take {count} input{'s' if count > 1 else ''}, "
            f"{form}. Received: a model with {len(inputs)} input(s)"
        )


def _check_logits(logits, what):
    _common.check_logits_shape(logits, what)


def _split_labelled(batch, model_name):
    """`(samples, labels)` of a batch or an element spec; else a ValueError."""
    batch = _common.drop_missing(batch)
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        samples, labels = batch
        if not isinstance(samples, (tuple, list, dict)) and not isinstance(
            labels, (tuple, list, dict)
        ):
            return samples, labels
    if isinstance(batch, (tuple, list)):
        received = f"a tuple of {len(batch)} elements"
    elif isinstance(batch, dict):
        received = f"a dict with keys {sorted(batch)}"
    else:
        received = f"samples alone, of shape {_common.shape_str(batch.shape)}"
    raise ValueError(
        f"{model_name} trains on (samples, labels) batches: load the data with "
        "its labels, e.g. tge.data.load(..., with_labels=True), or pass NumPy "
        f"labels as `y`. Received: {received}"
    )


def _check_label_spec(shape, dtype):
    """Checks labels' dtype (an integer) and shape (`(batch,)`, `(batch, 1)`)."""
    dtype = keras.backend.standardize_dtype(dtype)
    if "int" not in dtype:
        raise ValueError(
            "Expected labels as int class indices (not one-hot, not floats). "
            f"Received: labels of dtype {dtype}"
        )
    shape = tuple(shape)
    if len(shape) not in (1, 2) or (len(shape) == 2 and shape[1] != 1):
        raise ValueError(
            "Expected labels of shape (batch,) or (batch, 1), one class index "
            f"per sample. Received: labels of shape {_common.shape_str(shape)}"
        )
