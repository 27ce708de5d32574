"""Exercises of chapter 0, What is a GAN?: the classifier two-sample test and the Gumbel-softmax."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _scores(seed: int, n_real: int, n_fake: int, shift: float):
    """Discriminator logits: real ones around `+shift`, fake ones around `-shift`.

    The values are rounded away from 0 and 0.5, so no logit sits on a
    decision threshold.
    """

    def make():
        rng = np.random.default_rng(seed)

        def draw(n, centre):
            x = rng.normal(centre, 1.0, size=n)
            x = np.where(np.abs(x) < 0.05, x + 0.1, x)
            return np.where(np.abs(x - 0.5) < 0.05, x + 0.1, x)

        return {
            "real_logits": tf.constant(draw(n_real, shift), tf.float32),
            "fake_logits": tf.constant(draw(n_fake, -shift), tf.float32),
        }

    return make


def _gumbel_inputs(seed: int, shape: tuple, temperature: float, hard: bool):
    """Logits, a temperature, fixed Gumbel noise and the `hard` flag."""

    def make():
        rng = np.random.default_rng(seed)
        return {
            "logits": tf.constant(rng.normal(0.0, 1.5, size=shape), tf.float32),
            "temperature": temperature,
            "noise": tf.constant(rng.gumbel(size=shape), tf.float32),
            "hard": hard,
        }

    return make


# --- the classifier two-sample test ----------------------------------------------


TWO_SAMPLE_ACCURACY = Exercise(
    name="two_sample_accuracy",
    solutions=("tfgan_edu.diagnostics:discriminator_accuracy",),
    chapter=0,
    title="The classifier two-sample test",
    summary="the fraction of real and generated samples a discriminator labels right",
    task=r"""
A two-sample test asks whether two sets of samples come from the same distribution. The
classifier test (Lopez-Paz & Oquab 2017) trains a classifier to tell them apart and reads its
accuracy: near $\tfrac12$ (chance), the sets look alike; near 1, they are easy to tell apart.
A GAN's discriminator is such a classifier: its logit $\ell$ says "real" when
$D(x) = \sigma(\ell) > \tfrac12$, that is when $\ell > 0$, and "generated" when $\ell < 0$.

Given the discriminator's logits on $n_r$ real samples, `real_logits` (shape `(n_r,)`), and on
$n_f$ generated samples, `fake_logits` (shape `(n_f,)`), return its accuracy over all
$n_r + n_f$ samples:

$$
\text{accuracy} = \frac{\#\{i : \ell^\text{real}_i > 0\} + \#\{j : \ell^\text{fake}_j < 0\}}{n_r + n_f},
$$

a float32 scalar tensor. No logit is exactly 0 in the checks.
""",
    stub='''
def two_sample_accuracy(real_logits, fake_logits):
    """The fraction of all samples the discriminator classifies right.

    Args:
        real_logits: the discriminator's logits on real samples, float32 (n_r,).
        fake_logits: its logits on generated samples, float32 (n_f,).

    Returns:
        A float32 scalar tensor in [0, 1].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "8 real and 8 generated samples, well separated",
            _scores(0, 8, 8, 1.5),
        ),
        Case(
            "4 real and 12 generated samples, hard to tell apart",
            _scores(1, 4, 12, 0.3),
        ),
        Case(
            "20 real and 5 generated samples",
            _scores(2, 20, 5, 0.8),
        ),
    ),
    hint="Count real logits > 0 and fake logits < 0, and divide by the number of "
    "all samples (cast the comparisons to float32 before summing).",
    mistakes=(
        Mistake(
            "_accuracy_probability_threshold",
            "The inputs are logits, not probabilities: D(x) = sigmoid(logit) > 0.5 "
            "means logit > 0, so threshold the logits at 0, not at 0.5.",
        ),
        Mistake(
            "_accuracy_mean_of_means",
            "Averaging the real and the fake accuracy weighs both sets equally; with "
            "n_r != n_f count the correct calls over all n_r + n_f samples.",
        ),
        Mistake(
            "_accuracy_swapped",
            "The labels are swapped: a real sample is called real when its logit is "
            "positive, a generated one when its logit is negative.",
        ),
    ),
    rtol=0.0,
    atol=1e-6,
)


# --- the Gumbel-softmax ----------------------------------------------------------------


GUMBEL_SOFTMAX = Exercise(
    name="gumbel_softmax",
    solutions=("tfgan_edu.experiments.discrete_tokens:gumbel_softmax",),
    chapter=0,
    title="The Gumbel-softmax and its straight-through estimator",
    summary="softmax((logits + g) / tau), and a one-hot token with the soft sample's gradient",
    task=r"""
Choosing a token ($\operatorname{argmax}$, or a draw) has no useful gradient, so a text GAN's
generator learns nothing from the discriminator. With standard Gumbel noise
$g_k = -\log(-\log u_k)$, $u_k \sim U(0, 1)$, the *Gumbel-max trick* gives an exact sample of
$\operatorname{softmax}(\ell)$: $k^\ast = \operatorname{argmax}_k (\ell_k + g_k)$. The
*Gumbel-softmax* (Jang et al. 2017; Maddison et al. 2017) replaces the argmax by a softmax at
temperature $\tau > 0$:

$$
y = \operatorname{softmax}\!\Big(\frac{\ell + g}{\tau}\Big),
$$

differentiable in $\ell$. The *straight-through* estimator feeds the discriminator the exact
one-hot token $h = \operatorname{one\_hot}(\operatorname{argmax}_k y_k)$ in the forward pass and
uses the gradient of $y$ in the backward pass.

Given `logits` (float32, shape `(..., vocab_size)`), a positive float `temperature`, the
noise `noise` (same shape as `logits`) and a bool `hard`, return $y$ (`hard=False`) or the
straight-through sample (`hard=True`): values exactly one-hot, gradient with respect to
`logits` that of $y$. Work over the last axis; the result has the logits' shape. The check
compares values and gradients.
""",
    stub='''
def gumbel_softmax(logits, temperature, noise, hard):
    """A Gumbel-softmax sample over the last axis, soft or straight-through.

    Args:
        logits: unnormalized log-probabilities, float32 (..., vocab_size).
        temperature: tau > 0, a Python float.
        noise: standard Gumbel noise, the logits' shape.
        hard: False for the soft sample softmax((logits + noise) / tau); True
            for the one-hot sample at its argmax with the soft sample's gradient.

    Returns:
        A float32 tensor of the logits' shape; its last axis sums to 1.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "soft: 4 positions over 5 tokens, tau = 1",
            _gumbel_inputs(0, (4, 5), 1.0, False),
            grad_wrt=("logits",),
        ),
        Case(
            "soft: a batch of 3 sentences of 4 tokens over 5, tau = 0.5",
            _gumbel_inputs(1, (3, 4, 5), 0.5, False),
            grad_wrt=("logits",),
        ),
        Case(
            "hard (straight-through): 4 positions over 5 tokens, tau = 0.7",
            _gumbel_inputs(2, (4, 5), 0.7, True),
            grad_wrt=("logits",),
        ),
        Case(
            "hard (straight-through): 3 sentences of 4 tokens over 5, tau = 2",
            _gumbel_inputs(3, (3, 4, 5), 2.0, True),
            grad_wrt=("logits",),
        ),
    ),
    hint="soft = softmax((logits + noise) / temperature) over the last axis; with "
    "hard, one_hot = one_hot(argmax(soft)) and return "
    "one_hot + (soft - stop_gradient(soft)).",
    mistakes=(
        Mistake(
            "_gumbel_no_temperature",
            "Divide by the temperature: softmax((logits + noise) / temperature). "
            "Without it every temperature gives the sample of tau = 1.",
        ),
        Mistake(
            "_gumbel_no_noise",
            "Add the Gumbel noise to the logits before the softmax: softmax(logits / "
            "tau) is no sample, just a sharpened distribution.",
        ),
        Mistake(
            "_gumbel_hard_no_straight_through",
            "The one-hot token alone has no gradient (argmax is a step function). Keep "
            "its values but pass the soft sample's gradient: "
            "one_hot + (soft - stop_gradient(soft)).",
        ),
        Mistake(
            "_gumbel_hard_ignored",
            "With hard=True return the one-hot token (values exactly 0 and 1), not the "
            "soft sample; only its gradient is the soft sample's.",
        ),
        Mistake(
            "_gumbel_hard_gradient_of_logits",
            "The straight-through gradient is the one of the soft sample "
            "softmax((logits + noise) / tau), not of softmax(logits).",
        ),
    ),
)

EXERCISES = (TWO_SAMPLE_ACCURACY, GUMBEL_SOFTMAX)
