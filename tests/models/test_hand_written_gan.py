"""Chapter 1's hand-written GAN takes the steps `tge.GAN` takes.

`tfgan_edu.experiments.hand_written.HandWrittenGAN` is the code chapter 1
shows (the notebook prints its source); `tge.GAN` is the library's model.
From the same weights, the same seed (so the same noise) and the same real
batches, with `loss="non_saturating"` and the same optimizers, both must
report the same losses and leave the same weights, to float32 round-off.
"""

import json
from pathlib import Path

import keras
import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu.experiments import hand_written

LATENT_DIM = 4
# Both models run the same float32 ops on the same inputs; the library
# computes G(z) outside D's tape, which changes nothing numerically, so the
# results agree to float32 round-off.
RTOL, ATOL = 1e-6, 1e-6


def _pair(seed=0):
    """Two copies of one (generator, discriminator) pair, same weights."""
    keras.utils.set_random_seed(seed)
    nets = [
        hand_written.mlp_generator(LATENT_DIM, hidden_units=16),
        hand_written.mlp_discriminator(hidden_units=16),
    ]
    copies = [keras.models.clone_model(net) for net in nets]
    for net, copy in zip(nets, copies):
        copy.set_weights(net.get_weights())
    return nets, copies


def _models(optimizer, seed=3):
    (g1, d1), (g2, d2) = _pair()
    mine = hand_written.HandWrittenGAN(g1, d1, latent_dim=LATENT_DIM, seed=seed)
    mine.compile(d_optimizer=optimizer(), g_optimizer=optimizer())
    library = tge.GAN(generator=g2, discriminator=d2, latent_dim=LATENT_DIM, seed=seed)
    library.compile(
        d_optimizer=optimizer(), g_optimizer=optimizer(), loss="non_saturating"
    )
    return mine, library


def _real(step):
    rng = np.random.default_rng(step)
    return keras.ops.convert_to_tensor(rng.normal(1.0, 0.5, (32, 2)).astype("float32"))


def _assert_same_weights(mine, library):
    for name in ("generator", "discriminator"):
        ours = getattr(mine, name).get_weights()
        theirs = getattr(library, name).get_weights()
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=name)


@pytest.mark.parametrize(
    "optimizer",
    [
        lambda: keras.optimizers.SGD(0.1),
        lambda: keras.optimizers.Adam(1e-2, beta_1=0.5),
    ],
    ids=["sgd", "adam"],
)
def test_the_first_step_equals_the_library_step(optimizer):
    mine, library = _models(optimizer)
    before = [w.copy() for w in mine.generator.get_weights()]
    ours = mine.train_step(_real(0))
    theirs = library.train_step(_real(0))
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(
            float(ours[key]), float(theirs[key]), rtol=RTOL, atol=ATOL
        )
    _assert_same_weights(mine, library)
    # The step moved the weights: the comparison is not of two untouched models.
    moved = [np.abs(a - b).max() for a, b in zip(before, mine.generator.get_weights())]
    assert max(moved) > 1e-4


def test_three_steps_stay_together():
    mine, library = _models(lambda: keras.optimizers.Adam(1e-2, beta_1=0.5))
    for step in range(3):
        ours = mine.train_step(_real(step))
        theirs = library.train_step(_real(step))
    for key in ("d_loss", "g_loss"):  # running means over the three steps
        np.testing.assert_allclose(
            float(ours[key]), float(theirs[key]), rtol=1e-5, atol=1e-6
        )
    _assert_same_weights(mine, library)


def test_both_draw_the_same_noise():
    mine, library = _models(lambda: keras.optimizers.SGD(0.1))
    ours = keras.random.normal((5, LATENT_DIM), seed=mine.seed_generator)
    theirs = library._sample_latent(5)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_another_seed_takes_another_step():
    mine, _ = _models(lambda: keras.optimizers.SGD(0.1), seed=3)
    _, library = _models(lambda: keras.optimizers.SGD(0.1), seed=4)
    mine.train_step(_real(0))
    library.train_step(_real(0))
    ours, theirs = mine.generator.get_weights(), library.generator.get_weights()
    assert max(np.abs(a - b).max() for a, b in zip(ours, theirs)) > 1e-5


def test_the_d_loss_is_binary_cross_entropy_and_g_loss_non_saturating():
    # An independent reference for the two losses of the first step:
    # Keras' own binary cross-entropy on the same networks and noise.
    mine, _ = _models(lambda: keras.optimizers.SGD(0.0))  # the step moves nothing
    real = _real(0)
    seed = keras.random.SeedGenerator(3)
    z_d = keras.random.normal((32, LATENT_DIM), seed=seed)
    z_g = keras.random.normal((32, LATENT_DIM), seed=seed)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    real_logits = mine.discriminator(real)
    fake_logits = mine.discriminator(mine.generator(z_d))
    d_loss = bce(np.ones((32, 1)), real_logits) + bce(np.zeros((32, 1)), fake_logits)
    g_loss = bce(np.ones((32, 1)), mine.discriminator(mine.generator(z_g)))
    logs = mine.train_step(real)
    np.testing.assert_allclose(float(logs["d_loss"]), float(d_loss), rtol=1e-5)
    np.testing.assert_allclose(float(logs["g_loss"]), float(g_loss), rtol=1e-5)


def test_fit_trains_it_on_the_ring_and_reports_both_losses():
    keras.utils.set_random_seed(0)
    gan = hand_written.HandWrittenGAN(
        hand_written.mlp_generator(LATENT_DIM, hidden_units=16),
        hand_written.mlp_discriminator(hidden_units=16),
        latent_dim=LATENT_DIM,
        seed=0,
    )
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    ring = tge.data.load("ring", batch_size=64, n=256)  # shuffles itself
    history = gan.fit(ring, epochs=2, shuffle=False, verbose=0)
    assert sorted(history.history) == ["d_loss", "g_loss"]
    assert np.all(np.isfinite(history.history["d_loss"] + history.history["g_loss"]))
    assert gan(np.zeros((3, LATENT_DIM), "float32")).shape == (3, 2)


def test_chapter_1_shows_this_module():
    # The class the tests check is the code the chapter shows, not a copy.
    path = Path(__file__).parents[2] / "notebooks" / "01_minimax_game.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "from tfgan_edu.experiments import hand_written" in code
    for name in ("mlp_generator", "mlp_discriminator", "HandWrittenGAN"):
        assert f"inspect.getsource(hand_written.{name})" in code, name
    assert "hand_written.HandWrittenGAN(" in code
