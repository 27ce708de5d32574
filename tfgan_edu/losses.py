"""GAN loss families as pure functions of discriminator logits.

Each family has a generator loss of the fake logits and a discriminator loss
of the real and fake logits, named as in TF-GAN:
`<family>_generator_loss(fake_logits)` and
`<family>_discriminator_loss(real_logits, fake_logits)`. Every function
returns a scalar mean over all elements, so logits may be `(B,)`, `(B, 1)` or
patch-shaped `(B, H, W, 1)` (PatchGAN). The sigmoid families are written with
`softplus`, which is finite for logits of +-100 where `log(sigmoid(x))`
would not be.

With `sp = softplus`, `r` the real logits and `f` the fake logits
(`-log D(x) = sp(-r)` and `-log(1 - D(G(z))) = sp(f)` for `D = sigmoid`):

| family | generator loss | discriminator loss |
|---|---|---|
| minimax | `-mean(sp(f))` | `mean(sp(-r)) + mean(sp(f))` |
| non_saturating | `mean(sp(-f))` | as minimax |
| wasserstein | `-mean(f)` | `mean(f) - mean(r)` |
| least_squares | `0.5 * mean((f - 1)^2)` | `0.5 * (mean((r - 1)^2) + mean(f^2))` |
| hinge | `-mean(f)` | `mean(relu(1 - r)) + mean(relu(1 + f))` |
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
from keras import ops

LossFn = Callable[..., "keras.KerasTensor"]


def _logits(x):
    # Losses are computed in float32 even under a mixed-precision policy.
    return ops.cast(ops.convert_to_tensor(x), "float32")


_register = keras.saving.register_keras_serializable(package="tfgan_edu")


# --- minimax (Goodfellow et al. 2014) ------------------------------------


@_register
def minimax_generator_loss(fake_logits):
    """Generator loss of the original (saturating) minimax game.

    The generator minimizes `E[log(1 - D(G(z)))] = -mean(softplus(f))`.
    Its gradient vanishes when the discriminator confidently rejects the
    fakes, which is why the non-saturating loss is used in practice.

    Args:
        fake_logits: discriminator logits on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(minimax_generator_loss([0.0, 0.0]))  # -log 2
    -0.693...
    """
    f = _logits(fake_logits)
    return -ops.mean(ops.softplus(f))


@_register
def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Discriminator loss of the minimax game: binary cross-entropy.

    `-E[log D(x)] - E[log(1 - D(G(z)))] = mean(softplus(-r)) + mean(softplus(f))`.
    With one-sided label smoothing `a` (Salimans et al. 2016) the real
    target is `1 - a`: the real term becomes
    `mean((1 - a) * softplus(-r) + a * softplus(r))`; fakes keep target 0.

    Args:
        real_logits: discriminator logits on real samples, any shape.
        fake_logits: discriminator logits on generated samples, any shape.
        label_smoothing: `a` in [0, 1). Defaults to 0 (no smoothing).

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(minimax_discriminator_loss([0.0], [0.0]))  # 2 log 2
    1.386...
    """
    r, f = _logits(real_logits), _logits(fake_logits)
    real_term = ops.softplus(-r)
    if label_smoothing:
        real_term = (
            1.0 - label_smoothing
        ) * real_term + label_smoothing * ops.softplus(r)
    return ops.mean(real_term) + ops.mean(ops.softplus(f))


# --- non-saturating (Goodfellow et al. 2014, section 3) ------------------


@_register
def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss: `-E[log D(G(z))] = mean(softplus(-f))`.

    Same fixed point as the minimax game, but strong gradients early in
    training when the discriminator rejects the fakes.

    Args:
        fake_logits: discriminator logits on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(non_saturating_generator_loss([0.0]))  # log 2
    0.693...
    """
    f = _logits(fake_logits)
    return ops.mean(ops.softplus(-f))


@_register
def non_saturating_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Discriminator loss used with the non-saturating generator loss.

    Identical to `minimax_discriminator_loss` (binary cross-entropy).

    Args:
        real_logits: discriminator logits on real samples, any shape.
        fake_logits: discriminator logits on generated samples, any shape.
        label_smoothing: one-sided smoothing of the real target, in [0, 1).
            Defaults to 0.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(non_saturating_discriminator_loss([100.0], [-100.0]))
    0.0
    """
    return minimax_discriminator_loss(real_logits, fake_logits, label_smoothing)


# --- Wasserstein (Arjovsky et al. 2017) -----------------------------------


@_register
def wasserstein_generator_loss(fake_logits):
    """Wasserstein generator loss: `-mean(f)`, f the critic's raw scores.

    Args:
        fake_logits: critic scores on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(wasserstein_generator_loss([1.0, 3.0]))
    -2.0
    """
    return -ops.mean(_logits(fake_logits))


@_register
def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Wasserstein critic loss: `mean(f) - mean(r)`.

    Minimizing it maximizes the critic's estimate of the Wasserstein-1
    distance; the critic must be kept Lipschitz (weight clipping or a
    gradient penalty) for the estimate to mean anything.

    Args:
        real_logits: critic scores on real samples, any shape.
        fake_logits: critic scores on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(wasserstein_discriminator_loss([2.0], [0.5]))
    -1.5
    """
    return ops.mean(_logits(fake_logits)) - ops.mean(_logits(real_logits))


# --- least squares (Mao et al. 2017) --------------------------------------


@_register
def least_squares_generator_loss(fake_logits):
    """Least-squares generator loss: `0.5 * mean((f - 1)^2)`.

    Args:
        fake_logits: discriminator outputs on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(least_squares_generator_loss([0.0, 2.0]))
    0.5
    """
    f = _logits(fake_logits)
    return 0.5 * ops.mean(ops.square(f - 1.0))


@_register
def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least-squares discriminator loss: `0.5 * (mean((r-1)^2) + mean(f^2))`.

    Args:
        real_logits: discriminator outputs on real samples, any shape.
        fake_logits: discriminator outputs on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(least_squares_discriminator_loss([1.0], [1.0]))
    0.5
    """
    r, f = _logits(real_logits), _logits(fake_logits)
    return 0.5 * (ops.mean(ops.square(r - 1.0)) + ops.mean(ops.square(f)))


# --- hinge (Lim & Ye 2017; Miyato et al. 2018) ----------------------------


@_register
def hinge_generator_loss(fake_logits):
    """Hinge generator loss: `-mean(f)`, the same as Wasserstein's.

    Args:
        fake_logits: discriminator scores on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(hinge_generator_loss([0.5, 1.5]))
    -1.0
    """
    return wasserstein_generator_loss(fake_logits)


@_register
def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss: `mean(relu(1 - r)) + mean(relu(1 + f))`.

    Args:
        real_logits: discriminator scores on real samples, any shape.
        fake_logits: discriminator scores on generated samples, any shape.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(hinge_discriminator_loss([0.0, 2.0], [-2.0, 0.0]))
    1.0
    """
    r, f = _logits(real_logits), _logits(fake_logits)
    return ops.mean(ops.relu(1.0 - r)) + ops.mean(ops.relu(1.0 + f))


# --- auxiliary classifier (Odena, Olah & Shlens 2017) ----------------------


@_register
def auxiliary_classifier_loss(class_logits, labels):
    """AC-GAN's class loss: mean softmax cross-entropy of the class head.

    `mean_i(log sum_k exp(c_ik) - c_{i, y_i})` for class logits `c` of
    shape `(B, K)` and integer labels `y` of shape `(B,)`. `tge.ACGAN` adds
    it, weighted, to both players' losses: D learns to classify real and
    fake samples, G to make fakes of the requested class.

    Args:
        class_logits: class scores of shape `(B, K)`, before the softmax.
        labels: integer class indices of shape `(B,)`.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> round(float(auxiliary_classifier_loss([[0.0, 0.0]], [1])), 6)  # log 2
    0.693147
    """
    return ops.mean(
        ops.sparse_categorical_crossentropy(
            labels, _logits(class_logits), from_logits=True
        )
    )


# --- families -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LossFamily:
    """A generator loss and a discriminator loss that belong together.

    Args:
        name: family name (`"custom"` for a user's pair of callables).
        generator_loss: `fn(fake_logits) -> scalar`.
        discriminator_loss: `fn(real_logits, fake_logits) -> scalar`.
        probabilistic: whether the discriminator's outputs are logits of a
            probability (then `real_score`/`fake_score` report
            `mean(sigmoid(logits))`) or raw critic values (reported as is).
    """

    name: str
    generator_loss: LossFn
    discriminator_loss: LossFn
    probabilistic: bool


FAMILIES: dict[str, LossFamily] = {
    "minimax": LossFamily(
        "minimax", minimax_generator_loss, minimax_discriminator_loss, True
    ),
    "non_saturating": LossFamily(
        "non_saturating",
        non_saturating_generator_loss,
        non_saturating_discriminator_loss,
        True,
    ),
    "wasserstein": LossFamily(
        "wasserstein", wasserstein_generator_loss, wasserstein_discriminator_loss, False
    ),
    "least_squares": LossFamily(
        "least_squares",
        least_squares_generator_loss,
        least_squares_discriminator_loss,
        False,
    ),
    "hinge": LossFamily("hinge", hinge_generator_loss, hinge_discriminator_loss, False),
}


def get(identifier) -> LossFamily:
    """Returns the `LossFamily` for a family name or a pair of callables.

    Args:
        identifier: one of `"minimax"`, `"non_saturating"`, `"wasserstein"`,
            `"least_squares"`, `"hinge"`; a `LossFamily`; or a
            `(generator_loss, discriminator_loss)` pair of callables (whose
            discriminator outputs are then reported raw).

    Returns:
        A `LossFamily`.

    Example:

    >>> get("hinge").discriminator_loss.__name__
    'hinge_discriminator_loss'
    """
    if isinstance(identifier, LossFamily):
        return identifier
    if isinstance(identifier, str):
        if identifier not in FAMILIES:
            raise ValueError(
                f"Unknown GAN loss family. Expected one of {sorted(FAMILIES)} "
                "or a (generator_loss, discriminator_loss) pair of callables. "
                f"Received: loss={identifier!r}"
            )
        return FAMILIES[identifier]
    if (
        isinstance(identifier, (tuple, list))
        and len(identifier) == 2
        and all(callable(fn) for fn in identifier)
    ):
        g_loss, d_loss = identifier
        for family in FAMILIES.values():
            if (g_loss, d_loss) == (family.generator_loss, family.discriminator_loss):
                return family
        return LossFamily("custom", g_loss, d_loss, probabilistic=False)
    raise ValueError(
        "Expected `loss` to be a family name "
        f"({', '.join(sorted(FAMILIES))}) or a (generator_loss, "
        f"discriminator_loss) pair of callables. Received: loss={identifier!r}"
    )


def serialize(family: LossFamily):
    """The `compile` config entry of a loss family, for saving a model.

    A built-in family is saved by name; a custom pair as the two serialized
    functions (they must be registered with
    `keras.saving.register_keras_serializable` to be reloaded).

    Example:

    >>> serialize(get("hinge"))
    'hinge'
    """
    if family.name in FAMILIES:
        return family.name
    return [
        keras.saving.serialize_keras_object(family.generator_loss),
        keras.saving.serialize_keras_object(family.discriminator_loss),
    ]


def deserialize(config):
    """The `loss` argument of `compile` from `serialize`'s output.

    Example:

    >>> deserialize(serialize(get("least_squares")))
    'least_squares'
    """
    if isinstance(config, str):
        return config
    return tuple(keras.saving.deserialize_keras_object(fn) for fn in config)
