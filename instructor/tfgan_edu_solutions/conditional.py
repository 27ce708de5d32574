"""Reference solutions and known mistakes of `tfgan_edu.exercises.conditional`."""

from __future__ import annotations

from keras import ops

from tfgan_edu.exercises.conditional import _inputs  # noqa: F401


def projection_logit(features, labels, w, b, embeddings):
    """Reference: `features @ w + b + sum(embeddings[labels] * features, -1)`."""
    unconditional = ops.matmul(features, w) + b  # (B,)
    class_term = ops.sum(ops.take(embeddings, labels, axis=0) * features, axis=-1)
    return unconditional + class_term


def _no_projection(features, labels, w, b, embeddings):
    return ops.matmul(features, w) + b


def _no_linear(features, labels, w, b, embeddings):
    return ops.sum(ops.take(embeddings, labels, axis=0) * features, axis=-1)


def conditional_generator_input(z, labels, num_classes):
    """Reference: `[z ; onehot(labels)]`, shape (B, d + K)."""
    one_hot = ops.one_hot(labels, num_classes, dtype="float32")  # (B, K)
    return ops.concatenate([ops.cast(z, "float32"), one_hot], axis=-1)


def _labels_first(z, labels, num_classes):
    return ops.concatenate(
        [ops.one_hot(labels, num_classes, dtype="float32"), z], axis=-1
    )


def _raw_label(z, labels, num_classes):
    return ops.concatenate([z, ops.cast(labels, "float32")[:, None]], axis=-1)


def acgan_class_loss(class_logits, labels):
    """Reference: `mean(logsumexp(c) - c_y)`."""
    c = ops.cast(class_logits, "float32")
    picked = ops.take_along_axis(c, ops.cast(labels, "int32")[:, None], axis=-1)[:, 0]
    return ops.mean(ops.logsumexp(c, axis=-1) - picked)


def _acgan_softmax_twice(class_logits, labels):
    return acgan_class_loss(ops.softmax(class_logits, axis=-1), labels)


def _acgan_sum(class_logits, labels):
    return acgan_class_loss(class_logits, labels) * ops.cast(
        ops.shape(labels)[0], "float32"
    )


def _acgan_naive(class_logits, labels):
    p = ops.exp(class_logits) / ops.sum(ops.exp(class_logits), axis=-1, keepdims=True)
    one_hot = ops.one_hot(labels, ops.shape(class_logits)[-1], dtype="float32")
    return -ops.mean(ops.sum(one_hot * ops.log(p), axis=-1))
