"""Reference solutions and known mistakes of `tfgan_edu.exercises.stability`."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu.exercises.stability import (  # noqa: F401
    _critic_inputs,
    _interpolate_normal,
    _linear_critic,
    _mlp_critic,
    _observe_penalty,
    _pairs,
    _r1_inputs,
    _segment_weights,
    _sn_inputs,
    _type_difference,
    _verify_interpolate,
)


def interpolate(real, fake, seed):
    """Reference: `eps * real + (1 - eps) * fake`, one `eps ~ U[0, 1]` per example."""
    shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)  # (B, 1, ..., 1)
    eps = keras.random.uniform(shape, 0.0, 1.0, dtype=real.dtype, seed=seed)
    return eps * real + (1.0 - eps) * fake


def gradient_penalty(critic, real, fake, eps):
    """Reference: `mean((sqrt(||grad D(x_hat)||^2 + 1e-12) - 1)^2)`, per example."""
    eps = ops.reshape(eps, (-1,) + (1,) * (len(real.shape) - 1))  # (B, 1, ..., 1)
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)  # (B, ...)
    sq_norms = ops.sum(ops.square(grads), axis=tuple(range(1, len(real.shape))))
    norms = ops.sqrt(sq_norms + 1e-12)  # the epsilon keeps the gradient finite at 0
    return ops.mean(ops.square(norms - 1.0))


def _gp_no_epsilon(critic, real, fake, eps):
    eps = ops.reshape(eps, (-1,) + (1,) * (len(real.shape) - 1))
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=tuple(range(1, len(real.shape)))))
    return ops.mean(ops.square(norms - 1.0))


def _gp_batch_norm(critic, real, fake, eps):
    eps = ops.reshape(eps, (-1,) + (1,) * (len(real.shape) - 1))
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    return ops.square(ops.sqrt(ops.sum(ops.square(grads)) + 1e-12) - 1.0)


def _gp_squared_norm(critic, real, fake, eps):
    eps = ops.reshape(eps, (-1,) + (1,) * (len(real.shape) - 1))
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    sq_norms = ops.sum(ops.square(grads), axis=tuple(range(1, len(real.shape))))
    return ops.mean(ops.square(sq_norms - 1.0))


def r1_penalty(critic, real):
    """Reference: `mean(||grad D(x)||^2)` over the real samples."""
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = critic(real, training=True)
    grads = tape.gradient(scores, real)
    return ops.mean(ops.sum(ops.square(grads), axis=tuple(range(1, len(real.shape)))))


def _r1_norm(critic, real):
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = critic(real, training=True)
    grads = tape.gradient(scores, real)
    return ops.mean(
        ops.sqrt(
            ops.sum(ops.square(grads), axis=tuple(range(1, len(real.shape)))) + 1e-12
        )
    )


def _r1_mean_elements(critic, real):
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = critic(real, training=True)
    return ops.mean(ops.square(tape.gradient(scores, real)))


def spectral_normalize(kernel, u, n_iterations):
    """Reference: `kernel / sigma` and the updated `u`, by power iteration."""
    kernel = np.asarray(kernel, np.float64)
    w = kernel.reshape(-1, kernel.shape[-1])  # (m, out)
    u = np.asarray(u, np.float64)
    for _ in range(n_iterations):
        v = w @ u
        v = v / max(np.linalg.norm(v), 1e-12)  # (m,)
        u = w.T @ v
        u = u / max(np.linalg.norm(u), 1e-12)  # (out,)
    sigma = v @ w @ u
    return kernel / sigma, u


def _sn_frobenius(kernel, u, n_iterations):
    _, u_new = spectral_normalize(kernel, u, n_iterations)
    return kernel / np.linalg.norm(kernel), u_new


def _sn_old_u(kernel, u, n_iterations):
    normalized, _ = spectral_normalize(kernel, u, n_iterations)
    return normalized, np.asarray(u, np.float64)
