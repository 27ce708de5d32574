"""Issue 5, measured: the default VAE on digits, and against the GAN on the ring.

The numbers in the comments were measured on a 2-core CPU (Keras 3.15,
TF 2.21) under load from other jobs; `pytest -s` prints them again.
"""

import keras
import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu import experiments


def _digits(split):
    batches = tge.data.load(
        "digits", batch_size=512, split=split, shuffle=False, drop_remainder=False
    )
    return np.concatenate([np.asarray(batch) for batch in batches])


# Mean squared error (pixels in [-1, 1]) of the 360 held-out digits against
# their reconstructions through the posterior mean, `default_vae("digits")`
# (Bernoulli likelihood, 16 latent dimensions), 22 steps of batch 64 per
# epoch: seed 0: 0.032 at epoch 5, 0.018 at epoch 10; seed 1: 0.031, 0.019.
# The references: predicting the mean training image for every digit gives
# 0.187, an all-black image 0.790. The threshold, 0.03, is a sixth of the
# mean image's error. Over seeds 0-4 at epoch 10
# (`benchmarks/measured_margins.py --only vae_digits`,
# results/measured_margins.json, 2026-12-05): MSE 0.0178 to 0.0210 (margin
# 0.009), and the held-out KL 16.1 to 18.1 nats against the bar of 1 (a
# posterior that ignores its input has KL 0).
DIGITS_EPOCHS = 10
DIGITS_MSE_THRESHOLD = 0.03


@pytest.mark.slow
def test_vae_reconstructs_held_out_digits():
    train, test = _digits("train"), _digits("test")
    vae = experiments.default_vae("digits", seed=0)
    vae.fit(
        tge.data.load("digits", batch_size=64, seed=0),
        epochs=DIGITS_EPOCHS,
        verbose=0,
    )
    mse = float(np.mean((vae.reconstruct(test) - test) ** 2))
    mean_image_mse = float(np.mean((train.mean(axis=0) - test) ** 2))
    print(f"\nheld-out reconstruction MSE {mse:.4f}, mean image {mean_image_mse:.4f}")
    assert mean_image_mse == pytest.approx(0.187, abs=1e-3)
    assert mse < DIGITS_MSE_THRESHOLD
    # The held-out bound is finite and below the training data's: a model,
    # not a lookup table (Bernoulli pseudo-likelihood, nats per image).
    logs = vae.evaluate(test, batch_size=120, verbose=0, return_dict=True)
    assert np.isfinite(logs["elbo"]) and logs["kl"] > 1.0


# The ring, both models with the default GAN's budget: 20 epochs of batch
# 128 over 25,000 points (3,900 steps), every seed set alike. Over seeds
# 0-9 (`benchmarks/ring_gan_vs_vae_seeds.py`), fraction of 2,500 samples
# within 0.3 of a mode (a fifth of the 1.53 between neighbours):
#   GAN (default_gan):            0.777 to 0.944 (seed 0: 0.777, the lowest)
#   VAE (default_vae, scale 0.2): 0.717 to 0.741 (seed 0: 0.741, the highest)
# and of the VAE's off-mode samples, 0.753 to 0.811 lie near the circle.
# Both capture all 8 modes on every seed. Measured again on 2026-12-05 on a
# 2-core AMD EPYC, with the pipelines' (seed, epoch) data order
# (results/ring_gan_vs_vae_seeds.json): GAN 0.800 to 0.937 (seed 0 lowest
# again), VAE 0.712 to 0.739, off-mode samples near the circle 0.718 to
# 0.805, smallest GAN - VAE gap 0.063 (seed 0), all 8 modes on every seed;
# the thresholds below hold on all 20 runs. The GAN's figure swings with the
# seed and even with the state earlier tests leave in the process (0.81 on
# seed 0 inside the full suite, 0.777 alone); the VAE's stays within 0.025.
# So the thresholds sit between the two ranges: the VAE below 0.76 (0.019
# and 0.021 above its highest in the two runs), the GAN above the VAE by
# 0.02 (the smallest gaps are 0.036 and 0.063, both on seed 0), and the
# VAE's off-mode samples near the circle above 0.7 (0.053 and 0.018 below
# their lowest). An earlier margin of 0.05 between the two failed on seed 0.
RING_EPOCHS = 20
NEAR_MODE_SIGMA = 0.1  # mode_coverage's threshold is 3 sigma = 0.3


@pytest.mark.slow
def test_vae_blurs_between_ring_modes_where_the_gan_does_not():
    modes = tge.data.toy2d.modes("ring")
    samples, strict, near = {}, {}, {}
    for name, build in (
        ("GAN", experiments.default_gan),
        ("VAE", experiments.default_vae),
    ):
        keras.backend.clear_session(free_memory=False)
        keras.utils.set_random_seed(0)
        ring = tge.data.load("ring", batch_size=128, seed=0)
        model = build("ring", seed=0)
        model.fit(ring, epochs=RING_EPOCHS, verbose=0)
        samples[name] = model.generate(2500, seed=0)
        strict[name] = tge.metrics.mode_coverage(samples[name], "ring")
        near[name] = tge.metrics.mode_coverage(samples[name], (modes, NEAR_MODE_SIGMA))
    print(f"\nring, {RING_EPOCHS} epochs, seed 0: 3 sigma {strict}, 0.3: {near}")
    assert strict["GAN"]["modes"] == 8 and strict["VAE"]["modes"] == 8
    assert near["VAE"]["high_quality"] < 0.76
    assert near["GAN"]["high_quality"] > near["VAE"]["high_quality"] + 0.02
    # The VAE's off-mode samples lie between the modes, mostly near the
    # circle of radius 2 (the chord between neighbours dips to 1.85), not
    # scattered.
    vae = samples["VAE"]
    distance = np.min(np.linalg.norm(vae[:, None] - modes, axis=2), axis=1)
    radius = np.linalg.norm(vae[distance > 0.3], axis=1)
    near_circle = np.mean((radius > 1.7) & (radius < 2.3))
    print(f"VAE samples between modes, within 0.3 of the circle: {near_circle:.3f}")
    assert near_circle > 0.7
