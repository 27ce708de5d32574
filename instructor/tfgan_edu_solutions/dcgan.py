"""Reference solutions and known mistakes of `tfgan_edu.exercises.dcgan`."""

from __future__ import annotations

import keras
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


def transposed_conv_output_size(size, kernel, stride, padding, output_padding=0):
    """Reference: (n - 1) s - 2p + k + a; Keras' 'same' n s, 'valid' (n - 1) s + max(k, s)."""
    if padding == "same":
        return int(size * stride)
    if padding == "valid":
        return int((size - 1) * stride + max(kernel, stride))
    return int((size - 1) * stride - 2 * padding + kernel + output_padding)


def _forward_conv_size(size, kernel, stride, padding, output_padding=0):
    if padding == "same":
        return int(-(-size // stride))
    pad = 0 if padding == "valid" else padding
    return int((size + 2 * pad - kernel) // stride + 1)


def _valid_without_max(size, kernel, stride, padding, output_padding=0):
    if padding == "valid":
        return int((size - 1) * stride + kernel)
    return transposed_conv_output_size(size, kernel, stride, padding, output_padding)


def _padding_once(size, kernel, stride, padding, output_padding=0):
    if isinstance(padding, str):
        return transposed_conv_output_size(size, kernel, stride, padding)
    return int((size - 1) * stride - padding + kernel + output_padding)


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


def _mnist_generator(
    latent_dim, f, padding="same", output="tanh", bias=False, norm=True
):
    def normalize():
        return [keras.layers.BatchNormalization(momentum=0.9)] if norm else []

    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(7 * 7 * 2 * f, use_bias=bias),  # (B, 7 * 7 * 2f)
            keras.layers.Reshape((7, 7, 2 * f)),  # (B, 7, 7, 2f)
            *normalize(),
            keras.layers.ReLU(),
            keras.layers.Conv2DTranspose(  # (B, 14, 14, f)
                f, 4, strides=2, padding=padding, use_bias=bias
            ),
            *normalize(),
            keras.layers.ReLU(),
            keras.layers.Conv2DTranspose(  # (B, 28, 28, 1)
                1, 4, strides=2, padding=padding, activation=output
            ),
        ]
    )


def dcgan_mnist_generator(latent_dim, base_filters):
    """Reference: Dense -> 7x7x2f -> BN, ReLU -> 14x14xf -> BN, ReLU -> 28x28x1, tanh."""
    return _mnist_generator(latent_dim, base_filters)


def _mnist_gen_valid(latent_dim, base_filters):
    return _mnist_generator(latent_dim, base_filters, padding="valid")


def _mnist_gen_sigmoid(latent_dim, base_filters):
    return _mnist_generator(latent_dim, base_filters, output="sigmoid")


def _mnist_gen_bias(latent_dim, base_filters):
    return _mnist_generator(latent_dim, base_filters, bias=True)


def _mnist_gen_no_norm(latent_dim, base_filters):
    return _mnist_generator(latent_dim, base_filters, norm=False)
