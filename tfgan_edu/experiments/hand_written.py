"""A GAN written by hand: the networks and the training step of chapter 1.

Chapter 1 builds a GAN from scratch before it meets `tfgan_edu.GAN`: two
small fully connected networks and a subclassed `keras.Model` whose
`train_step` is the six steps of the training loop, nothing else. The
notebook shows this module's source, so the code a student reads is the
code that `tests/models/test_hand_written_gan.py` checks: from the same
weights and the same seed, `HandWrittenGAN` and `tfgan_edu.GAN` (with
`loss="non_saturating"`) take the same first step.

What `tfgan_edu.GAN.train_step` adds on top of these six steps (several
discriminator steps, penalties, weight clipping, a moving average of the
generator, replica weights under `tf.distribute`, diagnostics) is shown
later in the chapter.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


def mlp_generator(
    latent_dim: int, hidden_units: int = 64, output_dim: int = 2
) -> keras.Sequential:
    """The generator: noise `z` -> two ReLU layers -> a point (linear output).

    Args:
        latent_dim: size of the noise vector `z`.
        hidden_units: units of each of the two hidden layers. Defaults to 64.
        output_dim: size of a sample. Defaults to 2 (points in the plane,
            which are not bounded: no output activation).

    Returns:
        A `keras.Sequential` from `(batch, latent_dim)` to `(batch, output_dim)`.

    Example:

    >>> G = mlp_generator(latent_dim=4, hidden_units=8)
    >>> G.output_shape, G.count_params()
    ((None, 2), 130)
    """
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(output_dim),  # a point anywhere in the plane
        ],
        name="generator",
    )


def mlp_discriminator(input_dim: int = 2, hidden_units: int = 64) -> keras.Sequential:
    """The discriminator: a sample -> two leaky-ReLU layers -> one logit.

    Args:
        input_dim: size of a sample. Defaults to 2.
        hidden_units: units of each of the two hidden layers. Defaults to 64.

    Returns:
        A `keras.Sequential` from `(batch, input_dim)` to logits `(batch, 1)`:
        no sigmoid, `D(x) = sigmoid(logit)`.

    Example:

    >>> D = mlp_discriminator(hidden_units=8)
    >>> D.output_shape, D.count_params()
    ((None, 1), 105)
    """
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(hidden_units, activation="leaky_relu"),  # slope 0.2
            keras.layers.Dense(hidden_units, activation="leaky_relu"),
            keras.layers.Dense(1),  # a logit
        ],
        name="discriminator",
    )


class HandWrittenGAN(keras.Model):
    """A GAN in one `train_step`: the six steps of the training loop.

    `fit` calls `train_step` once per batch of real samples. It draws its
    noise the way `tfgan_edu.GAN` does, `keras.random.normal` with
    `seed=self.seed_generator`, so both models take the same steps from
    the same weights and seed.

    Args:
        generator: a `keras.Model` from `(batch, latent_dim)` noise to samples.
        discriminator: a `keras.Model` from samples to logits `(batch, 1)`.
        latent_dim: size of the noise vector `z`.
        seed: seed of the noise (`None`: random). Defaults to `None`.

    Example:

    >>> keras.utils.set_random_seed(0)
    >>> gan = HandWrittenGAN(mlp_generator(4), mlp_discriminator(), latent_dim=4)
    >>> gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    >>> real = keras.random.normal((32, 2), seed=1)
    >>> sorted(gan.train_step(real))
    ['d_loss', 'g_loss']
    """

    def __init__(self, generator, discriminator, latent_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer):
        """Gives each player its own optimizer.

        Args:
            d_optimizer: the discriminator's `keras.optimizers.Optimizer`.
            g_optimizer: the generator's optimizer.
        """
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        """The running means `fit` reports (and resets at each epoch)."""
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        """`gan(z)` is `generator(z)`: samples from noise."""
        return self.generator(z, training=training)

    def train_step(self, real):
        """One step of the game on a batch of real samples; returns the losses.

        Args:
            real: a batch of real samples, `(batch, *sample shape)`.

        Returns:
            `{"d_loss": ..., "g_loss": ...}`, the running means of the epoch.
        """
        batch_size = ops.shape(real)[0]
        noise_shape = (batch_size, self.latent_dim)
        # 1. Sample noise z ~ N(0, I).
        z = keras.random.normal(noise_shape, seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)  # 2. Generate fakes G(z).
            real_logits = self.discriminator(real, training=True)  # 3. Score both.
            fake_logits = self.discriminator(fake, training=True)
            # 4. D's loss -log D(x) - log(1 - D(G(z))); then update D.
            d_loss = ops.mean(ops.softplus(-real_logits))
            d_loss += ops.mean(ops.softplus(fake_logits))
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        # 5. G's non-saturating loss -log D(G(z)): fresh noise, the updated D.
        z = keras.random.normal(noise_shape, seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            g_loss = ops.mean(ops.softplus(-self.discriminator(fake, training=True)))
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        # 6. Report: the running means that fit prints and History keeps.
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
