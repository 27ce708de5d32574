"""`CycleGAN` and `ImagePool`: the pool against a sequential reference, the
training step by hand, translation, saving with the pools, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.models.cyclegan import ImagePool

SHAPE = (8, 8, 1)


def reference_pool(pool, count, images, coins, slots, size):
    """The image pool of the CycleGAN reference code (util/image_pool.py), one
    image at a time, with the given coin flips and random slots."""
    pool, returned = pool.copy(), []
    for image, coin, slot in zip(images, coins, slots):
        if count < size:
            pool[count] = image
            count += 1
            returned.append(image)
        elif coin > 0.5:
            returned.append(pool[slot].copy())
            pool[slot] = image
        else:
            returned.append(image)
    return pool, count, np.stack(returned)


class TestImagePool:
    @pytest.mark.parametrize("size, batch", [(5, 3), (4, 8), (50, 16)])
    def test_matches_the_sequential_reference(self, size, batch):
        layer = ImagePool(pool_size=size, seed=3)
        layer.build((None, 2, 2, 1))
        draws = keras.random.SeedGenerator(3)  # the pool's own stream
        pool, count = np.zeros((size, 2, 2, 1), "float32"), 0
        for call in range(6):
            images = np.arange(call * batch, (call + 1) * batch, dtype="float32")
            images = np.broadcast_to(images[:, None, None, None], (batch, 2, 2, 1))
            coins = keras.random.uniform((batch,), seed=draws).numpy()
            slots = keras.random.randint((batch,), 0, size, seed=draws).numpy()
            pool, count, expected = reference_pool(
                pool, count, images, coins, slots, size
            )
            np.testing.assert_array_equal(layer(images).numpy(), expected)
            np.testing.assert_array_equal(layer.images.numpy(), pool)
            assert int(layer.count.numpy()) == count

    def test_about_half_of_a_full_pool_s_outputs_are_old_images(self):
        """Once full, an image is swapped with probability 1/2; a swapped image k
        of a batch finds one of its own batch (written by one of the k earlier
        images, each hitting its slot with probability 1/(2 * 50)) or an old one."""
        layer = ImagePool(pool_size=50, seed=0)
        layer.build((None, 1, 1, 1))
        layer(-np.ones((50, 1, 1, 1), "float32"))  # fill it
        batches = range(1, 151)
        out = np.concatenate(
            [layer(np.full((8, 1, 1, 1), i, "float32")).numpy() for i in batches]
        ).ravel()
        from_this_batch = np.mean(out == np.repeat(batches, 8))
        own = 1 - np.mean(0.99 ** np.arange(8))  # mean over positions k = 0..7
        assert from_this_batch == pytest.approx(0.5 + 0.5 * own, abs=0.05)

    def test_under_xla_it_matches_the_sequential_reference(self):
        """Compiled with XLA (whose random streams differ from eager TF): the
        same draws, made under XLA too, fed to the reference give the same."""
        size, batch = 5, 6
        layer = ImagePool(pool_size=size, seed=2)
        layer.build((None, 1, 1, 1))
        step = tf.function(layer, jit_compile=True)
        seeds = keras.random.SeedGenerator(2)
        draw = tf.function(
            lambda: (
                keras.random.uniform((batch,), seed=seeds),
                keras.random.randint((batch,), 0, size, seed=seeds),
            ),
            jit_compile=True,
        )
        pool, count = np.zeros((size, 1, 1, 1), "float32"), 0
        for call in range(4):
            images = np.arange(call * batch, (call + 1) * batch, dtype="float32")
            images = images.reshape(batch, 1, 1, 1)
            coins, slots = (t.numpy() for t in draw())
            pool, count, expected = reference_pool(
                pool, count, images, coins, slots, size
            )
            np.testing.assert_array_equal(step(images).numpy(), expected)
            np.testing.assert_array_equal(layer.images.numpy(), pool)

    def test_size_zero_passes_images_through(self):
        layer = ImagePool(pool_size=0)
        layer.build((None, 2, 2, 1))
        x = np.random.default_rng(0).normal(size=(3, 2, 2, 1)).astype("float32")
        np.testing.assert_array_equal(layer(x), x)

    def test_bad_size(self):
        with pytest.raises(ValueError, match="pool_size=-1"):
            ImagePool(pool_size=-1)


def tiny_generator(shape=SHAPE, out=None):
    return tge.networks.unet_generator(
        shape, out, base_filters=2, depth=2, dropout=0.0, normalization=None
    )


def tiny_discriminator(shape=SHAPE):
    return tge.networks.patchgan_discriminator(
        shape, base_filters=2, n_layers=1, normalization=None
    )


def tiny_model(**kwargs):
    kwargs.setdefault("seed", 1)
    return tge.CycleGAN(
        tiny_generator(),
        tiny_generator(),
        tiny_discriminator(),
        tiny_discriminator(),
        **kwargs,
    )


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


def domains(n=4, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 0, (n, *SHAPE)).astype("float32")
    b = rng.uniform(0, 1, (n, *SHAPE)).astype("float32")
    return a, b


def l1(x, y):
    return tf.reduce_mean(tf.abs(x - y))


class TestTrainStep:
    def test_first_step_matches_the_algorithm_computed_by_hand(self):
        """Least squares, SGD: both generators step on adversarial + 10 cycle + 5
        identity; then both discriminators on real vs fakes (the pools are still
        filling, so they return this step's fakes, made before G moved)."""
        lr = 0.1
        model = compiled(lr=lr, run_eagerly=False)
        ref = tiny_model()
        ref.set_weights(model.get_weights())
        a, b = (tf.constant(t) for t in domains())
        parts = {}

        def g_loss():
            fake_b, fake_a = ref.g_ab(a), ref.g_ba(b)
            parts["fakes"] = (fake_a, fake_b)
            parts["adv_ab"] = 0.5 * tf.reduce_mean((ref.d_b(fake_b) - 1) ** 2)
            parts["adv_ba"] = 0.5 * tf.reduce_mean((ref.d_a(fake_a) - 1) ** 2)
            parts["cycle"] = l1(ref.g_ba(fake_b), a) + l1(ref.g_ab(fake_a), b)
            parts["identity"] = l1(ref.g_ab(b), b) + l1(ref.g_ba(a), a)
            return (
                parts["adv_ab"]
                + parts["adv_ba"]
                + 10 * parts["cycle"]
                + 5 * parts["identity"]
            )

        g_total = sgd_step(
            ref.g_ab.trainable_variables + ref.g_ba.trainable_variables, g_loss, lr
        )
        fake_a, fake_b = (tf.constant(t.numpy()) for t in parts["fakes"])

        def d_loss(D, real, fake):
            return 0.5 * (
                tf.reduce_mean((D(real) - 1) ** 2) + tf.reduce_mean(D(fake) ** 2)
            )

        d_vars = ref.d_a.trainable_variables + ref.d_b.trainable_variables
        d_losses = {}

        def d_total():
            d_losses["a"] = d_loss(ref.d_a, a, fake_a)
            d_losses["b"] = d_loss(ref.d_b, b, fake_b)
            return d_losses["a"] + d_losses["b"]

        sgd_step(d_vars, d_total, lr)

        history = model.fit(
            *domains(), batch_size=4, epochs=1, verbose=0, shuffle=False
        )
        h = {k: v[0] for k, v in history.history.items()}
        assert h["g_loss"] == pytest.approx(g_total, rel=1e-5)
        for key, part in [
            ("adv_ab_loss", "adv_ab"),
            ("adv_ba_loss", "adv_ba"),
            ("cycle_loss", "cycle"),
            ("identity_loss", "identity"),
        ]:
            assert h[key] == pytest.approx(float(parts[part]), rel=1e-5)
        assert h["d_a_loss"] == pytest.approx(float(d_losses["a"]), rel=1e-5)
        assert h["d_b_loss"] == pytest.approx(float(d_losses["b"]), rel=1e-5)
        for net in ("g_ab", "g_ba", "d_a", "d_b"):
            for got, want in zip(
                getattr(model, net).get_weights(), getattr(ref, net).get_weights()
            ):
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        assert int(model.pool_a.count.numpy()) == 4
        np.testing.assert_allclose(model.pool_a.images.numpy()[:4], fake_a, atol=1e-6)

    def test_without_identity_loss_it_is_not_reported(self):
        model = compiled(tiny_model(identity_weight=0), loss="hinge")
        history = model.fit(*domains(), batch_size=4, epochs=1, verbose=0)
        assert "identity_loss" not in history.history
        assert model.loss_family.name == "hinge"

    def test_evaluate_translate_and_predict(self):
        model = compiled()
        a, b = domains()
        result = model.evaluate(a, b, batch_size=4, verbose=0, return_dict=True)
        expected = float(
            l1(model.g_ba(model.g_ab(a)), a) + l1(model.g_ab(model.g_ba(b)), b)
        )
        assert result["cycle_loss"] == pytest.approx(expected, rel=1e-5)
        assert int(model.pool_a.count.numpy()) == 0  # evaluation leaves the pools
        np.testing.assert_allclose(
            model.translate(b, "b_to_a", batch_size=3), model.g_ba(b), atol=1e-6
        )
        np.testing.assert_allclose(
            model.predict(a, verbose=0), model.g_ab(a), atol=1e-6
        )

    def test_unpaired_dataset(self):
        shape = (32, 32, 1)
        model = compiled(
            tge.CycleGAN(
                tiny_generator(shape),
                tiny_generator(shape),
                tiny_discriminator(shape),
                tiny_discriminator(shape),
                pool_size=3,
            )
        )
        ds = tge.data.unpaired("digits", "invert", batch_size=4, seed=0).take(2)
        history = model.fit(ds, epochs=1, verbose=0)
        assert np.isfinite(history.history["g_loss"][0])


class TestSaving:
    def test_round_trip_restores_networks_pools_and_resumes_exactly(self, tmp_path):
        a, b = domains(8)

        def make():
            return compiled(
                tiny_model(pool_size=6, seed=4),
                d_optimizer=keras.optimizers.Adam(1e-2),
                g_optimizer=keras.optimizers.Adam(1e-2),
            )

        model, twin = make(), make()
        twin.set_weights(model.get_weights())
        model.fit(a, b, batch_size=4, epochs=1, verbose=0, shuffle=False)
        assert int(model.pool_b.count.numpy()) == 6  # full: the next step swaps
        path = tmp_path / "cyclegan.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert isinstance(loaded, tge.CycleGAN)
        assert (loaded.cycle_weight, loaded.identity_weight, loaded.pool_size) == (
            10.0,
            5.0,
            6,
        )
        np.testing.assert_array_equal(
            loaded.pool_b.images.numpy(), model.pool_b.images.numpy()
        )
        for net in ("g_ab", "g_ba", "d_a", "d_b"):
            for got, want in zip(
                getattr(loaded, net).get_weights(), getattr(model, net).get_weights()
            ):
                np.testing.assert_array_equal(got, want)
        # Resumed training (optimizers, pools and their random streams) equals
        # an uninterrupted run.
        loaded.fit(a, b, batch_size=4, epochs=1, verbose=0, shuffle=False)
        twin.fit(a, b, batch_size=4, epochs=2, verbose=0, shuffle=False)
        for got, want in zip(loaded.get_weights(), twin.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


class TestErrors:
    def test_identity_loss_needs_matching_domains(self):
        gray, color = (8, 8, 1), (8, 8, 3)
        nets = (
            tiny_generator(gray, 3),
            tiny_generator(color, 1),
            tiny_discriminator(gray),
            tiny_discriminator(color),
        )
        with pytest.raises(ValueError, match="identity_weight=0"):
            tge.CycleGAN(*nets)
        assert tge.CycleGAN(*nets, identity_weight=0).shape_b == color

    def test_generators_must_map_between_the_domains(self):
        with pytest.raises(ValueError, match="g_ab"):
            tge.CycleGAN(
                tiny_generator(out=3),
                tiny_generator(),
                tiny_discriminator(),
                tiny_discriminator(),
            )

    def test_bad_arguments(self):
        with pytest.raises(TypeError, match="d_b"):
            tge.CycleGAN(tiny_generator(), tiny_generator(), tiny_discriminator(), None)
        with pytest.raises(ValueError, match="cycle_weight"):
            tiny_model(cycle_weight=-1.0)
        model = compiled()
        with pytest.raises(ValueError, match="direction='up'"):
            model.translate(domains()[0], "up")
        with pytest.raises(ValueError, match="domain B images of shape"):
            model.fit(domains()[0], np.zeros((4, 8, 8, 3), "float32"), verbose=0)
        with pytest.raises(RuntimeError, match="compile"):
            tiny_model().fit(*domains(), verbose=0)


def sgd_step(variables, loss_fn, lr):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    for v, g in zip(variables, tape.gradient(loss, variables)):
        v.assign_sub(lr * tf.convert_to_tensor(g))
    return float(loss)
