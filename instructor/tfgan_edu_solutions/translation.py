"""Reference solutions and known mistakes of `tfgan_edu.exercises.translation`."""

from __future__ import annotations

from keras import ops

from tfgan_edu.exercises.translation import _cycle_inputs, _images, _pix2pix_inputs  # noqa: F401


def cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    """Reference: `weight * (mean|a - F(G(a))| + mean|b - G(F(b))|)`."""
    forward = ops.mean(ops.abs(real_a - cycled_a))
    backward = ops.mean(ops.abs(real_b - cycled_b))
    return weight * (forward + backward)


def _cycle_l2(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    return weight * (
        ops.mean(ops.square(real_a - cycled_a))
        + ops.mean(ops.square(real_b - cycled_b))
    )


def _cycle_unweighted(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    return cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b, 1.0)


def _cycle_one_way(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    return weight * ops.mean(ops.abs(real_a - cycled_a))


def pix2pix_generator_loss(fake_logits, fake, target, l1_weight=100.0):
    """Reference: `mean(softplus(-fake_logits)) + l1_weight * mean|target - fake|`."""
    adversarial = ops.mean(ops.softplus(-fake_logits))
    return adversarial + l1_weight * ops.mean(ops.abs(target - fake))


def _pix2pix_saturating(fake_logits, fake, target, l1_weight=100.0):
    return -ops.mean(ops.softplus(fake_logits)) + l1_weight * ops.mean(
        ops.abs(target - fake)
    )


def _pix2pix_l2(fake_logits, fake, target, l1_weight=100.0):
    return ops.mean(ops.softplus(-fake_logits)) + l1_weight * ops.mean(
        ops.square(target - fake)
    )


def _pix2pix_no_l1(fake_logits, fake, target, l1_weight=100.0):
    return ops.mean(ops.softplus(-fake_logits))
