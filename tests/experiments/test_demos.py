"""Chapter 6 demonstrations: saturating gradients, the 2-D GAN, the Dirac-GAN."""

import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu.experiments import demos


def softplus(t):
    return np.logaddexp(0.0, t)


def test_generator_gradients_closed_forms_match_autodiff():
    d = np.array([0.999, 0.5, 0.1, 1e-2, 1e-3, 1e-4])
    g = demos.generator_gradients(d)
    np.testing.assert_allclose(g["minimax"], -d)
    np.testing.assert_allclose(g["non_saturating"], -(1 - d))
    np.testing.assert_allclose(g["minimax_autodiff"], g["minimax"], rtol=1e-4)
    np.testing.assert_allclose(
        g["non_saturating_autodiff"], g["non_saturating"], rtol=1e-4
    )
    np.testing.assert_allclose(g["logit"], np.log(d / (1 - d)))
    assert g["ratio"][-1] == pytest.approx(9999.0)  # (1 - D) / D at D = 1e-4
    with pytest.raises(ValueError, match="Received: d_fake="):
        demos.generator_gradients([0.0, 0.5])


# --------------------------------------------------------------- Dirac-GAN


def dirac_losses(theta, psi, loss, regularizer, gamma):
    """The players' losses written out independently (real logit 0)."""
    t = psi * theta
    if loss == "wasserstein":
        d_loss, g_loss = t - 0.0, -t
    else:
        d_loss = softplus(-0.0) + softplus(t)
        g_loss = -softplus(t) if loss == "minimax" else softplus(-t)
    if regularizer == "r1":
        d_loss += gamma / 2 * psi**2
    elif regularizer == "gradient_penalty":
        d_loss += gamma * (abs(psi) - 1.0) ** 2
    return d_loss, g_loss


CASES = [(loss, reg) for loss in demos.DIRAC_LOSSES for reg in demos.DIRAC_REGULARIZERS]


@pytest.mark.parametrize("loss,regularizer", CASES)
def test_field_is_minus_the_gradients_of_the_losses(loss, regularizer):
    rng = np.random.default_rng(0)
    eps = 1e-6
    for theta, psi in rng.uniform(-2, 2, size=(5, 2)):
        d_theta, d_psi = demos.dirac_gan_field(theta, psi, loss, regularizer, 0.7)
        g_plus = dirac_losses(theta + eps, psi, loss, regularizer, 0.7)[1]
        g_minus = dirac_losses(theta - eps, psi, loss, regularizer, 0.7)[1]
        d_plus = dirac_losses(theta, psi + eps, loss, regularizer, 0.7)[0]
        d_minus = dirac_losses(theta, psi - eps, loss, regularizer, 0.7)[0]
        assert d_theta == pytest.approx(-(g_plus - g_minus) / (2 * eps), abs=1e-6)
        assert d_psi == pytest.approx(-(d_plus - d_minus) / (2 * eps), abs=1e-6)


@pytest.mark.parametrize("loss", demos.DIRAC_LOSSES)
@pytest.mark.parametrize("regularizer", [None, "r1"])
def test_jacobian_closed_form_matches_finite_differences(loss, regularizer):
    eps, gamma = 1e-6, 0.3
    J = demos.dirac_gan_jacobian(loss, regularizer, gamma)
    numeric = np.zeros((2, 2))
    for j, step in enumerate(([eps, 0.0], [0.0, eps])):
        plus = demos.dirac_gan_field(*step, loss, regularizer, gamma)
        minus = demos.dirac_gan_field(-step[0], -step[1], loss, regularizer, gamma)
        numeric[:, j] = (np.array(plus) - np.array(minus)) / (2 * eps)
    np.testing.assert_allclose(J, numeric, atol=1e-6)
    # Eigenvalues (-g +- sqrt(g^2 - 4 s^2)) / 2.
    s = 1.0 if loss == "wasserstein" else 0.5
    g = gamma if regularizer == "r1" else 0.0
    expected = (-g + np.array([1, -1]) * np.sqrt(complex(g**2 - 4 * s**2))) / 2
    got = np.linalg.eigvals(J)
    np.testing.assert_allclose(sorted(got, key=np.imag), sorted(expected, key=np.imag))


def test_simultaneous_steps_spiral_out():
    h = 0.1
    radius = np.hypot(*demos.dirac_gan_trajectory(1.0, 0.5, 50, h, "wasserstein").T)
    # Linear field: |(I + hJ) x| = sqrt(1 + h^2) |x| exactly.
    np.testing.assert_allclose(radius[1:] / radius[:-1], np.sqrt(1 + h**2), rtol=1e-12)
    # The zero-sum sigmoid game grows at sqrt(1 + h^2 / 4) near the
    # equilibrium (the spectral radius of I + hJ), monotonically.
    path = demos.dirac_gan_trajectory(1e-4, 0.0, 100, h, "minimax")
    radius = np.hypot(*path.T)
    assert np.all(np.diff(radius) > 0)
    rate = (radius[-1] / radius[0]) ** (1 / 100)
    assert rate == pytest.approx(np.sqrt(1 + h**2 / 4), rel=1e-6)
    assert max(abs(np.linalg.eigvals(np.eye(2) + h * demos.dirac_gan_jacobian()))) > 1


def test_non_saturating_steps_settle_on_a_cycle_of_radius_sqrt_2h():
    """Per step r^2 gains h^2 r^2 / 4 (the rotation) and loses
    2 h t tanh(t / 2) ~ h t^2 (t = psi theta), on average h r^4 / 8: they
    balance at r^2 = 2h."""
    h = 0.1
    for start in (0.5, 2.0):
        path = demos.dirac_gan_trajectory(start * np.sqrt(2 * h), 0.0, 4000, h)
        radius = np.hypot(*path[-200:].T).mean()
        assert radius == pytest.approx(np.sqrt(2 * h), rel=0.01)


def test_alternating_steps_neither_converge_nor_diverge():
    path = demos.dirac_gan_trajectory(
        1.0, 0.0, 2000, 0.1, "wasserstein", alternating=True
    )
    radius = np.hypot(*path.T)
    assert 0.9 < radius.min() and radius.max() < 1.1


def test_r1_converges_and_the_wgan_gp_stalls_off_the_data():
    h, gamma = 0.1, 1.0
    J = demos.dirac_gan_jacobian("non_saturating", "r1", gamma)
    assert max(abs(np.linalg.eigvals(np.eye(2) + h * J))) < 1
    path = demos.dirac_gan_trajectory(1.0, 1.0, 1000, h, regularizer="r1", gamma=gamma)
    assert np.hypot(*path[-1]) < 1e-6
    # The 1-centred penalty keeps |psi| near 1 until theta = 2 gamma / s.
    for loss, s in (("wasserstein", 1.0), ("non_saturating", 0.5)):
        end = demos.dirac_gan_trajectory(
            1.0, 1.0, 2000, 0.1, loss, "gradient_penalty", gamma
        )[-1]
        assert end[0] == pytest.approx(2 * gamma / s, abs=0.05), loss
        assert abs(end[1]) < 0.05


def test_dirac_bad_arguments():
    with pytest.raises(ValueError, match="Received: loss='hinge'"):
        demos.dirac_gan_field(0.0, 0.0, "hinge")
    with pytest.raises(ValueError, match="Received: regularizer='r2'"):
        demos.dirac_gan_trajectory(regularizer="r2")
    with pytest.raises(ValueError, match="Received: steps=0"):
        demos.dirac_gan_trajectory(steps=0)
    with pytest.raises(ValueError, match="not differentiable"):
        demos.dirac_gan_jacobian(regularizer="gradient_penalty")


# ------------------------------------------------------------ the 2-D GAN


def test_mlp_gan_knobs():
    base = demos.mlp_gan("ring", seed=3, hidden_units=(8,), diagnostics=False)
    scaled = demos.mlp_gan("ring", seed=3, hidden_units=(8,), init_scale=2.0)
    for a, b in zip(base.generator.get_weights(), scaled.generator.get_weights()):
        np.testing.assert_allclose(b, 2.0 * a if a.ndim == 2 else a, rtol=1e-6)
    assert scaled.diagnostics and not base.diagnostics
    packed = demos.mlp_gan(
        "grid",
        seed=0,
        pack=2,
        hidden_units=(8,),
        learning_rate=1e-2,
        g_learning_rate=1e-3,
        beta_1=0.0,
    )
    assert isinstance(packed.discriminator, tge.networks.PackedDiscriminator)
    assert float(packed.d_optimizer.learning_rate) == pytest.approx(1e-2)
    assert float(packed.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert packed.d_optimizer.beta_1 == 0.0
    with pytest.raises(ValueError, match="Received: data='digits'"):
        demos.mlp_gan("digits")
    with pytest.raises(ValueError, match="Received: init_scale=0"):
        demos.mlp_gan("ring", init_scale=0)


def test_mlp_gan_generator_width_beta_2_and_rate_drop():
    gan = demos.mlp_gan(
        "grid",
        seed=0,
        hidden_units=(8,),
        g_hidden_units=(16, 4),
        beta_2=0.9,
        d_steps=3,
        learning_rate=1e-3,
        rate_drop=[2, 0.1],  # a list, as a sweep's JSON grid gives it
    )
    kernels = [w.shape for w in gan.generator.get_weights() if w.ndim == 2]
    assert kernels == [(16, 16), (16, 4), (4, 2)]
    assert [w.shape for w in gan.discriminator.get_weights() if w.ndim == 2] == [
        (2, 8),
        (8, 1),
    ]
    assert gan.d_optimizer.beta_2 == 0.9 and gan.g_optimizer.beta_2 == 0.9
    data = tge.data.load("grid", batch_size=16, n=64, seed=0)
    rates = []  # (D rate, G rate) after each generator step
    for _ in range(3):
        gan.fit(data.take(1), epochs=1, verbose=0)
        rates.append(
            (
                float(gan.d_optimizer.learning_rate),
                float(gan.g_optimizer.learning_rate),
            )
        )
    # The critic's schedule counts its own updates, 3 per generator step, so
    # both players switch after the same 2 generator steps.
    assert int(gan.d_optimizer.iterations) == 9
    assert int(gan.g_optimizer.iterations) == 3
    np.testing.assert_allclose(rates, [(1e-3, 1e-3), (1e-4, 1e-4), (1e-4, 1e-4)])
    for bad, message in (
        ((5,), "rate_drop=\\(5,\\)"),
        ((0, 0.1), "rate_drop\\[0\\]"),
        ((5, -1.0), "factor > 0"),
    ):
        with pytest.raises(ValueError, match=message):
            demos.mlp_gan("grid", rate_drop=bad)
