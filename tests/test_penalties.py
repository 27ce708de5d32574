"""Critic regularizers against closed forms and a float64 finite-difference reference.

For a linear critic `D(x) = w . x + b` the input gradient is `w` everywhere,
so whatever the interpolation weights: GP = (‖w‖ - target)^2,
R1 = R2 = ‖w‖^2, d GP / dw = 2 (‖w‖ - 1) w / ‖w‖ and d R1 / dw = 2 w.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu import penalties

RNG = np.random.default_rng(0)


def _linear_critic(w, sample_shape=None):
    """`D(x) = w . flatten(x) + 0.3` as a Keras model with one Dense(1)."""
    w = np.asarray(w, "float32")
    sample_shape = sample_shape or (w.size,)
    layers = [keras.Input(sample_shape)]
    if len(sample_shape) > 1:
        layers.append(keras.layers.Flatten())
    dense = keras.layers.Dense(1)
    critic = keras.Sequential([*layers, dense])
    dense.set_weights([w.reshape(-1, 1), np.array([0.3], "float32")])
    return critic


class Recorder(keras.Model):
    """Wraps a critic and remembers the inputs and `training` it was called with."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.seen, self.training_flags = [], []

    def call(self, x, training=None):
        self.seen.append(np.array(x))
        self.training_flags.append(training)
        return self.inner(x, training=training)


def _pair(shape):
    return (
        RNG.normal(size=shape).astype("float32"),
        RNG.normal(size=shape).astype("float32"),
    )


# --- closed forms for a linear critic --------------------------------------


@pytest.mark.parametrize(
    "w", [[3.0, 4.0], [0.3, -0.4], [0.6, 0.8]], ids=["norm5", "norm0.5", "norm1"]
)
def test_linear_critic_closed_forms(w):
    critic, norm = _linear_critic(w), np.linalg.norm(w)
    real, fake = _pair((16, 2))
    gp = penalties.gradient_penalty(critic, real, fake, seed=1)
    assert gp.shape == () and gp.dtype == "float32"
    assert float(gp) == pytest.approx((norm - 1.0) ** 2, abs=1e-5)
    assert float(penalties.r1_penalty(critic, real)) == pytest.approx(norm**2, rel=1e-6)
    assert float(penalties.r2_penalty(critic, fake)) == pytest.approx(norm**2, rel=1e-6)


@pytest.mark.parametrize("target", [0.0, 2.0, 7.5])
def test_target_is_respected(target):
    critic = _linear_critic([3.0, 4.0])
    real, fake = _pair((8, 2))
    gp = penalties.gradient_penalty(critic, real, fake, seed=0, target=target)
    assert float(gp) == pytest.approx((5.0 - target) ** 2, rel=1e-5)


@pytest.mark.parametrize("w, expected", [([0.3, 0.4], 0.0), ([3.0, 4.0], 16.0)])
def test_one_sided_penalizes_only_norms_above_target(w, expected):
    critic = _linear_critic(w)
    real, fake = _pair((8, 2))
    gp = penalties.gradient_penalty(critic, real, fake, seed=0, one_sided=True)
    assert float(gp) == pytest.approx(expected, abs=1e-6)


def test_image_shaped_inputs_and_patch_outputs():
    w = RNG.normal(size=(4, 4, 2)).astype("float32")
    norm = float(np.linalg.norm(w))
    critic = _linear_critic(w, sample_shape=(4, 4, 2))
    real, fake = _pair((6, 4, 4, 2))
    gp = penalties.gradient_penalty(critic, real, fake, seed=3)
    assert float(gp) == pytest.approx((norm - 1.0) ** 2, rel=1e-5)
    assert float(penalties.r1_penalty(critic, real)) == pytest.approx(norm**2, rel=1e-5)
    assert float(penalties.r2_penalty(critic, fake)) == pytest.approx(norm**2, rel=1e-5)

    # A patch critic (one 1x1-conv score per pixel) is summed over its patch:
    # D(x) = sum_pixels k . x[h, w], so ∇D = k at every pixel.
    k = np.array([0.5, -1.5], "float32")
    conv = keras.layers.Conv2D(1, 1, use_bias=False)
    patch = keras.Sequential([keras.Input((4, 4, 2)), conv])
    conv.set_weights([k.reshape(1, 1, 2, 1)])
    expected_sq = 16 * float(k @ k)
    gp = penalties.gradient_penalty(patch, real, fake, seed=3)
    assert float(gp) == pytest.approx((np.sqrt(expected_sq) - 1) ** 2, rel=1e-5)
    assert float(penalties.r1_penalty(patch, real)) == pytest.approx(
        expected_sq, rel=1e-5
    )


def test_conditional_critic_with_labels():
    n_classes, w, v = 3, np.array([0.6, 1.2], "float32"), [5.0, -2.0, 9.0]
    x = keras.Input((2,))
    y = keras.Input((), dtype="int32")
    onehot = keras.layers.CategoryEncoding(n_classes, output_mode="one_hot")(y)
    dense = keras.layers.Dense(1)
    critic = keras.Model([x, y], dense(keras.layers.Concatenate()([x, onehot])))
    dense.set_weights([np.r_[w, v].reshape(-1, 1).astype("float32"), np.zeros(1)])

    real, fake = _pair((9, 2))
    labels = np.arange(9) % n_classes
    norm = float(np.linalg.norm(w))
    gp = penalties.gradient_penalty(critic, real, fake, seed=0, labels=labels)
    assert float(gp) == pytest.approx((norm - 1) ** 2, rel=1e-5)
    assert float(penalties.r1_penalty(critic, real, labels=labels)) == pytest.approx(
        norm**2, rel=1e-5
    )
    assert float(penalties.r2_penalty(critic, fake, labels=labels)) == pytest.approx(
        norm**2, rel=1e-5
    )


# --- the interpolation weights -----------------------------------------------


@pytest.mark.parametrize("shape", [(2000, 2), (200, 3, 3, 2)])
def test_interpolates_uniformly_on_the_segment_per_example(shape):
    """x̂ = eps real + (1 - eps) fake with one eps ~ U[0, 1] per example.

    The WGAN-GP bug this guards against drew eps from a normal, which puts
    ~2/3 of the points outside the segment between real and fake.
    """
    critic = Recorder(_linear_critic(np.ones(shape[1:]), sample_shape=shape[1:]))
    real, fake = _pair(shape)
    penalties.gradient_penalty(critic, real, fake, seed=7)
    (x_hat,) = critic.seen
    n = shape[0]
    diff, off = (real - fake).reshape(n, -1), (x_hat - fake).reshape(n, -1)
    eps = np.sum(off * diff, axis=1) / np.sum(diff * diff, axis=1)
    # Every example lies on its own segment, with one weight for all its axes.
    np.testing.assert_allclose(off, eps[:, None] * diff, atol=1e-5)
    assert eps.min() >= 0.0 and eps.max() <= 1.0
    assert len(np.unique(np.round(eps, 6))) > 0.99 * n  # one draw per example
    assert abs(eps.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    assert abs(eps.var() - 1 / 12) < 0.015


def test_seed_controls_the_draw():
    critic = Recorder(_linear_critic([1.0, 1.0]))
    real, fake = _pair((32, 2))
    for seed in (5, 5, 6):
        penalties.gradient_penalty(critic, real, fake, seed=seed)
    first, again, other = critic.seen
    np.testing.assert_array_equal(first, again)  # an int seed repeats its draw
    assert not np.allclose(first, other)

    critic.seen.clear()
    generator = keras.random.SeedGenerator(5)
    penalties.gradient_penalty(critic, real, fake, seed=generator)
    penalties.gradient_penalty(critic, real, fake, seed=generator)
    replay = keras.random.SeedGenerator(5)
    penalties.gradient_penalty(critic, real, fake, seed=replay)
    step1, step2, replayed = critic.seen
    assert not np.allclose(step1, step2)  # a SeedGenerator advances every call
    np.testing.assert_array_equal(step1, replayed)


def test_critic_is_called_in_training_mode():
    critic = Recorder(_linear_critic([1.0, 1.0]))
    real, fake = _pair((4, 2))
    penalties.gradient_penalty(critic, real, fake, seed=0)
    penalties.r1_penalty(critic, real)
    penalties.r2_penalty(critic, fake)
    assert critic.training_flags == [True, True, True]


# --- the epsilon inside the square root --------------------------------------


def test_zero_gradient_critic_has_finite_weight_gradients():
    """With ‖∇D‖ = 0, sqrt(sum g^2) has an infinite derivative; the epsilon
    inside the root keeps d GP / dw finite (and GP = target^2)."""
    critic = _linear_critic([0.0, 0.0])
    real, fake = _pair((8, 2))
    with tf.GradientTape() as tape:
        gp = penalties.gradient_penalty(critic, real, fake, seed=0)
    assert float(gp) == pytest.approx(1.0, abs=1e-5)
    grads = tape.gradient(gp, critic.trainable_weights)
    assert all(np.all(np.isfinite(g)) for g in grads if g is not None)
    kernel_grad = grads[0]
    np.testing.assert_allclose(kernel_grad, 0.0, atol=1e-6)

    with tf.GradientTape() as tape:
        r1 = penalties.r1_penalty(critic, real)
    assert float(r1) == 0.0
    assert np.all(np.isfinite(tape.gradient(r1, critic.trainable_weights[0])))


# --- gradients reach the critic's weights ------------------------------------


def test_gradients_flow_to_the_critic_weights():
    w = np.array([1.5, -2.0, 0.5], "float32")
    norm = float(np.linalg.norm(w))
    critic = _linear_critic(w)
    kernel = critic.layers[-1].kernel
    real, fake = _pair((8, 3))
    with tf.GradientTape(persistent=True) as tape:
        gp = penalties.gradient_penalty(critic, real, fake, seed=0)
        one_sided = penalties.gradient_penalty(
            critic, real, fake, seed=0, one_sided=True
        )
        r1 = penalties.r1_penalty(critic, real)
        r2 = penalties.r2_penalty(critic, fake)
    expected_gp = 2 * (norm - 1) * w / norm
    np.testing.assert_allclose(tape.gradient(gp, kernel)[:, 0], expected_gp, rtol=1e-5)
    np.testing.assert_allclose(
        tape.gradient(one_sided, kernel)[:, 0], expected_gp, rtol=1e-5
    )
    np.testing.assert_allclose(tape.gradient(r1, kernel)[:, 0], 2 * w, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(r2, kernel)[:, 0], 2 * w, rtol=1e-6)


def test_inside_tf_function_with_unknown_batch_and_xla():
    critic = _linear_critic([3.0, 4.0])
    generator = keras.random.SeedGenerator(0)
    spec = tf.TensorSpec((None, 2), "float32")

    @tf.function(input_signature=[spec, spec], jit_compile=True)
    def step(real, fake):
        with tf.GradientTape() as tape:
            gp = penalties.gradient_penalty(critic, real, fake, seed=generator)
        return gp, tape.gradient(gp, critic.trainable_weights[0])

    real, fake = _pair((5, 2))
    gp, grad = step(real, fake)
    assert float(gp) == pytest.approx(16.0, rel=1e-5)
    np.testing.assert_allclose(grad[:, 0], 2 * 4 * np.array([3, 4]) / 5, rtol=1e-5)


# --- a nonlinear critic against a float64 finite-difference reference --------


def test_nonlinear_critic_matches_finite_differences():
    mlp = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(8, activation="softplus"),
            keras.layers.Dense(1),
        ]
    )
    params = [p.astype("float64") for p in mlp.get_weights()]

    def d64(x):  # the same network in float64 NumPy
        (k1, b1, k2, b2, k3, b3) = params
        h = np.tanh(x @ k1 + b1)
        h = np.logaddexp(0.0, h @ k2 + b2)
        return (h @ k3 + b3)[..., 0]

    def grad_fd(x, h=1e-6):  # central differences, one input axis at a time
        steps = np.eye(x.shape[1]) * h
        return np.stack([(d64(x + s) - d64(x - s)) / (2 * h) for s in steps], axis=1)

    critic = Recorder(mlp)
    real, fake = _pair((12, 3))
    gp = penalties.gradient_penalty(critic, real * 2, fake, seed=4)
    r1 = penalties.r1_penalty(critic, real)
    x_hat = critic.seen[0].astype("float64")

    norms = np.linalg.norm(grad_fd(x_hat), axis=1)
    assert norms.std() > 0.05  # the gradient really varies with the input
    assert float(gp) == pytest.approx(np.mean((norms - 1) ** 2), rel=1e-4)
    r1_ref = np.mean(np.sum(grad_fd(real.astype("float64")) ** 2, axis=1))
    assert float(r1) == pytest.approx(r1_ref, rel=1e-4)


# --- clip_weights --------------------------------------------------------------


def _clip_model():
    dense = keras.layers.Dense(3)
    model = keras.Sequential([keras.Input((4,)), dense])
    dense.set_weights(
        [np.linspace(-2, 2, 12).reshape(4, 3).astype("float32"), np.full(3, 0.005)]
    )
    return model


def test_clip_weights_in_place_eagerly():
    model = _clip_model()
    kernel = model.layers[0].kernel
    before = [w.copy() for w in model.get_weights()]
    assert penalties.clip_weights(model, 0.01) is None
    assert model.layers[0].kernel is kernel
    for got, old in zip(model.get_weights(), before):
        np.testing.assert_allclose(got, np.clip(old, -0.01, 0.01))


def test_clip_weights_inside_tf_function():
    model = _clip_model()
    before = [w.copy() for w in model.get_weights()]

    @tf.function
    def clip():
        penalties.clip_weights(model, 0.5)

    clip()
    for got, old in zip(model.get_weights(), before):
        np.testing.assert_allclose(got, np.clip(old, -0.5, 0.5))


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf"), True, "0.01"])
def test_clip_weights_rejects_bad_clip_value(bad):
    with pytest.raises(ValueError, match="Received: clip_value="):
        penalties.clip_weights(_clip_model(), bad)


def test_clip_weights_rejects_a_non_model():
    with pytest.raises(TypeError, match="Received: model="):
        penalties.clip_weights([tf.Variable(1.0)], 0.01)


# --- bad inputs ----------------------------------------------------------------


def test_shape_mismatch():
    critic = _linear_critic([1.0, 1.0])
    with pytest.raises(ValueError, match=r"same shape.*Received: real.shape=\(4, 2\)"):
        penalties.gradient_penalty(critic, np.zeros((4, 2)), np.zeros((3, 2)))


@pytest.mark.parametrize("target", [-1.0, float("nan"), "1", None, True])
def test_bad_target(target):
    critic = _linear_critic([1.0, 1.0])
    with pytest.raises(ValueError, match="Received: target="):
        penalties.gradient_penalty(
            critic, np.zeros((4, 2)), np.zeros((4, 2)), target=target
        )


def test_samples_need_a_sample_axis():
    critic = _linear_critic([1.0])
    with pytest.raises(ValueError, match=r"Received: real.shape=\(4,\)"):
        penalties.gradient_penalty(critic, np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match=r"Received: fake.shape=\(4,\)"):
        penalties.r2_penalty(critic, np.zeros(4))


def test_one_label_per_example():
    critic = _linear_critic([1.0, 1.0])
    with pytest.raises(ValueError, match=r"one label per example.*labels.shape=\(3,\)"):
        penalties.r1_penalty(critic, np.zeros((4, 2)), labels=np.zeros(3, "int32"))
