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
RING_EPOCHS = 30


@pytest.mark.slow
@pytest.mark.parametrize("name", recipes.NAMES)
def test_every_recipe_covers_the_ring(name):
    gan = recipes.get(name)("ring", seed=0)
    coverage = _train(gan, "ring", RING_EPOCHS, seed=0)
    print(f"\nring {name} seed 0, {RING_EPOCHS} epochs: {coverage}")
    assert coverage["modes"] >= 7


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
# So at this budget WGAN-GP with the MLP critic neither covers >= 23 modes
# on average nor reaches half high-quality samples: the grid claim of issue 3
# is not shown yet (recorded in the issue note; a bigger critic or many more
# steps are the next things to try).
