"""`GAN`: the generative adversarial network of Goodfellow et al. (2014)."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu import augment as augment_module
from tfgan_edu import diagnostics as diagnostics_module
from tfgan_edu import losses as losses_module
from tfgan_edu import penalties
from tfgan_edu._checks import check_int, check_non_negative

_COMPILE_KWARGS = ("jit_compile", "run_eagerly", "steps_per_execution")

# The extra `History` entries of `compile(diagnostics=True)`, in order.
DIAGNOSTICS = (
    "d_grad_norm",
    "g_grad_norm",
    "d_real_accuracy",
    "d_fake_accuracy",
    "diversity",
)


@keras.saving.register_keras_serializable(package="tfgan_edu")
class GAN(keras.Model):
    """A generator and a discriminator playing the minimax game under `fit`.

    `train_step` follows Algorithm 1 of Goodfellow et al. (2014): for
    `d_steps` steps, sample noise `z ~ N(0, I)`, generate `G(z)`, score a
    real batch and the fakes with `D`, and take a gradient step on the
    discriminator loss; then sample fresh noise and take one gradient step
    on the generator loss. The losses are those of `tfgan_edu.losses`
    (chosen by name in `compile`). Every `d_steps` step reuses the same real
    batch with fresh noise.

    The model is built at construction, so it can be saved before training,
    and `keras.models.load_model` restores both networks, both optimizers
    and the losses: `fit` on a reloaded GAN resumes where it stopped.

    Under a multi-replica `tf.distribute` strategy the losses are averaged
    over the global batch, each replica gets its own slice of one global
    noise draw (so a run on N replicas takes the same first step as on one
    device), and XLA is turned off (it cannot place the mirrored
    variables).

    Args:
        generator: a `keras.Model` mapping `(batch, latent_dim)` noise to
            samples.
        discriminator: a `keras.Model` mapping samples to one logit each
            (shape `(batch,)`, `(batch, 1)` or patch-shaped
            `(batch, h, w, 1)`), with no final sigmoid.
        latent_dim: size of the noise vector `z`.
        seed: seed of the noise drawn in `train_step` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> gan = tge.GAN(
    ...     generator=tge.networks.mlp_generator(latent_dim=8, output_shape=(2,)),
    ...     discriminator=tge.networks.mlp_discriminator(input_shape=(2,)),
    ...     latent_dim=8,
    ... )
    >>> gan.compile(
    ...     d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     loss="non_saturating",
    ... )
    >>> history = gan.fit(tge.data.load("ring", batch_size=64, n=256),
    ...                   epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'fake_score', 'g_loss', 'real_score']
    >>> gan.generate(5, seed=0).shape
    (5, 2)
    """

    def __init__(self, generator, discriminator, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_int("latent_dim", latent_dim)
        for label, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.layers.Layer):
                raise TypeError(
                    f"Expected `{label}` to be a keras.Model (or Layer). "
                    f"Received: {label}={net!r}"
                )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")
        self.data_shape = self._check_networks()

        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        # Reported only when the penalty is on (see `metrics`).
        self.gp_tracker = keras.metrics.Mean(name="gp")
        self.r1_tracker = keras.metrics.Mean(name="r1")
        # Reported only with `compile(diagnostics=True)`.
        self.diagnostic_trackers = [
            keras.metrics.Mean(name=name) for name in DIAGNOSTICS
        ]
        # Both networks were built by `_check_networks`; the GAN owns no
        # other weights, so it is built as soon as it exists.
        self.built = True

    # ------------------------------------------------------------------ api

    def call(self, inputs, training=False):
        """Maps latent vectors to samples: `gan(z)` is `generator(z)`."""
        return self.generator(inputs, training=training)

    def compile(
        self,
        d_optimizer,
        g_optimizer,
        loss="non_saturating",
        d_steps=1,
        *,
        gradient_penalty_weight=0.0,
        r1_weight=0.0,
        clip_value=None,
        label_smoothing=0.0,
        instance_noise=0.0,
        instance_noise_steps=None,
        ema_decay=None,
        augment=None,
        diagnostics=False,
        **kwargs,
    ):
        """Configures the game: optimizers, loss, `d_steps` and regularizers.

        Args:
            d_optimizer: optimizer of the discriminator (instance or name).
            g_optimizer: optimizer of the generator (instance or name); must be
                a different object from `d_optimizer`.
            loss: `"minimax"`, `"non_saturating"` (default), `"wasserstein"`,
                `"least_squares"`, `"hinge"`, or a
                `(generator_loss, discriminator_loss)` pair of callables of
                logits. Custom callables must be registered with
                `keras.saving.register_keras_serializable` for the model to
                be saved and reloaded.
            d_steps: discriminator updates per generator update (`k` in the
                paper; `n_critic` for Wasserstein GANs). Default 1.
            gradient_penalty_weight: lambda of the WGAN-GP penalty
                `lambda * mean((||grad D(x_hat)|| - 1)^2)` added to the
                discriminator loss (Gulrajani et al. 2017 use 10 with the
                Wasserstein loss). `History` gains `gp`, the unweighted
                penalty. Default 0 (off).
            r1_weight: gamma of the R1 penalty `gamma / 2 * mean(||grad D(x)||^2)`
                on real data (Mescheder et al. 2018). `History` gains `r1`.
                Default 0 (off).
            clip_value: clip every discriminator weight to
                `[-clip_value, clip_value]` after each of its updates, as the
                original WGAN does (Arjovsky et al. 2017 use 0.01).
                Default `None` (off).
            label_smoothing: one-sided label smoothing `a` (Salimans et al.
                2016): the discriminator's target for real samples is
                `1 - a` (fakes keep 0). Only for the sigmoid families
                (`minimax`, `non_saturating`). Default 0 (off).
            instance_noise: standard deviation of Gaussian noise added to
                every sample the discriminator sees in training, real and
                fake alike (Sonderby et al. 2016; Arjovsky & Bottou 2017):
                it makes the two distributions overlap, so D cannot
                separate them perfectly early on. Default 0 (off).
            instance_noise_steps: anneal the noise linearly to 0 over this
                many generator steps. Default `None`: constant noise.
            ema_decay: keep `ema_generator`, an exponential moving average
                of the generator's weights updated after every generator
                step (`w_ema <- d * w_ema + (1 - d) * w`; Karras et al. 2018,
                Yazici et al. 2019). `generate`, `sampling_generator` and the
                saved model then sample with the averaged weights, which are
                usually smoother and better. Typical: 0.999. Default `None`.
            augment: differentiable augmentation of everything the
                discriminator sees in training, real and fake alike
                (DiffAugment, Zhao et al. 2020): a policy string of
                `tfgan_edu.augment.diff_augment` such as
                `"color,translation,cutout"`, for image data. The generator
                learns through it; the penalties are taken on un-augmented
                samples. Default `None` (off).
            diagnostics: also report, per epoch in `History` (and so in
                TensorBoard), the instruments of `tfgan_edu.diagnostics`:
                `d_grad_norm` and `g_grad_norm` (global L2 norms of each
                player's gradient, penalties included, averaged over the
                updates), `d_real_accuracy` and `d_fake_accuracy` (how often
                D tells real and fake apart, with the decision rule of the
                loss family: `tfgan_edu.diagnostics.DECISION_THRESHOLDS`)
                and `diversity` (mean pairwise distance of the fakes over
                that of the real batch: about 1 when healthy, towards 0 under
                mode collapse). `evaluate` reports the last three. Off, the
                step computes nothing extra. Under a multi-replica strategy
                the norms and the diversity are those of each replica's
                share of the batch, averaged (noisier than on one device;
                the accuracies are exact). Default `False`.
            **kwargs: `jit_compile` (default `"auto"`), `run_eagerly`,
                `steps_per_execution`, as in `keras.Model.compile`.
        """
        check_compile_kwargs(
            self,
            kwargs,
            takes="d_optimizer, g_optimizer, loss, d_steps",
            own="metrics are computed by the GAN itself",
        )
        family = losses_module.get(loss)
        check_int("d_steps", d_steps)
        gradient_penalty_weight = check_non_negative(
            "gradient_penalty_weight", gradient_penalty_weight
        )
        r1_weight = check_non_negative("r1_weight", r1_weight)
        if clip_value is not None and check_non_negative("clip_value", clip_value) == 0:
            raise ValueError(
                "Expected `clip_value` > 0, or None for no clipping. "
                f"Received: clip_value={clip_value!r}"
            )
        label_smoothing = check_non_negative("label_smoothing", label_smoothing)
        if label_smoothing >= 1:
            raise ValueError(
                "Expected `label_smoothing` in [0, 1). "
                f"Received: label_smoothing={label_smoothing!r}"
            )
        if label_smoothing and not family.probabilistic:
            raise ValueError(
                "One-sided label smoothing changes the target probability of "
                "real samples, so it applies to the sigmoid losses only "
                "('minimax', 'non_saturating'). Received: "
                f"loss={family.name!r}, label_smoothing={label_smoothing}"
            )
        instance_noise = check_non_negative("instance_noise", instance_noise)
        if instance_noise_steps is not None:
            check_int("instance_noise_steps", instance_noise_steps, note=" or None")
        if ema_decay is not None:
            ema_decay = check_non_negative("ema_decay", ema_decay)
            if not 0 < ema_decay < 1:
                raise ValueError(
                    f"Expected `ema_decay` in (0, 1), or None. Received: ema_decay={ema_decay!r}"
                )
        if augment:
            if len(self.data_shape) != 3:
                raise ValueError(
                    "`augment` transforms images (batch, height, width, channels); "
                    f"this GAN's samples have shape {self.data_shape}. "
                    f"Received: augment={augment!r}"
                )
            augment_module.parse_policy(augment)
        if not isinstance(diagnostics, bool):
            raise ValueError(
                "Expected `diagnostics` to be True or False. "
                f"Received: diagnostics={diagnostics!r}"
            )
        d_optimizer = keras.optimizers.get(d_optimizer)
        g_optimizer = keras.optimizers.get(g_optimizer)
        if d_optimizer is None or g_optimizer is None:
            raise ValueError(
                "Both players need an optimizer. Received: "
                f"d_optimizer={d_optimizer!r}, g_optimizer={g_optimizer!r}"
            )
        if d_optimizer is g_optimizer:
            raise ValueError(
                "Expected two different optimizer objects: the generator and the "
                "discriminator each keep their own step count and moment "
                "estimates. Received the same object for d_optimizer and "
                "g_optimizer."
            )
        compile_keras_model(self, kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_family = family
        self.d_steps = int(d_steps)
        self.gradient_penalty_weight = gradient_penalty_weight
        self.r1_weight = r1_weight
        self.clip_value = None if clip_value is None else float(clip_value)
        self.label_smoothing = label_smoothing
        self.instance_noise = instance_noise
        self.instance_noise_steps = (
            None if instance_noise_steps is None else int(instance_noise_steps)
        )
        self.ema_decay = ema_decay
        self.augment = augment or None
        self.diagnostics = diagnostics
        # Create the optimizer state now, inside the model's strategy scope,
        # so that a reloaded model can restore it and MirroredStrategy
        # mirrors it.
        with self.distribute_strategy.scope():
            if ema_decay is not None and getattr(self, "ema_generator", None) is None:
                # Starts as a copy of the generator.
                self.ema_generator = keras.models.clone_model(self.generator)
                self.ema_generator.set_weights(self.generator.get_weights())
            if not self.d_optimizer.built:
                self.d_optimizer.build(self.discriminator.trainable_variables)
            if not self.g_optimizer.built:
                self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        trackers = [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.real_score_tracker,
            self.fake_score_tracker,
        ]
        if getattr(self, "gradient_penalty_weight", 0):
            trackers.append(self.gp_tracker)
        if getattr(self, "r1_weight", 0):
            trackers.append(self.r1_tracker)
        if getattr(self, "diagnostics", False):
            trackers.extend(self.diagnostic_trackers)
        return trackers

    def fit(self, x=None, y=None, **kwargs):
        """Trains the GAN; arguments as `keras.Model.fit`, without targets.

        The data (a `tf.data.Dataset`, NumPy array or other Keras input)
        holds real samples only. It is checked before training starts: its
        sample shape must match the discriminator's input, images must be
        floats in [-1, 1], and there must be no labels.
        """
        if y is not None:
            raise ValueError(
                "GAN is unconditional: fit() takes real samples only, no "
                f"targets or labels. Received: y of type {type(y).__name__}"
            )
        self._check_compiled()
        _check_fit_data(x, self.data_shape)
        if isinstance(x, tf.data.Dataset):
            # The dataset shuffles itself; Keras would warn that `shuffle`
            # is ignored.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, **kwargs)

    def generate(self, n, seed=None, batch_size=256):
        """Draws `n` samples from the generator.

        Args:
            n: number of samples.
            seed: integer seed of the latent noise; the same seed gives the
                same samples. `None` draws fresh noise.
            batch_size: samples generated per forward pass.

        Returns:
            A float32 NumPy array of shape `(n, *data_shape)`.
        """
        return self._sample(n, None, seed, batch_size)

    def _sample(self, n, labels, seed, batch_size):
        """`n` samples of `sampling_generator`, in batches, from seeded noise."""
        check_sample_count(n, batch_size)
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim))
        z = z.astype("float32")
        generator = self.sampling_generator
        batches = []
        for i in range(0, n, batch_size):
            batch_labels = None if labels is None else labels[i : i + batch_size]
            inputs = self._generator_inputs(z[i : i + batch_size], batch_labels)
            batches.append(ops.convert_to_numpy(generator(inputs, training=False)))
        return np.concatenate(batches, axis=0).astype("float32")

    # ------------------------------------------------------------ training

    def train_step(self, data):
        # 3. Real samples: the batch `fit` hands over (checked while tracing);
        # `labels` is None here and the class labels in a conditional GAN.
        real, labels = self._unpack(data)
        batch_size = ops.shape(real)[0]
        # 1 under one device; this replica's share of the global batch under
        # tf.distribute, where Keras sums the replicas' gradients.
        weight = _replica_weight(batch_size)

        for _ in range(self.d_steps):  # 5. is repeated k = d_steps times
            # 1. Sample noise and 2. generate fakes.
            z = self._sample_latent(batch_size)
            fake = self._generate(z, labels, training=True)
            with tf.GradientTape() as tape:
                # 4. Score both with the discriminator.
                real_out = self._discriminate(real, labels, training=True)
                fake_out = self._discriminate(fake, labels, training=True)
                d_loss = self._discriminator_loss(real_out, fake_out, labels)
                total_d_loss = d_loss + self._d_penalties(real, fake, labels)
                scaled_d_loss = total_d_loss * weight
            # 5. Update D.
            d_vars = self.discriminator.trainable_variables
            d_grads = tape.gradient(scaled_d_loss, d_vars)
            if self.diagnostics:  # the gradient of the (unscaled) total loss
                self._track("d_grad_norm", _gradient_norm(d_grads, weight), real)
            self.d_optimizer.apply_gradients(zip(d_grads, d_vars))
            if self.clip_value is not None:
                penalties.clip_weights(self.discriminator, self.clip_value)

        # 6. Update G: fresh noise, through the updated D.
        z = self._sample_latent(batch_size)
        with tf.GradientTape() as tape:
            fake = self._generate(z, labels, training=True)
            g_out = self._discriminate(fake, labels, training=True)
            g_loss = self._generator_loss(g_out, labels)
            scaled_g_loss = g_loss * weight
        g_vars = self.generator.trainable_variables
        g_grads = tape.gradient(scaled_g_loss, g_vars)
        if self.diagnostics:
            self._track("g_grad_norm", _gradient_norm(g_grads, weight), real)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))
        if self.ema_decay is not None:
            _update_moving_average(
                self.ema_generator.weights, self.generator.weights, self.ema_decay
            )

        self._update_metrics(batch_size, d_loss, g_loss, real_out, fake_out, labels)
        if self.diagnostics:
            self._update_diagnostics(real, fake, real_out, fake_out)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        real, labels = self._unpack(data)
        batch_size = ops.shape(real)[0]
        fake = self._generate(self._sample_latent(batch_size), labels, training=False)
        real_out = self._discriminate(real, labels, training=False)
        fake_out = self._discriminate(fake, labels, training=False)
        d_loss = self._discriminator_loss(real_out, fake_out, labels)
        g_loss = self._generator_loss(fake_out, labels)
        self._update_metrics(batch_size, d_loss, g_loss, real_out, fake_out, labels)
        if getattr(self, "diagnostics", False):
            self._update_diagnostics(real, fake, real_out, fake_out)
        # The penalties are training-time regularizers, and there are no
        # gradients here: none of them is evaluated.
        skipped = ("gp", "r1", "d_grad_norm", "g_grad_norm")
        trackers = [m for m in self.metrics if m.name not in skipped]
        return {m.name: m.result() for m in trackers}

    # The pieces of the step that conditional models change. Here: no labels,
    # G(z), D(x), and the compiled loss family on the logits.

    def _check_networks(self):
        """Builds both networks, checks they fit together, returns the sample shape."""
        return _check_networks(self.generator, self.discriminator, self.latent_dim)

    def _unpack(self, data):
        """Returns `(real_samples, labels)` of a batch; labels are None here."""
        return _real_samples(data, self.data_shape), None

    def _generator_inputs(self, z, labels):
        return z

    def _generate(self, z, labels, training):
        return self.generator(self._generator_inputs(z, labels), training=training)

    def _discriminate(self, x, labels, training):
        return self.discriminator(self._training_view(x, training), training=training)

    def _training_view(self, x, training):
        """What D sees of `x`: augmented and noised while training, if asked."""
        if training and self.augment:
            x = augment_module.diff_augment(x, self.augment, seed=self.seed_generator)
        if training and self.instance_noise:
            noise = keras.random.normal(ops.shape(x), seed=self.seed_generator)
            x = x + self.instance_noise_sigma() * noise
        return x

    def _discriminator_loss(self, real_out, fake_out, labels):
        if self.label_smoothing:
            return self.loss_family.discriminator_loss(
                real_out, fake_out, label_smoothing=self.label_smoothing
            )
        return self.loss_family.discriminator_loss(real_out, fake_out)

    @property
    def sampling_generator(self):
        """The network to sample from: `ema_generator` if kept, else `generator`."""
        return getattr(self, "ema_generator", None) or self.generator

    def instance_noise_sigma(self):
        """The current instance-noise standard deviation (a float32 tensor).

        `instance_noise * max(0, 1 - t / instance_noise_steps)` after `t`
        generator steps, or the constant `instance_noise` without annealing.
        """
        sigma = ops.convert_to_tensor(getattr(self, "instance_noise", 0.0), "float32")
        if getattr(self, "instance_noise_steps", None):
            t = ops.cast(self.g_optimizer.iterations, "float32")
            sigma = sigma * ops.maximum(0.0, 1.0 - t / self.instance_noise_steps)
        return sigma

    def _generator_loss(self, fake_out, labels):
        return self.loss_family.generator_loss(fake_out)

    def _penalty_critic(self):
        """What the penalties differentiate: the discriminator's logit."""
        return self.discriminator

    def _d_penalties(self, real, fake, labels):
        """The weighted regularizers of the discriminator loss (0 when off).

        Computed inside the discriminator's tape, so they are differentiated
        with respect to its weights; their unweighted values go to `History`.
        """
        total = 0.0
        critic = self._penalty_critic()
        if self.gradient_penalty_weight:
            gp = penalties.gradient_penalty(
                critic, real, fake, seed=self.seed_generator, labels=labels
            )
            self.gp_tracker.update_state(gp, sample_weight=_batch_weight(real))
            total += self.gradient_penalty_weight * gp
        if self.r1_weight:
            r1 = penalties.r1_penalty(critic, real, labels=labels)
            self.r1_tracker.update_state(r1, sample_weight=_batch_weight(real))
            total += 0.5 * self.r1_weight * r1
        return total

    def _update_metrics(
        self, batch_size, d_loss, g_loss, real_logits, fake_logits, labels=None
    ):
        # Weighting by the local batch size makes the (replica-summed) means
        # exact global-batch averages under tf.distribute.
        w = ops.cast(batch_size, "float32")
        score = ops.sigmoid if self.loss_family.probabilistic else (lambda t: t)
        self.d_loss_tracker.update_state(d_loss, sample_weight=w)
        self.g_loss_tracker.update_state(g_loss, sample_weight=w)
        self.real_score_tracker.update_state(
            ops.mean(score(ops.cast(real_logits, "float32"))), sample_weight=w
        )
        self.fake_score_tracker.update_state(
            ops.mean(score(ops.cast(fake_logits, "float32"))), sample_weight=w
        )

    def _track(self, name, value, batch):
        """Adds `value` to the diagnostic `name`, weighted by the batch size."""
        tracker = self.diagnostic_trackers[DIAGNOSTICS.index(name)]
        tracker.update_state(value, sample_weight=_batch_weight(batch))

    def _update_diagnostics(self, real, fake, real_out, fake_out):
        """D's accuracy on the scored batch and the diversity of its fakes."""
        real_accuracy, fake_accuracy = diagnostics_module.discriminator_accuracy(
            _adversarial_logits(real_out),
            _adversarial_logits(fake_out),
            self.loss_family,
        )
        self._track("d_real_accuracy", real_accuracy, real)
        self._track("d_fake_accuracy", fake_accuracy, real)
        self._track("diversity", diagnostics_module.batch_diversity(fake, real), real)

    def _sample_latent(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard normal noise.

        Under several replicas, draws the noise of the whole global batch
        (identically on every replica, from the shared seed state) and
        returns this replica's slice, so replicas get different noise and
        the global batch sees the noise a single device would.
        """
        ctx = tf.distribute.get_replica_context()
        if ctx is None or ctx.num_replicas_in_sync == 1:
            return keras.random.normal(
                (batch_size, self.latent_dim), seed=self.seed_generator
            )
        sizes = ctx.all_gather(tf.reshape(batch_size, (1,)), axis=0)
        replica = tf.cast(ctx.replica_id_in_sync_group, sizes.dtype)
        offset = tf.reduce_sum(sizes[:replica])
        z = keras.random.normal(
            (tf.reduce_sum(sizes), self.latent_dim), seed=self.seed_generator
        )
        return z[offset : offset + batch_size]

    def _check_compiled(self):
        if not getattr(self, "d_optimizer", None):
            raise RuntimeError(
                "Call `gan.compile(d_optimizer=..., g_optimizer=..., loss=...)` "
                "before `fit`."
            )

    # -------------------------------------------------------- serialization

    def save_own_variables(self, store):
        # Keras does not save seed-generator states; saving the noise stream's
        # position makes a reloaded GAN continue with the noise it would have
        # drawn next, so resuming training is exact.
        super().save_own_variables(store)
        store["noise_seed_state"] = self.seed_generator.state

    def load_own_variables(self, store):
        load_own_variables_and_seed(self, store, "noise_seed_state")

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(
            config.pop("discriminator")
        )
        return cls(generator=generator, discriminator=discriminator, **config)

    def get_compile_config(self):
        if not getattr(self, "d_optimizer", None):
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_module.serialize(self.loss_family),
            "d_steps": self.d_steps,
            "gradient_penalty_weight": self.gradient_penalty_weight,
            "r1_weight": self.r1_weight,
            "clip_value": self.clip_value,
            "label_smoothing": self.label_smoothing,
            "instance_noise": self.instance_noise,
            "instance_noise_steps": self.instance_noise_steps,
            "ema_decay": self.ema_decay,
            "augment": self.augment,
            "diagnostics": getattr(self, "diagnostics", False),
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        loss = losses_module.deserialize(config.pop("loss"))
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config.pop("d_optimizer")),
            g_optimizer=keras.optimizers.deserialize(config.pop("g_optimizer")),
            loss=loss,
            **config,
        )


# ---------------------------------------------------------------- helpers


def _shape_str(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _check_networks(generator, discriminator, latent_dim):
    """Builds both networks and checks that they fit together.

    Returns the shape of one sample (without the batch axis). A packed
    discriminator (PacGAN: a `pack` attribute, see
    `tfgan_edu.networks.PackedDiscriminator`) returns one logit per `pack`
    samples, and is checked on `2 * pack` samples.
    """
    pack = getattr(discriminator, "pack", 1)
    check_int("discriminator.pack", pack)
    g_inputs = getattr(generator, "inputs", None)
    if g_inputs and len(g_inputs) == 1 and g_inputs[0].shape[-1] is not None:
        if tuple(g_inputs[0].shape[1:]) != (latent_dim,):
            raise ValueError(
                f"The generator takes inputs of shape {_shape_str(g_inputs[0].shape)}, "
                f"but latent_dim={latent_dim} means noise of shape "
                f"(None, {latent_dim}). Build the generator with "
                f"latent_dim={latent_dim}, or pass the generator's input size as "
                f"`latent_dim`. Received: latent_dim={latent_dim}"
            )
    try:
        fake = generator(ops.zeros((2 * pack, latent_dim)), training=False)
    except Exception as exc:
        raise ValueError(
            f"The generator could not be applied to noise of shape ({2 * pack}, {latent_dim}). "
            f"Expected a model mapping (batch, latent_dim) to samples. "
            f"Received: latent_dim={latent_dim}; error: {exc}"
        ) from exc
    data_shape = tuple(int(d) for d in fake.shape[1:])

    d_inputs = getattr(discriminator, "inputs", None)
    if d_inputs and len(d_inputs) == 1:
        expected = tuple(d_inputs[0].shape[1:])
        if len(expected) != len(data_shape) or any(
            e is not None and e != d for e, d in zip(expected, data_shape)
        ):
            raise ValueError(
                f"The generator makes samples of shape {_shape_str((None, *data_shape))} "
                f"but the discriminator takes inputs of shape "
                f"{_shape_str(d_inputs[0].shape)}. Build both networks for the same "
                f"data shape. Received: generator output {data_shape}, "
                f"discriminator input {expected}"
            )
    try:
        logits = discriminator(fake, training=False)
    except Exception as exc:
        raise ValueError(
            "The discriminator could not score the generator's samples of shape "
            f"{_shape_str((None, *data_shape))}. Error: {exc}"
        ) from exc
    if not hasattr(logits, "shape") or len(logits.shape) < 1 or logits.shape[0] != 2:
        raise ValueError(
            "Expected the discriminator to return one logit per sample (per pack "
            "of `pack` samples for a packed discriminator), of shape (batch,), "
            "(batch, 1) or (batch, h, w, 1). Received: output of shape "
            f"{getattr(logits, 'shape', type(logits).__name__)}"
        )
    return data_shape


def check_compile_kwargs(model, kwargs, takes, own):
    """Raises a TypeError unless `kwargs` are Keras' own compile options.

    Those are `_COMPILE_KWARGS`; the message says what `model`'s `compile`
    takes besides them (`takes`) and what the model does itself (`own`).
    """
    unknown = sorted(set(kwargs) - set(_COMPILE_KWARGS))
    if unknown:
        raise TypeError(
            f"{type(model).__name__}.compile() takes {takes} and the "
            f"keras.Model.compile options {list(_COMPILE_KWARGS)}; {own}. "
            f"Received unexpected arguments: {unknown}"
        )


def compile_keras_model(model, kwargs, optimizer=None):
    """Runs `keras.Model.compile` with Keras' own arguments (`_COMPILE_KWARGS`).

    `optimizer` is `None` for models with one optimizer per player (they
    keep them as attributes), or the single optimizer of a `VAE`.

    The arguments are kept in `model._compile_kwargs` for `get_compile_config`.
    `jit_compile` defaults to Keras' `"auto"`; under a multi-replica
    `tf.distribute` strategy XLA is turned off (with a warning if it was
    asked for), since the players' steps cannot be compiled there.
    """
    model._compile_kwargs = dict(kwargs)
    kwargs = {"jit_compile": "auto", **kwargs}
    if model.distribute_strategy.num_replicas_in_sync > 1:
        if kwargs["jit_compile"] is True:
            warnings.warn(
                "XLA (jit_compile=True) cannot run under a multi-replica "
                "tf.distribute strategy; training without it.",
                stacklevel=3,
            )
        kwargs["jit_compile"] = False
    keras.Model.compile(model, optimizer=optimizer, **kwargs)


def load_own_variables_and_seed(model, store, seed_key):
    """`load_own_variables` for a model that also saved a seed generator's state.

    Keras does not save seed-generator states, so the models of this package
    store theirs under `seed_key` in `save_own_variables`; files written
    before that have no such key and keep the freshly seeded state.
    """
    if seed_key in set(store.keys()):
        model.seed_generator.state.assign(store[seed_key])
    own = model._trainable_variables + model._non_trainable_variables
    for i, variable in enumerate(own):
        variable.assign(store[f"{i}"])


def check_sample_count(n, batch_size):
    """Checks `generate`'s `n` and `batch_size` arguments."""
    check_int("n", n)
    if batch_size < 1:
        raise ValueError(
            f"Expected `batch_size` >= 1. Received: batch_size={batch_size!r}"
        )


def _update_moving_average(averages, values, decay):
    """`average <- decay * average + (1 - decay) * value`, for each pair.

    Under several replicas the (mirrored) averages are updated in a merge
    call, as Keras optimizers update mirrored weights.
    """

    def blend(average, value):
        return average.assign(decay * average + (1.0 - decay) * value)

    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        for average, value in zip(averages, values):
            blend(average, value)
        return

    def merge_fn(strategy, pairs):
        for average, value in pairs:
            strategy.extended.update(average, blend, args=(value,), group=False)

    pairs = [(a.value, v.value) for a, v in zip(averages, values)]
    ctx.merge_call(merge_fn, args=(pairs,))


def _gradient_norm(grads, weight):
    """Norm of the gradient of the unscaled loss (`grads` are of `loss * weight`)."""
    return diagnostics_module.gradient_norm(grads) / weight


def _adversarial_logits(outputs):
    """The adversarial logits of a discriminator's outputs.

    A discriminator with several heads (ACGAN's `[logits, class_logits]`)
    returns the adversarial logit first.
    """
    if isinstance(outputs, (list, tuple)):
        return outputs[0]
    return outputs


def _batch_weight(batch):
    return ops.cast(ops.shape(batch)[0], "float32")


def _replica_weight(batch_size):
    """Weight that turns a per-replica mean into its share of the global mean.

    Keras sums gradients over replicas, so each replica's loss is scaled by
    `local_batch / global_batch` (1 without a multi-replica strategy).
    """
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return 1.0
    local = tf.cast(batch_size, "float32")
    return local / ctx.all_reduce(tf.distribute.ReduceOp.SUM, local)


def _label_error(n_parts):
    return ValueError(
        "GAN is unconditional and trains on real samples alone, but the data "
        f"yields {n_parts} elements per batch (such as (samples, labels)). Load the "
        "data without labels (e.g. tge.data.load(..., with_labels=False)) or drop "
        "them with `dataset.map(lambda x, y: x)`."
    )


def _real_samples(data, data_shape):
    """The real batch in `train_step`, with its structure and shape checked.

    Runs while the step is traced, so bad data fails before any update.
    """
    data = _single_element(data)
    _check_sample_spec(tuple(data.shape[1:]), data.dtype, data_shape)
    return ops.cast(data, "float32")


def drop_missing(batch):
    """A batch without the `None` entries that Keras packs in.

    `train_on_batch(x)` and `test_on_batch(x)` hand `train_step` the tuple
    `(x, y, sample_weight)` with `y` and `sample_weight` left `None`.
    """
    if isinstance(batch, (tuple, list)):
        batch = tuple(part for part in batch if part is not None)
    return batch


def _single_element(batch):
    """The one tensor (or `TensorSpec`) of a batch; labels or dicts are errors."""
    batch = drop_missing(batch)
    if isinstance(batch, (tuple, list)):
        if len(batch) != 1:
            raise _label_error(len(batch))
        batch = batch[0]
    if isinstance(batch, dict):
        raise ValueError(
            "Expected batches of real samples (a single tensor). Received a dict "
            f"with keys {sorted(batch)}"
        )
    return batch


def _check_sample_spec(shape, dtype, data_shape):
    dtype = keras.backend.standardize_dtype(dtype)
    if "int" in dtype or dtype == "bool":
        raise ValueError(
            "Expected real samples as floats (images scaled to [-1, 1]). Received "
            f"dtype={dtype}. Convert uint8 images with `tge.data.from_numpy` or "
            "`x / 127.5 - 1`."
        )
    known = all(d is not None for d in shape)
    if len(shape) != len(data_shape) or (
        known and tuple(int(d) for d in shape) != data_shape
    ):
        raise ValueError(
            f"Expected real samples of shape {_shape_str((None, *data_shape))} to "
            "match the generator's output and the discriminator's input. "
            f"Received: samples of shape {_shape_str((None, *shape))}"
        )


def _check_fit_data(x, data_shape):
    """Checks `fit`'s data before training starts (cheap, static checks)."""
    if x is None:
        raise ValueError("GAN.fit() needs real samples. Received: x=None")
    if isinstance(x, tf.data.Dataset):
        spec = _single_element(x.element_spec)
        _check_sample_spec(tuple(spec.shape[1:]), spec.dtype, data_shape)
    elif isinstance(x, np.ndarray):
        _check_sample_spec(tuple(x.shape[1:]), x.dtype, data_shape)
        if len(data_shape) >= 2 and x.size:
            lo, hi = float(np.min(x)), float(np.max(x))
            if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
                raise ValueError(
                    "Expected images scaled to [-1, 1] (the range of the "
                    "generator's tanh output). Received values in "
                    f"[{lo:g}, {hi:g}]; rescale them, e.g. with "
                    "`tge.data.from_numpy(x, value_range=(0, 255), ...)`."
                )
