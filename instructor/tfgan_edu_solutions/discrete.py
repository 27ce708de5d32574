"""Reference solutions and known mistakes of `tfgan_edu.exercises.discrete`."""

from __future__ import annotations

from keras import ops

from tfgan_edu.exercises.discrete import _gumbel_inputs, _scores  # noqa: F401


def two_sample_accuracy(real_logits, fake_logits):
    """Reference: the fraction of real logits > 0 and fake logits < 0 among all samples."""
    right = ops.sum(ops.cast(real_logits > 0, "float32")) + ops.sum(
        ops.cast(fake_logits < 0, "float32")
    )
    total = ops.cast(ops.size(real_logits) + ops.size(fake_logits), "float32")
    return right / total


def _accuracy_probability_threshold(real_logits, fake_logits):
    right = ops.sum(ops.cast(real_logits > 0.5, "float32")) + ops.sum(
        ops.cast(fake_logits < 0.5, "float32")
    )
    total = ops.cast(ops.size(real_logits) + ops.size(fake_logits), "float32")
    return right / total


def _accuracy_mean_of_means(real_logits, fake_logits):
    real = ops.mean(ops.cast(real_logits > 0, "float32"))
    fake = ops.mean(ops.cast(fake_logits < 0, "float32"))
    return (real + fake) / 2.0


def _accuracy_swapped(real_logits, fake_logits):
    return two_sample_accuracy(fake_logits, real_logits)


def _soft(logits, temperature, noise):
    return ops.softmax((logits + noise) / temperature, axis=-1)


def _straight_through(soft):
    one_hot = ops.one_hot(ops.argmax(soft, axis=-1), ops.shape(soft)[-1])
    return one_hot + (soft - ops.stop_gradient(soft))


def gumbel_softmax(logits, temperature, noise, hard):
    """Reference: `softmax((logits + noise) / tau)`, or its straight-through one-hot."""
    soft = _soft(logits, temperature, noise)
    return _straight_through(soft) if hard else soft


def _gumbel_no_temperature(logits, temperature, noise, hard):
    soft = _soft(logits, 1.0, noise)
    return _straight_through(soft) if hard else soft


def _gumbel_no_noise(logits, temperature, noise, hard):
    soft = ops.softmax(logits / temperature, axis=-1)
    return _straight_through(soft) if hard else soft


def _gumbel_hard_no_straight_through(logits, temperature, noise, hard):
    soft = _soft(logits, temperature, noise)
    if not hard:
        return soft
    return ops.one_hot(ops.argmax(soft, axis=-1), ops.shape(soft)[-1])


def _gumbel_hard_ignored(logits, temperature, noise, hard):
    return _soft(logits, temperature, noise)


def _gumbel_hard_gradient_of_logits(logits, temperature, noise, hard):
    soft = _soft(logits, temperature, noise)
    if not hard:
        return soft
    probs = ops.softmax(logits, axis=-1)
    one_hot = ops.one_hot(ops.argmax(soft, axis=-1), ops.shape(soft)[-1])
    return one_hot + (probs - ops.stop_gradient(probs))
