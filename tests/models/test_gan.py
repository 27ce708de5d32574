"""`tge.GAN`: the training step, metrics, generation, saving and bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge

LATENT = 4


def tiny_gan(latent_dim=LATENT, seed=1, data_dim=2):
    return tge.GAN(
        generator=tge.networks.mlp_generator(
            latent_dim=latent_dim, output_shape=(data_dim,), hidden_units=(16,)
        ),
        discriminator=tge.networks.mlp_discriminator(
            input_shape=(data_dim,), hidden_units=(16,)
        ),
        latent_dim=latent_dim,
        seed=seed,
    )


def compiled(gan=None, lr=1e-2, **kwargs):
    gan = gan or tiny_gan()
    kwargs.setdefault("jit_compile", False)
    gan.compile(
        d_optimizer=kwargs.pop("d_optimizer", keras.optimizers.SGD(lr)),
        g_optimizer=kwargs.pop("g_optimizer", keras.optimizers.SGD(lr)),
        **kwargs,
    )
    return gan


def points(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")


def dataset(n=64, batch=16):
    return tf.data.Dataset.from_tensor_slices(points(n)).batch(batch)


def copy_weights(model):
    return [np.array(w) for w in model.get_weights()]


def changed(before, model):
    return [not np.array_equal(b, a) for b, a in zip(before, model.get_weights())]


class TestTrainStep:
    def test_first_step_matches_the_algorithm_computed_by_hand(self):
        """One `fit` step with SGD equals: z1 ~ N(0, I); D <- D - lr * grad of
        the D loss on (real, G(z1)); z2 ~ N(0, I); G <- G - lr * grad of the
        G loss on D(G(z2)) through the *updated* D."""
        lr = 0.1
        gan = compiled(lr=lr)
        real = points(16)
        # A twin GAN with the same weights is updated by hand.
        ref = tiny_gan()
        ref.set_weights(gan.get_weights())
        seeds = keras.random.SeedGenerator(1)  # same seed as the GAN's
        z1 = keras.random.normal((16, LATENT), seed=seeds)
        z2 = keras.random.normal((16, LATENT), seed=seeds)
        G, D = ref.generator, ref.discriminator

        with tf.GradientTape() as tape:
            real_logits, fake_logits = D(real), D(G(z1))
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        for v, g in zip(
            D.trainable_variables, tape.gradient(d_loss, D.trainable_variables)
        ):
            v.assign_sub(lr * g)
        with tf.GradientTape() as tape:
            g_loss = tf.reduce_mean(tf.nn.softplus(-D(G(z2))))
        for v, g in zip(
            G.trainable_variables, tape.gradient(g_loss, G.trainable_variables)
        ):
            v.assign_sub(lr * g)

        history = gan.fit(real, batch_size=16, epochs=1, verbose=0)
        assert history.history["d_loss"][0] == pytest.approx(float(d_loss), rel=1e-5)
        assert history.history["g_loss"][0] == pytest.approx(float(g_loss), rel=1e-5)
        assert history.history["real_score"][0] == pytest.approx(
            float(tf.reduce_mean(tf.sigmoid(real_logits))), rel=1e-5
        )
        assert history.history["fake_score"][0] == pytest.approx(
            float(tf.reduce_mean(tf.sigmoid(fake_logits))), rel=1e-5
        )
        for got, want in zip(gan.get_weights(), ref.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    def test_d_step_changes_only_d_and_g_step_only_g(self):
        # Freeze one player by giving it a zero learning rate: the other
        # player's step must leave it untouched.
        gan = compiled(
            d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.0)
        )
        g_before, d_before = (
            copy_weights(gan.generator),
            copy_weights(gan.discriminator),
        )
        gan.fit(dataset(), epochs=1, verbose=0)
        assert not any(changed(g_before, gan.generator))
        assert all(changed(d_before, gan.discriminator))

        gan = compiled(
            d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.1)
        )
        g_before, d_before = (
            copy_weights(gan.generator),
            copy_weights(gan.discriminator),
        )
        gan.fit(dataset(), epochs=1, verbose=0)
        assert all(changed(g_before, gan.generator))
        assert not any(changed(d_before, gan.discriminator))

    def test_each_optimizer_sees_only_its_own_players_variables(self):
        seen = {}

        class Recording(keras.optimizers.SGD):
            def apply_gradients(self, grads_and_vars):
                grads_and_vars = list(grads_and_vars)
                seen.setdefault(self.name, set()).update(
                    v.path for _, v in grads_and_vars
                )
                return super().apply_gradients(grads_and_vars)

        gan = compiled(
            d_optimizer=Recording(0.01, name="d_opt"),
            g_optimizer=Recording(0.01, name="g_opt"),
        )
        gan.fit(dataset(), epochs=1, verbose=0)
        assert seen["d_opt"] == {v.path for v in gan.discriminator.trainable_variables}
        assert seen["g_opt"] == {v.path for v in gan.generator.trainable_variables}

    @pytest.mark.parametrize("d_steps", [1, 3])
    def test_d_steps(self, d_steps):
        gan = compiled(d_steps=d_steps)
        gan.fit(dataset(n=64, batch=16), epochs=1, verbose=0)
        assert int(gan.d_optimizer.iterations) == 4 * d_steps
        assert int(gan.g_optimizer.iterations) == 4

    @pytest.mark.parametrize("loss", ["wasserstein", "hinge", "least_squares"])
    def test_raw_scores_for_non_probabilistic_families(self, loss):
        gan = compiled(loss=loss, lr=0.0)
        real = points(16)
        history = gan.fit(real, batch_size=16, epochs=1, verbose=0)
        expected = float(np.mean(gan.discriminator(real)))
        assert history.history["real_score"][0] == pytest.approx(expected, rel=1e-5)

    def test_custom_loss_pair(self):
        calls = []

        def g_loss(fake_logits):
            calls.append("g")
            return -keras.ops.mean(fake_logits)

        def d_loss(real_logits, fake_logits):
            calls.append("d")
            return keras.ops.mean(fake_logits) - keras.ops.mean(real_logits)

        gan = compiled(loss=(g_loss, d_loss))
        history = gan.fit(dataset(), epochs=1, verbose=0)
        assert set(calls) == {"g", "d"}
        assert np.isfinite(history.history["d_loss"][0])

    def test_jit_compile_is_honoured(self):
        gan = compiled(jit_compile=True)
        assert gan.jit_compile is True
        history = gan.fit(dataset(), epochs=1, verbose=0)
        assert np.isfinite(history.history["g_loss"][0])

    def test_evaluate_reports_the_losses_without_training(self):
        gan = compiled()
        before = copy_weights(gan)
        result = gan.evaluate(dataset(), verbose=0, return_dict=True)
        assert set(result) == {"d_loss", "g_loss", "real_score", "fake_score"}
        assert not any(changed(before, gan))

    def test_history_and_metrics_reset_each_epoch(self):
        gan = compiled()
        history = gan.fit(dataset(), epochs=3, verbose=0)
        assert {len(v) for v in history.history.values()} == {3}


class TestGenerate:
    def test_shape_dtype_and_seed(self):
        gan = tiny_gan()
        a = gan.generate(10, seed=5)
        assert a.shape == (10, 2) and a.dtype == np.float32
        np.testing.assert_array_equal(a, gan.generate(10, seed=5))
        assert not np.array_equal(a, gan.generate(10, seed=6))

    def test_batching_does_not_change_the_samples(self):
        gan = tiny_gan()
        np.testing.assert_allclose(
            gan.generate(10, seed=0, batch_size=3),
            gan.generate(10, seed=0, batch_size=256),
            rtol=1e-6,
            atol=1e-6,
        )

    def test_call_is_the_generator(self):
        gan = tiny_gan()
        z = np.random.default_rng(0).normal(size=(3, LATENT)).astype("float32")
        np.testing.assert_allclose(gan(z), gan.generator(z), rtol=1e-6)

    @pytest.mark.parametrize("n", [0, -1, 2.5])
    def test_bad_n(self, n):
        with pytest.raises(ValueError, match="Received: n="):
            tiny_gan().generate(n)


class TestSaving:
    def test_built_at_construction(self, tmp_path):
        gan = tiny_gan()
        assert gan.built
        gan.save_weights(tmp_path / "w.weights.h5")
        gan.save(tmp_path / "untrained.keras")

    def test_keras_round_trip_and_resume(self, tmp_path):
        gan = compiled(
            d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
            loss="hinge",
            d_steps=2,
        )
        gan.fit(dataset(), epochs=1, verbose=0)
        gan.save(tmp_path / "gan.keras")
        loaded = keras.models.load_model(tmp_path / "gan.keras")

        assert isinstance(loaded, tge.GAN)
        np.testing.assert_array_equal(
            gan.generate(8, seed=3), loaded.generate(8, seed=3)
        )
        assert loaded.loss_family.name == "hinge" and loaded.d_steps == 2
        assert float(loaded.g_optimizer.learning_rate) == pytest.approx(2e-3)
        for a, b in zip(gan.d_optimizer.variables, loaded.d_optimizer.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert int(loaded.d_optimizer.iterations) == 8

        # Resume with no recompile: the reloaded and the original GAN take the
        # same next step (same weights, optimizer state and noise stream).
        h1 = gan.fit(dataset(), epochs=1, verbose=0)
        h2 = loaded.fit(dataset(), epochs=1, verbose=0)
        assert int(loaded.d_optimizer.iterations) == 16
        assert h2.history["d_loss"][0] == pytest.approx(
            h1.history["d_loss"][0], rel=1e-5
        )
        for a, b in zip(gan.get_weights(), loaded.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    def test_registered_custom_losses_survive_saving(self, tmp_path):
        @keras.saving.register_keras_serializable(package="tests")
        def flipped_g(fake_logits):
            return keras.ops.mean(fake_logits)

        @keras.saving.register_keras_serializable(package="tests")
        def flipped_d(real_logits, fake_logits):
            return keras.ops.mean(real_logits) - keras.ops.mean(fake_logits)

        gan = compiled(loss=(flipped_g, flipped_d))
        gan.save(tmp_path / "custom.keras")
        loaded = keras.models.load_model(tmp_path / "custom.keras")
        assert loaded.loss_family.generator_loss is flipped_g
        assert loaded.loss_family.discriminator_loss is flipped_d

    def test_config_round_trip(self):
        gan = tiny_gan(seed=7)
        clone = tge.GAN.from_config(gan.get_config())
        assert clone.latent_dim == LATENT and clone.seed == 7
        assert clone.data_shape == (2,)


class TestBadInput:
    def test_data_shape_mismatch(self):
        gan = compiled()
        bad = np.zeros((32, 3), "float32")
        with pytest.raises(
            ValueError,
            match=r"shape \(None, 2\).*Received: samples of shape \(None, 3\)",
        ):
            gan.fit(bad, batch_size=16, epochs=1, verbose=0)
        with pytest.raises(ValueError, match="Received: samples of shape"):
            gan.fit(
                tf.data.Dataset.from_tensor_slices(bad).batch(8), epochs=1, verbose=0
            )

    def test_labels_for_an_unconditional_gan(self):
        gan = compiled()
        x, y = points(32), np.zeros(32, "int32")
        with pytest.raises(ValueError, match="unconditional"):
            gan.fit(x, y, batch_size=16, verbose=0)
        labelled = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
        with pytest.raises(ValueError, match=r"unconditional.*2 elements"):
            gan.fit(labelled, epochs=1, verbose=0)

    def test_uint8_images(self):
        gan = compiled(
            tge.GAN(
                tge.networks.mlp_generator(LATENT, (8, 8, 1), hidden_units=(8,)),
                tge.networks.mlp_discriminator((8, 8, 1), hidden_units=(8,)),
                LATENT,
            )
        )
        images = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), dtype="uint8")
        with pytest.raises(ValueError, match=r"floats.*dtype=uint8"):
            gan.fit(images, batch_size=8, verbose=0)
        with pytest.raises(ValueError, match=r"dtype=uint8"):
            gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(8), verbose=0)
        with pytest.raises(ValueError, match=r"\[-1, 1\].*\[0, 255\]"):
            gan.fit(images.astype("float32"), batch_size=8, verbose=0)

    def test_generator_input_does_not_match_latent_dim(self):
        with pytest.raises(ValueError, match=r"latent_dim=5.*Received: latent_dim=5"):
            tge.GAN(
                tge.networks.mlp_generator(LATENT, (2,)),
                tge.networks.mlp_discriminator((2,)),
                latent_dim=5,
            )

    def test_generator_output_does_not_match_discriminator(self):
        with pytest.raises(
            ValueError, match=r"generator makes samples of shape \(None, 3\)"
        ):
            tge.GAN(
                tge.networks.mlp_generator(LATENT, (3,)),
                tge.networks.mlp_discriminator((2,)),
                latent_dim=LATENT,
            )

    @pytest.mark.parametrize("latent_dim", [0, -3, 2.0, "4", True])
    def test_bad_latent_dim(self, latent_dim):
        with pytest.raises(ValueError, match="Received: latent_dim="):
            tge.GAN(
                tge.networks.mlp_generator(LATENT, (2,)),
                tge.networks.mlp_discriminator((2,)),
                latent_dim,
            )

    def test_unknown_loss(self):
        with pytest.raises(ValueError, match="Received: loss='vanilla'"):
            compiled(loss="vanilla")

    @pytest.mark.parametrize("d_steps", [0, -1, 1.5])
    def test_bad_d_steps(self, d_steps):
        with pytest.raises(ValueError, match="Received: d_steps="):
            compiled(d_steps=d_steps)

    def test_shared_optimizer(self):
        opt = keras.optimizers.Adam()
        with pytest.raises(ValueError, match="two different optimizer objects"):
            tiny_gan().compile(d_optimizer=opt, g_optimizer=opt)

    def test_keras_compile_arguments_that_do_not_apply(self):
        with pytest.raises(TypeError, match=r"unexpected arguments: \['metrics'\]"):
            compiled(metrics=["accuracy"])

    def test_fit_before_compile(self):
        with pytest.raises(RuntimeError, match="compile"):
            tiny_gan().fit(points(16), batch_size=8, verbose=0)

    def test_non_model_networks(self):
        with pytest.raises(TypeError, match="Received: generator="):
            tge.GAN(lambda z: z, tge.networks.mlp_discriminator((2,)), LATENT)
