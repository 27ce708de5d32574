"""Weight paths: the generator's and the discriminator's never collide, also after loading.

Keras' TensorBoard callback writes a histogram per weight under its
`path`; the network builders create their weights under the network's
name (`mlp_generator/dense_1/kernel`), and `from_config` rebuilds them
under the same name, so a reloaded model logs under the same tags.
"""

import keras

import tfgan_edu as tge


def test_paths_are_unique_and_survive_a_reload(tmp_path):
    gan = tge.GAN(
        tge.networks.mlp_generator(8, (2,)),
        tge.networks.mlp_discriminator((2,)),
        latent_dim=8,
    )
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    paths = [w.path for w in gan.generator.weights + gan.discriminator.weights]
    assert len(set(paths)) == len(paths)
    assert paths[0] == "mlp_generator/dense_1/kernel"
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert [w.path for w in reloaded.weights] == [w.path for w in gan.weights]
