"""Exercises of chapter 2, DCGAN on images: transposed-convolution shapes,
the generator's and the discriminator's blocks, the whole generator for 28x28
digits, spherical latent interpolation."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake
from tfgan_edu.exercises.minimax import observe_builder


def _vectors(seed: int, dim: int, scale1: float = 1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=dim), scale1 * rng.normal(size=dim)


SLERP = Exercise(
    name="slerp",
    chapter=2,
    title="Spherical interpolation in latent space",
    summary="slerp between two latent vectors, the path that stays where N(0, I) puts its mass",
    task=r"""
Noise $z \sim \mathcal N(0, I_d)$ concentrates near the sphere of radius $\sqrt d$; the straight
line between two latent vectors cuts through its inside, where the generator saw no noise.
Spherical interpolation (Shoemake 1985; White 2016) follows the great circle instead:

$$
\operatorname{slerp}(z_0, z_1; t) = \frac{\sin((1 - t)\,\Omega)}{\sin \Omega}\, z_0
 + \frac{\sin(t\,\Omega)}{\sin \Omega}\, z_1,
\qquad \cos \Omega = \frac{z_0 \cdot z_1}{\lVert z_0 \rVert\, \lVert z_1 \rVert}.
$$

Given vectors `z0`, `z1` of shape `(d,)` (not parallel) and times `t` of shape `(n,)`, return
the `n` interpolated vectors as a float64 NumPy array of shape `(n, d)`.
""",
    stub='''
def slerp(z0, z1, t):
    """Spherical linear interpolation between two latent vectors.

    Args:
        z0: the start, a NumPy array of shape (d,).
        z1: the end, shape (d,), not parallel to z0.
        t: the times, a NumPy array of shape (n,), in [0, 1].

    Returns:
        A float64 NumPy array of shape (n, d): row i is slerp(z0, z1; t[i]).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "orthogonal unit vectors in 2-D, t = 0, 1/3, 1/2, 1",
            lambda: {
                "z0": np.array([1.0, 0.0]),
                "z1": np.array([0.0, 1.0]),
                "t": np.array([0.0, 1.0 / 3.0, 0.5, 1.0]),
            },
        ),
        Case(
            "two 16-D Gaussian vectors of different norms, 7 times",
            lambda: dict(
                zip(("z0", "z1"), _vectors(3, 16, scale1=2.0)),
                t=np.linspace(0.0, 1.0, 7),
            ),
        ),
    ),
    hint="Compute Omega from the cosine of the angle between z0 and z1 "
    "(normalize by both norms), then weight z0 and z1 by sin((1 - t) Omega) / "
    "sin(Omega) and sin(t Omega) / sin(Omega); t[:, None] broadcasts to (n, d).",
    mistakes=(
        Mistake(
            "_lerp",
            "This is linear interpolation (1 - t) z0 + t z1. Slerp weights the "
            "endpoints by sines of the angle.",
        ),
        Mistake(
            "_slerp_unnormalized",
            "arccos needs the cosine of the angle: divide z0 . z1 by "
            "||z0|| ||z1|| first.",
        ),
    ),
)


# --- transposed-convolution shape arithmetic -----------------------------

TRANSPOSED_SIZE = Exercise(
    name="transposed_conv_output_size",
    chapter=2,
    title="The output size of a transposed convolution",
    summary="side of a transposed convolution's output: (n - 1) s - 2p + k + output "
    "padding; Keras' 'same' and 'valid'",
    task=r"""
A DCGAN generator grows a small map to the image with stride-2 transposed
convolutions. A transposed convolution is the gradient of a convolution: where a
convolution with kernel $k$, stride $s$ and zero padding $p$ on each side maps a side
$m$ to $n = \lfloor (m + 2p - k) / s \rfloor + 1$, its transpose maps $n$ back to

$$
n_\text{out} = (n - 1)\, s - 2p + k + a ,
$$

where the **output padding** $a \in [0, s)$ picks one of the $s$ sides $m$ that the
floor sends to the same $n$ (PyTorch's `ConvTranspose2d(padding=p, output_padding=a)`).
Keras' `Conv2DTranspose` (without `output_padding`) names its padding instead:

$$
n_\text{out} = \begin{cases} n\,s & \texttt{"same"},\\
(n - 1)\,s + \max(k, s) & \texttt{"valid"}.\end{cases}
$$

`padding` is `"same"`, `"valid"` (then `output_padding` is 0 and unused) or an int $p$.
Return $n_\text{out}$ as a Python `int`.
""",
    stub='''
def transposed_conv_output_size(size, kernel, stride, padding, output_padding=0):
    """The side of a transposed convolution's output.

    Args:
        size: the input's side, an int.
        kernel: the kernel's side, an int.
        stride: the stride, an int.
        padding: "same" or "valid" (Keras' Conv2DTranspose), or an int p:
            p zeros cut from each side of the output.
        output_padding: rows added to one side when `padding` is an int.
            Defaults to 0.

    Returns:
        The output's side, a Python int.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "7, kernel 4, stride 2, 'same'",
            lambda: dict(size=7, kernel=4, stride=2, padding="same"),
        ),
        Case(
            "7, kernel 4, stride 2, 'valid'",
            lambda: dict(size=7, kernel=4, stride=2, padding="valid"),
        ),
        Case(
            "4, kernel 5, stride 2, 'valid'",
            lambda: dict(size=4, kernel=5, stride=2, padding="valid"),
        ),
        Case(
            "3, kernel 1, stride 2, 'valid' (kernel smaller than stride)",
            lambda: dict(size=3, kernel=1, stride=2, padding="valid"),
        ),
        Case(
            "16, kernel 3, stride 1, 'same'",
            lambda: dict(size=16, kernel=3, stride=1, padding="same"),
        ),
        Case(
            "7, kernel 4, stride 2, padding 1 (PyTorch's DCGAN block: 7 -> 14)",
            lambda: dict(size=7, kernel=4, stride=2, padding=1, output_padding=0),
        ),
        Case(
            "7, kernel 3, stride 2, padding 1, output_padding 1",
            lambda: dict(size=7, kernel=3, stride=2, padding=1, output_padding=1),
        ),
        Case(
            "1, kernel 4, stride 1, padding 0 (a 1x1 code to a 4x4 map)",
            lambda: dict(size=1, kernel=4, stride=1, padding=0, output_padding=0),
        ),
    ),
    hint="int padding p: (size - 1) * stride - 2 * p + kernel + output_padding; "
    "'same': size * stride; 'valid': (size - 1) * stride + max(kernel, stride).",
    mistakes=(
        Mistake(
            "_forward_conv_size",
            "This is a (forward) convolution's output side, (n + 2p - k) // s + 1. "
            "A transposed convolution goes the other way: it grows the map.",
        ),
        Mistake(
            "_valid_without_max",
            "With a kernel smaller than the stride, Keras pads the output to "
            "(n - 1) s + max(k, s): use max(kernel, stride), not kernel.",
        ),
        Mistake(
            "_padding_once",
            "The padding p is cut from both sides of the output: subtract 2 p, not p.",
        ),
    ),
)


# --- the whole generator, for 28x28 digits ------------------------------------------


def _probe_latent(inputs):
    return (3, inputs["latent_dim"])


MNIST_GENERATOR = Exercise(
    name="dcgan_mnist_generator",
    solutions=("tfgan_edu.networks.dcgan:dcgan_generator",),
    chapter=2,
    title="A DCGAN generator for 28x28 digits",
    summary="Dense -> reshape 7x7 -> [Conv2DTranspose, BatchNorm, ReLU] -> "
    "Conv2DTranspose + tanh: 7 -> 14 -> 28",
    task=r"""
Build the DCGAN generator for $28 \times 28$ grey images from Keras layers. With
`"same"` padding each stride-2 `Conv2DTranspose` doubles the side, so two of them grow
a $7 \times 7$ map to $28 \times 28$ ($7 \to 14 \to 28$). With $f$ = `base_filters`:

1. `Dense(7 * 7 * 2f, use_bias=False)` on $z$, `Reshape((7, 7, 2f))`,
   `BatchNormalization(momentum=0.9)`, `ReLU()`;
2. `Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False)`,
   `BatchNormalization(momentum=0.9)`, `ReLU()`: $7 \times 7 \times 2f \to 14 \times 14 \times f$;
3. `Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")` (with its
   bias): $14 \times 14 \times f \to 28 \times 28 \times 1$, pixels in $[-1, 1]$.

Layers followed by batch normalization need no bias (its $\beta$ is one). Return a
`keras.Model` (a `keras.Sequential` starting with `keras.Input((latent_dim,))` will do).
The check sets the weights to fixed values, calls the model with `training=True` and
compares the weights' shapes and the images with the reference's; your model should
have the layers (and so the parameter count) of
`tge.networks.dcgan_generator(latent_dim, (28, 28, 1), base_filters=f)`.
""",
    stub='''
def dcgan_mnist_generator(latent_dim, base_filters):
    """The DCGAN generator for 28x28x1 images: 7x7 -> 14x14 -> 28x28.

    Args:
        latent_dim: size of the noise vector z.
        base_filters: channels f of the 14x14 map (the 7x7 map has 2f).

    Returns:
        A keras.Model from (batch, latent_dim) to (batch, 28, 28, 1) in [-1, 1].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "latent_dim 8, base_filters 4",
            lambda: dict(latent_dim=8, base_filters=4),
        ),
        Case(
            "latent_dim 5, base_filters 2",
            lambda: dict(latent_dim=5, base_filters=2),
        ),
    ),
    hint="Dense(7*7*2f, use_bias=False), Reshape((7, 7, 2f)), BatchNormalization, "
    "ReLU; Conv2DTranspose(f, 4, strides=2, padding='same', use_bias=False), "
    "BatchNormalization, ReLU; Conv2DTranspose(1, 4, strides=2, padding='same', "
    "activation='tanh').",
    mistakes=(
        Mistake(
            "_mnist_gen_valid",
            "With padding='valid' a stride-2 Conv2DTranspose of kernel 4 maps 7 to "
            "16, not 14: use padding='same' (side times stride).",
        ),
        Mistake(
            "_mnist_gen_sigmoid",
            "The output uses a sigmoid (pixels in [0, 1]); the images are scaled to "
            "[-1, 1]: use tanh.",
        ),
        Mistake(
            "_mnist_gen_bias",
            "A layer followed by batch normalization has a bias: the projection "
            "Dense and the hidden Conv2DTranspose take use_bias=False.",
        ),
        Mistake(
            "_mnist_gen_no_norm",
            "Batch normalization is missing: after the projection and after the "
            "hidden Conv2DTranspose, before each ReLU.",
        ),
    ),
    observe=observe_builder(_probe_latent, training=True, scale=0.2),
)


# --- the generator's block --------------------------------------------------


def _block_inputs(seed, batch, size, c_in, c_out, kernel, transposed):
    def make():
        rng = np.random.default_rng(seed)
        k_shape = (
            (kernel, kernel, c_out, c_in)
            if transposed
            else (kernel, kernel, c_in, c_out)
        )
        inputs = {
            "x": tf.constant(rng.normal(size=(batch, size, size, c_in)), tf.float32),
            "kernel": tf.constant(rng.normal(0.0, 0.3, size=k_shape), tf.float32),
        }
        if transposed:
            inputs["gamma"] = tf.constant(rng.uniform(0.5, 1.5, size=c_out), tf.float32)
            inputs["beta"] = tf.constant(rng.normal(0.0, 0.2, size=c_out), tf.float32)
        else:
            inputs["bias"] = tf.constant(rng.normal(0.0, 0.2, size=c_out), tf.float32)
        return inputs

    return make


GENERATOR_BLOCK = Exercise(
    name="dcgan_generator_block",
    chapter=2,
    title="The DCGAN generator's block",
    summary="stride-2 transposed conv ('same', no bias), batch norm on batch statistics, ReLU",
    task=r"""
Each block of a DCGAN generator (Radford et al. 2016) doubles the side of the map:

$$
h = \operatorname{ReLU}\Big(\gamma\, \frac{u - \mu}{\sqrt{\sigma^2 + 10^{-3}}} + \beta\Big),
\qquad u = \operatorname{ConvTranspose}_{4\times4,\ \text{stride } 2,\ \texttt{same}}(x),
$$

where $\mu$ and $\sigma^2$ are the mean and the (biased) variance of $u$ over the batch and
both spatial axes, per channel (batch normalization in training mode, Keras' epsilon
$10^{-3}$). The convolution has no bias (batch norm's $\beta$ replaces it). Use
`ops.conv_transpose(x, kernel, strides=2, padding="same")`; the kernel has shape
`(k, k, out_channels, in_channels)`. Return a float32 tensor `(B, 2H, 2W, out_channels)`.
""",
    stub='''
def dcgan_generator_block(x, kernel, gamma, beta):
    """One DCGAN generator block: transposed conv, batch norm, ReLU.

    Args:
        x: the input map, a float32 tensor (B, H, W, C_in).
        kernel: the transposed convolution's kernel, (k, k, C_out, C_in).
        gamma: batch norm's scale, (C_out,).
        beta: batch norm's offset, (C_out,).

    Returns:
        A float32 tensor (B, 2H, 2W, C_out).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "batch 2, 4x4x3 to 8x8x5, kernel 4",
            _block_inputs(0, 2, 4, 3, 5, 4, transposed=True),
            grad_wrt=("x", "kernel", "gamma", "beta"),
        ),
        Case(
            "batch 3, 7x7x8 to 14x14x4, kernel 4",
            _block_inputs(1, 3, 7, 8, 4, 4, transposed=True),
            grad_wrt=("x", "kernel", "gamma", "beta"),
        ),
    ),
    hint="u = ops.conv_transpose(x, kernel, strides=2, padding='same'); normalize u "
    "with its mean and variance over axes (0, 1, 2); scale by gamma, shift by beta; ReLU.",
    mistakes=(
        Mistake(
            "_gen_block_valid",
            "Use padding='same': with 'valid' the side is not doubled.",
        ),
        Mistake(
            "_gen_block_no_norm",
            "Batch normalization is missing between the convolution and the ReLU.",
        ),
        Mistake(
            "_gen_block_leaky",
            "The DCGAN generator uses ReLU; LeakyReLU belongs to the discriminator.",
        ),
        Mistake(
            "_gen_block_instance_norm",
            "The statistics are per example: batch norm averages over the batch "
            "and both spatial axes, axis=(0, 1, 2).",
        ),
    ),
    atol=1e-5,
)


# --- the discriminator's block ----------------------------------------------

DISCRIMINATOR_BLOCK = Exercise(
    name="dcgan_discriminator_block",
    chapter=2,
    title="The DCGAN discriminator's block",
    summary="stride-2 convolution ('same') with bias, then LeakyReLU with slope 0.2",
    task=r"""
The discriminator mirrors the generator: each block halves the side with a strided
convolution instead of pooling, followed by a leaky ReLU of slope $0.2$:

$$
h = \operatorname{LeakyReLU}_{0.2}\big(\operatorname{Conv}_{k\times k,\ \text{stride }2,\ \texttt{same}}(x) + b\big).
$$

Use `ops.conv(x, kernel, strides=2, padding="same")` (kernel `(k, k, C_in, C_out)`).
Return a float32 tensor `(B, ceil(H/2), ceil(W/2), C_out)`.
""",
    stub='''
def dcgan_discriminator_block(x, kernel, bias):
    """One DCGAN discriminator block: stride-2 convolution, LeakyReLU(0.2).

    Args:
        x: the input map, a float32 tensor (B, H, W, C_in).
        kernel: the convolution's kernel, (k, k, C_in, C_out).
        bias: the convolution's bias, (C_out,).

    Returns:
        A float32 tensor (B, ceil(H / 2), ceil(W / 2), C_out).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "batch 2, 8x8x1 to 4x4x4, kernel 4",
            _block_inputs(2, 2, 8, 1, 4, 4, transposed=False),
            grad_wrt=("x", "kernel", "bias"),
        ),
        Case(
            "batch 3, 7x7x3 to 4x4x6, kernel 3",
            _block_inputs(3, 3, 7, 3, 6, 3, transposed=False),
            grad_wrt=("x", "kernel", "bias"),
        ),
    ),
    hint="h = ops.leaky_relu(ops.conv(x, kernel, strides=2, padding='same') + bias, "
    "negative_slope=0.2).",
    mistakes=(
        Mistake(
            "_disc_block_relu",
            "Use a leaky ReLU (slope 0.2): a plain ReLU kills the gradient of negative units.",
        ),
        Mistake(
            "_disc_block_keras_slope",
            "Keras' LeakyReLU defaults to negative_slope=0.3; DCGAN uses 0.2.",
        ),
        Mistake(
            "_disc_block_stride1", "Use stride 2: the block halves the side of the map."
        ),
        Mistake("_disc_block_no_bias", "The bias is missing."),
    ),
    atol=1e-5,
)

EXERCISES = (
    TRANSPOSED_SIZE,
    GENERATOR_BLOCK,
    DISCRIMINATOR_BLOCK,
    MNIST_GENERATOR,
    SLERP,
)
