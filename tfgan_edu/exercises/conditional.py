"""Exercises of chapter 3, conditional GANs: the label-conditioned generator
input, the projection discriminator's logit, AC-GAN's class loss."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _inputs(seed: int, batch: int, n_features: int, n_classes: int):
    def make():
        rng = np.random.default_rng(seed)
        return {
            "features": tf.constant(rng.normal(size=(batch, n_features)), tf.float32),
            "labels": tf.constant(rng.integers(0, n_classes, size=batch), tf.int32),
            "w": tf.constant(rng.normal(size=n_features), tf.float32),
            "b": tf.constant(rng.normal(), tf.float32),
            "embeddings": tf.constant(
                rng.normal(size=(n_classes, n_features)), tf.float32
            ),
        }

    return make


PROJECTION = Exercise(
    name="projection_logit",
    chapter=3,
    title="The projection discriminator",
    summary="the projection discriminator's logit psi(phi(x)) + <embed(y), phi(x)>",
    task=r"""
Miyato & Koyama (2018) condition the discriminator on the class $y$ by an inner product with
a learned class embedding $V_y$ instead of concatenating a one-hot label:

$$
\ell(x, y) = w^\top \phi(x) + b + V_y^\top \phi(x),
$$

where $\phi(x)$ are the discriminator's features. Given the features `(B, F)`, integer
`labels` `(B,)`, the linear head `w` `(F,)` and `b` (a scalar) and the class embeddings
`(K, F)` (row $k$ is $V_k$), return the logits, a float32 tensor of shape `(B,)`.
Look the embeddings up with `ops.take(embeddings, labels, axis=0)`.
""",
    stub='''
def projection_logit(features, labels, w, b, embeddings):
    """The projection discriminator's logit from features and labels.

    Args:
        features: phi(x), a float32 tensor of shape (B, F).
        labels: class indices, an int32 tensor of shape (B,).
        w: the unconditional head, shape (F,).
        b: its bias, a scalar.
        embeddings: the class embeddings V, shape (K, F).

    Returns:
        A float32 tensor of shape (B,).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "batch 6, 5 features, 3 classes",
            _inputs(0, 6, 5, 3),
            grad_wrt=("features", "w", "embeddings"),
        ),
        Case(
            "batch 10, 8 features, 10 classes",
            _inputs(1, 10, 8, 10),
            grad_wrt=("features", "w", "b", "embeddings"),
        ),
    ),
    hint="logits = features @ w + b + sum(V[labels] * features, axis=-1), shape (B,).",
    mistakes=(
        Mistake(
            "_no_projection",
            "The class term is missing: add the inner product of each example's "
            "features with its class embedding V[labels].",
        ),
        Mistake(
            "_no_linear",
            "The unconditional term w . phi(x) + b is missing: the projection is "
            "added to it, not used alone.",
        ),
    ),
)


# --- label conditioning of the generator -----------------------------------


def _noise_labels(seed: int, batch: int, latent: int, n_classes: int):
    def make():
        rng = np.random.default_rng(seed)
        return {
            "z": tf.constant(rng.normal(size=(batch, latent)), tf.float32),
            "labels": tf.constant(rng.integers(0, n_classes, size=batch), tf.int32),
            "num_classes": n_classes,
        }

    return make


GENERATOR_INPUT = Exercise(
    name="conditional_generator_input",
    chapter=3,
    title="Conditioning the generator on a label",
    summary="the cGAN generator's input: noise concatenated with the one-hot label",
    task=r"""
The conditional GAN of Mirza & Osindero (2014) feeds the label to the generator by
concatenating its one-hot code to the noise:

$$
\text{input} = [\, z \;;\; \operatorname{onehot}(y) \,] \in \mathbb R^{d + K}.
$$

Given noise `z` `(B, d)`, integer `labels` `(B,)` and the number of classes `K`, return
the float32 tensor `(B, d + K)`: the noise first, then the one-hot code
(`ops.one_hot(labels, num_classes)`).
""",
    stub='''
def conditional_generator_input(z, labels, num_classes):
    """Noise and one-hot labels side by side, the input of a conditional generator.

    Args:
        z: the noise, a float32 tensor (B, d).
        labels: class indices, an int32 tensor (B,).
        num_classes: the number of classes K, an int.

    Returns:
        A float32 tensor (B, d + K).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "batch 5, 4-D noise, 3 classes", _noise_labels(0, 5, 4, 3), grad_wrt=("z",)
        ),
        Case(
            "batch 8, 16-D noise, 10 classes",
            _noise_labels(1, 8, 16, 10),
            grad_wrt=("z",),
        ),
    ),
    hint="ops.concatenate([z, ops.one_hot(labels, num_classes)], axis=-1).",
    mistakes=(
        Mistake(
            "_labels_first",
            "The one-hot code comes first: put the noise first, [z ; onehot(y)].",
        ),
        Mistake(
            "_raw_label",
            "You appended the label index itself. A class index is not a quantity: "
            "encode it one-hot, one column per class.",
        ),
    ),
)


# --- AC-GAN's class loss ------------------------------------------------------


def _class_logits(seed: int, batch: int, n_classes: int, scale: float):
    def make():
        rng = np.random.default_rng(seed)
        return {
            "class_logits": tf.constant(
                rng.normal(0.0, scale, size=(batch, n_classes)), tf.float32
            ),
            "labels": tf.constant(rng.integers(0, n_classes, size=batch), tf.int32),
        }

    return make


ACGAN_LOSS = Exercise(
    name="acgan_class_loss",
    chapter=3,
    title="AC-GAN's class loss",
    summary="mean softmax cross-entropy of the auxiliary classifier, from logits, stable",
    task=r"""
In AC-GAN (Odena et al. 2017) the discriminator also predicts the class, and both players
minimize the class loss

$$
L_C = \frac1B \sum_i \Big( \log \sum_k e^{c_{ik}} - c_{i, y_i} \Big)
$$

(the softmax cross-entropy) for class logits `c` `(B, K)` and integer `labels` `(B,)`.
Compute it from the logits in a stable way (logits of $\pm 80$ must not give `inf`);
`ops.logsumexp` helps. Return a scalar float32 tensor.
""",
    stub='''
def acgan_class_loss(class_logits, labels):
    """AC-GAN's class loss: mean softmax cross-entropy from logits.

    Args:
        class_logits: the class head's logits, a float32 tensor (B, K).
        labels: class indices, an int32 tensor (B,).

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    solutions=("tfgan_edu.losses:auxiliary_classifier_loss",),
    cases=(
        Case(
            "batch 6, 4 classes",
            _class_logits(0, 6, 4, 1.0),
            grad_wrt=("class_logits",),
        ),
        Case(
            "batch 10, 10 classes",
            _class_logits(1, 10, 10, 2.0),
            grad_wrt=("class_logits",),
        ),
        Case(
            "confident logits of scale 40 (up to about +-100)",
            _class_logits(2, 4, 3, 40.0),
            grad_wrt=("class_logits",),
        ),
    ),
    hint="L_C = mean(logsumexp(c, axis=-1) - c[i, y_i]); take c[i, y_i] with "
    "ops.take_along_axis or a one-hot mask.",
    mistakes=(
        Mistake(
            "_acgan_softmax_twice",
            "You applied a softmax before a loss that takes logits: the softmax is "
            "applied twice. Pass the raw logits.",
        ),
        Mistake("_acgan_sum", "Average over the batch instead of summing."),
        Mistake(
            "_acgan_naive",
            "log(softmax(c)) overflows for large logits (exp(100) is inf in float32). "
            "Use log-sum-exp: log softmax(c)_y = c_y - logsumexp(c).",
        ),
    ),
)

EXERCISES = (GENERATOR_INPUT, PROJECTION, ACGAN_LOSS)
