"""Bad input to the models (issue 17, items 1 and 2): each refused clearly, before any update.

Every error here has the package's form "Expected ... Received: ...". Data
given as arrays is refused before training starts (the optimizers' step
counts stay 0, the weights unchanged); a `tf.data` batch is refused as it
arrives, before its step: the weights then equal those of a model trained
on the batches before it alone.
"""

import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import tfgan_edu as tge
from tfgan_edu.models import _base, _common
from tfgan_edu.models.conditional_gan import ACGAN, ConditionalGAN
from tfgan_edu.networks import conditional as nets

LATENT = 4
K = 3


def tiny_gan(data_shape=(2,), discriminator=None, seed=1):
    return tge.GAN(
        generator=tge.networks.mlp_generator(
            latent_dim=LATENT, output_shape=data_shape, hidden_units=(8,)
        ),
        discriminator=discriminator
        or tge.networks.mlp_discriminator(input_shape=data_shape, hidden_units=(8,)),
        latent_dim=LATENT,
        seed=seed,
    )


def tiny_cgan(seed=1):
    return ConditionalGAN(
        generator=nets.conditional_mlp_generator(LATENT, K, (2,), hidden_units=(8,)),
        discriminator=nets.conditional_mlp_discriminator((2,), K, hidden_units=(8,)),
        latent_dim=LATENT,
        num_classes=K,
        seed=seed,
    )


def compiled(model, **kwargs):
    kwargs.setdefault("jit_compile", False)
    model.compile(
        d_optimizer=keras.optimizers.SGD(0.05),
        g_optimizer=keras.optimizers.SGD(0.05),
        **kwargs,
    )
    return model


def points(n=32, seed=0, shape=(2,)):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


def weights(model):
    return [np.array(w) for w in model.get_weights()]


def assert_untouched(model, before):
    """No update: both step counts 0 and every weight as before."""
    assert [int(opt.iterations) for opt in model.optimizers.values()] == [0, 0]
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_array_equal(b, a)


def assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def trained(model, initial, dataset):
    """`model`, from the weights `initial`, after one epoch on `dataset` alone."""
    model.set_weights(initial)
    model.fit(dataset, epochs=1, verbose=0)
    return model


# ------------------------------------------------------------ networks


def dense_discriminator(outputs_shape):
    x = keras.Input((2,))
    h = keras.layers.Dense(int(np.prod(outputs_shape)))(x)
    return keras.Model(x, keras.layers.Reshape(outputs_shape)(h))


class TestOneLogitPerSample:
    @pytest.mark.parametrize("shape", [(3,), (4, 4, 2)])
    def test_gan_refuses_several_logits_per_sample(self, shape):
        with pytest.raises(ValueError) as info:
            tiny_gan(discriminator=dense_discriminator(shape))
        message = str(info.value)
        assert message.startswith("Expected the discriminator's output to be one logit")
        assert f"Received: output of shape (2, {', '.join(map(str, shape))})" in message

    @pytest.mark.parametrize("shape", [(1,), (4, 4, 1)])
    def test_gan_takes_one_logit_or_one_per_patch(self, shape):
        gan = tiny_gan(discriminator=dense_discriminator(shape))
        assert gan.data_shape == (2,)

    def test_gan_takes_a_rank_one_output(self):
        x = keras.Input((2,))
        logit = keras.layers.Reshape(())(keras.layers.Dense(1)(x))
        assert tiny_gan(discriminator=keras.Model(x, logit)).data_shape == (2,)

    def test_acgan_refuses_several_adversarial_logits(self):
        x = keras.Input((2,))
        h = keras.layers.Dense(8)(x)
        disc = keras.Model(x, [keras.layers.Dense(3)(h), keras.layers.Dense(K)(h)])
        with pytest.raises(ValueError, match=r"first output \(the logit\).*\(2, 3\)"):
            ACGAN(
                generator=nets.conditional_mlp_generator(LATENT, K, (2,)),
                discriminator=disc,
                latent_dim=LATENT,
                num_classes=K,
            )

    def test_pix2pix_refuses_two_logits_per_patch(self):
        shape = (8, 8, 1)
        generator = tge.networks.unet_generator(
            shape, base_filters=2, depth=2, dropout=0.0, normalization=None
        )
        image, condition = keras.Input(shape), keras.Input(shape)
        h = keras.layers.Concatenate()([condition, image])
        patches = keras.layers.Conv2D(2, 4, strides=2, padding="same")(h)
        disc = keras.Model([condition, image], patches)
        with pytest.raises(ValueError, match=r"one logit per sample.*\(2, 4, 4, 2\)"):
            tge.Pix2Pix(generator, disc)


# ---------------------------------------------------------------- fit


class TestFitRefusesBeforeTraining:
    def test_empty_array(self):
        gan = compiled(tiny_gan())
        before = weights(gan)
        with pytest.raises(
            ValueError, match=r"^Expected at least one sample.*\(0, 2\)"
        ):
            gan.fit(np.zeros((0, 2), "float32"), verbose=0)
        assert_untouched(gan, before)

    def test_empty_dataset(self):
        gan = compiled(tiny_gan())
        before = weights(gan)
        ds = tf.data.Dataset.from_tensor_slices(points()).batch(8).take(0)
        with pytest.raises(
            ValueError, match=r"^Expected at least one batch.*cardinality 0"
        ):
            gan.fit(ds, verbose=0)
        assert_untouched(gan, before)

    def test_dataset_of_unknown_size_that_is_empty(self):
        gan = compiled(tiny_gan())
        before = weights(gan)
        ds = tf.data.Dataset.from_tensor_slices(points()).filter(lambda x: False)
        with pytest.raises(ValueError, match=r"^Expected at least one batch.*no batch"):
            gan.fit(ds.batch(8), verbose=0)
        assert_untouched(gan, before)  # told from its first batch, before fit

    def test_dataset_of_unknown_size_with_batches_trains_on_all_of_them(self):
        gan = compiled(tiny_gan())
        ds = tf.data.Dataset.from_tensor_slices(points()).filter(lambda x: x[0] < 2)
        assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
        gan.fit(ds.batch(8), verbose=0)
        assert [int(opt.iterations) for opt in gan.optimizers.values()] == [4, 4]

    @pytest.mark.parametrize("x", [np.array([["a", "b"]] * 8), np.full((8, 2), None)])
    def test_samples_that_are_not_numbers(self, x):
        gan = compiled(tiny_gan())
        before = weights(gan)
        with pytest.raises(
            ValueError, match=r"^Expected real samples as floats.*Received dtype="
        ):
            gan.fit(x, batch_size=8, verbose=0)
        assert_untouched(gan, before)

    def test_strings_in_a_dataset(self):
        ds = tf.data.Dataset.from_tensor_slices(np.array([["a", "b"]] * 8)).batch(4)
        with pytest.raises(ValueError, match=r"Received dtype=string"):
            compiled(tiny_gan()).fit(ds, verbose=0)

    def test_fit_before_compile(self):
        with pytest.raises(
            RuntimeError,
            match=r"^Expected a compiled model: call `GAN.compile\(d_optimizer=..., "
            r"g_optimizer=...\)` before `fit` or `evaluate`. Received: a GAN that "
            r"was not compiled.$",
        ):
            tiny_gan().fit(points(), verbose=0)

    @pytest.mark.parametrize("batch_size", [0, -4, 2.5])
    def test_batch_size_below_one(self, batch_size):
        gan = compiled(tiny_gan())
        before = weights(gan)
        with pytest.raises(
            ValueError,
            match=rf"^Expected `batch_size`.*Received: batch_size={batch_size}$",
        ):
            gan.fit(points(), batch_size=batch_size, verbose=0)
        assert_untouched(gan, before)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite_array(self, bad):
        gan = compiled(tiny_gan())
        before = weights(gan)
        x = points()
        x[5, 1] = bad
        with pytest.raises(
            ValueError,
            match=r"^Expected real samples to be finite.*Received: 1 NaN or infinite "
            r"value\(s\), the first in sample 5$",
        ):
            gan.fit(x, batch_size=8, verbose=0)
        assert_untouched(gan, before)

    def test_nan_image_array_is_not_taken_for_in_range(self):
        # min/max of an array with NaN compare False: the range check alone let it pass.
        gan = compiled(tiny_gan((4, 4, 1)))
        x = points(8, shape=(4, 4, 1))
        x[3, 0, 0, 0] = np.nan
        with pytest.raises(ValueError, match="finite.*sample 3"):
            gan.fit(x, batch_size=8, verbose=0)

    def test_conditional_gan_arrays(self):
        cgan = compiled(tiny_cgan())
        x = points()
        x[0, 0] = np.nan
        with pytest.raises(ValueError, match="finite"):
            cgan.fit(x, np.zeros(32, "int32"), verbose=0)
        with pytest.raises(ValueError, match="^Expected at least one sample"):
            cgan.fit(np.zeros((0, 2), "float32"), np.zeros(0, "int32"), verbose=0)


class TestDatasetBatchesCheckedAsTheyArrive:
    """A bad batch in the middle of a dataset: refused, naming the batch,
    before its step (the weights are those after the clean batches)."""

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_non_finite_batch(self, bad):
        x = points()
        x[17, 0] = bad  # in batch 2 of 8 samples
        gan = compiled(tiny_gan())
        initial = weights(gan)
        with pytest.raises(ValueError) as info:
            gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)
        assert str(info.value) == (
            "Expected real samples to be finite numbers. Received: batch 2 of the "
            "dataset (counted from 0 in each pass) holds 1 NaN or infinite value(s)."
        )
        # Batches 0 and 1 were trained on; the refused batch 2 moved no step
        # count either (Adam's bias correction reads them).
        assert [int(opt.iterations) for opt in gan.optimizers.values()] == [2, 2]
        reference = trained(
            compiled(tiny_gan()),
            initial,
            tf.data.Dataset.from_tensor_slices(x[:16]).batch(8),
        )
        assert_same_weights(gan, reference)

    def test_images_in_0_255(self):
        shape = (4, 4, 1)
        x = points(16, shape=shape)
        x[8:] = np.round((x[8:] + 1) * 127.5)  # batch 1: pixels in [0, 255]
        x[8, 0, 0, 0], x[9, 0, 0, 0] = 0.0, 255.0
        gan = compiled(tiny_gan(shape))
        initial = weights(gan)
        with pytest.raises(ValueError) as info:
            gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)
        assert str(info.value) == (
            "Expected real samples in [-1, 1]. Received: batch 1 of the dataset "
            "(counted from 0 in each pass) holds values in [0, 255]; rescale them, "
            "e.g. with `dataset.map(lambda x: x / 127.5 - 1)` for pixels in [0, 255]."
        )
        reference = trained(
            compiled(tiny_gan(shape)),
            initial,
            tf.data.Dataset.from_tensor_slices(x[:8]).batch(8),
        )
        assert_same_weights(gan, reference)

    def test_nan_image_batch_is_reported_as_nan_not_as_range(self):
        shape = (4, 4, 1)
        x = points(8, shape=shape)
        x[2, 1, 1, 0] = np.nan
        gan = compiled(tiny_gan(shape))
        initial = weights(gan)
        with pytest.raises(ValueError, match="finite.*batch 0"):
            gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)
        # The first batch failed: no weight moved.
        for b, a in zip(initial, gan.get_weights()):
            np.testing.assert_array_equal(b, a)

    def test_clean_data_trains_as_before(self):
        """The checks change no number: a clean dataset gives the weights of
        the same steps taken on its batches one `train_on_batch` at a time."""
        x = points()
        gan = compiled(tiny_gan())
        reference = compiled(tiny_gan())
        reference.set_weights(gan.get_weights())
        gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)
        for i in range(0, 32, 8):
            reference.train_on_batch(x[i : i + 8])
        for a, b in zip(gan.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


class TestConditionalLabels:
    def dataset(self, labels):
        x = points(len(labels))
        return tf.data.Dataset.from_tensor_slices(
            (x, np.asarray(labels, "int32"))
        ).batch(8)

    @pytest.mark.parametrize("jit_compile", [False, True])
    def test_label_out_of_range_mid_training(self, jit_compile):
        labels = np.arange(24) % K
        labels[13] = 7  # batch 1
        cgan = compiled(tiny_cgan(), jit_compile=jit_compile)
        initial = weights(cgan)
        with pytest.raises(ValueError) as info:
            cgan.fit(self.dataset(labels), verbose=0)
        assert str(info.value) == (
            f"Expected labels in [0, num_classes={K}). Received: batch 1 of the "
            "dataset (counted from 0 in each pass) holds labels in [0, 7]."
        )
        reference = trained(
            compiled(tiny_cgan(), jit_compile=jit_compile),
            initial,
            self.dataset(labels[:8]),
        )
        for a, b in zip(cgan.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    def test_negative_label(self):
        labels = np.arange(8) % K
        labels[0] = -1
        cgan = compiled(tiny_cgan())
        initial = weights(cgan)
        with pytest.raises(ValueError, match=r"batch 0 .*labels in \[-1, 2\]\.$"):
            cgan.fit(self.dataset(labels), verbose=0)
        for b, a in zip(initial, cgan.get_weights()):
            np.testing.assert_array_equal(b, a)


class TestImagePairs:
    def test_pix2pix_dataset_in_0_255_and_nan_arrays(self):
        shape = (8, 8, 1)
        model = tge.Pix2Pix(
            tge.networks.unet_generator(
                shape, base_filters=2, depth=2, dropout=0.0, normalization=None
            ),
            tge.networks.patchgan_discriminator(
                shape,
                condition_shape=shape,
                base_filters=2,
                n_layers=1,
                normalization=None,
            ),
        )
        compiled(model, run_eagerly=True)
        before = weights(model)
        x = points(4, shape=shape)
        y = np.round((points(4, seed=1, shape=shape) + 1) * 127.5)
        y[0, 0, 0, 0], y[1, 0, 0, 0] = 0.0, 255.0
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
        with pytest.raises(ValueError) as info:
            model.fit(ds, verbose=0)
        assert str(info.value).startswith(
            "Expected clean images in [-1, 1]. Received: batch 0 of the dataset "
            "(counted from 0 in each pass) holds values in [0, 255]"
        )
        x[2, 1, 1, 0] = np.nan
        with pytest.raises(
            ValueError, match=r"^Expected degraded images to be finite.*sample 2$"
        ):
            model.fit(x, y / 127.5 - 1, batch_size=4, verbose=0)
        assert_untouched(model, before)


# ----------------------------------------------------------------- VAE


def tiny_vae(likelihood):
    return tge.VAE(
        encoder=tge.networks.mlp_encoder((2,), 2, hidden_units=(8,)),
        decoder=tge.networks.mlp_decoder(2, (2,), hidden_units=(8,)),
        latent_dim=2,
        likelihood=likelihood,
        seed=0,
    )


class TestBernoulliVAE:
    def test_array_outside_the_bernoulli_range(self):
        vae = tiny_vae("bernoulli")
        vae.compile(optimizer=keras.optimizers.SGD(0.01), jit_compile=False)
        before = weights(vae)
        x = points() * 2.0 + 1.0  # in [-1, 3]
        with pytest.raises(ValueError) as info:
            vae.fit(x, batch_size=8, verbose=0)
        message = str(info.value)
        assert message.startswith(
            "Expected samples of a likelihood='bernoulli' VAE in [-1, 1]. Received "
            f"values in [{x.min():g}, {x.max():g}]; the model maps them by (x + 1) / 2"
        )
        assert int(vae.optimizer.iterations) == 0
        for b, a in zip(before, vae.get_weights()):
            np.testing.assert_array_equal(b, a)

    def test_dataset_outside_the_bernoulli_range(self):
        vae = tiny_vae("bernoulli")
        vae.compile(optimizer=keras.optimizers.SGD(0.01), jit_compile=False)
        before = weights(vae)
        ds = tf.data.Dataset.from_tensor_slices(points() * 2.0 + 1.0).batch(8)
        with pytest.raises(
            ValueError, match=r"^Expected real samples in \[-1, 1\]\. Received: batch 0"
        ):
            vae.fit(ds, verbose=0)
        for b, a in zip(before, vae.get_weights()):
            np.testing.assert_array_equal(b, a)

    def test_gaussian_vae_takes_any_finite_range(self):
        vae = tiny_vae("gaussian")
        vae.compile(optimizer=keras.optimizers.SGD(0.01), jit_compile=False)
        history = vae.fit(points() * 2.0 + 1.0, batch_size=8, verbose=0)
        assert np.isfinite(history.history["loss"][0])


# ----------------------------------------------------------- compile


class TestOptimizerNames:
    def test_unknown_name_lists_the_accepted_ones(self):
        gan = tiny_gan()
        with pytest.raises(ValueError) as info:
            gan.compile(d_optimizer="adamm", g_optimizer="adam")
        message = str(info.value)
        assert message.startswith(
            "Expected `d_optimizer` to be a keras.optimizers.Optimizer, or the name of one: "
        )
        assert message.endswith("Received: d_optimizer='adamm'")
        for name in ("'adam'", "'sgd'", "'rmsprop'", "'adamw'"):
            assert name in message
        assert gan.optimizers == {}

    def test_every_listed_name_is_accepted(self):
        for name in _base.optimizer_names():
            assert isinstance(keras.optimizers.get(name), keras.optimizers.Optimizer)

    @pytest.mark.parametrize("value", [0, -1, 2.5])
    def test_steps_per_execution_below_one(self, value):
        with pytest.raises(
            ValueError,
            match=rf"^Expected `steps_per_execution` to be an integer >= 1. "
            rf"Received: steps_per_execution={value}$",
        ):
            tiny_gan().compile(
                d_optimizer="adam", g_optimizer="adam", steps_per_execution=value
            )

    def test_several_steps_per_execution_on_pytorch(self, monkeypatch):
        # Keras' PyTorch trainer refuses them only when `fit` starts.
        monkeypatch.setattr(_base.BACKEND, "NAME", "torch")
        monkeypatch.setattr(_base.BACKEND, "SEVERAL_STEPS_PER_CALL", False)
        with pytest.raises(
            ValueError,
            match=r"^Expected steps_per_execution=1 on the 'torch' backend: .* "
            r"Received: steps_per_execution=8$",
        ):
            tiny_gan().compile(
                d_optimizer="adam", g_optimizer="adam", steps_per_execution=8
            )

    def test_not_an_optimizer(self):
        with pytest.raises(ValueError, match=r"Received: g_optimizer=3$"):
            tiny_gan().compile(d_optimizer="adam", g_optimizer=3)


# ----------------------------------------------------------- generate


class TestGenerate:
    def test_refuses_what_cannot_fit_with_its_size(self, monkeypatch):
        monkeypatch.setattr(_common, "available_memory", lambda: 2 * 1024**3)
        gan = tiny_gan()
        with pytest.raises(ValueError) as info:
            gan.generate(10**9, seed=0)
        assert str(info.value) == (
            "Expected `n` samples to fit in memory: 1e+09 samples of shape (2,) take "
            "7.45 GiB as float32, and 2 GiB are available. Generate fewer at a time "
            "(in a loop over seeds) and save or reduce each chunk. Received: "
            "n=1000000000"
        )

    def test_refuses_with_the_machine_s_memory(self):
        gan = tiny_gan((4, 4, 1))
        with pytest.raises(ValueError, match="TiB as float32"):
            gan.generate(10**12)

    def test_vae_and_conditional_gan_refuse_too(self, monkeypatch):
        monkeypatch.setattr(_common, "available_memory", lambda: 1024**2)
        with pytest.raises(ValueError, match="Expected `n` samples to fit in memory"):
            tiny_vae("gaussian").generate(10**6)
        with pytest.raises(ValueError, match="Expected `n` samples to fit in memory"):
            tiny_cgan().generate(10**6)

    def test_streamed_noise_gives_the_samples_of_one_draw(self):
        """In batches of 7, the samples of noise drawn at once, (n, latent_dim)."""
        n = 30
        gan = tiny_gan()
        z = np.random.default_rng(5).standard_normal((n, LATENT)).astype("float32")
        expected = ops.convert_to_numpy(gan.generator(z, training=False))
        np.testing.assert_allclose(
            gan.generate(n, seed=5, batch_size=7), expected, atol=1e-6
        )

        cgan = tiny_cgan()
        labels = np.arange(n) % K
        expected = ops.convert_to_numpy(cgan.generator([z, labels], training=False))
        np.testing.assert_allclose(
            cgan.generate(n, seed=5, batch_size=7), expected, atol=1e-6
        )
        expected = ops.convert_to_numpy(
            cgan.generator([z, np.full(n, 2)], training=False)
        )
        np.testing.assert_allclose(
            cgan.generate(n, labels=2, seed=5, batch_size=7), expected, atol=1e-6
        )

        vae = tiny_vae("gaussian")
        z2 = np.random.default_rng(5).standard_normal((n, 2)).astype("float32")
        expected = ops.convert_to_numpy(vae.decoder(z2, training=False))
        np.testing.assert_allclose(
            vae.generate(n, seed=5, batch_size=7), expected, atol=1e-6
        )

    def test_conditional_label_out_of_range(self):
        with pytest.raises(ValueError, match=r"Received: labels in \[3, 3\]"):
            tiny_cgan().generate(4, labels=3)


# --------------------------------------------------------------- load


class TestLoad:
    """`_base.load`: Keras says "File not found" for a `.keras` file that
    exists but is cut short or foreign; `load` says what it is."""

    def test_truncated_foreign_missing_and_valid(self, tmp_path):
        gan = compiled(tiny_gan())
        path = tmp_path / "gan.keras"
        gan.save(path)
        data = path.read_bytes()
        cut = tmp_path / "cut.keras"
        cut.write_bytes(data[: len(data) // 2])
        with pytest.raises(ValueError) as info:
            _base.load(cut)
        assert str(info.value) == (
            "Expected a .keras archive (a zip file holding config.json). Received: "
            f"filepath={cut}, a file of {len(data) // 2} bytes that exists but is "
            "not a valid zip archive: truncated (an interrupted save?) or not "
            "written by Keras"
        )
        with pytest.raises(ValueError, match="File not found"):
            keras.models.load_model(cut)  # what Keras itself says

        foreign = tmp_path / "notes.keras"
        foreign.write_text("not a model")
        with pytest.raises(
            ValueError, match="11 bytes that exists but is not a valid zip"
        ):
            _base.load(foreign)
        other_zip = tmp_path / "other.keras"
        with zipfile.ZipFile(other_zip, "w") as archive:
            archive.writestr("readme.txt", "hello")
        with pytest.raises(ValueError, match="is a zip archive without config.json"):
            _base.load(other_zip)
        with pytest.raises(FileNotFoundError, match="which does not exist"):
            _base.load(tmp_path / "missing.keras")

        reloaded = _base.load(path)
        for a, b in zip(gan.get_weights(), reloaded.get_weights()):
            np.testing.assert_array_equal(a, b)
