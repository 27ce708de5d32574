"""`GAN`: the generative adversarial network of Goodfellow et al. (2014)."""

from __future__ import annotations

import keras
from keras import ops

from tfgan_edu import augment as augment_module
from tfgan_edu import diagnostics as diagnostics_module
from tfgan_edu import penalties
from tfgan_edu._checks import check_int, check_non_negative
from tfgan_edu.models import _common
from tfgan_edu.models._base import BACKEND, AdversarialModel, Player

# The extra `History` entries of `compile(diagnostics=True)`, in order.
DIAGNOSTICS = (
    "d_grad_norm",
    "g_grad_norm",
    "d_real_accuracy",
    "d_fake_accuracy",
    "diversity",
)


@keras.saving.register_keras_serializable(package="tfgan_edu")
class GAN(AdversarialModel):
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

    The step is written once and runs on every Keras backend (TensorFlow,
    JAX, PyTorch): each player's update goes through `tfgan_edu._backend`,
    which takes the gradient with a `GradientTape`, a stateless
    `jax.value_and_grad` or torch autograd. From the same weights and noise
    the three take the same steps to float32 round-off
    (`tests/backends/test_parity.py`).

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

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (
        Player("d", ("discriminator",), "d_optimizer"),
        Player("g", ("generator",), "g_optimizer"),
    )
    NETWORKS = ("generator", "discriminator")
    CONFIG = ("latent_dim", "seed")
    COMPILE_CONFIG = (
        "d_steps",
        "gradient_penalty_weight",
        "r1_weight",
        "clip_value",
        "label_smoothing",
        "instance_noise",
        "instance_noise_steps",
        "ema_decay",
        "augment",
        "diagnostics",
        "reuse_fakes",
    )

    def __init__(self, generator, discriminator, latent_dim, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_int("latent_dim", latent_dim)
        self._set_networks(generator=generator, discriminator=discriminator)
        self.latent_dim = int(latent_dim)
        self.data_shape = self._check_networks()

        # `gp` and `r1` are reported only when their penalty is on.
        self._add_trackers("d_loss", "g_loss", "real_score", "fake_score", "gp", "r1")
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
        reuse_fakes=False,
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
            reuse_fakes: the generator's update reuses the fakes of the
                (last) discriminator update instead of drawing new noise and
                generating again, as PyTorch's DCGAN example does: one
                forward pass of G per step instead of two, so a step is
                faster (see `benchmarks/throughput.py`). What changes: both
                updates see the same noise (Goodfellow et al.'s Algorithm 1
                draws a fresh minibatch for G), and G's batch-norm moving
                statistics are updated once per step instead of twice. The
                G update still goes through the *updated* D. Default `False`.
            **kwargs: `jit_compile` (default `"auto"`), `run_eagerly`,
                `steps_per_execution`, as in `keras.Model.compile`.
        """
        self._check_compile_kwargs(
            kwargs,
            takes="d_optimizer, g_optimizer, loss, d_steps",
            own="metrics are computed by the GAN itself",
        )
        family = self._get_loss(loss)
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
        if not isinstance(reuse_fakes, bool):
            raise ValueError(
                "Expected `reuse_fakes` to be True or False. "
                f"Received: reuse_fakes={reuse_fakes!r}"
            )
        self._compile_players(
            {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer}, kwargs
        )
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
        self.reuse_fakes = reuse_fakes
        if ema_decay is not None and getattr(self, "ema_generator", None) is None:
            # Starts as a copy of the generator; created in the model's
            # strategy scope, so MirroredStrategy mirrors it.
            with BACKEND.variable_scope(self):
                self.ema_generator = keras.models.clone_model(self.generator)
                self.ema_generator.set_weights(self.generator.get_weights())

    def _metric_names(self):
        names = ["d_loss", "g_loss", "real_score", "fake_score"]
        if getattr(self, "gradient_penalty_weight", 0):
            names.append("gp")
        if getattr(self, "r1_weight", 0):
            names.append("r1")
        if getattr(self, "diagnostics", False):
            names.extend(DIAGNOSTICS)
        return names

    def _tracker_of(self, name):
        if name in DIAGNOSTICS:
            return self.diagnostic_trackers[DIAGNOSTICS.index(name)]
        return super()._tracker_of(name)

    def _check_fit_data(self, x, y):
        if y is not None:
            raise ValueError(
                "GAN is unconditional: fit() takes real samples only, no "
                f"targets or labels. Received: y of type {type(y).__name__}"
            )
        _common.check_samples_data(x, self.data_shape)
        return x, None

    def _batch_assertions(self, batch, index):
        """A dataset's real samples: finite, and images in [-1, 1]."""
        samples = _common.single_element(batch)
        return _common.sample_assertions(samples, index, self.data_shape)

    def generate(self, n, seed=None, batch_size=256):
        """Draws `n` samples from the generator.

        Args:
            n: number of samples.
            seed: integer seed of the latent noise; the same seed gives the
                same samples. `None` draws fresh noise.
            batch_size: samples generated per forward pass.

        Returns:
            A float32 NumPy array of shape `(n, *data_shape)`.

        Raises:
            ValueError: `n` samples that would not fit in the available
                memory (the message gives their size); the noise is drawn
                a batch at a time, so only the output needs to fit.
        """
        return self._sample(n, None, seed, batch_size)

    def _sample(self, n, labels, seed, batch_size):
        """`n` samples of `sampling_generator`, in batches, from seeded noise.

        `labels`: None, or `(start, stop) -> the labels of samples start:stop`.
        """
        generator = self.sampling_generator

        def sample(z, start, stop):
            batch_labels = None if labels is None else labels(start, stop)
            inputs = self._generator_inputs(z, batch_labels)
            return generator(inputs, training=False)

        return _common.sample_in_batches(
            n, self.data_shape, self.latent_dim, seed, batch_size, sample
        )

    # ------------------------------------------------------------ training

    def _train_step(self, data):
        # 3. Real samples: the batch `fit` hands over (checked while tracing);
        # `labels` is None here and the class labels in a conditional GAN.
        real, labels = self._unpack(data)
        batch_size = ops.shape(real)[0]
        # 1 under one device; this replica's share of the global batch under
        # tf.distribute, where Keras sums the replicas' gradients. Each
        # `_minimize` below is one player's update on any backend
        # (tfgan_edu._backend: a tape, jax.value_and_grad, or autograd).
        weight = _common.replica_weight(batch_size)

        generated = None
        for step in range(self.d_steps):  # 5. is repeated k = d_steps times
            # 1. Sample noise and 2. generate fakes.
            z = self._sample_latent(batch_size)
            if self.reuse_fakes and step == self.d_steps - 1:
                # G's pass is kept: its update below goes back through it.
                generated = self._forward(
                    "g", lambda z=z: self._generate(z, labels, training=True)
                )
                fake = ops.stop_gradient(generated.outputs)
            else:
                fake = self._generate(z, labels, training=True)

            def d_loss_fn(fake=fake):
                # 4. Score both with the discriminator.
                real_out = self._discriminate(real, labels, training=True)
                fake_out = self._discriminate(fake, labels, training=True)
                d_terms = self._discriminator_loss(real_out, fake_out, labels)
                penalty_terms = self._d_penalties(real, fake, labels)
                d_total = d_terms["d_loss"] + self._weighted_penalties(penalty_terms)
                return d_total, (d_terms, penalty_terms, real_out, fake_out)

            # 5. Update D.
            aux, d_grads = self._minimize("d", d_loss_fn, weight)
            d_terms, penalty_terms, real_out, fake_out = aux
            if self.clip_value is not None:
                penalties.clip_weights(self.discriminator, self.clip_value)
            if self.diagnostics:  # the gradient of the (unscaled) total loss
                penalty_terms["d_grad_norm"] = _gradient_norm(d_grads, weight)
            self._record(penalty_terms, batch_size)

        # 6. Update G through the updated D: on fresh noise, or (with
        # `reuse_fakes`) on the fakes D was just trained on.
        def g_loss_of(fake):
            g_out = self._discriminate(fake, labels, training=True)
            g_terms = self._generator_loss(g_out, labels)
            return g_terms["g_loss"], (g_terms, fake)

        if generated is not None:
            aux, g_grads = self._minimize_through(generated, g_loss_of, weight)
        else:
            z = self._sample_latent(batch_size)
            aux, g_grads = self._minimize(
                "g",
                lambda: g_loss_of(self._generate(z, labels, training=True)),
                weight,
            )
        g_terms, fake = aux
        if self.diagnostics:
            g_terms["g_grad_norm"] = _gradient_norm(g_grads, weight)
        if self.ema_decay is not None:
            _common.update_moving_average(
                self.ema_generator.weights, self.generator.weights, self.ema_decay
            )

        # The losses and scores of the last D step and of the G step.
        terms = {**d_terms, **g_terms, **self._score_terms(real_out, fake_out, labels)}
        if self.diagnostics:
            terms.update(self._diagnostic_terms(real, fake, real_out, fake_out))
        self._record(terms, batch_size)
        return self._results()

    def _test_step(self, data):
        real, labels = self._unpack(data)
        batch_size = ops.shape(real)[0]
        fake = self._generate(self._sample_latent(batch_size), labels, training=False)
        real_out = self._discriminate(real, labels, training=False)
        fake_out = self._discriminate(fake, labels, training=False)
        terms = {
            **self._discriminator_loss(real_out, fake_out, labels),
            **self._generator_loss(fake_out, labels),
            **self._score_terms(real_out, fake_out, labels),
        }
        if getattr(self, "diagnostics", False):
            terms.update(self._diagnostic_terms(real, fake, real_out, fake_out))
        self._record(terms, batch_size)
        # The penalties are training-time regularizers, and there are no
        # gradients here: none of them is evaluated.
        return self._results(skip=("gp", "r1", "d_grad_norm", "g_grad_norm"))

    # The pieces of the step that conditional models change. Here: no labels,
    # G(z), D(x), and the compiled loss family on the logits.

    def _check_networks(self):
        """Builds both networks, checks they fit together, returns the sample shape."""
        return _check_networks(self.generator, self.discriminator, self.latent_dim)

    def _unpack(self, data):
        """Returns `(real_samples, labels)` of a batch; labels are None here."""
        return _common.real_samples(data, self.data_shape), None

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
        """The discriminator's named loss terms: `{"d_loss": ...}`."""
        if self.label_smoothing:
            d_loss = self.loss_family.discriminator_loss(
                real_out, fake_out, label_smoothing=self.label_smoothing
            )
        else:
            d_loss = self.loss_family.discriminator_loss(real_out, fake_out)
        return {"d_loss": d_loss}

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
        """The generator's named loss terms: `{"g_loss": ...}`."""
        return {"g_loss": self.loss_family.generator_loss(fake_out)}

    def _penalty_critic(self):
        """What the penalties differentiate: the discriminator's logit."""
        return self.discriminator

    def _d_penalties(self, real, fake, labels):
        """The unweighted regularizers of the discriminator loss, by name.

        `{"gp": ..., "r1": ...}`, each present when its weight is on.
        Computed inside the discriminator's tape, so they are differentiated
        with respect to its weights; `_weighted_penalties` sums them.
        """
        terms = {}
        critic = self._penalty_critic()
        if self.gradient_penalty_weight:
            terms["gp"] = penalties.gradient_penalty(
                critic, real, fake, seed=self.seed_generator, labels=labels
            )
        if self.r1_weight:
            terms["r1"] = penalties.r1_penalty(critic, real, labels=labels)
        return terms

    def _weighted_penalties(self, terms):
        """`lambda * gp + gamma / 2 * r1` of `_d_penalties`' terms (0 when off)."""
        total = 0.0
        if "gp" in terms:
            total += self.gradient_penalty_weight * terms["gp"]
        if "r1" in terms:
            total += 0.5 * self.r1_weight * terms["r1"]
        return total

    def _score_terms(self, real_out, fake_out, labels):
        """Mean D output on the real and the fake batch, as `History` reports it."""
        return {
            "real_score": _common.mean_score(real_out, self.loss_family),
            "fake_score": _common.mean_score(fake_out, self.loss_family),
        }

    def _diagnostic_terms(self, real, fake, real_out, fake_out):
        """D's accuracy on the scored batch and the diversity of its fakes."""
        real_accuracy, fake_accuracy = diagnostics_module.discriminator_accuracy(
            _adversarial_logits(real_out),
            _adversarial_logits(fake_out),
            self.loss_family,
        )
        return {
            "d_real_accuracy": real_accuracy,
            "d_fake_accuracy": fake_accuracy,
            "diversity": diagnostics_module.batch_diversity(fake, real),
        }

    def _sample_latent(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard normal noise.

        Under several replicas, draws the noise of the whole global batch
        (identically on every replica, from the shared seed state) and
        returns this replica's slice, so replicas get different noise and
        the global batch sees the noise a single device would.
        """
        split = BACKEND.global_batch(batch_size)
        if split is None:
            return keras.random.normal(
                (batch_size, self.latent_dim), seed=self.seed_generator
            )
        global_size, offset = split
        z = keras.random.normal(
            (global_size, self.latent_dim), seed=self.seed_generator
        )
        return z[offset : offset + batch_size]


# ---------------------------------------------------------------- helpers


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
                f"The generator takes inputs of shape {_common.shape_str(g_inputs[0].shape)}, "
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
                f"The generator makes samples of shape {_common.shape_str((None, *data_shape))} "
                f"but the discriminator takes inputs of shape "
                f"{_common.shape_str(d_inputs[0].shape)}. Build both networks for the same "
                f"data shape. Received: generator output {data_shape}, "
                f"discriminator input {expected}"
            )
    try:
        logits = discriminator(fake, training=False)
    except Exception as exc:
        raise ValueError(
            "The discriminator could not score the generator's samples of shape "
            f"{_common.shape_str((None, *data_shape))}. Error: {exc}"
        ) from exc
    what = "the discriminator's output"
    if pack > 1:
        what += f" (one logit per pack of pack={pack} samples)"
    _common.check_logits_shape(logits, what)
    return data_shape


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
