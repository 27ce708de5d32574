"""Exercises of chapter 6, training instability: WGAN-GP, R1, spectral norm."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu.exercises._core import (
    UNAVAILABLE,
    Case,
    Difference,
    Exercise,
    Mistake,
    compare,
    is_tensor_like,
)

# --- interpolation between real and fake -----------------------------------------


def _interpolate_normal(real, fake, seed):
    shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    eps = keras.random.normal(shape, dtype=real.dtype, seed=seed)
    return eps * real + (1.0 - eps) * fake


def _pairs(seed: int, shape):
    rng = np.random.default_rng(seed)
    real = tf.constant(rng.normal(1.0, 1.0, size=shape), tf.float32)
    fake = tf.constant(rng.normal(-1.0, 1.0, size=shape), tf.float32)
    return real, fake


def _segment_weights(what, real, fake, x_hat):
    """Per-example `t` with `x_hat = fake + t (real - fake)`, or a `Difference`."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    x_hat = np.asarray(x_hat, np.float64)
    n = len(real)
    direction = (real - fake).reshape(n, -1)
    offset = (x_hat - fake).reshape(n, -1)
    t = np.sum(offset * direction, axis=1) / np.sum(direction**2, axis=1)  # (B,)
    residual = np.linalg.norm(offset - t[:, None] * direction, axis=1)
    worst = int(np.argmax(residual))
    if residual[worst] > 1e-4 * (1.0 + np.linalg.norm(direction[worst])):
        return None, Difference(
            what,
            "is not on the segment between real and fake with ONE weight per "
            f"example (example {worst} is off it by {residual[worst]:.3g})",
            "x_hat[i] = eps[i] * real[i] + (1 - eps[i]) * fake[i], eps of shape "
            "(batch, 1, ..., 1)",
            "a weight per element, or not an interpolation",
        )
    return t, None


def _verify_interpolate(fn):
    from scipy import stats

    for shape, seed in (((6, 4, 4, 1), 0), ((4000, 3), 1)):
        real, fake = _pairs(seed, shape)
        expected = tf.zeros(real.shape, real.dtype)  # only its type, shape, dtype
        received = fn(real, fake, seed)
        what = f"the returned value for real and fake of shape {shape}"
        diff = _type_difference(what, expected, received)
        if diff is not None:
            return diff
        t, diff = _segment_weights(what, real, fake, received)
        if diff is not None:
            return diff
        outside = np.flatnonzero((t < -1e-6) | (t > 1.0 + 1e-6))
        if outside.size:
            i = int(outside[0])
            return Difference(
                "the interpolation weights eps",
                f"{outside.size} of {t.size} lie outside [0, 1] (example {i} has "
                f"eps = {t[i]:.4g}); the weights must be drawn from U[0, 1]",
                "values in [0, 1], uniformly distributed",
                f"min {t.min():.3g}, max {t.max():.3g}, mean {t.mean():.3g}, "
                f"std {t.std():.3g} (a standard normal has mean 0, std 1)",
            )
    # The 4000 weights of the last call: uniform on [0, 1]?
    test = stats.kstest(t, "uniform")
    if test.pvalue < 1e-4:
        return Difference(
            "the interpolation weights eps",
            f"are not uniform on [0, 1] (Kolmogorov-Smirnov p = {test.pvalue:.2g} "
            "over 4000 examples)",
            "eps ~ U[0, 1]: mean 0.5, std 0.289",
            f"mean {t.mean():.3g}, std {t.std():.3g}",
        )
    again = np.asarray(fn(real, fake, seed + 1))
    if np.array_equal(again, np.asarray(received)):
        return Difference(
            "the interpolation weights eps",
            "are the same for another seed: draw them at random with the seed",
            "different weights for seed 2",
            "the same weights as for seed 1",
        )
    return None


def _type_difference(what, expected, received):
    """Shape and dtype of `received` against `expected` (values are random)."""
    if not is_tensor_like(received):
        return compare(what, expected, received, 0.0, 0.0)
    received_array = np.asarray(received)
    expected_array = np.asarray(expected)
    if (
        received_array.shape != expected_array.shape
        or received_array.dtype != expected_array.dtype
    ):
        return compare(what, expected, received, 0.0, 0.0)
    return None


INTERPOLATE = Exercise(
    name="interpolate",
    chapter=6,
    title="Random points between real and fake",
    summary="x_hat = eps real + (1 - eps) fake with one eps ~ U[0, 1] per example (WGAN-GP)",
    task=r"""
WGAN-GP (Gulrajani et al. 2017) penalizes the critic's gradient at random points on the
segments between real and generated samples:

$$
\hat x_i = \varepsilon_i\, x_i + (1 - \varepsilon_i)\, \tilde x_i,
\qquad \varepsilon_i \sim U[0, 1],
$$

**one** weight per example, shared by all its features or pixels: draw `eps` of shape
`(batch, 1, ..., 1)` (as many 1s as `real` has sample axes) with
`keras.random.uniform(shape, 0.0, 1.0, seed=seed)`, so it broadcasts. Return $\hat x$ with
the shape and dtype of `real`. (The check looks at thousands of draws: the weights must lie
in $[0, 1]$ and be uniform there.)
""",
    stub='''
def interpolate(real, fake, seed):
    """Random points on the segments between real and fake samples.

    Args:
        real: real samples, a float32 tensor (B, ...).
        fake: generated samples, same shape.
        seed: an int, the seed of the random weights.

    Returns:
        x_hat, a float32 tensor of the shape of real.
    """
    raise NotImplementedError
''',
    cases=(),
    hint="eps = keras.random.uniform((batch, 1, ..., 1), 0.0, 1.0, seed=seed); "
    "x_hat = eps * real + (1 - eps) * fake.",
    verify=_verify_interpolate,
)


# --- the gradient penalty ---------------------------------------------------------


def _linear_critic(n_features: int, weight: float | None):
    initializer = (
        keras.initializers.Constant(weight)
        if weight is not None
        else keras.initializers.GlorotUniform(seed=3)
    )
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(1, kernel_initializer=initializer),
        ]
    )


def _mlp_critic(shape, seed: int):
    return keras.Sequential(
        [
            keras.Input(shape),
            keras.layers.Flatten(),
            keras.layers.Dense(
                8,
                activation="tanh",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
            ),
            keras.layers.Dense(
                1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1)
            ),
        ]
    )


def _critic_inputs(critic_factory, shape, seed: int):
    def make():
        real, fake = _pairs(seed, shape)
        eps = np.random.default_rng(seed + 100).uniform(size=shape[0])
        return {
            "critic": critic_factory(),
            "real": real,
            "fake": fake,
            "eps": tf.constant(eps, tf.float32),
        }

    return make


def _observe_penalty(fn, inputs, case):
    critic = inputs["critic"]
    with tf.GradientTape() as tape:
        value = fn(*inputs.values())
    observed = [("the returned value", value)]
    variables = critic.trainable_variables
    try:
        grads = tape.gradient(value, variables)
    except (TypeError, ValueError, AttributeError):  # the value check fails first
        grads = [UNAVAILABLE] * len(variables)
    for i, (variable, grad) in enumerate(zip(variables, grads)):
        if grad is None:  # a weight the penalty does not depend on: the last bias
            grad = tf.zeros(variable.shape, variable.dtype)
        observed.append(
            (
                f"the gradient with respect to the critic's weight {i} "
                f"(`{variable.name}`, shape {tuple(variable.shape)})",
                grad,
            )
        )
    return observed


GRADIENT_PENALTY = Exercise(
    name="gradient_penalty",
    solutions=("tfgan_edu.penalties:gradient_penalty",),
    chapter=6,
    title="The WGAN-GP gradient penalty",
    summary="mean((||grad D(x_hat)|| - 1)^2) per example, finite even where the gradient is 0",
    task=r"""
The gradient penalty keeps the critic close to 1-Lipschitz:

$$
\operatorname{GP} = \frac1B \sum_i \big(\lVert \nabla_x D(\hat x_i) \rVert_2 - 1\big)^2,
\qquad \hat x_i = \varepsilon_i x_i + (1 - \varepsilon_i) \tilde x_i.
$$

Here the weights `eps` are given, shape `(B,)`: reshape them to `(B, 1, ..., 1)`. Take the
gradient of the critic's scores with respect to $\hat x$ in a `tf.GradientTape` (call
`tape.watch(x_hat)`), its norm **per example** over all non-batch axes, and compute the norm
as `ops.sqrt(sum_of_squares + 1e-12)`: the derivative of $\sqrt{\cdot}$ is infinite at 0, so
without the epsilon a critic with a zero gradient gives NaN weight gradients. The penalty is
added to the critic's loss, so it must be differentiable with respect to the critic's weights
(the check takes that gradient too). Return a scalar float32 tensor.
""",
    stub='''
def gradient_penalty(critic, real, fake, eps):
    """The WGAN-GP penalty at given interpolation weights.

    Args:
        critic: a keras.Model mapping samples (B, ...) to scores (B, 1).
        real: real samples, a float32 tensor (B, ...).
        fake: generated samples, same shape.
        eps: the interpolation weights, a float32 tensor of shape (B,).

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "a linear critic D(x) = w . x on 2-D points: ||grad D|| = ||w|| everywhere",
            _critic_inputs(lambda: _linear_critic(2, None), (5, 2), 0),
        ),
        Case(
            "an MLP critic on 4x4 one-channel images, batch 6",
            _critic_inputs(lambda: _mlp_critic((4, 4, 1), 5), (6, 4, 4, 1), 1),
        ),
        Case(
            "a critic with zero weights: its input gradient is exactly 0",
            _critic_inputs(lambda: _linear_critic(3, 0.0), (4, 3), 2),
        ),
    ),
    hint="Norm per example: ops.sqrt(ops.sum(ops.square(grads), axis=[1, ...]) + 1e-12), "
    "then ops.mean(ops.square(norms - 1.0)).",
    mistakes=(
        Mistake(
            "_gp_no_epsilon",
            "The gradient norm needs an epsilon inside the square root: "
            "ops.sqrt(sum_of_squares + 1e-12). The derivative of sqrt at 0 is "
            "infinite, so a zero input gradient makes the critic's weight "
            "gradients NaN.",
        ),
        Mistake(
            "_gp_batch_norm",
            "Take the norm per example (sum over the non-batch axes only), then "
            "average the squared gaps over the batch.",
        ),
        Mistake(
            "_gp_squared_norm",
            "Penalize (||grad|| - 1)^2 with the norm, not the squared norm.",
        ),
    ),
    observe=_observe_penalty,
)


# --- R1 ------------------------------------------------------------------------------


def _r1_inputs(critic_factory, shape, seed):
    def make():
        real, _ = _pairs(seed, shape)
        return {"critic": critic_factory(), "real": real}

    return make


R1 = Exercise(
    name="r1_penalty",
    solutions=("tfgan_edu.penalties:r1_penalty",),
    chapter=6,
    title="The R1 penalty",
    summary="mean(||grad D(x)||^2) on real data (Mescheder et al. 2018)",
    task=r"""
Mescheder et al. (2018) show that penalizing the discriminator's gradient **on the real
data** makes GAN training converge locally:

$$
R_1 = \frac1B \sum_i \lVert \nabla_x D(x_i) \rVert_2^2,
$$

added to $D$'s loss with weight $\gamma/2$ (the caller applies it). The norm is per example
over all non-batch axes. No square root here, so no epsilon is needed. Return a scalar
float32 tensor, differentiable with respect to the critic's weights.
""",
    stub='''
def r1_penalty(critic, real):
    """The R1 penalty: the mean squared gradient norm of D on real samples.

    Args:
        critic: a keras.Model mapping samples (B, ...) to logits (B, 1).
        real: real samples, a float32 tensor (B, ...).

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "a linear critic on 2-D points: R1 = ||w||^2",
            _r1_inputs(lambda: _linear_critic(2, None), (5, 2), 3),
        ),
        Case(
            "an MLP critic on 4x4 one-channel images, batch 6",
            _r1_inputs(lambda: _mlp_critic((4, 4, 1), 8), (6, 4, 4, 1), 4),
        ),
    ),
    hint="grads = tape.gradient(critic(real), real); "
    "ops.mean(ops.sum(ops.square(grads), axis=[1, ...])).",
    mistakes=(
        Mistake(
            "_r1_norm",
            "R1 uses the squared norm ||grad D(x)||^2, not the norm.",
        ),
        Mistake(
            "_r1_mean_elements",
            "Sum the squared gradient over each example's features (the squared "
            "norm), then average over the batch: do not average over features.",
        ),
    ),
    observe=_observe_penalty,
)


# --- spectral normalization by power iteration ----------------------------------------


def _sn_inputs(seed, shape, n_iterations):
    def make():
        rng = np.random.default_rng(seed)
        u = rng.normal(size=shape[-1])
        return {
            "kernel": rng.normal(size=shape),
            "u": u / np.linalg.norm(u),
            "n_iterations": n_iterations,
        }

    return make


SPECTRAL_NORM = Exercise(
    name="spectral_normalize",
    chapter=6,
    title="Spectral normalization by power iteration",
    summary="W / sigma(W) with sigma estimated by power iteration (Miyato et al. 2018)",
    task=r"""
Spectral normalization divides a layer's kernel by its largest singular value $\sigma(W)$,
making the layer 1-Lipschitz. Computing an SVD every step is too costly; Miyato et al.
(2018) run power iteration instead, carrying the vector $u$ over from step to step.
Reshape the kernel (shape `(..., out)`) to the matrix $W$ of shape `(m, out)` and repeat
`n_iterations` times:

$$
v \leftarrow \frac{W u}{\lVert W u \rVert}, \qquad
u \leftarrow \frac{W^\top v}{\lVert W^\top v \rVert};
\qquad \text{then} \quad \sigma = v^\top W u .
$$

Return `(kernel / sigma, u)`: the normalized kernel (float64, the shape of `kernel`) and the
updated `u` (float64, shape `(out,)`). NumPy only. With many iterations, $\sigma$ converges
to the largest singular value (`np.linalg.svd` will tell you).
""",
    stub='''
def spectral_normalize(kernel, u, n_iterations):
    """Divides a kernel by its spectral norm, estimated by power iteration.

    Args:
        kernel: a NumPy array of shape (..., out), e.g. a conv kernel (3, 3, 8, 16).
        u: the power-iteration vector, shape (out,), unit norm.
        n_iterations: the number of power-iteration steps, >= 1.

    Returns:
        (normalized_kernel, u): float64 arrays of shapes kernel.shape and (out,).
    """
    raise NotImplementedError
''',
    cases=(
        Case("a dense kernel (5, 3), one iteration", _sn_inputs(0, (5, 3), 1)),
        Case(
            "a conv kernel (3, 3, 2, 4), two iterations", _sn_inputs(1, (3, 3, 2, 4), 2)
        ),
        Case(
            "a dense kernel (6, 4), 200 iterations: sigma is the top singular value",
            _sn_inputs(2, (6, 4), 200),
        ),
    ),
    rtol=1e-6,
    atol=1e-9,
    hint="W = kernel.reshape(-1, kernel.shape[-1]); loop: v = W @ u / norm, "
    "u = W.T @ v / norm; sigma = v @ W @ u; return kernel / sigma, u.",
    mistakes=(
        Mistake(
            "_sn_frobenius",
            "You divided by the Frobenius norm sqrt(sum W^2). Spectral "
            "normalization divides by the largest singular value, estimated by "
            "power iteration.",
        ),
        Mistake(
            "_sn_old_u",
            "Return the updated u: the next training step continues the power "
            "iteration from it.",
        ),
    ),
)

EXERCISES = (INTERPOLATE, GRADIENT_PENALTY, R1, SPECTRAL_NORM)
