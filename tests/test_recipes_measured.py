"""Issue 3, "shown to work": the recipes train on the 2-D mixtures.

Each test trains with the recipes' default settings for vectors (the MLP pair
of `recipes.build_gan`, batch 128, `recipes.VECTOR_LEARNING_RATES`) and
measures `tge.metrics.mode_coverage` on 2500 generated samples. The numbers
in the comments were measured on a 2-core CPU (Keras 3.15, TF 2.21) and are
printed again by `pytest -s`.
"""

import pytest

import tfgan_edu as tge
from tfgan_edu import recipes


def _train(gan, data, epochs, seed, batch_size=128):
    gan.fit(
        tge.data.load(data, batch_size=batch_size, seed=seed), epochs=epochs, verbose=0
    )
    return tge.metrics.mode_coverage(gan.generate(2500, seed=seed), data)


# Ring (8 modes), 30 epochs of batch 128 = 5850 generator steps, the recipes'
# defaults for vectors. Measured on seed 0, (modes, high-quality fraction) at
# epochs 10/20/30, then seeds 1 and 2 at epoch 30; test time on 2 busy cores:
#   dcgan   lr 1e-3: (1, .00) (8, .37) (8, .47); seeds 1, 2: 8 (.49), 8 (.53)   23 s
#   wgan    lr 5e-4, clip 0.1: (6, .01) (6, .05) (8, .10); seeds 1, 2:
#           8 (.06), 7 (.10). With the paper's clip 0.01: lr 1e-3 gave 5/7/5
#           and lr 5e-4 gave 4 at epoch 10                                   43 s
#   wgan_gp lr 1e-3: (8, .03) (8, .12) (8, .39); seeds 1, 2: 8 (.31), 8 (.75) 104 s
#   lsgan   lr 2e-3: (8, .32) (8, .89) (8, .91); seeds 1, 2: 8 (.66), 8 (.74).
#           lr 1e-3 stayed at 6 (seed 0); lr 5e-4 gave 6, 7, 7 on seeds 0-2  40 s
#   sngan   lr 1e-3: (6, .01) (7, .00) (8, .01); seeds 1, 2: 6 (.00), 7 (.01);
#           the least reliable: only seed 0 is tested                       108 s
#   r1_gan  lr 1e-3: (8, .05) (8, .03) (8, .31); seeds 1, 2: 8 (.04), 8 (.04)  64 s
# With the papers' image rates dcgan stayed at 1 mode and lsgan at 4 after
# 40 epochs (seed 0), hence the separate rates for vectors.
# 2026-12-05: the pipelines now order epoch e by (seed, e) (exact resume),
# so every run sees another data order than the runs above. Measured again
# on seeds 0-4, modes (high-quality fraction):
#   wgan  6 (.08), 8 (.17), 8 (.21), 7 (.10), 8 (.10)
#   sngan 6 (.01), 8 (.01), 7 (.01), 8 (.01), 8 (.01)
# Both reach at least 6 modes on all 5 seeds; seed 0, the one tested, gives
# 6. The other recipes still cover at least 7 on seed 0.
# 2026-12-05, on a 2-core AMD EPYC (another CPU rounds otherwise, and the
# runs take other paths), every recipe over seeds 0-4
# (`benchmarks/measured_margins.py`, results/measured_margins.json), modes
# (high-quality fraction):
#   dcgan   8 (.65), 8 (.64), 8 (.67), 8 (.72), 8 (.50)
#   lsgan   8 (.91), 8 (.86), 8 (.92), 8 (.51), 8 (.85)
#   wgan_gp 8 (.26), 8 (.45), 8 (.54), 8 (.77), 8 (.55)
#   r1_gan  8 (.16), 8 (.22), 6 (.02), 8 (.18), 8 (.38)
#   wgan    6 (.01), 8 (.15), 8 (.31), 6 (.09), 8 (.07)
#   sngan   8 (.01), 8 (.01), 8 (.01), 6 (.00), 7 (.01)
# The bars keep one mode below the lowest run seen (these 5 seeds, and for
# wgan and sngan the 5 above too): 7 where every run found 8, 5 for
# r1_gan, wgan and sngan, whose lowest is 6 (r1_gan's bar was 7, which its
# seed 2 breaks here).
RING_EPOCHS = 30
MIN_MODES = {"r1_gan": 5, "wgan": 5, "sngan": 5}


@pytest.mark.slow
@pytest.mark.parametrize("name", recipes.NAMES)
def test_every_recipe_covers_the_ring(name):
    gan = recipes.get(name)("ring", seed=0)
    coverage = _train(gan, "ring", RING_EPOCHS, seed=0)
    print(f"\nring {name} seed 0, {RING_EPOCHS} epochs: {coverage}")
    assert coverage["modes"] >= MIN_MODES.get(name, 7)


# Grid (25 modes, sigma 0.05), 40 epochs of batch 128 = 7800 generator steps.
# Measured modes (high-quality fraction), epochs 5, 10, ..., 40:
#   wgan_gp lr 1e-3 seed 0: 14 14 24 20 22 23 25 24 (.18 at epoch 40)
#   wgan_gp lr 1e-3 seed 1: 14 11 16 13 13 8 9 12 (.02)
#   wgan_gp lr 1e-3 seed 0 with the rate decayed linearly to 0: ... 20 (.07)
#   wgan_gp lr 3e-4, batch 256, seed 0: 13, 9 at epochs 10, 20 (.02)
#   wgan_gp lr 1e-4 (the paper's), seed 1: 6, 7 at epochs 10, 20 (.02)
#   plain non-saturating GAN (default_gan, lr 1e-3), epoch 40: seed 0 19
#       (.08), seed 1 19 (.17), seed 2 18 (.16); it wanders between 12 and
#       23 modes from epoch to epoch.
# Later runs (seed 0 unless said; modes (high-quality fraction) of the raw
# generator / of an EMA generator with decay 0.999):
#   lr 1e-3, 40 epochs, EMA: 24 (.18) / 23 (.24)
#   lr 1e-3 then x0.1 from epoch 35 (tge.callbacks.LearningRateScheduler),
#       50 epochs: 23 (.28) / 22 (.27)
#   batch 512, lr 1e-3 for 4000 steps then 1e-4: 25 (.36) after 6000 steps,
#       24 (.34) after 7000; seed 1 of the same: 12 (.08) after 7000
#   gradient-penalty weight 0.1 (Gulrajani et al.'s toy setting): 23 (.05)
#       at epoch 25; d_steps=1: 1-3 modes after 60 epochs; 3x256 or 3x512
#       networks: no better at epoch 15, 2-3x slower
# Session of 2026-11-24, evening (an idle 2-core CPU shared by 2-3 runs):
# batch 1024, Adam 1e-3 for 6000 generator steps then 1e-4 (8000 steps in
# all, WGAN-GP with penalty 10, 5 critic steps, betas (0, 0.9)), modes
# (high-quality fraction) at 8000 steps:
#   recipes' networks (2 x 128 generator), seeds 0-2: 25 (.53), 25 (.21),
#       24 (.41): mean 24.7 modes, .38 high quality. Seed 0 went on to
#       .56 and .59 at 10000 and 12000 steps; seed 1 stayed at .23. The
#       samples that miss lie on bridges between modes (seed 1: median
#       distance to the nearest mode 0.51); the rate drop is what moves
#       them onto the modes (seed 0: .21 -> .53 in the 2000 steps after it).
#   plain GAN (non-saturating, 1 D step, Adam beta_1 0.5), same networks,
#       batch and schedule, seed 0: 18 (.14).
#   3 x 256 generator: 16 (.01), 24 (.89), 24 (.83): mean 21.3 modes, .58
#       high quality; seed 0 never got past 16 modes. With lr 5e-4 instead:
#       15, 24 and 16 modes (.02-.08) at 6000 steps. The plain GAN with this
#       generator collapsed to 0 modes (seed 0).
#   3 x 256 critic: 12 (.02) at 2000 steps, 5x slower; 4 x 400 batch-
#       normalized generator (PacGAN's): 12-17 modes (.02) up to 6000 steps.
#   2 x 256 generator (the same schedule; one core per seed, 3 at once):
#       23 (.81), 25 (.74), 22 (.79): mean 23.3 modes, .78 high quality.
# Session of 2026-11-24, night: benchmarks/grid_claim.py (the sweep, the
# same WGAN-GP setting with the 2 x 256 generator, and the plain GAN with
# the same networks and schedule), seeds 0-2 at 8000 steps:
#   WGAN-GP 24 (.59), 16 (.26), 25 (.59): mean 21.7 modes, .48
#   plain GAN 24 (.66), 20 (.47), 25 (.51): mean 23.0 modes, .55
# The same setting and seeds landed elsewhere than the run above: the runs
# are chaotic, and 3 seeds decide little. Over 11 seeds in JAX on a GPU
# (benchmarks/results/grid25_jax_h100.md), WGAN-GP reaches the claim from
# about 8000 steps with the 2 x 256 generator, but so does the plain GAN;
# with 2 x 128 networks WGAN-GP needs 17000-21000 steps, and the plain GAN
# stays at 19-22 modes up to 30000.
# One WGAN-GP run of 8000 steps at batch 1024 takes 5-10 min of one core.
# So at budgets a CI run can afford, no setting shows both halves of the
# grid claim of issue 3 (>= 23 modes and >= half high-quality samples on
# average over 3 seeds, and fewer modes for the plain GAN): it is not
# tested here (recorded in the issue note). Gulrajani et al. train their
# toy critic for 100k generator steps.
