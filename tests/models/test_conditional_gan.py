"""`ConditionalGAN` and `ACGAN`: labelled steps, generation, saving, bad input."""

import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.models.conditional_gan import ACGAN, ConditionalGAN
from tfgan_edu.networks import conditional as nets

LATENT = 4
K = 3


def tiny_cgan(mode="concat", seed=1, num_classes=K):
    return ConditionalGAN(
        generator=nets.conditional_mlp_generator(
            LATENT, num_classes, (2,), embedding_dim=2, hidden_units=(16,)
        ),
        discriminator=nets.conditional_mlp_discriminator(
            (2,), num_classes, hidden_units=(16,), mode=mode, embedding_dim=2
        ),
        latent_dim=LATENT,
        num_classes=num_classes,
        seed=seed,
    )


def tiny_acgan_discriminator():
    x = keras.Input((2,))
    h = keras.layers.Dense(16, activation="leaky_relu")(x)
    return keras.Model(x, [keras.layers.Dense(1)(h), keras.layers.Dense(K)(h)])


def tiny_acgan(aux_weight=0.5):
    return ACGAN(
        generator=nets.conditional_mlp_generator(LATENT, K, (2,), hidden_units=(16,)),
        discriminator=tiny_acgan_discriminator(),
        latent_dim=LATENT,
        num_classes=K,
        aux_weight=aux_weight,
        seed=1,
    )


def compiled(gan=None, lr=1e-2, **kwargs):
    gan = gan or tiny_cgan()
    kwargs.setdefault("jit_compile", False)
    gan.compile(
        d_optimizer=kwargs.pop("d_optimizer", keras.optimizers.SGD(lr)),
        g_optimizer=kwargs.pop("g_optimizer", keras.optimizers.SGD(lr)),
        **kwargs,
    )
    return gan


def labelled(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype("float32"), rng.integers(0, K, n).astype(
        "int32"
    )


def dataset(n=32, batch=16):
    return tf.data.Dataset.from_tensor_slices(labelled(n)).batch(batch)


def softplus(x):
    return np.logaddexp(0.0, x)


def cross_entropy(logits, labels):
    logits = np.asarray(logits, "float64")
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


class TestTrainStep:
    def test_first_step_matches_the_algorithm_computed_by_hand(self):
        """With SGD: z1 ~ N(0, I); D <- D - lr * grad of the D loss on
        (D(x, y), D(G(z1, y), y)); z2 ~ N(0, I); G <- G - lr * grad of the G loss
        on D(G(z2, y), y) through the updated D; fakes use the real labels y."""
        lr = 0.1
        gan = compiled(lr=lr)
        real, y_np = labelled()
        y = tf.constant(y_np)
        ref = tiny_cgan()
        ref.set_weights(gan.get_weights())
        seeds = keras.random.SeedGenerator(1)  # same seed as the GAN's
        z1 = keras.random.normal((16, LATENT), seed=seeds)
        z2 = keras.random.normal((16, LATENT), seed=seeds)
        G, D = ref.generator, ref.discriminator

        with tf.GradientTape() as tape:
            real_logits, fake_logits = D([tf.constant(real), y]), D([G([z1, y]), y])
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        for v, g in zip(
            D.trainable_variables, tape.gradient(d_loss, D.trainable_variables)
        ):
            v.assign_sub(lr * tf.convert_to_tensor(g))
        with tf.GradientTape() as tape:
            g_loss = tf.reduce_mean(tf.nn.softplus(-D([G([z2, y]), y])))
        for v, g in zip(
            G.trainable_variables, tape.gradient(g_loss, G.trainable_variables)
        ):
            v.assign_sub(lr * tf.convert_to_tensor(g))

        history = gan.fit(real, y_np, batch_size=16, epochs=1, verbose=0, shuffle=False)
        assert history.history["d_loss"][0] == pytest.approx(float(d_loss), rel=1e-5)
        assert history.history["g_loss"][0] == pytest.approx(float(g_loss), rel=1e-5)
        assert history.history["fake_score"][0] == pytest.approx(
            float(tf.reduce_mean(tf.sigmoid(fake_logits))), rel=1e-5
        )
        for got, want in zip(gan.get_weights(), ref.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    def test_gradient_penalty_with_a_conditional_critic(self):
        """lr = 0: the reported gp is the penalty of D(., y) at the labels y."""
        gan = compiled(
            tiny_cgan(mode="projection"),
            lr=0.0,
            loss="wasserstein",
            gradient_penalty_weight=10.0,
        )
        real, y = labelled()
        seeds = keras.random.SeedGenerator(1)
        z = keras.random.normal((16, LATENT), seed=seeds)
        fake = gan.generator([z, tf.constant(y)])
        gp = tge.penalties.gradient_penalty(
            gan.discriminator, real, fake, seed=seeds, labels=y
        )
        history = gan.fit(real, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
        assert history.history["gp"][0] == pytest.approx(float(gp), rel=1e-5)
        assert float(gp) > 0

    def test_fits_a_labelled_dataset_with_column_labels_and_options(self):
        x, y = labelled(32)
        ds = tf.data.Dataset.from_tensor_slices((x, y[:, None].astype("int64"))).batch(
            16
        )
        gan = compiled(r1_weight=1.0, instance_noise=0.1, ema_decay=0.9, d_steps=2)
        history = gan.fit(ds, epochs=1, verbose=0)
        assert np.isfinite(history.history["r1"][0])
        assert int(gan.d_optimizer.iterations) == 4
        result = gan.evaluate(ds, verbose=0, return_dict=True)
        assert set(result) == {"d_loss", "g_loss", "real_score", "fake_score"}

    def test_jit_compile(self):
        gan = compiled(jit_compile=True)
        history = gan.fit(dataset(), epochs=1, verbose=0)
        assert np.isfinite(history.history["g_loss"][0])


class TestGenerate:
    def test_labels_select_the_generator_input(self):
        gan = tiny_cgan()
        z = np.random.default_rng(5).standard_normal((7, LATENT)).astype("float32")
        cycled = np.array([0, 1, 2, 0, 1, 2, 0], "int32")
        np.testing.assert_allclose(
            gan.generate(7, seed=5), gan.generator([z, cycled]), rtol=1e-6
        )
        np.testing.assert_allclose(
            gan.generate(7, labels=2, seed=5),
            gan.generator([z, np.full(7, 2, "int32")]),
            rtol=1e-6,
        )
        labels = np.array([2, 2, 1, 0, 1, 0, 2])
        np.testing.assert_allclose(
            gan.generate(7, labels=labels, seed=5, batch_size=3),
            gan.generator([z, labels]),
            rtol=1e-6,
            atol=1e-6,
        )

    def test_shape_dtype_and_determinism(self):
        gan = tiny_cgan()
        a = gan.generate(10, labels=1, seed=3)
        assert a.shape == (10, 2) and a.dtype == np.float32
        np.testing.assert_array_equal(a, gan.generate(10, labels=1, seed=3))
        assert not np.array_equal(a, gan.generate(10, labels=1, seed=4))
        assert not np.array_equal(a, gan.generate(10, labels=2, seed=3))

    @pytest.mark.parametrize(
        "labels, match",
        [
            (3, r"\[0, num_classes=3\).*Received: labels in \[3, 3\]"),
            (-1, r"Received: labels in \[-1, -1\]"),
            ([0, 1], r"shape \(4,\). Received: labels of shape \(2,\)"),
            (np.zeros(4), "dtype float64"),
            (np.ones(4, bool), "dtype bool"),
            (np.eye(4, 3, dtype="int32"), r"shape \(4, 3\)"),
        ],
    )
    def test_bad_labels(self, labels, match):
        with pytest.raises(ValueError, match=match):
            tiny_cgan().generate(4, labels=labels)


def test_sample_grid_shows_one_class_per_column(tmp_path):
    gan = compiled()
    grid = tge.callbacks.SampleGrid(tmp_path, n=2 * K, seed=0)
    gan.fit(dataset(), epochs=1, verbose=0, callbacks=[grid])
    assert [p.name for p in grid.paths] == ["samples_epoch_001.png"]
    # The grid shows `generate`'s samples: labels 0, 1, ..., K - 1, 0, ...
    np.testing.assert_array_equal(
        gan.generate(2 * K, seed=0),
        gan.generate(2 * K, labels=np.arange(2 * K) % K, seed=0),
    )


class TestSaving:
    def test_keras_round_trip(self, tmp_path):
        gan = compiled(
            tiny_cgan(mode="projection"),
            d_optimizer=keras.optimizers.Adam(1e-3),
            g_optimizer=keras.optimizers.Adam(1e-3),
            loss="hinge",
        )
        gan.fit(dataset(), epochs=1, verbose=0)
        gan.save(tmp_path / "cgan.keras")
        loaded = keras.models.load_model(tmp_path / "cgan.keras")
        assert type(loaded) is ConditionalGAN and loaded.num_classes == K
        labels = np.array([0, 2, 1, 1, 0])
        np.testing.assert_array_equal(
            gan.generate(5, labels=labels, seed=3),
            loaded.generate(5, labels=labels, seed=3),
        )
        h1 = gan.fit(dataset(), epochs=1, verbose=0)
        h2 = loaded.fit(dataset(), epochs=1, verbose=0)
        assert h2.history["d_loss"][0] == pytest.approx(
            h1.history["d_loss"][0], rel=1e-5
        )

    def test_config_round_trip(self):
        clone = ConditionalGAN.from_config(tiny_cgan(seed=7).get_config())
        assert (clone.num_classes, clone.seed, clone.data_shape) == (K, 7, (2,))
        acgan = ACGAN.from_config(tiny_acgan(aux_weight=0.25).get_config())
        assert acgan.aux_weight == 0.25 and acgan.num_classes == K

    def test_acgan_keras_round_trip(self, tmp_path):
        gan = compiled(tiny_acgan())
        gan.fit(dataset(), epochs=1, verbose=0)
        gan.save(tmp_path / "acgan.keras")
        loaded = keras.models.load_model(tmp_path / "acgan.keras")
        assert type(loaded) is ACGAN and loaded.aux_weight == 0.5
        np.testing.assert_array_equal(
            gan.generate(4, labels=1, seed=0), loaded.generate(4, labels=1, seed=0)
        )


class TestBadInput:
    def test_unlabelled_data(self):
        gan = compiled()
        x, _ = labelled()
        with pytest.raises(
            ValueError, match=r"with their class labels.*Received: y=None"
        ):
            gan.fit(x, batch_size=8, verbose=0)
        unlabelled = tf.data.Dataset.from_tensor_slices(x).batch(8)
        with pytest.raises(
            ValueError,
            match=r"ConditionalGAN trains on \(samples, labels\).*"
            r"Received: samples alone, of shape \(None, 2\)",
        ):
            gan.fit(unlabelled, verbose=0)
        # Paths that skip fit's checks fail when the step is traced.
        with pytest.raises(ValueError, match="Received: samples alone"):
            gan.evaluate(unlabelled, verbose=0)
        with pytest.raises(ValueError, match="Received: samples alone"):
            gan.train_step(tf.constant(x))

    @pytest.mark.parametrize(
        "y, match",
        [
            (np.zeros(16, "float32"), "int class indices.*dtype float32"),
            (np.eye(16, K, dtype="int32"), r"shape \(16,\).*shape \(16, 3\)"),
            (np.full(16, K), r"\[0, num_classes=3\).*Received: y in \[3, 3\]"),
        ],
    )
    def test_bad_numpy_labels(self, y, match):
        x, _ = labelled()
        with pytest.raises(ValueError, match=match):
            compiled().fit(x, y, batch_size=8, verbose=0)

    def test_bad_dataset_labels(self):
        x, y = labelled()
        gan = compiled()
        one_hot = np.eye(K, dtype="float32")[y]
        with pytest.raises(ValueError, match="dtype float32"):
            gan.fit(
                tf.data.Dataset.from_tensor_slices((x, one_hot)).batch(8), verbose=0
            )
        with pytest.raises(ValueError, match=r"Received: labels of shape \(None, 3\)"):
            gan.fit(
                tf.data.Dataset.from_tensor_slices(
                    (x, np.eye(16, 3, dtype="int32"))
                ).batch(8),
                verbose=0,
            )
        # Out of range in a batch: checked as the batch arrives, named.
        out_of_range = tf.data.Dataset.from_tensor_slices((x, y + K)).batch(8)
        with pytest.raises(ValueError, match=r"num_classes=3\). Received: batch 0"):
            gan.fit(out_of_range, verbose=0)

    def test_networks_that_do_not_take_labels(self):
        unconditional_g = tge.networks.mlp_generator(LATENT, (2,))
        with pytest.raises(
            ValueError, match=r"generator to take 2 inputs, \[z, labels\]"
        ):
            ConditionalGAN(unconditional_g, tiny_cgan().discriminator, LATENT, K)
        with pytest.raises(ValueError, match=r"discriminator to take 2 inputs"):
            ConditionalGAN(
                tiny_cgan().generator, tge.networks.mlp_discriminator((2,)), LATENT, K
            )

    def test_too_few_classes_in_the_networks(self):
        with pytest.raises(ValueError, match=r"labels \[0, 4\]"):
            ConditionalGAN(tiny_cgan().generator, tiny_cgan().discriminator, LATENT, 5)

    @pytest.mark.parametrize("num_classes", [0, 2.0, True, None])
    def test_bad_num_classes(self, num_classes):
        with pytest.raises(ValueError, match="Received: num_classes="):
            ConditionalGAN(
                tiny_cgan().generator, tiny_cgan().discriminator, LATENT, num_classes
            )


class TestACGAN:
    def test_losses_match_a_hand_computation_on_fixed_logits(self):
        gan = compiled(tiny_acgan(aux_weight=0.5))
        rng = np.random.default_rng(0)
        real_logit, fake_logit = rng.normal(size=(2, 6, 1)).astype("float32")
        real_cls, fake_cls = rng.normal(size=(2, 6, K)).astype("float32")
        y = np.array([0, 1, 2, 2, 1, 0], "int32")
        d_adv = np.mean(softplus(-real_logit)) + np.mean(softplus(fake_logit))
        d_aux = cross_entropy(real_cls, y) + cross_entropy(fake_cls, y)
        g_aux = cross_entropy(fake_cls, y)
        d_terms = gan._discriminator_loss(
            (real_logit, real_cls), (fake_logit, fake_cls), y
        )
        g_terms = gan._generator_loss((fake_logit, fake_cls), y)
        d_loss, g_loss = d_terms["d_loss"], g_terms["g_loss"]
        assert float(d_terms["d_aux_loss"]) == pytest.approx(d_aux, rel=1e-5)
        assert float(g_terms["g_aux_loss"]) == pytest.approx(g_aux, rel=1e-5)
        assert float(d_loss) == pytest.approx(d_adv + 0.5 * d_aux, rel=1e-5)
        assert float(g_loss) == pytest.approx(
            np.mean(softplus(-fake_logit)) + 0.5 * g_aux, rel=1e-5
        )

    def test_history_matches_a_hand_computation(self):
        """lr = 0: d_aux from the D step's fakes, g_aux from the G step's."""
        gan = compiled(tiny_acgan(), lr=0.0)
        real, y = labelled()
        seeds = keras.random.SeedGenerator(1)
        z1 = keras.random.normal((16, LATENT), seed=seeds)
        z2 = keras.random.normal((16, LATENT), seed=seeds)
        G, D = gan.generator, gan.discriminator
        (real_logit, real_cls), (_, fake_cls) = D(real), D(G([z1, tf.constant(y)]))
        _, g_cls = D(G([z2, tf.constant(y)]))
        history = gan.fit(real, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
        h = {k: v[0] for k, v in history.history.items()}
        assert h["d_aux_loss"] == pytest.approx(
            cross_entropy(real_cls, y) + cross_entropy(fake_cls, y), rel=1e-5
        )
        assert h["g_aux_loss"] == pytest.approx(cross_entropy(g_cls, y), rel=1e-5)
        accuracy = np.mean(np.argmax(real_cls, axis=1) == y)
        assert h["real_class_accuracy"] == pytest.approx(accuracy)
        assert h["real_score"] == pytest.approx(
            float(np.mean(tf.sigmoid(real_logit))), rel=1e-5
        )

    def test_training_updates_both_heads(self):
        gan = compiled(tiny_acgan(), lr=0.1)
        before = [w.numpy().copy() for w in gan.discriminator.weights]
        gan.fit(dataset(), epochs=1, verbose=0)
        assert all(
            not np.array_equal(b, w.numpy())
            for b, w in zip(before, gan.discriminator.weights)
        )

    def test_gradient_penalty_on_the_adversarial_head(self):
        gan = compiled(
            tiny_acgan(), lr=0.0, loss="wasserstein", gradient_penalty_weight=10
        )
        x, y = labelled()
        seeds = keras.random.SeedGenerator(gan.seed)  # the GAN's draws: z, then eps
        z = keras.random.normal((16, LATENT), seed=seeds)
        fake = gan.generator([z, keras.ops.convert_to_tensor(y)])
        adversarial = lambda t, training: gan.discriminator(t, training=training)[0]  # noqa: E731
        expected = tge.penalties.gradient_penalty(adversarial, x, fake, seed=seeds)
        history = gan.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
        assert history.history["gp"][0] == pytest.approx(float(expected), rel=1e-5)

    def test_discriminator_without_a_class_head(self):
        G = nets.conditional_mlp_generator(LATENT, 4, (2,), hidden_units=(16,))
        with pytest.raises(ValueError, match=r"two outputs.*Received: 1 output"):
            ACGAN(G, tge.networks.mlp_discriminator((2,)), LATENT, 4)
        with pytest.raises(
            ValueError, match=r"\(batch, 4\). Received: output of shape \(2, 3\)"
        ):
            ACGAN(G, tiny_acgan_discriminator(), LATENT, 4)


def _pooled_8x8(images):
    """(n, 32, 32, 1) images -> (n, 64): the mean of each 4x4 block."""
    n, h, w, _ = images.shape
    return images.reshape(n, 8, h // 8, 8, w // 8).mean(axis=(2, 4)).reshape(n, 64)


def _digits(split):
    ds = tge.data.load(
        "digits",
        batch_size=2000,
        split=split,
        with_labels=True,
        drop_remainder=False,
        shuffle=False,
    )
    x, y = next(iter(ds))
    return _pooled_8x8(x.numpy()), y.numpy()


def _within_class_spread(x, y):
    """Mean over classes of the per-pixel standard deviation within a class."""
    return np.mean([x[y == k].std(axis=0).mean() for k in range(10)])


def conditional_digits_scores(seed):
    """Trains the projection ConditionalGAN of the test below on the digits
    (10 epochs, seed `seed`) and scores 1,000 samples, 100 per class:
    `{"classifier": held-out accuracy of the judge, "accuracy": fraction of
    samples of the requested class, "spread ratio": within-class spread of
    the samples over that of the real training digits, "seconds"}`."""
    from sklearn.linear_model import LogisticRegression

    train_x, train_y = _digits("train")
    test_x, test_y = _digits("test")
    classifier = LogisticRegression(max_iter=2000).fit(train_x, train_y)

    keras.utils.set_random_seed(seed)
    gan = ConditionalGAN(
        nets.conditional_dcgan_generator(64, 10, (32, 32, 1), base_filters=32),
        nets.conditional_dcgan_discriminator(
            (32, 32, 1), 10, base_filters=32, mode="projection"
        ),
        latent_dim=64,
        num_classes=10,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        jit_compile=True,
    )
    start = time.perf_counter()
    gan.fit(
        tge.data.load("digits", batch_size=64, with_labels=True, seed=seed),
        epochs=10,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    labels = np.arange(1000) % 10
    fake = _pooled_8x8(gan.generate(1000, labels=labels, seed=seed))
    return {
        "classifier": classifier.score(test_x, test_y),
        "accuracy": np.mean(classifier.predict(fake) == labels),
        "spread ratio": _within_class_spread(fake, labels)
        / _within_class_spread(train_x, train_y),
        "seconds": seconds,
    }


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_generated_digits_are_of_the_requested_class(seed):
    """A classifier trained on real digits labels >= 80% of generated samples
    as the class that was asked for, and the samples of a class vary.

    Measured (2-core CPU, shared): the classifier scores 96.4% on the
    held-out digits; after 10 epochs (220 steps, 25-40 s with the XLA
    compilation) 99.0% (seed 0) and 96.5% (seed 1) of the samples are of the
    requested class, with a within-class spread of 0.13-0.17 (real: 0.25).
    The projection discriminator conditions much faster than "concat" (about
    80% after 15 epochs). An MLP pair also passes the accuracy bar in
    seconds, but by collapsing each class to one image (spread 0.04): hence
    the spread check.
    """
    scores = conditional_digits_scores(seed)
    print(f"seed {seed}: {scores}")
    assert scores["classifier"] > 0.93
    assert scores["accuracy"] >= 0.8
    assert scores["spread ratio"] > 0.3
