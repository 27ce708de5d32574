"""Loss families against hand-computed golden values and float64 references."""

import keras
import numpy as np
import pytest

from tfgan_edu import losses

FAMILY_NAMES = ["minimax", "non_saturating", "wasserstein", "least_squares", "hinge"]


def _softplus64(x):
    return np.logaddexp(0.0, x)


# float64 NumPy references, written from the formulas in the issue.
REFERENCE_G = {
    "minimax": lambda f: -np.mean(_softplus64(f)),
    "non_saturating": lambda f: np.mean(_softplus64(-f)),
    "wasserstein": lambda f: -np.mean(f),
    "least_squares": lambda f: 0.5 * np.mean((f - 1.0) ** 2),
    "hinge": lambda f: -np.mean(f),
}
REFERENCE_D = {
    "minimax": lambda r, f: np.mean(_softplus64(-r)) + np.mean(_softplus64(f)),
    "non_saturating": lambda r, f: np.mean(_softplus64(-r)) + np.mean(_softplus64(f)),
    "wasserstein": lambda r, f: np.mean(f) - np.mean(r),
    "least_squares": lambda r, f: 0.5 * (np.mean((r - 1.0) ** 2) + np.mean(f**2)),
    "hinge": lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)),
}

# Golden values computed by hand for real = [1, -2], fake = [0, 3].
# sp(-1)=0.313262, sp(2)=2.126928, sp(0)=log 2=0.693147, sp(3)=3.048587,
# sp(-3)=0.048587.
GOLDEN = {
    # G: -(sp(0)+sp(3))/2 ; D: (sp(-1)+sp(2))/2 + (sp(0)+sp(3))/2
    "minimax": (-1.870867, 1.220095 + 1.870867),
    # G: (sp(0)+sp(-3))/2
    "non_saturating": (0.370867, 1.220095 + 1.870867),
    # G: -(0+3)/2 ; D: 1.5 - (-0.5)
    "wasserstein": (-1.5, 2.0),
    # G: 0.5*((0-1)^2+(3-1)^2)/2 = 1.25 ; D: 0.5*((0+9)/2 + (0+9)/2) = 4.5
    "least_squares": (1.25, 4.5),
    # G: -1.5 ; D: (relu(0)+relu(3))/2 + (relu(1)+relu(4))/2 = 1.5 + 2.5
    "hinge": (-1.5, 4.0),
}


def _fns(name):
    return (
        getattr(losses, f"{name}_generator_loss"),
        getattr(losses, f"{name}_discriminator_loss"),
    )


@pytest.mark.parametrize("name", FAMILY_NAMES)
class TestEveryFamily:
    """The same cases for every loss family (the TF-GAN test-mixin idea)."""

    def test_golden_values(self, name):
        g_fn, d_fn = _fns(name)
        real, fake = np.array([1.0, -2.0]), np.array([0.0, 3.0])
        g_expected, d_expected = GOLDEN[name]
        assert float(g_fn(fake)) == pytest.approx(g_expected, abs=1e-5)
        assert float(d_fn(real, fake)) == pytest.approx(d_expected, abs=1e-5)

    def test_matches_float64_reference(self, name):
        g_fn, d_fn = _fns(name)
        rng = np.random.default_rng(1)
        real, fake = rng.normal(0, 3, 64), rng.normal(0, 3, 64)
        np.testing.assert_allclose(
            float(g_fn(real.astype("float32"))), REFERENCE_G[name](real), rtol=1e-5
        )
        np.testing.assert_allclose(
            float(d_fn(real.astype("float32"), fake.astype("float32"))),
            REFERENCE_D[name](real, fake),
            rtol=1e-5,
        )

    @pytest.mark.parametrize("shape", [(6,), (6, 1), (6, 4, 4, 1)])
    def test_scalar_for_any_logit_shape(self, name, shape):
        g_fn, d_fn = _fns(name)
        rng = np.random.default_rng(2)
        real = rng.normal(size=shape).astype("float32")
        fake = rng.normal(size=shape).astype("float32")
        g, d = g_fn(fake), d_fn(real, fake)
        assert tuple(g.shape) == () and tuple(d.shape) == ()
        assert g.dtype == "float32" and d.dtype == "float32"
        # A patch-shaped loss is the mean over every patch of every example.
        np.testing.assert_allclose(
            float(d), REFERENCE_D[name](real.ravel(), fake.ravel()), rtol=1e-5
        )

    def test_finite_for_extreme_logits(self, name):
        g_fn, d_fn = _fns(name)
        extreme = np.array([-100.0, 100.0], "float32")
        for r in (extreme, -extreme):
            assert np.isfinite(float(g_fn(r)))
            assert np.isfinite(float(d_fn(r, -r)))

    def test_gradients_are_finite(self, name):
        import tensorflow as tf

        g_fn, d_fn = _fns(name)
        x = tf.Variable([-100.0, -1.0, 0.0, 1.0, 100.0])
        with tf.GradientTape(persistent=True) as tape:
            g, d = g_fn(x), d_fn(x, x)
        assert np.all(np.isfinite(tape.gradient(g, x).numpy()))
        assert np.all(np.isfinite(tape.gradient(d, x).numpy()))

    def test_registered_for_saving(self, name):
        g_fn, d_fn = _fns(name)
        for fn in (g_fn, d_fn):
            restored = keras.saving.deserialize_keras_object(
                keras.saving.serialize_keras_object(fn)
            )
            assert restored is fn


def test_sigmoid_losses_match_keras_binary_crossentropy():
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    rng = np.random.default_rng(3)
    real = rng.normal(size=(32, 1)).astype("float32")
    fake = rng.normal(size=(32, 1)).astype("float32")
    expected_d = float(bce(np.ones_like(real), real)) + float(
        bce(np.zeros_like(fake), fake)
    )
    assert float(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(
        expected_d, rel=1e-5
    )
    assert float(losses.non_saturating_generator_loss(fake)) == pytest.approx(
        float(bce(np.ones_like(fake), fake)), rel=1e-5
    )
    assert float(losses.minimax_generator_loss(fake)) == pytest.approx(
        -float(bce(np.zeros_like(fake), fake)), rel=1e-5
    )


def test_saturating_gradient_vanishes_where_non_saturating_does_not():
    """When D confidently rejects a fake (f = -10), the minimax generator
    gradient d/df[-sp(f)] = -sigmoid(f) is ~4.5e-5 while the non-saturating
    one d/df[sp(-f)] = -sigmoid(-f) is ~-1."""
    import tensorflow as tf

    f = tf.Variable([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        sat = losses.minimax_generator_loss(f)
        nonsat = losses.non_saturating_generator_loss(f)
    sigmoid = 1.0 / (1.0 + np.exp(10.0))
    assert float(tape.gradient(sat, f)[0]) == pytest.approx(-sigmoid, rel=1e-4)
    assert float(tape.gradient(nonsat, f)[0]) == pytest.approx(-(1 - sigmoid), rel=1e-4)


class TestGet:
    def test_names(self):
        for name in FAMILY_NAMES:
            family = losses.get(name)
            assert family.name == name
            assert family.probabilistic == (name in ("minimax", "non_saturating"))

    def test_pair_of_known_functions_is_recognised(self):
        pair = (losses.hinge_generator_loss, losses.hinge_discriminator_loss)
        assert losses.get(pair) is losses.FAMILIES["hinge"]

    def test_custom_pair(self):
        def g(f):
            return -keras.ops.mean(f)

        def d(r, f):
            return keras.ops.mean(f - r)

        family = losses.get((g, d))
        assert family.name == "custom" and not family.probabilistic
        assert family.generator_loss is g and family.discriminator_loss is d

    def test_unknown_name_lists_the_families(self):
        with pytest.raises(ValueError, match=r"hinge.*Received: loss='vanilla'"):
            losses.get("vanilla")

    @pytest.mark.parametrize("bad", [3, (losses.hinge_generator_loss,), ("a", "b")])
    def test_bad_identifier(self, bad):
        with pytest.raises(ValueError, match="Received: loss="):
            losses.get(bad)


@pytest.mark.parametrize("name", ["minimax", "non_saturating"])
def test_one_sided_label_smoothing(name):
    _, d_fn = _fns(name)
    real, fake = np.array([1.0, -2.0]), np.array([0.0, 3.0])
    a = 0.1
    # Real target 1 - a: cross-entropy (1-a)*sp(-r) + a*sp(r); fakes unchanged.
    expected = np.mean((1 - a) * _softplus64(-real) + a * _softplus64(real)) + np.mean(
        _softplus64(fake)
    )
    assert float(d_fn(real, fake, label_smoothing=a)) == pytest.approx(
        expected, rel=1e-5
    )
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    keras_value = float(bce(np.full((2, 1), 1 - a), real[:, None])) + float(
        bce(np.zeros((2, 1)), fake[:, None])
    )
    assert float(d_fn(real, fake, label_smoothing=a)) == pytest.approx(
        keras_value, rel=1e-5
    )


def test_auxiliary_classifier_loss_against_a_float64_log_softmax():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean(log_probs[np.arange(6), labels])
    got = float(losses.auxiliary_classifier_loss(logits.astype("float32"), labels))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # Confident and right: ~0; uniform logits: log K.
    confident = 50.0 * np.eye(4, dtype="float32")
    assert float(losses.auxiliary_classifier_loss(confident, np.arange(4))) < 1e-6
    uniform = np.zeros((3, 4), "float32")
    np.testing.assert_allclose(
        float(losses.auxiliary_classifier_loss(uniform, [0, 1, 2])),
        np.log(4),
        rtol=1e-6,
    )


def test_serialize_round_trip_for_built_in_and_custom_families():
    for name in FAMILY_NAMES:
        assert (
            losses.get(losses.deserialize(losses.serialize(losses.get(name)))).name
            == name
        )
    custom = losses.get(
        (losses.hinge_generator_loss, losses.wasserstein_discriminator_loss)
    )
    config = losses.serialize(custom)
    assert isinstance(config, list) and len(config) == 2
    restored = losses.get(losses.deserialize(config))
    assert restored.generator_loss is losses.hinge_generator_loss
    assert restored.discriminator_loss is losses.wasserstein_discriminator_loss
