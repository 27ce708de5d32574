"""Lipschitz and gradient regularizers of the critic, as pure functions.

A Wasserstein critic must be (roughly) 1-Lipschitz for its loss to estimate
the Wasserstein-1 distance, and the gradient of a GAN discriminator on the
data is what makes training oscillate. The regularizers here act on either:

| function | penalty | paper |
|---|---|---|
| `gradient_penalty` | `mean((‖∇D(x̂)‖ - 1)^2)`, `x̂` between real and fake | Gulrajani et al. 2017 |
| `r1_penalty` | `mean(‖∇D(x)‖^2)` on real data | Mescheder et al. 2018 |
| `r2_penalty` | `mean(‖∇D(x̃)‖^2)` on generated data | Mescheder et al. 2018 |
| `clip_weights` | clip every weight to `[-c, c]` | Arjovsky et al. 2017 |

The three gradient penalties take the gradient of the critic with respect to
its input themselves (a tape of their own on TensorFlow, `jax.grad` on JAX,
autograd with `create_graph=True` on PyTorch: `tfgan_edu._backend`'s
`input_gradients`), so they are differentiable with respect to the critic's
weights: add them to the critic loss inside the
tape that differentiates it. Every norm is per example, over all non-batch
axes, so samples may be vectors `(B, d)` or images `(B, H, W, C)`, and the
critic may output one score `(B,)`, `(B, 1)` or a patch `(B, h, w, 1)` per
example.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import keras
from keras import ops

from tfgan_edu import _backend

# Inside the square root of the gradient norm: the derivative of sqrt is
# infinite at 0, so without it a critic with a zero input gradient (a
# constant critic, a dead ReLU net) would get NaN weight gradients.
_NORM_EPSILON = 1e-12


def _samples(x, name):
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    if len(x.shape) < 2:
        raise ValueError(
            f"Expected `{name}` to have a batch axis and at least one sample "
            f"axis, e.g. (batch, features) or (batch, height, width, channels). "
            f"Received: {name}.shape={tuple(x.shape)}"
        )
    return x


def _compatible(a, b):
    """Whether two static shapes can be the same (`None` matches any size)."""
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b)
    )


def _check_labels(labels, x, name):
    if labels is None:
        return None
    labels = ops.convert_to_tensor(labels)
    n_labels, n_samples = labels.shape[0] if labels.shape else None, x.shape[0]
    if n_labels is not None and n_samples is not None and n_labels != n_samples:
        raise ValueError(
            f"Expected one label per example of `{name}`. Received: "
            f"labels.shape={tuple(labels.shape)}, {name}.shape={tuple(x.shape)}"
        )
    return labels


def _input_gradient_sq_norms(critic, x, labels):
    """Per-example `‖∇_x sum D(x)‖^2`, differentiable w.r.t. the critic.

    Summing the critic's output over the batch (and over a patch) gives each
    example the gradient of its own scores, since examples do not interact
    (which is why gradient-penalized critics avoid batch normalization).
    """

    def total_score(x):
        inputs = x if labels is None else [x, labels]
        return ops.sum(ops.cast(critic(inputs, training=True), "float32"))

    # A tape on TensorFlow, jax.grad on JAX, autograd on PyTorch; a critic
    # whose output ignores x (a constant) has a zero gradient.
    grads = _backend.current().input_gradients(total_score, x)
    # (B, ...) -> (B,)
    return ops.sum(ops.square(grads), axis=tuple(range(1, len(x.shape))))


def gradient_penalty(
    critic: Callable,
    real,
    fake,
    *,
    seed=None,
    target: float = 1.0,
    one_sided: bool = False,
    labels=None,
):
    """WGAN-GP gradient penalty on points between real and fake samples.

    Draws `eps ~ U[0, 1]` per example, forms `x̂ = eps * real + (1 - eps) * fake`
    and returns `mean((‖∇D(x̂)‖ - target)^2)`, the norm taken per example over
    all non-batch axes as `sqrt(sum(g^2) + 1e-12)` (finite gradients at a zero
    input gradient). With `one_sided=True` only norms above `target` are
    penalized: `mean(relu(‖∇D(x̂)‖ - target)^2)` (Petzka et al. 2018, "On the
    regularization of Wasserstein GANs"). The critic is called with
    `training=True`. Multiply by the penalty weight (lambda = 10 in the paper)
    and add to the critic loss inside its tape.

    From Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".

    Args:
        critic: a `keras.Model` (or callable taking `training=`) mapping
            samples to scores; a two-input model `[x, labels]` when `labels`
            is given.
        real: real samples, shape `(B, ...)`.
        fake: generated samples, the same shape as `real`.
        seed: seed of the interpolation weights: an int (the same draw on
            every call), `None` (Keras' global seed generator) or a
            `keras.random.SeedGenerator` (a fresh draw on every call; use
            this inside a training step).
        target: the gradient norm to pull towards, `>= 0`. Defaults to `1.0`.
        one_sided: penalize only norms above `target`. Defaults to `False`.
        labels: class labels, one per example, for a conditional critic
            (then called as `critic([x̂, labels])`). Defaults to `None`.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> import keras, numpy as np
    >>> critic = keras.Sequential(  # D(x) = x1 + x2: ‖∇D‖ = sqrt(2) everywhere
    ...     [keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")]
    ... )
    >>> float(gradient_penalty(critic, np.ones((4, 2)), np.zeros((4, 2)), seed=0))
    0.1715...
    """
    real, fake = _samples(real, "real"), _samples(fake, "fake")
    if not _compatible(real.shape, fake.shape):
        raise ValueError(
            "Expected `real` and `fake` to have the same shape. Received: "
            f"real.shape={tuple(real.shape)}, fake.shape={tuple(fake.shape)}"
        )
    if (
        isinstance(target, bool)
        or not isinstance(target, numbers.Real)
        or not target >= 0  # also rejects NaN
    ):
        raise ValueError(
            f"Expected `target` to be a number >= 0. Received: target={target!r}"
        )
    labels = _check_labels(labels, real, "real")

    # One weight per example, broadcast over its sample axes: (B, 1, ..., 1).
    eps_shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    eps = keras.random.uniform(eps_shape, 0.0, 1.0, dtype="float32", seed=seed)
    interpolated = eps * real + (1.0 - eps) * fake

    sq_norms = _input_gradient_sq_norms(critic, interpolated, labels)
    norms = ops.sqrt(sq_norms + _NORM_EPSILON)  # (B,)
    gap = norms - float(target)
    if one_sided:
        gap = ops.relu(gap)
    return ops.mean(ops.square(gap))


def r1_penalty(critic: Callable, real, *, labels=None):
    """R1 penalty: `mean(‖∇D(x)‖^2)` over real samples.

    Penalizes the discriminator's gradient on the data, which makes the
    game converge locally. The regularizer of the paper is `gamma / 2` times
    this value; the caller applies `gamma / 2`. The critic is called with
    `training=True`.

    From Mescheder et al. 2018, "Which Training Methods for GANs do actually
    Converge?".

    Args:
        critic: a `keras.Model` (or callable taking `training=`) mapping
            samples to logits; a two-input model `[x, labels]` when `labels`
            is given.
        real: real samples, shape `(B, ...)`.
        labels: class labels, one per example, for a conditional critic.
            Defaults to `None`.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> import keras, numpy as np
    >>> critic = keras.Sequential(  # D(x) = x1 + x2: ‖∇D‖^2 = 2
    ...     [keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")]
    ... )
    >>> float(r1_penalty(critic, np.zeros((4, 2))))
    2.0
    """
    real = _samples(real, "real")
    labels = _check_labels(labels, real, "real")
    return ops.mean(_input_gradient_sq_norms(critic, real, labels))


def r2_penalty(critic: Callable, fake, *, labels=None):
    """R2 penalty: `mean(‖∇D(x)‖^2)` over generated samples.

    The counterpart of `r1_penalty` on the generator's distribution; the
    caller applies the `gamma / 2` factor. The critic is called with
    `training=True`.

    From Mescheder et al. 2018, "Which Training Methods for GANs do actually
    Converge?".

    Args:
        critic: a `keras.Model` (or callable taking `training=`) mapping
            samples to logits; a two-input model `[x, labels]` when `labels`
            is given.
        fake: generated samples, shape `(B, ...)`.
        labels: class labels, one per example, for a conditional critic.
            Defaults to `None`.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> import keras, numpy as np
    >>> critic = keras.Sequential(
    ...     [keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="ones")]
    ... )
    >>> float(r2_penalty(critic, np.zeros((4, 3))))
    3.0
    """
    fake = _samples(fake, "fake")
    labels = _check_labels(labels, fake, "fake")
    return ops.mean(_input_gradient_sq_norms(critic, fake, labels))


def clip_weights(model, clip_value: float) -> None:
    """Clips every trainable weight of `model` to `[-clip_value, clip_value]`.

    The original WGAN's crude way to keep the critic Lipschitz: call it after
    each critic update. Works eagerly and inside a `tf.function`.

    From Arjovsky et al. 2017, "Wasserstein GAN" (`clip_value = 0.01`).

    Args:
        model: a `keras.Model` or `keras.layers.Layer`; its trainable weights
            are changed in place.
        clip_value: the bound `c > 0`.

    Returns:
        None.

    Example:

    >>> import keras
    >>> critic = keras.Sequential(
    ...     [keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")]
    ... )
    >>> clip_weights(critic, 0.01)
    >>> critic.layers[0].kernel.numpy().ravel().tolist()
    [0.009999..., 0.009999...]
    """
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(
            f"Expected `model` to be a keras.Model (or Layer). Received: model={model!r}"
        )
    if (
        isinstance(clip_value, bool)
        or not isinstance(clip_value, numbers.Real)
        or not clip_value > 0
        or math.isinf(clip_value)
    ):
        raise ValueError(
            "Expected `clip_value` to be a finite number > 0. "
            f"Received: clip_value={clip_value!r}"
        )
    c = float(clip_value)
    for variable in model.trainable_weights:
        variable.assign(ops.clip(variable, -c, c))
