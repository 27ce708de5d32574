"""`tge.VAE` and `tge.VAEGAN`: the bound's pieces, the training steps, the
importance-weighted bound, saving and bad input.

The references are independent float64 NumPy / SciPy computations: a Monte
Carlo estimate of the KL, SciPy's normal log-density, and a linear-Gaussian
VAE whose ELBO and exact log-likelihood have closed forms.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import stats

import tfgan_edu as tge
from tfgan_edu.models import vae as vae_module

LATENT = 2


def points(n=64, seed=0):
    return tge.data.toy2d.sample("ring", n, seed=seed)


def dataset(n=64, batch=16):
    return tf.data.Dataset.from_tensor_slices(points(n)).batch(batch)


def tiny_vae(latent_dim=LATENT, seed=1, hidden=(16,), **kwargs):
    kwargs.setdefault("likelihood", "gaussian")
    return tge.VAE(
        encoder=tge.networks.mlp_encoder((2,), latent_dim, hidden_units=hidden),
        decoder=tge.networks.mlp_decoder(latent_dim, (2,), hidden_units=hidden),
        latent_dim=latent_dim,
        seed=seed,
        **kwargs,
    )


def tiny_vaegan(seed=1, **kwargs):
    return tge.VAEGAN(
        encoder=tge.networks.mlp_encoder((2,), LATENT, hidden_units=(8,)),
        decoder=tge.networks.mlp_decoder(LATENT, (2,), hidden_units=(8,)),
        discriminator=tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=LATENT,
        seed=seed,
        **kwargs,
    )


def compiled_vaegan(lr=1e-2, **kwargs):
    vaegan = tiny_vaegan(**kwargs.pop("model", {}))
    vaegan.compile(
        e_optimizer=kwargs.pop("e_optimizer", keras.optimizers.SGD(lr)),
        g_optimizer=kwargs.pop("g_optimizer", keras.optimizers.SGD(lr)),
        d_optimizer=kwargs.pop("d_optimizer", keras.optimizers.SGD(lr)),
        jit_compile=False,
        **kwargs,
    )
    return vaegan


def np64(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype="float64")


class TestBoundPieces:
    def test_analytic_kl_matches_a_monte_carlo_estimate(self):
        rng = np.random.default_rng(0)
        mean = rng.normal(size=(3, 4))
        log_var = rng.normal(scale=0.7, size=(3, 4))
        got = np64(vae_module.gaussian_kl(mean, log_var))
        # KL = E_q[log q(z) - log p(z)], estimated with 100,000 draws of z ~ q.
        std = np.exp(0.5 * log_var)
        z = mean + std * rng.standard_normal((100_000, 3, 4))
        log_ratio = stats.norm.logpdf(z, mean, std).sum(-1) - stats.norm.logpdf(z).sum(
            -1
        )  # (draws, 3)
        estimate = log_ratio.mean(0)
        stderr = log_ratio.std(0) / np.sqrt(len(log_ratio))
        assert np.all(np.abs(got - estimate) < 4 * stderr), (got, estimate, stderr)
        assert got.shape == (3,) and np.all(got > 0)

    def test_kl_is_zero_at_the_prior(self):
        np.testing.assert_allclose(
            np64(vae_module.gaussian_kl(np.zeros((2, 5)), np.zeros((2, 5)))), 0.0
        )

    def test_log_normal_matches_scipy(self):
        rng = np.random.default_rng(1)
        z, mean = rng.normal(size=(2, 4, 3, 1)), rng.normal(size=(2, 4, 3, 1))
        log_var = rng.normal(size=(2, 4, 3, 1))
        want = stats.norm.logpdf(z, mean, np.exp(0.5 * log_var)).sum(axis=(1, 2, 3))
        np.testing.assert_allclose(
            np64(vae_module.log_normal(z, mean, log_var)), want, rtol=1e-5
        )

    def test_gaussian_log_likelihood_matches_scipy(self):
        rng = np.random.default_rng(2)
        x, mean = rng.uniform(-1, 1, (3, 4, 4, 1)), rng.uniform(-1, 1, (3, 4, 4, 1))
        want = stats.norm.logpdf(x, mean, 0.3).sum(axis=(1, 2, 3))
        got = vae_module.gaussian_log_likelihood(x, mean, np.log(0.3))
        np.testing.assert_allclose(np64(got), want, rtol=1e-5)

    def test_bernoulli_log_likelihood_is_minus_binary_cross_entropy(self):
        rng = np.random.default_rng(3)
        targets = rng.uniform(0, 1, (3, 5))
        logits = rng.normal(scale=4, size=(3, 5))
        p = 1 / (1 + np.exp(-logits))
        want = (targets * np.log(p) + (1 - targets) * np.log1p(-p)).sum(1)
        got = vae_module.bernoulli_log_likelihood(targets, logits)
        np.testing.assert_allclose(np64(got), want, rtol=1e-5)
        # Finite where log(sigmoid) would underflow.
        extreme = vae_module.bernoulli_log_likelihood([[1.0, 0.0]], [[-200.0, 200.0]])
        assert float(extreme[0]) == pytest.approx(-400.0)


def linear_gaussian_vae(scale=0.5, seed=0):
    """A VAE with linear encoder and decoder and a fixed observation scale.

    Then `p(x) = N(b, W W^T + scale^2 I)` exactly, and the ELBO has a closed
    form: the references for the bounds.
    """
    keras.utils.set_random_seed(seed)
    vae = tge.VAE(
        encoder=tge.networks.mlp_encoder((2,), LATENT, hidden_units=()),
        decoder=tge.networks.mlp_decoder(LATENT, (2,), hidden_units=()),
        latent_dim=LATENT,
        likelihood="gaussian",
        scale=scale,
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=(LATENT, 2)), rng.normal(size=2)
    vae.decoder.set_weights([w, b])
    # The encoder: the exact posterior N(A^T (x - b), S), with
    # S = (I + w w^T / scale^2)^-1 and A = w^T S / scale^2, made diagonal and
    # shifted, so that the bounds are loose but the IWAE bound converges.
    cov = np.linalg.inv(np.eye(LATENT) + w @ w.T / scale**2)
    a = w.T @ cov / scale**2
    kernel = np.concatenate([a, np.zeros((2, LATENT))], axis=1)
    bias = np.concatenate([-b @ a + 1.0, np.log(np.diag(cov)) - 1.0])
    vae.encoder.set_weights([kernel, bias])
    return vae


def linear_gaussian_references(vae, x, scale):
    """Exact `log p(x)` and the closed-form ELBO, float64, per example."""
    (w, b) = (np.asarray(a, "float64") for a in vae.decoder.get_weights())
    (we, be) = (np.asarray(a, "float64") for a in vae.encoder.get_weights())
    x = np.asarray(x, "float64")
    cov = w.T @ w + scale**2 * np.eye(2)  # z @ w: W is w.T
    log_px = stats.multivariate_normal(b, cov).logpdf(x)
    stats_ = x @ we + be
    mu, log_var = stats_[:, :LATENT], stats_[:, LATENT:]
    # E_q[log N(x; z w + b, s^2 I)] = log N(x; mu w + b, s^2 I) - tr(W S W^T) / (2 s^2)
    expected_ll = stats.norm.logpdf(x, mu @ w + b, scale).sum(1) - (
        (np.exp(log_var) @ (w**2)).sum(1) / (2 * scale**2)
    )
    kl = 0.5 * (mu**2 + np.exp(log_var) - 1 - log_var).sum(1)
    return log_px, expected_ll - kl


class TestBounds:
    def test_elbo_and_iwae_against_the_exact_linear_gaussian_model(self):
        vae = linear_gaussian_vae()
        vae.compile(optimizer="sgd", jit_compile=False)
        x = points(8, seed=5)
        log_px, elbo = linear_gaussian_references(vae, x, scale=0.5)
        assert np.all(elbo < log_px - 0.1)  # a loose bound

        # L_1 is an unbiased estimate of the ELBO, per example.
        repeats = np.tile(x, (2000, 1))
        l1 = vae.log_likelihood(repeats, k=1, seed=0, batch_size=4000)
        l1 = l1.reshape(2000, len(x))
        stderr = l1.std(0) / np.sqrt(len(l1))
        assert np.all(np.abs(l1.mean(0) - elbo) < 4 * stderr)

        # So is evaluate's ELBO (one posterior draw per example).
        logs = vae.evaluate(repeats, batch_size=1000, verbose=0, return_dict=True)
        stderr_mean = l1.std() / np.sqrt(l1.size)
        assert abs(logs["elbo"] - elbo.mean()) < 4 * stderr_mean

        # E[L_k] increases with k towards log p(x), never above it.
        bounds = {
            k: vae.log_likelihood(
                np.tile(x, (50, 1)), k=k, seed=1, batch_size=50_000
            ).mean()
            for k in (1, 10, 100, 1000)
        }
        assert bounds[1] < bounds[10] < bounds[100] < bounds[1000]
        assert bounds[1000] <= log_px.mean() + 0.01
        # ... closing most of the ELBO's gap (2.5 nats here) to log p(x).
        gap = log_px.mean() - elbo.mean()
        assert log_px.mean() - bounds[1000] < 0.25 * gap
        assert bounds[1] == pytest.approx(elbo.mean(), abs=0.1 * gap)

    def test_iwae_is_deterministic_given_a_seed_and_batching(self):
        vae = linear_gaussian_vae()
        x = points(5)
        a = vae.log_likelihood(x, k=7, seed=3, batch_size=4)
        b = vae.log_likelihood(x, k=7, seed=3, batch_size=64)
        np.testing.assert_allclose(a, b, rtol=1e-6)
        assert a.shape == (5,) and a.dtype == np.float64


class TestVAETrainStep:
    def test_first_step_matches_the_algorithm_computed_by_hand(self):
        """One SGD step of `fit` equals: eps ~ N(0, I); z = mu + sigma * eps;
        the Gaussian's scale set to sqrt(mean((x - decoder(z))^2)), held
        fixed; loss = mean(-log p(x | z) + beta * KL); every encoder and
        decoder weight moves by -lr * its gradient."""
        lr, beta = 0.05, 0.7
        vae = tiny_vae(beta=beta)
        vae.compile(optimizer=keras.optimizers.SGD(lr), jit_compile=False)
        ref = tiny_vae(beta=beta)
        ref.set_weights(vae.get_weights())
        x = points(16)
        eps = keras.random.normal((16, LATENT), seed=keras.random.SeedGenerator(1))
        with tf.GradientTape() as tape:
            h = ref.encoder(x)
            mu, log_var = h[:, :LATENT], h[:, LATENT:]
            z = mu + tf.exp(0.5 * log_var) * eps
            mean = ref.decoder(z)
            sigma = tf.sqrt(tf.stop_gradient(tf.reduce_mean((x - mean) ** 2)) + 1e-6)
            nll = tf.reduce_sum(
                0.5 * ((x - mean) / sigma) ** 2
                + tf.math.log(sigma)
                + 0.5 * np.log(2 * np.pi),
                axis=1,
            )
            kl = 0.5 * tf.reduce_sum(mu**2 + tf.exp(log_var) - 1 - log_var, axis=1)
            loss = tf.reduce_mean(nll + beta * kl)
        grads = tape.gradient(loss, ref.trainable_variables)
        for v, g in zip(ref.trainable_variables, grads):
            v.assign_sub(lr * g)

        history = vae.fit(x, batch_size=16, shuffle=False, verbose=0).history
        assert history["loss"][0] == pytest.approx(float(loss), rel=1e-5)
        assert history["reconstruction"][0] == pytest.approx(
            float(tf.reduce_mean(nll)), rel=1e-5
        )
        assert history["kl"][0] == pytest.approx(float(tf.reduce_mean(kl)), rel=1e-5)
        assert history["elbo"][0] == pytest.approx(
            -float(tf.reduce_mean(nll + kl)), rel=1e-5
        )
        assert float(vae.log_scale) == pytest.approx(
            float(tf.math.log(sigma)), rel=1e-5
        )
        for got, want in zip(vae.trainable_weights, ref.trainable_weights):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    def test_reparameterized_gradients_reach_the_encoder(self):
        # With beta = 0 the encoder gets gradients only through the sampled
        # z = mu + sigma * eps; the log-variance head only through eps.
        vae = tiny_vae(beta=0.0)
        x = points(16)
        with tf.GradientTape() as tape:
            reconstruction, _ = vae._negative_elbo_terms(x, training=True)
            loss = tf.reduce_mean(reconstruction)
        kernel = vae.encoder.get_layer("posterior").kernel
        grad = keras.ops.convert_to_numpy(tape.gradient(loss, kernel))
        assert np.all(np.abs(grad[:, :LATENT]).sum(0) > 0)  # mean head
        assert np.all(np.abs(grad[:, LATENT:]).sum(0) > 0)  # log-variance head

        # The gradient of the log-variance head is the pathwise one: finite
        # differences with the same noise agree with it.
        posterior = vae.encoder.get_layer("posterior")
        k0, b0 = (np.array(w) for w in posterior.get_weights())
        h = 1e-2

        def loss_at(bias):
            posterior.set_weights([k0, bias])
            vae.seed_generator.state.assign([1, 0])
            reconstruction, _ = vae._negative_elbo_terms(x, training=True)
            return float(tf.reduce_mean(reconstruction))

        vae.seed_generator.state.assign([1, 0])
        with tf.GradientTape() as tape:
            reconstruction, _ = vae._negative_elbo_terms(x, training=True)
            loss = tf.reduce_mean(reconstruction)
        analytic = keras.ops.convert_to_numpy(tape.gradient(loss, posterior.bias))
        for i in (LATENT, LATENT + 1):
            up, down = b0.copy(), b0.copy()
            up[i] += h
            down[i] -= h
            numeric = (loss_at(up) - loss_at(down)) / (2 * h)
            assert numeric == pytest.approx(analytic[i], rel=2e-2, abs=1e-3)

    def test_bernoulli_maps_pixels_to_unit_interval(self):
        keras.utils.set_random_seed(0)
        vae = tge.VAE(
            tge.networks.mlp_encoder((4, 4, 1), LATENT, hidden_units=(8,)),
            tge.networks.mlp_decoder(
                LATENT, (4, 4, 1), likelihood="bernoulli", hidden_units=(8,)
            ),
            latent_dim=LATENT,
            seed=0,
        )
        x = np.random.default_rng(0).uniform(-1, 1, (3, 4, 4, 1)).astype("float32")
        logits = vae.decoder(np.zeros((3, LATENT), "float32"))
        got = np64(vae._log_likelihood(x, logits))
        p = 1 / (1 + np.exp(-np64(logits)))
        t = (x + 1) / 2
        want = (t * np.log(p) + (1 - t) * np.log1p(-p)).sum(axis=(1, 2, 3))
        np.testing.assert_allclose(got, want, rtol=1e-5)
        # decode returns the Bernoulli means mapped back to [-1, 1].
        np.testing.assert_allclose(
            vae.decode(np.zeros((3, LATENT))), 2 * p - 1, rtol=1e-5, atol=1e-6
        )

    def test_scale_is_the_batch_maximum_likelihood_or_fixed(self):
        vae = tiny_vae()
        assert len(vae.trainable_variables) == 4 + 4  # the networks only
        assert "log_scale" in [v.name for v in vae.non_trainable_variables]
        x = points(32)
        vae.compile(optimizer=keras.optimizers.SGD(0.0), jit_compile=False)
        vae.fit(x, batch_size=32, shuffle=False, verbose=0)
        # The scale maximizes the batch's Gaussian likelihood given the means.
        h = vae.encoder(x)
        eps = keras.random.normal((32, LATENT), seed=keras.random.SeedGenerator(1))
        means = np64(vae.decoder(h[:, :LATENT] + tf.exp(0.5 * h[:, LATENT:]) * eps))
        scales = np.linspace(0.01, 2.0, 4000)
        total = [stats.norm.logpdf(x, means, s).sum() for s in scales]
        best = scales[int(np.argmax(total))]
        assert np.exp(float(vae.log_scale)) == pytest.approx(best, abs=1e-3)

        fixed = tiny_vae(scale=0.1)
        assert "log_scale" not in [v.name for v in fixed.non_trainable_variables]
        logits = fixed.decoder(np.zeros((3, LATENT), "float32"))
        want = stats.norm.logpdf(points(3), np64(logits), 0.1).sum(1)
        np.testing.assert_allclose(
            np64(fixed._log_likelihood(points(3), logits)), want, rtol=1e-5
        )


class TestVAEApi:
    def test_encode_decode_reconstruct_generate(self):
        vae = tiny_vae()
        x = points(10)
        mean, log_var = vae.encode(x, batch_size=3)
        assert mean.shape == log_var.shape == (10, LATENT)
        np.testing.assert_allclose(
            vae.reconstruct(x, batch_size=4), vae.decode(mean), rtol=1e-6
        )
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(vae(x)), vae.reconstruct(x), rtol=1e-6
        )
        a, b = vae.generate(7, seed=2), vae.generate(7, seed=2, batch_size=3)
        assert a.shape == (7, 2) and a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-6)
        z = np.random.default_rng(2).standard_normal((7, LATENT)).astype("float32")
        np.testing.assert_allclose(a, vae.decode(z), rtol=1e-6)

    def test_evaluate_does_not_train(self):
        vae = tiny_vae()
        vae.compile(optimizer=keras.optimizers.SGD(0.1), jit_compile=False)
        before = [np.array(w) for w in vae.get_weights()]
        logs = vae.evaluate(points(32), batch_size=16, verbose=0, return_dict=True)
        assert sorted(logs) == ["elbo", "kl", "loss", "reconstruction"]
        assert logs["elbo"] == pytest.approx(-(logs["reconstruction"] + logs["kl"]))
        for a, b in zip(before, vae.get_weights()):
            np.testing.assert_array_equal(a, b)


class TestSaving:
    def test_vae_keras_round_trip_and_resume(self, tmp_path):
        vae = tiny_vae(beta=0.5)
        vae.compile(optimizer=keras.optimizers.Adam(2e-3), jit_compile=False)
        vae.fit(dataset(), epochs=1, verbose=0)
        vae.save(tmp_path / "vae.keras")
        loaded = keras.models.load_model(tmp_path / "vae.keras")
        assert isinstance(loaded, tge.VAE)
        assert loaded.beta == 0.5 and loaded.likelihood == "gaussian"
        np.testing.assert_array_equal(
            vae.generate(8, seed=3), loaded.generate(8, seed=3)
        )
        assert float(loaded.log_scale) == float(vae.log_scale) != 0.0
        assert float(loaded.optimizer.learning_rate) == pytest.approx(2e-3)
        assert int(loaded.optimizer.iterations) == 4
        # Same weights, optimizer moments and noise stream: the same next epoch.
        h1 = vae.fit(dataset(), epochs=1, verbose=0)
        h2 = loaded.fit(dataset(), epochs=1, verbose=0)
        assert h2.history["loss"][0] == pytest.approx(h1.history["loss"][0], rel=1e-5)
        for a, b in zip(vae.get_weights(), loaded.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    def test_vaegan_keras_round_trip_and_resume(self, tmp_path):
        vaegan = compiled_vaegan(
            e_optimizer=keras.optimizers.Adam(1e-3),
            g_optimizer=keras.optimizers.Adam(2e-3),
            d_optimizer=keras.optimizers.Adam(3e-3),
            loss="least_squares",
            model={"gamma": 0.3, "feature_layer": "dense_1"},
        )
        vaegan.fit(dataset(), epochs=1, verbose=0)
        vaegan.save(tmp_path / "vaegan.keras")
        loaded = keras.models.load_model(tmp_path / "vaegan.keras")
        assert isinstance(loaded, tge.VAEGAN)
        assert loaded.gamma == 0.3 and loaded.feature_layer == "dense_1"
        assert loaded.loss_family.name == "least_squares"
        assert float(loaded.d_optimizer.learning_rate) == pytest.approx(3e-3)
        np.testing.assert_array_equal(
            vaegan.reconstruct(points(5)), loaded.reconstruct(points(5))
        )
        h1 = vaegan.fit(dataset(), epochs=1, verbose=0)
        h2 = loaded.fit(dataset(), epochs=1, verbose=0)
        assert h2.history["d_loss"][0] == pytest.approx(
            h1.history["d_loss"][0], rel=1e-5
        )
        for a, b in zip(vaegan.get_weights(), loaded.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    def test_built_at_construction(self, tmp_path):
        tiny_vae().save(tmp_path / "untrained.keras")
        tiny_vaegan().save(tmp_path / "untrained_vaegan.keras")


class TestVAEGANTrainStep:
    def test_each_network_steps_on_its_own_loss(self):
        """One SGD step: encoder on KL + L_llike, decoder on
        gamma * L_llike + g_loss, discriminator on d_loss, all gradients
        from one forward pass."""
        lr, gamma = 0.05, 0.3
        vaegan = compiled_vaegan(lr=lr, model={"gamma": gamma})
        assert vaegan.feature_layer == "activation_1"  # the layer before the logit
        ref = tiny_vaegan(gamma=gamma)
        ref.set_weights(vaegan.get_weights())
        x = points(16)
        seeds = keras.random.SeedGenerator(1)
        z_prior = keras.random.normal((16, LATENT), seed=seeds)
        eps = keras.random.normal((16, LATENT), seed=seeds)
        E, G, D = ref.encoder, ref.decoder, ref.discriminator
        features = keras.Model(D.input, [D.get_layer("activation_1").output, D.output])
        with tf.GradientTape(persistent=True) as tape:
            h = E(x)
            mu, log_var = h[:, :LATENT], h[:, LATENT:]
            x_rec = G(mu + tf.exp(0.5 * log_var) * eps)
            x_prior = G(z_prior)
            f_real, l_real = features(x)
            f_rec, l_rec = features(x_rec)
            _, l_prior = features(x_prior)
            kl = tf.reduce_mean(
                0.5 * tf.reduce_sum(mu**2 + tf.exp(log_var) - 1 - log_var, 1)
            )
            llike = tf.reduce_mean(0.5 * tf.reduce_sum((f_real - f_rec) ** 2, 1))
            fake = tf.concat([l_rec, l_prior], 0)
            d_loss = tf.reduce_mean(tf.nn.softplus(-l_real)) + tf.reduce_mean(
                tf.nn.softplus(fake)
            )
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake))
            losses = [kl + llike, gamma * llike + g_loss, d_loss]
        for net, loss in zip((E, G, D), losses):
            grads = tape.gradient(loss, net.trainable_variables)
            for v, g in zip(net.trainable_variables, grads):
                v.assign_sub(lr * g)

        history = vaegan.fit(x, batch_size=16, shuffle=False, verbose=0).history
        for key, want in (("kl", kl), ("reconstruction", llike), ("d_loss", d_loss)):
            assert history[key][0] == pytest.approx(float(want), rel=1e-5), key
        assert history["g_loss"][0] == pytest.approx(float(g_loss), rel=1e-5)
        for net in ("encoder", "decoder", "discriminator"):
            got, want = getattr(vaegan, net), getattr(ref, net)
            for a, b in zip(got.get_weights(), want.get_weights()):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=net)

    def test_feature_reconstruction_does_not_train_the_discriminator(self):
        # Freeze the GAN game (no discriminator loss gradient can flow when
        # its optimizer has lr 0) and check the encoder still moves while D
        # stays put: L_llike reaches E and G only.
        vaegan = compiled_vaegan(d_optimizer=keras.optimizers.SGD(0.0))
        d_before = [np.array(w) for w in vaegan.discriminator.get_weights()]
        e_before = [np.array(w) for w in vaegan.encoder.get_weights()]
        vaegan.fit(dataset(), epochs=1, verbose=0)
        for a, b in zip(d_before, vaegan.discriminator.get_weights()):
            np.testing.assert_array_equal(a, b)
        assert any(
            not np.array_equal(a, b)
            for a, b in zip(e_before, vaegan.encoder.get_weights())
        )


class TestBadInput:
    def test_bad_likelihood_scale_and_beta(self):
        with pytest.raises(ValueError, match="Received: likelihood='poisson'"):
            tiny_vae(likelihood="poisson")
        with pytest.raises(
            ValueError, match="Received: likelihood='bernoulli', scale=0.1"
        ):
            tiny_vae(likelihood="bernoulli", scale=0.1)
        with pytest.raises(ValueError, match="Received: scale=0"):
            tiny_vae(scale=0)
        with pytest.raises(ValueError, match="Received: beta=-1"):
            tiny_vae(beta=-1)
        with pytest.raises(ValueError, match="Received: latent_dim=0"):
            tiny_vae(latent_dim=0)

    def test_encoder_must_return_mean_and_log_variance(self):
        with pytest.raises(ValueError, match=r"\(batch, 4\).*Received: encoder output"):
            tge.VAE(
                tge.networks.mlp_discriminator((2,)),
                tge.networks.mlp_decoder(LATENT, (2,)),
                latent_dim=LATENT,
            )

    def test_encoder_and_decoder_must_agree_on_the_data_shape(self):
        with pytest.raises(ValueError, match="same data shape"):
            tge.VAE(
                tge.networks.mlp_encoder((3,), LATENT),
                tge.networks.mlp_decoder(LATENT, (2,)),
                latent_dim=LATENT,
            )

    def test_fit_checks_its_data_before_training(self):
        vae = tiny_vae()
        vae.compile(optimizer="adam", jit_compile=False)
        x = points(32)
        with pytest.raises(ValueError, match="unsupervised.*Received: y of type"):
            vae.fit(x, np.zeros(32), verbose=0)
        labelled = tf.data.Dataset.from_tensor_slices((x, np.zeros(32))).batch(8)
        with pytest.raises(ValueError, match="2 elements per batch"):
            vae.fit(labelled, verbose=0)
        with pytest.raises(ValueError, match=r"Received: samples of shape \(None, 3\)"):
            vae.fit(np.zeros((8, 3), "float32"), verbose=0)
        with pytest.raises(ValueError, match="Received: x=None"):
            vae.fit(None)

    def test_fit_before_compile(self):
        with pytest.raises(RuntimeError, match="compile"):
            tiny_vae().fit(points(16), verbose=0)
        with pytest.raises(RuntimeError, match="compile"):
            tiny_vaegan().fit(points(16), verbose=0)

    def test_compile_arguments(self):
        with pytest.raises(
            TypeError, match=r"Received unexpected arguments: \['loss'\]"
        ):
            tiny_vae().compile(optimizer="adam", loss="mse")
        opt = keras.optimizers.Adam()
        with pytest.raises(ValueError, match="three different optimizer objects"):
            tiny_vaegan().compile(opt, opt, keras.optimizers.Adam())
        with pytest.raises(ValueError, match="Received: loss="):
            tiny_vaegan().compile("adam", "adam", "adam", loss="kullback")

    def test_methods_check_their_arguments(self):
        vae = tiny_vae()
        with pytest.raises(ValueError, match=r"Received: z.shape=\(3, 5\)"):
            vae.decode(np.zeros((3, 5)))
        with pytest.raises(ValueError, match=r"Received: x.shape=\(3, 4\)"):
            vae.encode(np.zeros((3, 4)))
        with pytest.raises(ValueError, match="Received: k=0"):
            vae.log_likelihood(points(3), k=0)
        with pytest.raises(ValueError, match="Received: n=0"):
            vae.generate(0)

    def test_vaegan_feature_layer_must_be_hidden(self):
        with pytest.raises(ValueError, match="Received: feature_layer='logit'"):
            tiny_vaegan(feature_layer="logit")
        with pytest.raises(ValueError, match="Received: gamma=-0.5"):
            tiny_vaegan(gamma=-0.5)
