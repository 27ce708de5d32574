"""PacGAN packing: `pack_samples`, `PackedDiscriminator` and the GAN with it."""

import keras
import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu.networks import (
    PackedDiscriminator,
    pack_samples,
    packed_mlp_discriminator,
)


@pytest.mark.parametrize("shape", [(6, 3), (6, 4, 5, 2)])
@pytest.mark.parametrize("pack", [1, 2, 3])
def test_pack_samples_concatenates_consecutive_samples_on_the_last_axis(shape, pack):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    expected = np.stack(
        [np.concatenate(list(x[i : i + pack]), axis=-1) for i in range(0, 6, pack)]
    )
    np.testing.assert_array_equal(pack_samples(x, pack).numpy(), expected)


def test_packed_discriminator_scores_the_concatenated_pack():
    D = packed_mlp_discriminator((2,), pack=2, hidden_units=(8,))
    x = np.random.default_rng(1).normal(size=(4, 2)).astype("float32")
    pairs = np.array([[*x[0], *x[1]], [*x[2], *x[3]]], "float32")
    np.testing.assert_allclose(D(x).numpy(), D.discriminator(pairs).numpy(), rtol=1e-6)
    assert D.pack == 2 and D.discriminator.input_shape == (None, 4)


def test_bad_input():
    with pytest.raises(ValueError, match="Received: pack=0"):
        pack_samples(np.zeros((4, 2)), 0)
    with pytest.raises(ValueError, match="Received: pack=True"):
        PackedDiscriminator(tge.networks.mlp_discriminator((4,)), pack=True)
    with pytest.raises(ValueError, match="multiple of pack=2.*Received: a batch of 3"):
        pack_samples(np.zeros((3, 2)), 2)
    with pytest.raises(TypeError, match="Received: discriminator="):
        PackedDiscriminator("mlp")


def test_a_gan_trains_with_a_packed_discriminator_and_round_trips(tmp_path):
    gan = tge.GAN(
        tge.networks.mlp_generator(4, (2,), hidden_units=(16,)),
        packed_mlp_discriminator((2,), pack=4, hidden_units=(16,)),
        latent_dim=4,
        seed=0,
    )
    gan.compile(
        d_optimizer="adam",
        g_optimizer="adam",
        gradient_penalty_weight=1.0,
        diagnostics=True,
    )
    history = gan.fit(tge.data.load("grid", 32, n=128, seed=0), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])
    assert np.isfinite(history.history["gp"][0])

    gan.save(tmp_path / "pacgan.keras")
    reloaded = keras.models.load_model(tmp_path / "pacgan.keras")
    assert isinstance(reloaded.discriminator, PackedDiscriminator)
    x = tge.data.toy2d.sample("grid", 8, seed=1)
    np.testing.assert_allclose(
        reloaded.discriminator(x).numpy(), gan.discriminator(x).numpy(), rtol=1e-6
    )
