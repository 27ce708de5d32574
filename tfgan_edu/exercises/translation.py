"""Exercises of chapter 7, image-to-image translation: cycle consistency, pix2pix."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _images(seed: int, shape, names):
    def make():
        rng = np.random.default_rng(seed)
        return {
            name: tf.constant(np.tanh(rng.normal(size=shape)), tf.float32)
            for name in names
        }

    return make


# --- cycle consistency -------------------------------------------------------------


_CYCLE_NAMES = ("real_a", "cycled_a", "real_b", "cycled_b")


def _cycle_inputs(seed, shape, weight=None):
    images = _images(seed, shape, _CYCLE_NAMES)

    def make():
        inputs = images()
        if weight is not None:
            inputs["weight"] = weight
        return inputs

    return make


CYCLE = Exercise(
    name="cycle_consistency_loss",
    chapter=7,
    title="The cycle-consistency loss",
    summary="lambda (E|F(G(a)) - a| + E|G(F(b)) - b|), CycleGAN's L1 round trip",
    task=r"""
CycleGAN (Zhu et al. 2017) learns $G: A \to B$ and $F: B \to A$ from unpaired images; a
round trip must bring an image back:

$$
\mathcal L_\text{cyc} = \lambda \Big(\mathbb{E}_a \lVert F(G(a)) - a \rVert_1
+ \mathbb{E}_b \lVert G(F(b)) - b \rVert_1\Big), \qquad \lambda = 10,
$$

each $L_1$ term averaged over all pixels and the batch (`ops.mean(ops.abs(...))`). Given the
real images and their round trips `cycled_a` $= F(G(a))$ and `cycled_b` $= G(F(b))$
(float32 tensors `(B, H, W, C)`), return the loss as a scalar float32 tensor.
""",
    stub='''
def cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    """CycleGAN's cycle-consistency loss.

    Args:
        real_a: images of domain A, a float32 tensor (B, H, W, C).
        cycled_a: F(G(real_a)), same shape.
        real_b: images of domain B, (B, H, W, C).
        cycled_b: G(F(real_b)), same shape.
        weight: lambda. Defaults to 10.

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "4 RGB images of 8x8 per domain, default weight",
            _cycle_inputs(0, (4, 8, 8, 3)),
            grad_wrt=("cycled_a", "cycled_b"),
        ),
        Case(
            "2 one-channel images of 4x4, weight 5",
            _cycle_inputs(1, (2, 4, 4, 1), weight=5.0),
            grad_wrt=("cycled_a", "cycled_b"),
        ),
    ),
    hint="weight * (ops.mean(ops.abs(real_a - cycled_a)) + ops.mean(ops.abs(real_b - cycled_b))).",
    mistakes=(
        Mistake(
            "_cycle_l2",
            "CycleGAN uses the L1 distance (mean absolute error), which blurs less "
            "than the squared error.",
        ),
        Mistake(
            "_cycle_unweighted", "Multiply the sum of both terms by `weight` (lambda)."
        ),
        Mistake(
            "_cycle_one_way",
            "Both round trips count: A -> B -> A and B -> A -> B.",
        ),
    ),
)


# --- pix2pix -----------------------------------------------------------------------------


def _pix2pix_inputs(seed, batch, size, patch, l1_weight=None):
    def make():
        rng = np.random.default_rng(seed)
        inputs = {
            "fake_logits": tf.constant(
                rng.normal(size=(batch, patch, patch, 1)), tf.float32
            ),
            "fake": tf.constant(
                np.tanh(rng.normal(size=(batch, size, size, 3))), tf.float32
            ),
            "target": tf.constant(
                np.tanh(rng.normal(size=(batch, size, size, 3))), tf.float32
            ),
        }
        if l1_weight is not None:
            inputs["l1_weight"] = l1_weight
        return inputs

    return make


PIX2PIX = Exercise(
    name="pix2pix_generator_loss",
    chapter=7,
    title="The pix2pix generator loss",
    summary="non-saturating PatchGAN loss + 100 * L1 to the target (Isola et al. 2017)",
    task=r"""
pix2pix (Isola et al. 2017) trains its generator against a PatchGAN discriminator, which
outputs a grid of logits (one per patch), **and** pulls the output towards the paired target:

$$
L_G = \operatorname{mean}\big(\operatorname{softplus}(-f)\big)
+ \lambda\, \operatorname{mean}\lvert y - G(x) \rvert, \qquad \lambda = 100,
$$

with $f$ the discriminator's patch logits on the generated image (shape `(B, h, w, 1)`),
$G(x)$ = `fake` and $y$ = `target` (`(B, H, W, C)`). Each mean runs over all elements.
Return a scalar float32 tensor.
""",
    stub='''
def pix2pix_generator_loss(fake_logits, fake, target, l1_weight=100.0):
    """The pix2pix generator loss: adversarial (non-saturating) + weighted L1.

    Args:
        fake_logits: the PatchGAN's logits on (input, fake) pairs, (B, h, w, 1).
        fake: the generated images G(x), a float32 tensor (B, H, W, C).
        target: the paired target images y, same shape.
        l1_weight: lambda. Defaults to 100.

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "2 RGB images 8x8 with 2x2 patch logits",
            _pix2pix_inputs(0, 2, 8, 2),
            grad_wrt=("fake_logits", "fake"),
        ),
        Case(
            "3 images 4x4, 1x1 patch logits, l1_weight 10",
            _pix2pix_inputs(1, 3, 4, 1, l1_weight=10.0),
            grad_wrt=("fake_logits", "fake"),
        ),
    ),
    hint="ops.mean(ops.softplus(-fake_logits)) + l1_weight * ops.mean(ops.abs(target - fake)).",
    mistakes=(
        Mistake(
            "_pix2pix_saturating",
            "The adversarial term should be the non-saturating "
            "mean(softplus(-fake_logits)), not the saturating -mean(softplus(f)).",
        ),
        Mistake("_pix2pix_l2", "pix2pix uses the L1 distance to the target, not L2."),
        Mistake(
            "_pix2pix_no_l1",
            "The L1 term l1_weight * mean|target - fake| is missing.",
        ),
    ),
)

EXERCISES = (CYCLE, PIX2PIX)
