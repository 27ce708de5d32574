"""Exercises of chapter 1, the minimax game: losses, D*, one training step."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _const(values) -> tf.Tensor:
    return tf.constant(np.asarray(values, dtype=np.float32))


def _logits(seed: int, shape) -> tf.Tensor:
    return _const(np.random.default_rng(seed).normal(0.0, 2.0, size=shape))


# --- the discriminator's loss ---------------------------------------------


D_LOSS = Exercise(
    name="minimax_discriminator_loss",
    solutions=(
        "tfgan_edu.losses:minimax_discriminator_loss",
        "tfgan_edu.losses:non_saturating_discriminator_loss",
    ),
    chapter=1,
    title="The discriminator's loss",
    summary="D's loss -V(D, G) from logits, stable for large logits (softplus)",
    task=r"""
The discriminator maximizes the value function, so it **minimizes**

$$
L_D = -\mathbb{E}_{x \sim p_\text{data}}[\log D(x)] - \mathbb{E}_{z}[\log(1 - D(G(z)))],
\qquad D(x) = \sigma(\ell(x)),
$$

where $\ell$ are the discriminator's logits. With $-\log\sigma(t) = \operatorname{softplus}(-t)$
and $-\log(1 - \sigma(t)) = \operatorname{softplus}(t)$:

$$
L_D = \operatorname{mean}\big(\operatorname{softplus}(-r)\big) + \operatorname{mean}\big(\operatorname{softplus}(f)\big)
$$

for real logits $r$ and fake logits $f$ (any shape; average each term over all its elements).
Write it with `ops.softplus`: `log(sigmoid(t))` overflows to `-inf` for logits like $-120$.
Return a scalar float32 tensor.
""",
    stub='''
def minimax_discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss of the minimax game, from logits.

    Args:
        real_logits: D's logits on real samples, a float32 tensor of any shape.
        fake_logits: D's logits on generated samples, any shape.

    Returns:
        A scalar float32 tensor: mean(softplus(-r)) + mean(softplus(f)).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "three real and three fake logits",
            lambda: {
                "real_logits": _const([2.0, 0.5, -1.0]),
                "fake_logits": _const([-3.0, 0.0, 1.5]),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
        Case(
            "logits of shape (8, 1) and (6, 1): the batches differ in size",
            lambda: {
                "real_logits": _logits(0, (8, 1)),
                "fake_logits": _logits(1, (6, 1)),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
        Case(
            "a confidently wrong discriminator: real logits -120, fake logits +120",
            lambda: {
                "real_logits": _const([-120.0, 3.0]),
                "fake_logits": _const([120.0, -3.0]),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
    ),
    hint="L_D = mean(softplus(-real_logits)) + mean(softplus(fake_logits)), "
    "each mean over all the elements of its own tensor.",
    mistakes=(
        Mistake(
            "_d_loss_naive",
            "log(sigmoid(t)) underflows: sigmoid(-120) is 0 in float32 and its log "
            "is -inf. Use -log(sigmoid(t)) = softplus(-t) and "
            "-log(1 - sigmoid(t)) = softplus(t).",
        ),
        Mistake(
            "_d_loss_value",
            "This is V(D, G), which D maximizes. As a loss to minimize, D uses -V.",
        ),
        Mistake(
            "_d_loss_pooled",
            "You averaged real and fake terms together. Average each expectation "
            "separately, then add the two means.",
        ),
    ),
)


# --- the non-saturating generator loss -------------------------------------


G_LOSS = Exercise(
    name="non_saturating_generator_loss",
    solutions=("tfgan_edu.losses:non_saturating_generator_loss",),
    chapter=1,
    title="The non-saturating generator loss",
    summary="G's loss -mean(log D(G(z))), not the saturating log(1 - D(G(z)))",
    task=r"""
In the minimax game the generator minimizes $\mathbb{E}_z[\log(1 - D(G(z)))]$. Early in
training $D$ rejects the fakes confidently, $D(G(z)) \approx 0$, where this loss is flat:
its gradient vanishes (it *saturates*). Goodfellow et al. (2014) propose instead that
$G$ maximizes $\log D(G(z))$, i.e. minimizes

$$
L_G = -\mathbb{E}_z[\log D(G(z))] = \operatorname{mean}\big(\operatorname{softplus}(-f)\big)
$$

for the fake logits $f$. Same fixed point, strong gradients when $D$ wins.
Return a scalar float32 tensor.
""",
    stub='''
def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss -mean(log D(G(z))), from logits.

    Args:
        fake_logits: D's logits on generated samples, a float32 tensor of any shape.

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "a discriminator that rejects the fakes: logits -6, -4, -2",
            lambda: {"fake_logits": _const([-6.0, -4.0, -2.0])},
            grad_wrt=("fake_logits",),
        ),
        Case(
            "logits of shape (4, 3, 1)",
            lambda: {"fake_logits": _logits(2, (4, 3, 1))},
            grad_wrt=("fake_logits",),
        ),
        Case(
            "extreme logits -150 and +150",
            lambda: {"fake_logits": _const([-150.0, 150.0])},
            grad_wrt=("fake_logits",),
        ),
    ),
    hint="L_G = mean(softplus(-fake_logits)): -log(sigmoid(f)) = softplus(-f).",
    mistakes=(
        Mistake(
            "_g_loss_saturating",
            "This is the saturating loss mean(log(1 - D(G(z)))) = -mean(softplus(f)) "
            "of the minimax game. The non-saturating generator minimizes "
            "-mean(log D(G(z))) = mean(softplus(-f)).",
        ),
        Mistake(
            "_g_loss_wrong_sign",
            "The sign is flipped: G minimizes -log D(G(z)) = softplus(-f), "
            "a non-negative loss.",
        ),
    ),
)


# --- the optimal discriminator ---------------------------------------------


def _gauss(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


D_STAR = Exercise(
    name="optimal_discriminator",
    chapter=1,
    title="The optimal discriminator",
    summary="D*(x) = p_data(x) / (p_data(x) + p_g(x)) from the two densities",
    task=r"""
For a fixed generator, the discriminator maximizing $V(D, G)$ is

$$
D^*_G(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}.
$$

Given the two densities evaluated at the same points (NumPy arrays of the same shape,
with $p_\text{data} + p_g > 0$ everywhere), return $D^*$ at those points as a float64
NumPy array of that shape.
""",
    stub='''
def optimal_discriminator(p_data, p_g):
    """The optimal discriminator D*(x) from the densities at points x.

    Args:
        p_data: the data density at the points, a float64 NumPy array.
        p_g: the generator's density at the same points, same shape.

    Returns:
        A float64 NumPy array of the same shape, with values in [0, 1].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "p_data = N(2, 0.5^2) and p_g = N(0, 1) on 9 points of [-1, 3]",
            lambda: {
                "p_data": _gauss(np.linspace(-1, 3, 9), 2.0, 0.5),
                "p_g": _gauss(np.linspace(-1, 3, 9), 0.0, 1.0),
            },
        ),
        Case(
            "equal densities (D* = 1/2) and points where p_g = 0 (D* = 1), shape (2, 3)",
            lambda: {
                "p_data": np.array([[0.1, 0.2, 0.3], [0.5, 1.0, 2.0]]),
                "p_g": np.array([[0.1, 0.2, 0.3], [0.0, 0.0, 2.0]]),
            },
        ),
    ),
    hint="D*(x) = p_data / (p_data + p_g), element by element.",
    mistakes=(
        Mistake(
            "_d_star_swapped",
            "You returned p_g / (p_data + p_g), the probability that x is fake. "
            "D outputs the probability that x is real.",
        ),
        Mistake(
            "_d_star_ratio",
            "p_data / p_g is the density ratio, the odds D*/(1 - D*), not a "
            "probability.",
        ),
    ),
)


# --- one training step -----------------------------------------------------


def _step_inputs(seed: int, d_lr: float = 0.1, g_lr: float = 0.05):
    def make():
        def dense(units, layer_seed, activation=None):
            return keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(
                    seed=seed + layer_seed
                ),
                bias_initializer=keras.initializers.RandomNormal(
                    0.0, 0.1, seed=seed + layer_seed + 50
                ),
            )

        generator = keras.Sequential(
            [keras.Input((4,)), dense(8, 1, "tanh"), dense(2, 2)]
        )
        discriminator = keras.Sequential(
            [keras.Input((2,)), dense(8, 3, "tanh"), dense(1, 4)]
        )
        rng = np.random.default_rng(seed)
        return {
            "generator": generator,
            "discriminator": discriminator,
            "d_optimizer": keras.optimizers.SGD(d_lr),
            "g_optimizer": keras.optimizers.SGD(g_lr),
            "real": _const(rng.normal(1.0, 0.5, size=(16, 2))),
            "z_d": _const(rng.normal(size=(16, 4))),
            "z_g": _const(rng.normal(size=(16, 4))),
        }

    return make


def _observe_step(fn, inputs, case):
    returned = fn(*inputs.values())
    observed = [("the returned (d_loss, g_loss)", returned)]
    for player in ("discriminator", "generator"):
        for i, variable in enumerate(inputs[player].trainable_variables):
            observed.append(
                (
                    f"the {player}'s weight {i} ({variable.name}, shape "
                    f"{tuple(variable.shape)}) after the step",
                    variable.value,
                )
            )
    return observed


TRAIN_STEP = Exercise(
    name="train_step",
    solutions=("tfgan_edu.models.gan:GAN.train_step",),
    chapter=1,
    title="One training step",
    summary="one step of Algorithm 1: update D on real and fake, then G through the new D",
    task=r"""
One iteration of Algorithm 1 of Goodfellow et al. (2014) with $k = 1$:

1. generate fakes $G(z_d)$ from the noise `z_d`; score the real batch and the fakes with
   $D$; take one step of `d_optimizer` on $L_D$ (your `minimax_discriminator_loss`)
   with respect to the discriminator's `trainable_variables`;
2. generate fakes from the fresh noise `z_g`, score them with the **updated** $D$, and
   take one step of `g_optimizer` on the non-saturating $L_G$ with respect to the
   generator's `trainable_variables`.

Use one `tf.GradientTape` per player and `optimizer.apply_gradients(zip(grads, variables))`.
Call the networks with `training=True`. Return `(d_loss, g_loss)`, the two losses as
scalar float32 tensors (each computed before its own update).
""",
    stub='''
def train_step(generator, discriminator, d_optimizer, g_optimizer, real, z_d, z_g):
    """One step of the GAN training loop: update D, then G.

    Args:
        generator: a keras.Model, noise (batch, latent_dim) -> samples.
        discriminator: a keras.Model, samples -> logits (batch, 1).
        d_optimizer: the discriminator's keras optimizer.
        g_optimizer: the generator's keras optimizer.
        real: a batch of real samples.
        z_d: noise for the discriminator's update, (batch, latent_dim).
        z_g: fresh noise for the generator's update, (batch, latent_dim).

    Returns:
        (d_loss, g_loss): two scalar float32 tensors.
    """
    raise NotImplementedError
''',
    cases=(
        Case("a 2-D MLP pair, batch 16, SGD steps", _step_inputs(0)),
        Case("another initialization and batch", _step_inputs(7, d_lr=0.2, g_lr=0.1)),
    ),
    hint="Update D first (its loss on real and G(z_d)), then G on fresh noise z_g "
    "through the updated D, with the non-saturating loss; return (d_loss, g_loss).",
    mistakes=(
        Mistake(
            "_step_g_first",
            "You updated the generator before the discriminator. Algorithm 1 "
            "first improves D, then moves G against the updated D.",
        ),
        Mistake(
            "_step_saturating",
            "The generator step uses the saturating loss mean(log(1 - D(G(z)))). "
            "Use the non-saturating mean(softplus(-fake_logits)).",
        ),
        Mistake(
            "_step_same_noise",
            "The generator's step reused z_d. Draw its fakes from the fresh noise z_g.",
        ),
    ),
    observe=_observe_step,
)

EXERCISES = (D_LOSS, G_LOSS, D_STAR, TRAIN_STEP)
