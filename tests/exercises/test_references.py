"""The exercises' references against independent computations (float64, closed forms)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
import tfgan_edu_solutions
from scipy import integrate, special, stats

import tfgan_edu as tge

ref = tfgan_edu_solutions.reference


def _np(x):
    return np.asarray(x, dtype=np.float64)


def test_minimax_losses_match_cross_entropy_and_the_package():
    r = np.array([2.0, -120.0, 0.3], np.float32)
    f = np.array([120.0, -1.0, 0.0, 4.0], np.float32)
    # -mean(log sigmoid(r)) - mean(log(1 - sigmoid(f))), in float64 with logaddexp.
    expected = np.mean(np.logaddexp(0, -_np(r))) + np.mean(np.logaddexp(0, _np(f)))
    assert float(ref("minimax_discriminator_loss")(r, f)) == pytest.approx(
        expected, rel=1e-6
    )
    assert float(ref("minimax_discriminator_loss")(r, f)) == pytest.approx(
        float(tge.losses.minimax_discriminator_loss(r, f)), rel=1e-6
    )
    g_expected = np.mean(np.logaddexp(0, -_np(f)))
    assert float(ref("non_saturating_generator_loss")(f)) == pytest.approx(
        g_expected, rel=1e-6
    )


def test_optimal_discriminator_maximizes_the_pointwise_value():
    a, b = np.array([0.2, 1.0, 3.0]), np.array([0.6, 1.0, 0.5])
    y = np.linspace(1e-4, 1 - 1e-4, 200_001)
    best = y[np.argmax(a[:, None] * np.log(y) + b[:, None] * np.log(1 - y), axis=1)]
    np.testing.assert_allclose(ref("optimal_discriminator")(a, b), best, atol=1e-4)


def _numpy_mlp(weights, x):
    w1, b1, w2, b2 = weights
    return np.tanh(x @ w1 + b1) @ w2 + b2


def _finite_difference(loss, weights, h=1e-6):
    grads = []
    for i, w in enumerate(weights):
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            shifted = [v.copy() for v in weights]
            shifted[i][index] += h
            up = loss(shifted)
            shifted[i][index] -= 2 * h
            grad[index] = (up - loss(shifted)) / (2 * h)
        grads.append(grad)
    return grads


def test_train_step_is_sgd_on_the_two_losses_in_float64():
    from tfgan_edu.exercises.minimax import _step_inputs

    inputs = _step_inputs(0)()
    model = inputs["self"]
    g_weights = [_np(w) for w in model.generator.get_weights()]
    d_weights = [_np(w) for w in model.discriminator.get_weights()]
    real = _np(inputs["real"])
    seed = keras.random.SeedGenerator(0)  # the case's seed: the same two draws
    z_d, z_g = (_np(keras.random.normal((16, 4), seed=seed)) for _ in range(2))

    def d_loss(d):
        fake = _numpy_mlp(g_weights, z_d)
        return np.mean(np.logaddexp(0, -_numpy_mlp(d, real))) + np.mean(
            np.logaddexp(0, _numpy_mlp(d, fake))
        )

    d_new = [
        w - 0.1 * g for w, g in zip(d_weights, _finite_difference(d_loss, d_weights))
    ]

    def g_loss(g):
        return np.mean(np.logaddexp(0, -_numpy_mlp(d_new, _numpy_mlp(g, z_g))))

    g_new = [
        w - 0.05 * g for w, g in zip(g_weights, _finite_difference(g_loss, g_weights))
    ]
    expected_losses = (d_loss(d_weights), g_loss(g_weights))

    logs = ref("train_step")(*inputs.values())
    losses = [float(logs["d_loss"]), float(logs["g_loss"])]
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-5)
    for got, want in zip(model.discriminator.get_weights(), d_new):
        np.testing.assert_allclose(got, want, atol=1e-5)
    for got, want in zip(model.generator.get_weights(), g_new):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_train_step_reference_is_the_step_chapter_1_shows():
    from tfgan_edu.exercises.minimax import _step_inputs

    ours, chapters = _step_inputs(7, 0.2, 0.1)(), _step_inputs(7, 0.2, 0.1)()
    logs = ref("train_step")(*ours.values())
    shown = chapters["self"].train_step(chapters["real"])
    for key in ("d_loss", "g_loss"):
        assert float(logs[key]) == pytest.approx(float(shown[key]), rel=1e-6)
    for player in ("generator", "discriminator"):
        a = getattr(ours["self"], player).get_weights()
        b = getattr(chapters["self"], player).get_weights()
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)


def _same_layers_same_outputs(mine, theirs, probe, training):
    assert [tuple(w.shape) for w in mine.weights] == [
        tuple(w.shape) for w in theirs.weights
    ]
    rng = np.random.default_rng(0)
    for a, b in zip(mine.weights, theirs.weights):
        value = rng.normal(0.0, 0.2, size=a.shape).astype(np.float32)
        a.assign(value)
        b.assign(value)
    np.testing.assert_allclose(
        mine(probe, training=training),
        theirs(probe, training=training),
        rtol=1e-5,
        atol=1e-5,
    )


def test_mlp_references_are_the_networks_chapter_1_shows():
    from tfgan_edu.experiments import hand_written

    probe = np.random.default_rng(1).normal(size=(8, 4)).astype(np.float32)
    _same_layers_same_outputs(
        ref("mlp_generator")(4, 16, 2),
        hand_written.mlp_generator(4, hidden_units=16, output_dim=2),
        probe,
        training=False,
    )
    _same_layers_same_outputs(
        ref("mlp_discriminator")(2, 16),
        hand_written.mlp_discriminator(2, hidden_units=16),
        probe[:, :2],
        training=False,
    )
    # and the discriminator's slope is 0.2: a NumPy forward pass
    d = ref("mlp_discriminator")(2, 16)
    w = d.get_weights()
    h = probe[:, :2]
    for kernel, bias in zip(w[0:4:2], w[1:4:2]):
        h = h @ kernel + bias
        h = np.where(h > 0, h, 0.2 * h)
    np.testing.assert_allclose(d(probe[:, :2]), h @ w[4] + w[5], rtol=1e-5, atol=1e-6)


def test_slerp_keeps_equal_norms_and_moves_at_constant_angular_speed():
    rng = np.random.default_rng(0)
    z0, z1 = rng.normal(size=8), rng.normal(size=8)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    t = np.linspace(0, 1, 11)
    path = ref("slerp")(z0, z1, t)
    np.testing.assert_allclose(
        np.linalg.norm(path, axis=1), np.linalg.norm(z0), rtol=1e-12
    )
    np.testing.assert_allclose(path[[0, -1]], [z0, z1], atol=1e-12)
    unit = path / np.linalg.norm(path, axis=1, keepdims=True)
    steps = np.arccos(np.clip(np.sum(unit[1:] * unit[:-1], axis=1), -1, 1))
    np.testing.assert_allclose(steps, steps[0], rtol=1e-6)


def test_projection_logit_is_a_per_example_loop():
    rng = np.random.default_rng(0)
    phi, labels = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    w, b, v = rng.normal(size=4), 0.7, rng.normal(size=(3, 4))
    expected = [phi[i] @ w + b + v[labels[i]] @ phi[i] for i in range(5)]
    got = ref("projection_logit")(phi, labels, w, b, v)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_frechet_distance_matches_the_package_and_closed_forms():
    rng = np.random.default_rng(1)
    a, b = (
        rng.normal(size=(400, 5)),
        rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5)),
    )
    stats_a = (a.mean(0), np.cov(a, rowvar=False))
    stats_b = (b.mean(0), np.cov(b, rowvar=False))
    assert ref("frechet_distance")(*stats_a, *stats_b) == pytest.approx(
        tge.metrics.frechet_distance(a, b), rel=1e-8
    )
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2.
    assert ref("frechet_distance")(
        np.array([1.0]), np.array([[4.0]]), np.array([-1.0]), np.array([[9.0]])
    ) == pytest.approx(4.0 + 1.0)


def test_inception_score_closed_forms_and_a_loop():
    k = 6
    assert ref("inception_score")(np.eye(k)) == pytest.approx(k)
    assert ref("inception_score")(np.full((3, k), 1 / k)) == pytest.approx(1.0)
    probs = special.softmax(np.random.default_rng(2).normal(size=(20, k)), axis=1)
    marginal = probs.mean(0)
    kl = [stats.entropy(p, marginal) for p in probs]  # SciPy's KL(p || q)
    assert ref("inception_score")(probs) == pytest.approx(
        np.exp(np.mean(kl)), rel=1e-10
    )


def test_mode_coverage_matches_the_package():
    samples = tge.data.toy2d.sample("ring", n=2000, seed=0)
    samples = np.concatenate(
        [samples[:300], samples[300:] * 0 + samples[0], [[9.0, 9.0]]]
    )
    centres, sigma = tge.data.toy2d.modes("ring"), tge.data.toy2d.sigma("ring")
    package = tge.metrics.mode_coverage(samples, (centres, sigma))
    modes, high_quality = ref("mode_coverage")(samples, centres, sigma)
    assert modes == package["modes"]
    assert high_quality == pytest.approx(package["high_quality"])


def test_reparameterized_samples_have_the_encoder_moments():
    mean, log_var = np.array([[1.0, -2.0]]), np.array([[np.log(4.0), np.log(0.25)]])
    eps = np.random.default_rng(3).normal(size=(200_000, 2))
    z = _np(ref("reparameterize")(mean, log_var, eps))
    np.testing.assert_allclose(z.mean(0), [1.0, -2.0], atol=0.01)
    np.testing.assert_allclose(z.std(0), [2.0, 0.5], rtol=0.01)


def test_gaussian_kl_matches_numerical_integration():
    mean, log_var = np.array([[0.7, -1.2]]), np.array([[0.5, -1.0]])
    expected = 0.0
    for m, lv in zip(mean[0], log_var[0]):
        q = stats.norm(m, np.exp(0.5 * lv))
        expected += integrate.quad(
            lambda x, q=q: q.pdf(x) * (q.logpdf(x) - stats.norm.logpdf(x)), -30, 30
        )[0]
    got = _np(ref("gaussian_kl")(mean, log_var))
    assert got.shape == (1,)
    assert got[0] == pytest.approx(expected, rel=1e-6)


def test_interpolation_weights_are_per_example_and_uniform():
    real, fake = tf.ones((5000, 2, 2, 1)), tf.zeros((5000, 2, 2, 1))
    x_hat = _np(ref("interpolate")(real, fake, 0))
    eps = x_hat.reshape(5000, -1)
    np.testing.assert_array_equal(eps, eps[:, :1].repeat(4, axis=1))
    assert stats.kstest(eps[:, 0], "uniform").pvalue > 0.01


def _linear_critic(weights):
    return keras.Sequential(
        [
            keras.Input((len(weights),)),
            keras.layers.Dense(
                1,
                kernel_initializer=keras.initializers.Constant(
                    np.reshape(weights, (-1, 1))
                ),
            ),
        ]
    )


def test_gradient_penalty_closed_form_for_a_linear_critic():
    critic = _linear_critic([3.0, 4.0])  # ||grad D|| = 5 everywhere
    real, fake = tf.random.normal((6, 2)), tf.random.normal((6, 2))
    eps = tf.random.uniform((6,))
    assert float(ref("gradient_penalty")(critic, real, fake, eps)) == pytest.approx(
        16.0, rel=1e-6
    )
    # The package's penalty (with its own uniform draw) agrees: eps does not matter here.
    assert float(
        tge.penalties.gradient_penalty(critic, real, fake, seed=0)
    ) == pytest.approx(16.0)


def test_gradient_penalty_weight_gradient_is_finite_at_a_zero_input_gradient():
    critic = _linear_critic([0.0, 0.0])
    with tf.GradientTape() as tape:
        gp = ref("gradient_penalty")(
            critic, tf.ones((3, 2)), tf.zeros((3, 2)), tf.ones((3,))
        )
    grads = tape.gradient(gp, critic.trainable_variables)
    assert np.all(np.isfinite(grads[0].numpy()))


def test_r1_penalty_matches_the_package_and_a_linear_closed_form():
    assert float(
        ref("r1_penalty")(_linear_critic([1.0, 2.0]), tf.zeros((4, 2)))
    ) == pytest.approx(5.0)
    critic = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    real = tf.random.normal((8, 3))
    assert float(ref("r1_penalty")(critic, real)) == pytest.approx(
        float(tge.penalties.r1_penalty(critic, real)), rel=1e-6
    )


def test_spectral_normalization_converges_to_the_svd():
    rng = np.random.default_rng(4)
    kernel = rng.normal(size=(3, 3, 2, 5))
    u = rng.normal(size=5)
    normalized, u_new = ref("spectral_normalize")(kernel, u / np.linalg.norm(u), 500)
    matrix = normalized.reshape(-1, 5)
    assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, rel=1e-9)
    top_right = np.linalg.svd(kernel.reshape(-1, 5))[2][0]
    assert abs(u_new @ top_right) == pytest.approx(1.0, rel=1e-9)


def test_spectral_normalization_one_step_by_hand():
    w = np.array([[2.0, 0.0], [0.0, 1.0]])  # sigma_max = 2
    normalized, u = ref("spectral_normalize")(w, np.array([0.6, 0.8]), 1)
    # v = W u / ||W u|| = (1.2, 0.8)/|.|; u' = W^T v / |.| = (2.4, 0.8)/|.|
    v = np.array([1.2, 0.8]) / np.hypot(1.2, 0.8)
    u_expected = np.array([2.4, 0.8]) / np.hypot(2.4, 0.8)
    np.testing.assert_allclose(u, u_expected)
    np.testing.assert_allclose(normalized, w / (v @ w @ u_expected))


def test_translation_losses_in_float64():
    rng = np.random.default_rng(5)
    a, ca, b, cb = (rng.normal(size=(2, 3, 3, 1)) for _ in range(4))
    expected = 7.0 * (np.abs(a - ca).mean() + np.abs(b - cb).mean())
    assert float(ref("cycle_consistency_loss")(a, ca, b, cb, 7.0)) == pytest.approx(
        expected
    )
    logits, fake, target = (
        rng.normal(size=(2, 2, 2, 1)),
        rng.normal(size=(2, 4, 4, 3)),
        rng.normal(size=(2, 4, 4, 3)),
    )
    expected = np.mean(np.logaddexp(0, -logits)) + 100 * np.abs(target - fake).mean()
    assert float(ref("pix2pix_generator_loss")(logits, fake, target)) == pytest.approx(
        expected
    )


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_transposed_conv_output_size_matches_keras_layers_on_a_grid(padding):
    size_of = ref("transposed_conv_output_size")
    for size in (1, 3, 4, 7):
        for kernel in (1, 2, 3, 4, 5):
            for stride in (1, 2, 3):
                layer = keras.layers.Conv2DTranspose(
                    1, kernel, strides=stride, padding=padding
                )
                out = layer(np.zeros((1, size, size, 1), np.float32))
                assert size_of(size, kernel, stride, padding) == out.shape[1]


def test_transposed_conv_size_with_int_padding_inverts_the_forward_convolution():
    size_of = ref("transposed_conv_output_size")
    for n in (1, 3, 7):
        for kernel in (1, 2, 3, 4, 5):
            for stride in (1, 2, 3):
                for pad in range(0, (kernel + 1) // 2):
                    for extra in range(stride):
                        out = size_of(n, kernel, stride, pad, extra)
                        # the forward convolution maps `out` back to `n` ...
                        assert (out + 2 * pad - kernel) // stride + 1 == n
                        # ... and output_padding picks among the sides it does
                        assert out == size_of(n, kernel, stride, pad, 0) + extra


def test_transposed_conv_size_with_zero_padding_matches_keras_output_padding():
    size_of = ref("transposed_conv_output_size")
    for n in (1, 4, 7):
        for kernel, stride in ((4, 2), (3, 2), (5, 3)):
            for extra in range(stride):
                layer = keras.layers.Conv2DTranspose(
                    1, kernel, strides=stride, padding="valid", output_padding=extra
                )
                out = layer(np.zeros((1, n, n, 1), np.float32))
                assert size_of(n, kernel, stride, 0, extra) == out.shape[1]


def test_mnist_generator_reference_is_the_package_dcgan_generator():
    for latent_dim, f in ((8, 4), (16, 8)):
        mine = ref("dcgan_mnist_generator")(latent_dim, f)
        theirs = tge.networks.dcgan_generator(latent_dim, (28, 28, 1), base_filters=f)
        assert mine.output_shape == theirs.output_shape == (None, 28, 28, 1)
        assert mine.count_params() == theirs.count_params()
        probe = np.random.default_rng(2).normal(size=(4, latent_dim)).astype("float32")
        _same_layers_same_outputs(mine, theirs, probe, training=True)


def test_dcgan_blocks_match_keras_layers_with_the_same_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 5, 2)).astype(np.float32)
    kernel = rng.normal(0, 0.3, size=(4, 4, 6, 2)).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, size=6).astype(np.float32)
    beta = rng.normal(0, 0.2, size=6).astype(np.float32)
    conv = keras.layers.Conv2DTranspose(6, 4, strides=2, padding="same", use_bias=False)
    norm = keras.layers.BatchNormalization(epsilon=1e-3)
    conv.build(x.shape)
    conv.set_weights([kernel])
    u = conv(x)
    norm.build(u.shape)
    norm.set_weights([gamma, beta, np.zeros(6), np.ones(6)])
    expected = keras.activations.relu(norm(u, training=True))
    got = ref("dcgan_generator_block")(x, kernel, gamma, beta)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)

    d_kernel = rng.normal(0, 0.3, size=(3, 3, 2, 4)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    d_conv = keras.layers.Conv2D(4, 3, strides=2, padding="same")
    d_conv.build(x.shape)
    d_conv.set_weights([d_kernel, bias])
    expected = keras.layers.LeakyReLU(negative_slope=0.2)(d_conv(x))
    got = ref("dcgan_discriminator_block")(x, d_kernel, bias)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_acgan_class_loss_matches_float64_log_softmax():
    c = np.array([[80.0, -80.0, 0.0], [1.0, 2.0, 3.0]], np.float32)
    y = np.array([1, 2], np.int32)
    expected = np.mean(special.logsumexp(_np(c), axis=1) - _np(c)[[0, 1], y])
    assert float(ref("acgan_class_loss")(c, y)) == pytest.approx(expected, rel=1e-6)
    onehot = ref("conditional_generator_input")(np.zeros((2, 3), np.float32), y, 4)
    np.testing.assert_array_equal(onehot[:, 3:], np.eye(4)[y])
