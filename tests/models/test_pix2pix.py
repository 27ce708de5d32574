"""`Pix2Pix`: the training step by hand, History, evaluate/predict, saving, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge

SHAPE = (8, 8, 1)


def tiny_generator(out_channels=None, shape=SHAPE):
    return tge.networks.unet_generator(
        shape, out_channels, base_filters=2, depth=2, dropout=0.0, normalization=None
    )


def tiny_discriminator(out_channels=1, shape=SHAPE):
    return tge.networks.patchgan_discriminator(
        (*shape[:2], out_channels),
        condition_shape=shape,
        base_filters=2,
        n_layers=1,
        normalization=None,
    )


def tiny_model(l1_weight=10.0):
    return tge.Pix2Pix(tiny_generator(), tiny_discriminator(), l1_weight=l1_weight)


def compiled(model=None, lr=0.1, **kwargs):
    """Compiled with SGD; eager by default (tracing costs more than tiny steps)."""
    model = model or tiny_model()
    kwargs.setdefault("run_eagerly", True)
    model.compile(
        d_optimizer=kwargs.pop("d_optimizer", keras.optimizers.SGD(lr)),
        g_optimizer=kwargs.pop("g_optimizer", keras.optimizers.SGD(lr)),
        **kwargs,
    )
    return model


def pairs(n=8, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.uniform(-1, 1, (n, *SHAPE)).astype("float32")
    x = np.clip(y + rng.normal(0, 0.3, y.shape), -1, 1).astype("float32")
    return x, y


def sgd_step(variables, loss_fn, lr):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    for v, g in zip(variables, tape.gradient(loss, variables)):
        v.assign_sub(lr * tf.convert_to_tensor(g))
    return float(loss)


class TestTrainStep:
    def test_first_step_matches_the_algorithm_computed_by_hand(self):
        """SGD: D <- D - lr grad[sp(-D(x, y)) + sp(D(x, G(x)))]; then, through the
        updated D, G <- G - lr grad[sp(-D(x, G(x))) + lambda |y - G(x)|]."""
        lr, lam = 0.1, 10.0
        model = compiled(tiny_model(lam), lr=lr, run_eagerly=False)
        ref = tiny_model(lam)
        ref.set_weights(model.get_weights())
        G, D = ref.generator, ref.discriminator
        x, y = (tf.constant(t) for t in pairs())

        fake = G(x)  # generated once, before D moves
        d_loss = sgd_step(
            D.trainable_variables,
            lambda: (
                tf.reduce_mean(tf.nn.softplus(-D([x, y])))
                + tf.reduce_mean(tf.nn.softplus(D([x, fake])))
            ),
            lr,
        )
        parts = {}

        def g_loss_fn():
            fake = G(x)
            parts["adv"] = tf.reduce_mean(tf.nn.softplus(-D([x, fake])))
            parts["l1"] = tf.reduce_mean(tf.abs(y - fake))
            return parts["adv"] + lam * parts["l1"]

        g_loss = sgd_step(G.trainable_variables, g_loss_fn, lr)

        history = model.fit(*pairs(), batch_size=8, epochs=1, verbose=0, shuffle=False)
        h = {k: v[0] for k, v in history.history.items()}
        assert h["d_loss"] == pytest.approx(d_loss, rel=1e-5)
        assert h["g_loss"] == pytest.approx(g_loss, rel=1e-5)
        assert h["adv_loss"] == pytest.approx(float(parts["adv"]), rel=1e-5)
        assert h["l1_loss"] == pytest.approx(float(parts["l1"]), rel=1e-5)
        for got, want in zip(model.get_weights(), ref.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    def test_each_optimizer_moves_only_its_network(self):
        model = compiled(lr=0.1)
        g_before = [w.copy() for w in model.generator.get_weights()]
        d_before = [w.copy() for w in model.discriminator.get_weights()]
        model.fit(*pairs(), batch_size=8, epochs=1, verbose=0)
        assert model.d_optimizer.iterations == 1 and model.g_optimizer.iterations == 1
        assert len(model.d_optimizer.variables) > 1  # built for D's weights only
        for before, after in (
            (g_before, model.generator.get_weights()),
            (d_before, model.discriminator.get_weights()),
        ):
            assert any(not np.allclose(b, a) for b, a in zip(before, after))

    def test_scores_and_other_loss_families(self):
        model = compiled(loss="least_squares")
        h = model.fit(*pairs(), batch_size=8, epochs=1, verbose=0).history
        assert sorted(h) == [
            "adv_loss", "d_loss", "fake_score", "g_loss", "l1_loss", "real_score"
        ]  # fmt: skip
        assert np.isfinite(h["real_score"][0])

    def test_evaluate_and_predict(self):
        model = compiled()
        x, y = pairs()
        weights = [w.copy() for w in model.get_weights()]
        result = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
        fake = model.generator(x, training=False)
        assert result["l1_loss"] == pytest.approx(
            float(np.mean(np.abs(y - fake.numpy()))), rel=1e-5
        )
        for before, after in zip(weights, model.get_weights()):
            np.testing.assert_array_equal(before, after)
        np.testing.assert_allclose(model.predict(x, verbose=0), fake, atol=1e-6)

    def test_colorization_shapes_and_a_paired_dataset(self):
        shape = (16, 16, 1)
        model = compiled(
            tge.Pix2Pix(
                tiny_generator(3, shape), tiny_discriminator(3, shape), l1_weight=1.0
            )
        )
        ds = tge.data.paired(
            "color_digits", "colorize", batch_size=4, n=8, image_size=32
        ).map(lambda g, c: (tf.image.resize(g, (16, 16)), tf.image.resize(c, (16, 16))))
        history = model.fit(ds, epochs=1, verbose=0)
        assert len(history.history["d_loss"]) == 1
        assert model.predict(np.zeros((2, *shape)), verbose=0).shape == (2, 16, 16, 3)


class TestSaving:
    def test_keras_round_trip_and_exact_resume(self, tmp_path):
        x, y = pairs()
        model = compiled(
            d_optimizer=keras.optimizers.Adam(1e-2),
            g_optimizer=keras.optimizers.Adam(1e-2),
        )
        twin = compiled(
            d_optimizer=keras.optimizers.Adam(1e-2),
            g_optimizer=keras.optimizers.Adam(1e-2),
        )
        twin.set_weights(model.get_weights())
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        path = tmp_path / "pix2pix.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert isinstance(loaded, tge.Pix2Pix) and loaded.l1_weight == 10.0
        assert loaded.loss_family.name == "non_saturating"
        assert int(loaded.g_optimizer.iterations) == 1
        np.testing.assert_allclose(
            loaded.predict(x, verbose=0), model.predict(x, verbose=0)
        )
        # One more step after reloading equals two uninterrupted steps.
        loaded.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        twin.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        for got, want in zip(loaded.get_weights(), twin.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    def test_config_round_trip(self):
        model = tiny_model(l1_weight=3.0)
        clone = tge.Pix2Pix.from_config(model.get_config())
        assert clone.l1_weight == 3.0
        assert clone.generator.count_params() == model.generator.count_params()
        assert clone.get_compile_config() == {}


class TestErrors:
    def test_fit_before_compile(self):
        with pytest.raises(RuntimeError, match="compile"):
            tiny_model().fit(*pairs(), verbose=0)

    def test_data_shape_dtype_range_and_targets(self):
        model = compiled()
        x, y = pairs()
        with pytest.raises(
            ValueError, match=r"clean images of shape \(None, 8, 8, 1\)"
        ):
            model.fit(x, np.zeros((8, 8, 8, 3), "float32"), verbose=0)
        with pytest.raises(ValueError, match="Received: y=None"):
            model.fit(x, verbose=0)
        with pytest.raises(ValueError, match="dtype=uint8"):
            model.fit(x.astype("uint8"), y, verbose=0)
        with pytest.raises(ValueError, match="values in"):
            model.fit(x * 5, y, verbose=0)
        ds = tf.data.Dataset.from_tensor_slices(x).batch(4)
        with pytest.raises(ValueError, match="dataset of \\(degraded, clean\\)"):
            model.fit(ds, verbose=0)
        with pytest.raises(ValueError, match="as many clean images"):
            model.fit(x, y[:4], verbose=0)

    def test_networks(self):
        with pytest.raises(TypeError, match="generator"):
            tge.Pix2Pix("unet", tiny_discriminator())
        unconditional = tge.networks.patchgan_discriminator(
            SHAPE, base_filters=2, n_layers=1
        )
        with pytest.raises(ValueError, match="conditional discriminator"):
            tge.Pix2Pix(tiny_generator(), unconditional)
        with pytest.raises(ValueError, match="l1_weight"):
            tge.Pix2Pix(tiny_generator(), tiny_discriminator(), l1_weight=-1)

    def test_compile_arguments(self):
        model = tiny_model()
        optimizer = keras.optimizers.SGD()
        with pytest.raises(ValueError, match="two different optimizer"):
            model.compile(d_optimizer=optimizer, g_optimizer=optimizer)
        with pytest.raises(TypeError, match="metrics"):
            model.compile("sgd", "adam", metrics=["mae"])
        with pytest.raises(ValueError, match="loss"):
            model.compile("sgd", "adam", loss="kl")
