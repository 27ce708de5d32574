"""Reference solutions and known mistakes of `tfgan_edu.exercises.minimax`."""

from __future__ import annotations

import keras
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


def _mlp(input_dim, hidden_units, output_units, hidden, output=None, n_hidden=2):
    layers = [keras.Input((input_dim,))]
    for _ in range(n_hidden):
        layers.append(keras.layers.Dense(hidden_units, activation=hidden))
    layers.append(keras.layers.Dense(output_units, activation=output))
    return keras.Sequential(layers)


def mlp_generator(latent_dim, hidden_units, output_dim):
    """Reference: two ReLU layers, then a linear Dense(output_dim)."""
    return _mlp(latent_dim, hidden_units, output_dim, "relu")


def _mlp_g_tanh_output(latent_dim, hidden_units, output_dim):
    return _mlp(latent_dim, hidden_units, output_dim, "relu", output="tanh")


def _mlp_g_one_hidden(latent_dim, hidden_units, output_dim):
    return _mlp(latent_dim, hidden_units, output_dim, "relu", n_hidden=1)


def mlp_discriminator(input_dim, hidden_units):
    """Reference: two leaky-ReLU (slope 0.2) layers, then Dense(1), a logit."""
    return _mlp(input_dim, hidden_units, 1, "leaky_relu")


def _mlp_d_sigmoid(input_dim, hidden_units):
    return _mlp(input_dim, hidden_units, 1, "leaky_relu", output="sigmoid")


def _mlp_d_relu(input_dim, hidden_units):
    return _mlp(input_dim, hidden_units, 1, "relu")


def _mlp_d_keras_slope(input_dim, hidden_units):
    return _mlp(input_dim, hidden_units, 1, keras.layers.LeakyReLU())


def _noise(model, real):
    shape = (ops.shape(real)[0], model.latent_dim)
    return keras.random.normal(shape, seed=model.seed_generator)


def _d_update(model, real, z):
    with tf.GradientTape() as tape:
        fake = model.generator(z, training=True)
        real_logits = model.discriminator(real, training=True)
        fake_logits = model.discriminator(fake, training=True)
        d_loss = minimax_discriminator_loss(real_logits, fake_logits)
    d_vars = model.discriminator.trainable_variables
    model.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    return d_loss


def _g_update(model, z, loss=None):
    with tf.GradientTape() as tape:
        fake = model.generator(z, training=True)
        fake_logits = model.discriminator(fake, training=True)
        g_loss = (loss or non_saturating_generator_loss)(fake_logits)
    g_vars = model.generator.trainable_variables
    model.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return g_loss


def _report(model, d_loss, g_loss):
    model.d_loss_tracker.update_state(d_loss)
    model.g_loss_tracker.update_state(g_loss)
    return {
        "d_loss": model.d_loss_tracker.result(),
        "g_loss": model.g_loss_tracker.result(),
    }


def train_step(self, real):
    """Reference: one step of Algorithm 1 (k = 1), non-saturating, noise from the seed."""
    d_loss = _d_update(self, real, _noise(self, real))  # 1-4: noise, fakes, scores, D
    g_loss = _g_update(self, _noise(self, real))  # 5: fresh noise, the updated D
    return _report(self, d_loss, g_loss)  # 6


def _step_g_first(self, real):
    g_loss = _g_update(self, _noise(self, real))
    d_loss = _d_update(self, real, _noise(self, real))
    return _report(self, d_loss, g_loss)


def _step_saturating(self, real):
    d_loss = _d_update(self, real, _noise(self, real))
    g_loss = _g_update(self, _noise(self, real), loss=_g_loss_saturating)
    return _report(self, d_loss, g_loss)


def _step_same_noise(self, real):
    z = _noise(self, real)
    d_loss = _d_update(self, real, z)
    g_loss = _g_update(self, z)
    return _report(self, d_loss, g_loss)
