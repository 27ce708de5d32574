"""`GAN.compile(diagnostics=True)`: the instruments in `History`, by hand."""

import keras
import numpy as np
import pytest
from keras import ops

import tfgan_edu as tge
from tfgan_edu.models.conditional_gan import ACGAN
from tfgan_edu.networks import conditional as nets

DIAGNOSTICS = ["d_fake_accuracy", "d_grad_norm", "d_real_accuracy", "diversity"]
DIAGNOSTICS += ["g_grad_norm"]


class ConstantSample(keras.layers.Layer):
    """`G(z) = c` for every z: a generator that has collapsed completely."""

    def build(self, input_shape):
        self.c = self.add_weight(shape=(2,), initializer="zeros", name="c")

    def call(self, z):
        return ops.zeros((ops.shape(z)[0], 1)) + self.c


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def linear_gan(w, b, c, latent_dim=3):
    z = keras.Input((latent_dim,))
    generator = keras.Model(z, ConstantSample()(z))
    generator.set_weights([np.asarray(c, "float32")])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.set_weights(
        [np.asarray(w, "float32").reshape(2, 1), np.asarray([b], "float32")]
    )
    return tge.GAN(generator, discriminator, latent_dim=latent_dim, seed=0)


def test_one_step_matches_the_closed_form_in_float64():
    """Linear D(x) = w.x + b, constant G(z) = c, SGD(lr), non-saturating loss.

    d_loss = mean_i sp(-r_i) + sp(f), r_i = w.x_i + b, f = w.c + b, so
    grad_w = mean_i -sig(-r_i) x_i + sig(f) c and grad_b = mean_i -sig(-r_i)
    + sig(f). D steps to (w', b'); g_loss = sp(-(w'.c + b')) has
    grad_c = -sig(-f') w'. The fakes coincide: diversity 0.
    """
    lr, w, b, c = 0.5, np.array([0.5, -1.0]), 0.1, np.array([-0.5, 0.2])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [2.0, 2.0]])
    gan = linear_gan(w, b, c)
    gan.compile(
        d_optimizer=keras.optimizers.SGD(lr),
        g_optimizer=keras.optimizers.SGD(lr),
        loss="non_saturating",
        diagnostics=True,
        jit_compile=False,
    )
    history = gan.fit(x.astype("float32"), batch_size=4, epochs=1, verbose=0).history

    r, f = x @ w + b, c @ w + b  # (4,), scalar
    grad_w = np.mean(-sigmoid(-r)[:, None] * x, axis=0) + sigmoid(f) * c
    grad_b = np.mean(-sigmoid(-r)) + sigmoid(f)
    w1, b1 = w - lr * grad_w, b - lr * grad_b
    f1 = c @ w1 + b1
    expected = {
        "d_grad_norm": np.sqrt(np.sum(grad_w**2) + grad_b**2),
        "g_grad_norm": sigmoid(-f1) * np.linalg.norm(w1),
        "d_real_accuracy": np.mean(r > 0),  # 1 of 4: 0.6 > 0
        "d_fake_accuracy": float(f < 0),  # f = -0.35
        "diversity": 0.0,
    }
    assert expected["d_real_accuracy"] == 0.25 and expected["d_fake_accuracy"] == 1
    for key, value in expected.items():
        assert history[key][0] == pytest.approx(value, rel=1e-5, abs=1e-7), key


def test_d_grad_norm_averages_the_d_steps_and_includes_the_penalty():
    """Two D steps with R1 (gamma = 2) on a linear D: grad of gamma/2 ||w||^2
    adds gamma * w to grad_w. The reported norm is the mean of both steps."""
    lr, gamma, w, b, c = 0.1, 2.0, np.array([1.0, 0.5]), -0.2, np.array([0.3, 0.3])
    x = np.array([[1.0, 1.0], [-1.0, 0.5]])
    gan = linear_gan(w, b, c)
    gan.compile(
        d_optimizer=keras.optimizers.SGD(lr),
        g_optimizer=keras.optimizers.SGD(lr),
        d_steps=2,
        r1_weight=gamma,
        diagnostics=True,
        jit_compile=False,
    )
    history = gan.fit(x.astype("float32"), batch_size=2, epochs=1, verbose=0).history
    norms = []
    for _ in range(2):
        r, f = x @ w + b, c @ w + b
        grad_w = np.mean(-sigmoid(-r)[:, None] * x, axis=0) + sigmoid(f) * c + gamma * w
        grad_b = np.mean(-sigmoid(-r)) + sigmoid(f)
        norms.append(np.sqrt(np.sum(grad_w**2) + grad_b**2))
        w, b = w - lr * grad_w, b - lr * grad_b
    assert history["d_grad_norm"][0] == pytest.approx(np.mean(norms), rel=1e-5)


def tiny_gan(seed=0):
    return tge.GAN(
        tge.networks.mlp_generator(4, (2,), hidden_units=(8,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=4,
        seed=seed,
    )


def test_off_by_default_and_listed_when_on(tmp_path):
    data = tge.data.toy2d.sample("ring", 64, seed=0)
    gan = tiny_gan()
    gan.compile(d_optimizer="adam", g_optimizer="adam", jit_compile=False)
    assert not set(DIAGNOSTICS) & set(gan.fit(data, epochs=1, verbose=0).history)

    gan = tiny_gan()
    gan.compile(
        d_optimizer="adam", g_optimizer="adam", loss="wasserstein", diagnostics=True
    )
    history = gan.fit(data, batch_size=32, epochs=2, verbose=0).history
    assert set(DIAGNOSTICS) <= set(history)
    assert all(np.isfinite(history[key]).all() for key in DIAGNOSTICS)
    assert all(
        0 <= v <= 1 for k in ("d_real_accuracy", "d_fake_accuracy") for v in history[k]
    )
    # evaluate: accuracy and diversity, no gradients.
    scores = gan.evaluate(data, batch_size=32, verbose=0, return_dict=True)
    assert {"d_real_accuracy", "d_fake_accuracy", "diversity"} <= set(scores)
    assert not {"d_grad_norm", "g_grad_norm"} & set(scores)

    # Saved with the compile configuration: a reloaded GAN keeps reporting.
    assert gan.get_compile_config()["diagnostics"] is True
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert reloaded.diagnostics is True
    assert set(DIAGNOSTICS) <= set(reloaded.fit(data, epochs=1, verbose=0).history)


def test_acgan_reports_the_accuracy_of_its_adversarial_head():
    x = keras.Input((2,))
    h = keras.layers.Dense(8, activation="relu")(x)
    two_heads = keras.Model(x, [keras.layers.Dense(1)(h), keras.layers.Dense(8)(h)])
    gan = ACGAN(
        nets.conditional_mlp_generator(4, 8, (2,), hidden_units=(8,)),
        two_heads,
        latent_dim=4,
        num_classes=8,
    )
    gan.compile(d_optimizer="adam", g_optimizer="adam", diagnostics=True)
    ds = tge.data.load("ring", batch_size=32, n=64, with_labels=True)
    history = gan.fit(ds, epochs=1, verbose=0).history
    assert set(DIAGNOSTICS) <= set(history)


def test_bad_flag():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="Received: diagnostics='yes'"):
        gan.compile(d_optimizer="adam", g_optimizer="adam", diagnostics="yes")
