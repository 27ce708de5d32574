"""Reference solutions and known mistakes of `tfgan_edu.exercises.dcgan`."""

from __future__ import annotations

import numpy as np
from keras import ops

from tfgan_edu.exercises.dcgan import _vectors  # noqa: F401


def slerp(z0, z1, t):
    """Reference: spherical linear interpolation from `z0` to `z1` at times `t`."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.asarray(t, np.float64)[:, None]  # (n, 1)
    cos_omega = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos_omega, -1.0, 1.0))
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _lerp(z0, z1, t):
    t = np.asarray(t, np.float64)[:, None]
    return (1.0 - t) * np.asarray(z0) + t * np.asarray(z1)


def _slerp_unnormalized(z0, z1, t):
    t = np.asarray(t, np.float64)[:, None]
    omega = np.arccos(np.clip(np.dot(z0, z1), -1.0, 1.0))
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def transposed_conv_output_size(size, kernel, stride, padding):
    """Reference: Keras' Conv2DTranspose output side (no output_padding)."""
    if padding == "same":
        return int(size * stride)
    return int((size - 1) * stride + max(kernel, stride))


def _forward_conv_size(size, kernel, stride, padding):
    if padding == "same":
        return int(-(-size // stride))
    return int((size - kernel) // stride + 1)


def _valid_without_max(size, kernel, stride, padding):
    if padding == "same":
        return int(size * stride)
    return int((size - 1) * stride + kernel)


def _batch_norm(u, gamma, beta, axes=(0, 1, 2)):
    mean = ops.mean(u, axis=axes, keepdims=True)
    var = ops.mean(ops.square(u - mean), axis=axes, keepdims=True)
    return gamma * (u - mean) / ops.sqrt(var + 1e-3) + beta


def dcgan_generator_block(x, kernel, gamma, beta):
    """Reference: ReLU(BN(conv_transpose(x, stride 2, 'same'))) with batch statistics."""
    u = ops.conv_transpose(x, kernel, strides=2, padding="same")  # (B, 2H, 2W, C_out)
    return ops.relu(_batch_norm(u, gamma, beta))


def _gen_block_valid(x, kernel, gamma, beta):
    u = ops.conv_transpose(x, kernel, strides=2, padding="valid")
    return ops.relu(_batch_norm(u, gamma, beta))


def _gen_block_no_norm(x, kernel, gamma, beta):
    return ops.relu(ops.conv_transpose(x, kernel, strides=2, padding="same"))


def _gen_block_leaky(x, kernel, gamma, beta):
    u = ops.conv_transpose(x, kernel, strides=2, padding="same")
    return ops.leaky_relu(_batch_norm(u, gamma, beta), negative_slope=0.2)


def _gen_block_instance_norm(x, kernel, gamma, beta):
    u = ops.conv_transpose(x, kernel, strides=2, padding="same")
    return ops.relu(_batch_norm(u, gamma, beta, axes=(1, 2)))


def dcgan_discriminator_block(x, kernel, bias):
    """Reference: LeakyReLU_0.2(conv(x, stride 2, 'same') + b)."""
    u = ops.conv(x, kernel, strides=2, padding="same") + bias  # (B, H/2, W/2, C_out)
    return ops.leaky_relu(u, negative_slope=0.2)


def _disc_block_relu(x, kernel, bias):
    return ops.relu(ops.conv(x, kernel, strides=2, padding="same") + bias)


def _disc_block_keras_slope(x, kernel, bias):
    u = ops.conv(x, kernel, strides=2, padding="same") + bias
    return ops.leaky_relu(u, negative_slope=0.3)


def _disc_block_stride1(x, kernel, bias):
    u = ops.conv(x, kernel, strides=1, padding="same") + bias
    return ops.leaky_relu(u, negative_slope=0.2)


def _disc_block_no_bias(x, kernel, bias):
    return ops.leaky_relu(
        ops.conv(x, kernel, strides=2, padding="same"), negative_slope=0.2
    )
