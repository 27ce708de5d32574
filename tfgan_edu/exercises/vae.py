"""Exercises of chapter 5, GANs and VAEs: the reparameterization trick and the KL."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _encoder_outputs(seed: int, batch: int, latent: int, with_eps: bool):
    def make():
        rng = np.random.default_rng(seed)
        inputs = {
            "mean": tf.constant(rng.normal(size=(batch, latent)), tf.float32),
            "log_var": tf.constant(
                rng.uniform(-2.0, 1.0, size=(batch, latent)), tf.float32
            ),
        }
        if with_eps:
            inputs["eps"] = tf.constant(rng.normal(size=(batch, latent)), tf.float32)
        return inputs

    return make


# --- the reparameterization trick ---------------------------------------------


REPARAMETERIZE = Exercise(
    name="reparameterize",
    chapter=5,
    title="The reparameterization trick",
    summary="z = mu + sigma * eps with sigma = exp(log_var / 2): sampling you can differentiate",
    task=r"""
The encoder of a VAE outputs the mean $\mu$ and the log-variance $\log\sigma^2$ of
$q(z \mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$. Sampling $z$ directly would cut
the gradient to $\mu$ and $\sigma$; Kingma & Welling (2014) draw the noise outside instead:

$$
z = \mu + \sigma \odot \varepsilon, \qquad \sigma = \exp\big(\tfrac12 \log\sigma^2\big),
\qquad \varepsilon \sim \mathcal N(0, I).
$$

Given `mean`, `log_var` and the noise `eps` (float32 tensors of shape `(B, latent_dim)`),
return $z$ (same shape), differentiable with respect to `mean` and `log_var`.
""",
    stub='''
def reparameterize(mean, log_var, eps):
    """A sample of N(mean, exp(log_var)) as a differentiable function of eps.

    Args:
        mean: the encoder's means, a float32 tensor (B, latent_dim).
        log_var: the encoder's log-variances, same shape.
        eps: standard normal noise, same shape.

    Returns:
        z, a float32 tensor of the same shape.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "a batch of 4 in a 3-D latent space",
            _encoder_outputs(0, 4, 3, with_eps=True),
            grad_wrt=("mean", "log_var"),
        ),
        Case(
            "a batch of 16 in a 8-D latent space",
            _encoder_outputs(1, 16, 8, with_eps=True),
            grad_wrt=("mean", "log_var", "eps"),
        ),
    ),
    hint="sigma = exp(0.5 * log_var), then z = mean + sigma * eps.",
    mistakes=(
        Mistake(
            "_reparam_variance",
            "exp(log_var) is the variance sigma^2. The noise is scaled by the "
            "standard deviation sigma = exp(0.5 * log_var).",
        ),
        Mistake(
            "_reparam_log_std",
            "0.5 * log_var is log(sigma), not sigma: exponentiate it.",
        ),
    ),
)


# --- the KL divergence to the prior ---------------------------------------------


GAUSSIAN_KL = Exercise(
    name="gaussian_kl",
    solutions=("tfgan_edu.models.vae:gaussian_kl",),
    chapter=5,
    title="The KL divergence to the prior",
    summary="KL(N(mu, sigma^2) || N(0, I)) in closed form, per example",
    task=r"""
The VAE's loss adds to the reconstruction term the divergence of the encoder's posterior from
the prior $\mathcal N(0, I)$. For diagonal Gaussians it has a closed form, summed over the
latent dimensions $j$:

$$
\operatorname{KL}\big(\mathcal N(\mu, \operatorname{diag}\sigma^2) \,\Vert\, \mathcal N(0, I)\big)
= \frac12 \sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big) \;\ge 0.
$$

Given `mean` and `log_var` (float32 tensors `(B, latent_dim)`), return the KL of each example:
a float32 tensor of shape `(B,)`.
""",
    stub='''
def gaussian_kl(mean, log_var):
    """KL(N(mean, exp(log_var)) || N(0, I)) for each example.

    Args:
        mean: the encoder's means, a float32 tensor (B, latent_dim).
        log_var: the encoder's log-variances, same shape.

    Returns:
        A float32 tensor of shape (B,), non-negative.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "the prior itself (mean 0, log_var 0): KL = 0",
            lambda: {"mean": tf.zeros((2, 3)), "log_var": tf.zeros((2, 3))},
            grad_wrt=("mean", "log_var"),
        ),
        Case(
            "a batch of 5 in a 4-D latent space",
            _encoder_outputs(2, 5, 4, with_eps=False),
            grad_wrt=("mean", "log_var"),
        ),
    ),
    hint="0.5 * sum(mean**2 + exp(log_var) - 1 - log_var) over the last axis.",
    mistakes=(
        Mistake(
            "_kl_wrong_sign",
            "The sign is wrong: a KL divergence is never negative. It is "
            "0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2) (the ELBO has -KL, the "
            "loss +KL).",
        ),
        Mistake(
            "_kl_mean_over_latent",
            "Sum over the latent dimensions (axis=-1), do not average: the KL of "
            "independent components adds up.",
        ),
        Mistake(
            "_kl_batch_mean",
            "Return one KL per example, shape (B,): do not average over the batch.",
        ),
    ),
)

EXERCISES = (REPARAMETERIZE, GAUSSIAN_KL)
