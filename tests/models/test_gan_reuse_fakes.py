"""`GAN.compile(reuse_fakes=True)`: the generator's update goes through the
very fakes the discriminator was just trained on.

The reference is the step of PyTorch's DCGAN example written out with two
`tf.GradientTape`s: one draw of noise, `fake = G(z)` under G's tape, D's
update on `stop_gradient(fake)`, then G's update on `D(fake)` through the
updated D. From the same weights and the same noise, the library's step
must leave the same weights (float32 round-off), and the generator's
batch-norm statistics must have moved once per step, not twice.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge

LATENT_DIM, BATCH = 4, 32


def _networks(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            # No bias before the batch norm (as in the DCGAN): its gradient
            # is 0 up to round-off, which Adam would blow up to full steps.
            keras.layers.Dense(16, use_bias=False),
            keras.layers.BatchNormalization(momentum=0.5),
            keras.layers.ReLU(),
            keras.layers.Dense(2),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    return generator, discriminator


def _copy(network):
    clone = keras.models.clone_model(network)
    clone.set_weights(network.get_weights())
    return clone


def _real(step):
    rng = np.random.default_rng(step)
    return rng.normal(1.0, 0.5, (BATCH, 2)).astype("float32")


def _adam():
    return keras.optimizers.Adam(1e-2, beta_1=0.5)


class _Reference:
    """The reused-fakes step by hand, drawing noise as `GAN` does."""

    def __init__(self, generator, discriminator, seed):
        self.G, self.D = generator, discriminator
        self.seed = keras.random.SeedGenerator(seed)
        self.d_opt, self.g_opt = _adam(), _adam()

    def step(self, real):
        G, D = self.G, self.D
        z = keras.random.normal((BATCH, LATENT_DIM), seed=self.seed)
        with tf.GradientTape() as g_tape:
            fake = G(z, training=True)
        with tf.GradientTape() as d_tape:
            d_loss = tge.losses.non_saturating_discriminator_loss(
                D(real, training=True), D(tf.stop_gradient(fake), training=True)
            )
        grads = d_tape.gradient(d_loss, D.trainable_variables)
        self.d_opt.apply_gradients(zip(grads, D.trainable_variables))
        with g_tape:
            g_loss = tge.losses.non_saturating_generator_loss(D(fake, training=True))
        grads = g_tape.gradient(g_loss, G.trainable_variables)
        self.g_opt.apply_gradients(zip(grads, G.trainable_variables))
        return float(d_loss), float(g_loss)


def _library(generator, discriminator, seed, **options):
    gan = tge.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=seed)
    gan.compile(_adam(), _adam(), reuse_fakes=True, **options)
    return gan


def test_three_steps_equal_the_hand_written_reused_fakes_step():
    generator, discriminator = _networks()
    reference = _Reference(_copy(generator), _copy(discriminator), seed=7)
    gan = _library(generator, discriminator, seed=7)
    for step in range(3):
        d_loss, g_loss = reference.step(_real(step))
        gan.reset_metrics()
        logs = gan.train_on_batch(_real(step), return_dict=True)
        np.testing.assert_allclose(logs["d_loss"], d_loss, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(logs["g_loss"], g_loss, rtol=1e-6, atol=1e-6)
    for ours, theirs in zip(
        gan.generator.weights + gan.discriminator.weights,
        reference.G.weights + reference.D.weights,
    ):
        np.testing.assert_allclose(
            ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6, err_msg=ours.path
        )


def test_the_generator_batch_norm_moves_once_per_step():
    """Momentum 0.5 from a moving mean of 0: one update halves the batch
    mean, two updates give 0.75 of it; with fresh noise (the default) the
    statistics move twice per step."""
    generator, discriminator = _networks()
    layer = generator.layers[1]
    gan = _library(generator, discriminator, seed=7)
    probe = keras.random.SeedGenerator(7)
    z = keras.random.normal((BATCH, LATENT_DIM), seed=probe)
    dense = generator.layers[0]
    batch_mean = np.mean(dense(z).numpy(), axis=0)
    gan.train_on_batch(_real(0))
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), 0.5 * batch_mean, rtol=1e-5, atol=1e-6
    )

    generator, discriminator = _networks()
    layer = generator.layers[1]
    fresh = tge.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=7)
    fresh.compile(_adam(), _adam())
    fresh.train_on_batch(_real(0))
    # The second update used other noise: the mean is no longer half of
    # the first batch's.
    assert np.max(np.abs(layer.moving_mean.numpy() - 0.5 * batch_mean)) > 1e-3


def test_with_d_steps_the_last_discriminator_steps_fakes_are_reused():
    generator, discriminator = _networks()
    gan = _library(generator, discriminator, seed=3, d_steps=3)
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(
        np.concatenate([_real(i) for i in range(4)]),
        batch_size=BATCH,
        epochs=2,
        verbose=0,
    )
    assert all(np.isfinite(v).all() for v in history.history.values())
    moved = [
        np.max(np.abs(w.numpy() - b))
        for w, b in zip(gan.generator.trainable_weights, before)
    ]
    assert min(moved) > 0


def test_is_saved_with_the_model_and_checked(tmp_path):
    gan = _library(*_networks(), seed=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    assert tge.models.load(path).reuse_fakes is True
    with pytest.raises(ValueError, match="reuse_fakes` to be True or False"):
        gan.compile(_adam(), _adam(), reuse_fakes="yes")
