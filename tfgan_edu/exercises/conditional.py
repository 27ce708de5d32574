"""Exercise of chapter 3, conditional GANs: the projection discriminator's logit."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def projection_logit(features, labels, w, b, embeddings):
    """Reference: `features @ w + b + sum(embeddings[labels] * features, -1)`."""
    unconditional = ops.matmul(features, w) + b  # (B,)
    class_term = ops.sum(ops.take(embeddings, labels, axis=0) * features, axis=-1)
    return unconditional + class_term


def _no_projection(features, labels, w, b, embeddings):
    return ops.matmul(features, w) + b


def _no_linear(features, labels, w, b, embeddings):
    return ops.sum(ops.take(embeddings, labels, axis=0) * features, axis=-1)


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
    reference=projection_logit,
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
            _no_projection,
            "The class term is missing: add the inner product of each example's "
            "features with its class embedding V[labels].",
        ),
        Mistake(
            _no_linear,
            "The unconditional term w . phi(x) + b is missing: the projection is "
            "added to it, not used alone.",
        ),
    ),
)

EXERCISES = (PROJECTION,)
