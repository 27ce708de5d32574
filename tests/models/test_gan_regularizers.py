"""`GAN.compile` regularizers: gradient penalty, R1 and weight clipping."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge

LATENT = 4


def tiny_gan():
    return tge.GAN(
        tge.networks.mlp_generator(LATENT, (2,), hidden_units=(16,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(16,)),
        latent_dim=LATENT,
        seed=1,
    )


def compiled(lr=0.05, **kwargs):
    gan = tiny_gan()
    gan.compile(
        d_optimizer=keras.optimizers.SGD(lr),
        g_optimizer=keras.optimizers.SGD(lr),
        jit_compile=False,
        **kwargs,
    )
    return gan


def points(n=16):
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


def test_gradient_penalty_step_matches_a_hand_computation():
    """First step with lambda = 10: the reported d_loss is the adversarial
    loss, `gp` the unweighted penalty, and D moves along the gradient of
    d_loss + lambda * gp, drawing noise then epsilon from the GAN's seed."""
    lr, lam = 0.05, 10.0
    gan = compiled(lr=lr, loss="wasserstein", gradient_penalty_weight=lam)
    ref = tiny_gan()
    ref.set_weights(gan.get_weights())
    real = points()
    seeds = keras.random.SeedGenerator(1)
    G, D = ref.generator, ref.discriminator
    z = keras.random.normal((16, LATENT), seed=seeds)
    fake = G(z)
    with tf.GradientTape() as tape:
        d_loss = tf.reduce_mean(D(fake)) - tf.reduce_mean(D(real))
        gp = tge.penalties.gradient_penalty(D, real, fake, seed=seeds)
        total = d_loss + lam * gp
    for v, g in zip(D.trainable_variables, tape.gradient(total, D.trainable_variables)):
        v.assign_sub(lr * g)

    history = gan.fit(real, batch_size=16, epochs=1, verbose=0, shuffle=False)
    assert history.history["d_loss"][0] == pytest.approx(float(d_loss), rel=1e-5)
    assert history.history["gp"][0] == pytest.approx(float(gp), rel=1e-5)
    for got, want in zip(gan.discriminator.get_weights(), D.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_r1_is_reported_and_weighted_by_gamma_over_two():
    gan = compiled(lr=0.0, r1_weight=4.0)
    real = points()
    expected = float(tge.penalties.r1_penalty(gan.discriminator, real))
    history = gan.fit(real, batch_size=16, epochs=1, verbose=0)
    assert history.history["r1"][0] == pytest.approx(expected, rel=1e-5)
    assert "gp" not in history.history


def test_r1_changes_the_discriminator_update():
    real = points()
    plain, with_r1 = compiled(), compiled(r1_weight=10.0)
    with_r1.set_weights(plain.get_weights())
    plain.fit(real, batch_size=16, epochs=1, verbose=0, shuffle=False)
    with_r1.fit(real, batch_size=16, epochs=1, verbose=0, shuffle=False)
    diffs = [
        np.abs(a - b).max()
        for a, b in zip(
            plain.discriminator.get_weights(), with_r1.discriminator.get_weights()
        )
    ]
    assert max(diffs) > 1e-4


def test_weight_clipping_bounds_only_the_discriminator():
    gan = compiled(lr=1.0, loss="wasserstein", clip_value=0.01)
    gan.fit(points(64), batch_size=16, epochs=1, verbose=0)
    for w in gan.discriminator.trainable_weights:
        assert np.abs(w.numpy()).max() <= 0.01 + 1e-7
    assert max(np.abs(w.numpy()).max() for w in gan.generator.trainable_weights) > 0.01


def test_regularizers_survive_saving(tmp_path):
    gan = compiled(
        gradient_penalty_weight=10.0, r1_weight=1.0, clip_value=0.5, loss="hinge"
    )
    gan.save(tmp_path / "reg.keras")
    loaded = keras.models.load_model(tmp_path / "reg.keras")
    assert loaded.gradient_penalty_weight == 10.0
    assert loaded.r1_weight == 1.0 and loaded.clip_value == 0.5
    history = loaded.fit(points(32), batch_size=16, epochs=1, verbose=0)
    assert {"gp", "r1"} <= set(history.history)


def test_evaluate_reports_only_the_adversarial_metrics():
    gan = compiled(gradient_penalty_weight=10.0)
    result = gan.evaluate(points(32), batch_size=16, verbose=0, return_dict=True)
    assert set(result) == {"d_loss", "g_loss", "real_score", "fake_score"}


def test_gradient_penalty_under_xla():
    gan = tiny_gan()
    gan.compile(
        keras.optimizers.Adam(1e-3),
        keras.optimizers.Adam(1e-3),
        loss="wasserstein",
        gradient_penalty_weight=10.0,
        jit_compile=True,
    )
    history = gan.fit(points(64), batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["gp"][0])


@pytest.mark.parametrize(
    "kwargs, received",
    [
        ({"gradient_penalty_weight": -1.0}, "gradient_penalty_weight=-1.0"),
        ({"r1_weight": float("nan")}, "r1_weight=nan"),
        ({"r1_weight": "10"}, "r1_weight='10'"),
        ({"clip_value": 0.0}, "clip_value=0.0"),
        ({"clip_value": -0.01}, "clip_value=-0.01"),
    ],
)
def test_bad_regularizer_arguments(kwargs, received):
    with pytest.raises(ValueError, match=f"Received: {received}"):
        compiled(**kwargs)


def test_label_smoothing_in_the_step():
    gan = compiled(lr=0.0, label_smoothing=0.2)
    real = points()
    history = gan.fit(real, batch_size=16, epochs=1, verbose=0)
    # With lr = 0 the weights do not move: recompute the first D loss.
    z = keras.random.normal((16, LATENT), seed=keras.random.SeedGenerator(1))
    expected = tge.losses.non_saturating_discriminator_loss(
        gan.discriminator(real),
        gan.discriminator(gan.generator(z)),
        label_smoothing=0.2,
    )
    assert history.history["d_loss"][0] == pytest.approx(float(expected), rel=1e-5)


def test_label_smoothing_needs_a_sigmoid_loss():
    with pytest.raises(ValueError, match=r"sigmoid losses.*loss='hinge'"):
        compiled(loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match=r"\[0, 1\).*label_smoothing=1.0"):
        compiled(label_smoothing=1.0)


def test_instance_noise_is_annealed_to_zero():
    gan = compiled(instance_noise=0.5, instance_noise_steps=8)
    assert float(gan.instance_noise_sigma()) == pytest.approx(0.5)
    gan.fit(points(64), batch_size=16, epochs=1, verbose=0)  # 4 G steps
    assert float(gan.instance_noise_sigma()) == pytest.approx(0.25)
    gan.fit(points(64), batch_size=16, epochs=2, verbose=0)
    assert float(gan.instance_noise_sigma()) == 0.0
    constant = compiled(instance_noise=0.3)
    constant.fit(points(64), batch_size=16, epochs=1, verbose=0)
    assert float(constant.instance_noise_sigma()) == pytest.approx(0.3)


def test_instance_noise_reaches_the_discriminator_only_in_training():
    seen = []

    class Recorder(keras.layers.Layer):
        def call(self, x):
            seen.append(x)
            return x

    inputs = keras.Input((2,))
    recorded = Recorder()(inputs)
    critic = keras.Model(inputs, keras.layers.Dense(1)(recorded))
    gan = tge.GAN(
        tge.networks.mlp_generator(LATENT, (2,), hidden_units=(8,)), critic, LATENT
    )
    gan.compile(
        keras.optimizers.SGD(0.0),
        keras.optimizers.SGD(0.0),
        instance_noise=1.0,
        run_eagerly=True,
    )
    real = points(16)
    seen.clear()
    gan.fit(real, batch_size=16, epochs=1, verbose=0, shuffle=False)
    # First D call of the step scores the real batch, plus noise of std 1.
    assert np.std(seen[0].numpy() - real) == pytest.approx(1.0, abs=0.35)
    seen.clear()
    gan.evaluate(real, batch_size=16, verbose=0)
    np.testing.assert_array_equal(seen[0].numpy(), real)


def test_new_options_survive_saving(tmp_path):
    gan = compiled(label_smoothing=0.1, instance_noise=0.2, instance_noise_steps=100)
    gan.save(tmp_path / "opts.keras")
    loaded = keras.models.load_model(tmp_path / "opts.keras")
    assert loaded.label_smoothing == pytest.approx(0.1)
    assert loaded.instance_noise == pytest.approx(0.2)
    assert loaded.instance_noise_steps == 100


def test_ema_generator_is_the_moving_average_of_the_generator():
    gan = compiled(lr=0.1, ema_decay=0.5)
    w0 = [w.numpy() for w in gan.generator.weights]
    for ema, w in zip(gan.ema_generator.weights, w0):
        np.testing.assert_array_equal(ema.numpy(), w)  # starts as a copy
    gan.fit(points(16), batch_size=16, epochs=1, verbose=0)  # one G step
    for ema, before, after in zip(gan.ema_generator.weights, w0, gan.generator.weights):
        np.testing.assert_allclose(
            ema.numpy(), 0.5 * before + 0.5 * after.numpy(), rtol=1e-6
        )
    # Sampling uses the averaged weights.
    assert gan.sampling_generator is gan.ema_generator
    z = np.random.default_rng(0).standard_normal((5, LATENT)).astype("float32")
    np.testing.assert_allclose(
        gan.generate(5, seed=0), gan.ema_generator(z, training=False), rtol=1e-6
    )


def test_ema_generator_is_saved_and_used_after_loading(tmp_path):
    gan = compiled(lr=0.1, ema_decay=0.9)
    gan.fit(points(64), batch_size=16, epochs=1, verbose=0)
    gan.save(tmp_path / "ema.keras")
    loaded = keras.models.load_model(tmp_path / "ema.keras")
    assert loaded.ema_decay == pytest.approx(0.9)
    for a, b in zip(gan.ema_generator.weights, loaded.ema_generator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(gan.generate(6, seed=2), loaded.generate(6, seed=2))
    assert not np.allclose(
        loaded.generate(6, seed=2),
        loaded.generator(
            np.random.default_rng(2).standard_normal((6, LATENT)).astype("float32")
        ),
    )


@pytest.mark.parametrize("decay", [0.0, 1.0, 1.5, -0.1])
def test_bad_ema_decay(decay):
    with pytest.raises(ValueError, match="ema_decay"):
        compiled(ema_decay=decay)


def image_gan(**kwargs):
    gan = tge.GAN(
        tge.networks.mlp_generator(LATENT, (8, 8, 1), hidden_units=(8,)),
        tge.networks.mlp_discriminator((8, 8, 1), hidden_units=(8,)),
        LATENT,
        seed=1,
    )
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0), **kwargs)
    return gan


def test_augment_transforms_what_the_discriminator_sees_in_training():
    images = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    plain = image_gan(jit_compile=False)
    augmented = image_gan(augment="translation,cutout", jit_compile=False)
    augmented.set_weights(plain.get_weights())
    h_plain = plain.fit(images, batch_size=16, epochs=1, verbose=0, shuffle=False)
    h_aug = augmented.fit(images, batch_size=16, epochs=1, verbose=0, shuffle=False)
    # Same weights (lr 0) and the real batch: only the augmentation differs.
    assert h_aug.history["real_score"][0] != pytest.approx(
        h_plain.history["real_score"][0], abs=1e-6
    )
    # Evaluation sees the images as they are.
    e_plain = plain.evaluate(images, batch_size=16, verbose=0, return_dict=True)
    e_aug = augmented.evaluate(images, batch_size=16, verbose=0, return_dict=True)
    assert e_aug["real_score"] == pytest.approx(e_plain["real_score"], rel=1e-6)


def test_augment_options_are_checked_and_saved(tmp_path):
    with pytest.raises(ValueError, match="Received: policy='zoom'"):
        image_gan(augment="zoom")
    with pytest.raises(ValueError, match=r"images.*Received: augment='color'"):
        compiled(augment="color")
    gan = image_gan(augment="color,translation")
    gan.save(tmp_path / "aug.keras")
    assert (
        keras.models.load_model(tmp_path / "aug.keras").augment == "color,translation"
    )
