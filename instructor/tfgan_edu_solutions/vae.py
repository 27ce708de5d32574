"""Reference solutions and known mistakes of `tfgan_edu.exercises.vae`."""

from __future__ import annotations

from keras import ops

from tfgan_edu.exercises.vae import _encoder_outputs  # noqa: F401


def reparameterize(mean, log_var, eps):
    """Reference: `z = mean + exp(log_var / 2) * eps`."""
    return mean + ops.exp(0.5 * log_var) * eps


def _reparam_variance(mean, log_var, eps):
    return mean + ops.exp(log_var) * eps


def _reparam_log_std(mean, log_var, eps):
    return mean + 0.5 * log_var * eps


def gaussian_kl(mean, log_var):
    """Reference: `KL(N(mean, exp(log_var)) || N(0, I))` per example, shape `(B,)`."""
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


def _kl_wrong_sign(mean, log_var):
    return -gaussian_kl(mean, log_var)


def _kl_mean_over_latent(mean, log_var):
    return 0.5 * ops.mean(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


def _kl_batch_mean(mean, log_var):
    return ops.mean(gaussian_kl(mean, log_var))
