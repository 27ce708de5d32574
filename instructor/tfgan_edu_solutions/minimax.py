"""Reference solutions and known mistakes of `tfgan_edu.exercises.minimax`."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu.exercises.minimax import (  # noqa: F401
    _const,
    _gauss,
    _logits,
    _observe_step,
    _step_inputs,
)


def minimax_discriminator_loss(real_logits, fake_logits):
    """Reference: `mean(softplus(-r)) + mean(softplus(f))`."""
    r = ops.cast(real_logits, "float32")
    f = ops.cast(fake_logits, "float32")
    return ops.mean(ops.softplus(-r)) + ops.mean(ops.softplus(f))


def _d_loss_naive(real_logits, fake_logits):
    d_real, d_fake = ops.sigmoid(real_logits), ops.sigmoid(fake_logits)
    return -ops.mean(ops.log(d_real)) - ops.mean(ops.log(1.0 - d_fake))


def _d_loss_value(real_logits, fake_logits):
    return -minimax_discriminator_loss(real_logits, fake_logits)


def _d_loss_pooled(real_logits, fake_logits):
    both = ops.concatenate(
        [
            ops.softplus(-ops.reshape(real_logits, (-1,))),
            ops.softplus(ops.reshape(fake_logits, (-1,))),
        ]
    )
    return ops.mean(both)


def non_saturating_generator_loss(fake_logits):
    """Reference: `mean(softplus(-f))` = `-mean(log D(G(z)))`."""
    return ops.mean(ops.softplus(-ops.cast(fake_logits, "float32")))


def _g_loss_saturating(fake_logits):
    return -ops.mean(ops.softplus(fake_logits))


def _g_loss_wrong_sign(fake_logits):
    return -non_saturating_generator_loss(fake_logits)


def optimal_discriminator(p_data, p_g):
    """Reference: `D*(x) = p_data(x) / (p_data(x) + p_g(x))`."""
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    return p_data / (p_data + p_g)


def _d_star_swapped(p_data, p_g):
    return optimal_discriminator(p_g, p_data)


def _d_star_ratio(p_data, p_g):
    return np.asarray(p_data) / np.asarray(p_g)


def train_step(generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_g):
    """Reference: one step of Algorithm 1 (k = 1) with the non-saturating loss."""
    # 1. Discriminator: fakes from z_d, both batches scored, one step on L_D.
    with tf.GradientTape() as tape:
        fake = generator(z_d, training=True)
        real_logits = discriminator(real, training=True)
        fake_logits = discriminator(fake, training=True)
        d_loss = minimax_discriminator_loss(real_logits, fake_logits)
    d_vars = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    # 2. Generator: fresh noise z_g, scored by the updated discriminator.
    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(z_g, training=True), training=True)
        g_loss = non_saturating_generator_loss(fake_logits)
    g_vars = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss


def _step_g_first(generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_g):
    with tf.GradientTape() as tape:
        g_loss = non_saturating_generator_loss(discriminator(generator(z_g)))
    g_vars = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    with tf.GradientTape() as tape:
        d_loss = minimax_discriminator_loss(
            discriminator(real), discriminator(generator(z_d))
        )
    d_vars = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    return d_loss, g_loss


def _step_saturating(
    generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_g
):
    with tf.GradientTape() as tape:
        d_loss = minimax_discriminator_loss(
            discriminator(real), discriminator(generator(z_d))
        )
    d_vars = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as tape:
        g_loss = _g_loss_saturating(discriminator(generator(z_g)))
    g_vars = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss


def _step_same_noise(
    generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_g
):
    return train_step(
        generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_d
    )
