"""Chapter 1's helpers against float64 grid sums and SciPy's own JSD."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402

from tfgan_edu.experiments import minimax_demos  # noqa: E402

DATA = stats.norm(2.0, 0.5).pdf  # chapter 1's p_data
GEN = stats.norm(0.0, 1.0).pdf  # chapter 1's frozen p_g
GRID = np.linspace(-10.0, 10.0, 400_001)


def grid_jsd(p, q):
    """JSD in nats from SciPy's jensenshannon (a distance: its square is the JSD)."""
    return jensenshannon(p(GRID), q(GRID), base=np.e) ** 2


def test_expectation_hand_values():
    normal = stats.norm(1.5, 2.0).pdf
    assert minimax_demos.expectation(normal, lambda t: t, -30, 30) == pytest.approx(
        1.5, abs=1e-8
    )
    assert minimax_demos.expectation(
        normal, lambda t: (t - 1.5) ** 2, -30, 30
    ) == pytest.approx(4.0, abs=1e-7)


def test_jensen_shannon_matches_scipy_on_a_fine_grid():
    assert minimax_demos.jensen_shannon(DATA, GEN) == pytest.approx(
        grid_jsd(DATA, GEN), abs=1e-7
    )
    assert minimax_demos.jensen_shannon(DATA, DATA) == pytest.approx(0.0, abs=1e-12)
    far = stats.norm(8.0, 0.3).pdf  # no overlap with N(0, 1) worth counting
    assert minimax_demos.jensen_shannon(GEN, far) == pytest.approx(np.log(2), abs=1e-6)


def test_optimal_value_is_minus_log4_plus_twice_the_jsd():
    # An independent float64 grid sum of p log D* + q log(1 - D*).
    p, q = DATA(GRID), GEN(GRID)
    d_star = p / (p + q)
    by_grid = np.trapezoid(p * np.log(d_star) + q * np.log1p(-d_star), GRID)
    value = minimax_demos.optimal_value(DATA, GEN)
    assert value == pytest.approx(by_grid, abs=1e-7)
    assert value == pytest.approx(-np.log(4) + 2 * grid_jsd(DATA, GEN), abs=1e-7)
    assert minimax_demos.optimal_value(GEN, GEN) == pytest.approx(-np.log(4), abs=1e-9)


def test_densities_that_vanish_give_finite_values():
    uniform = stats.uniform(0.0, 1.0).pdf  # 0 outside [0, 1]
    shifted = stats.uniform(0.5, 1.0).pdf
    # Half the mass of each overlaps: JSD = log 2 / 2, V = -log 4 + log 2.
    assert minimax_demos.jensen_shannon(uniform, shifted, -1, 3) == pytest.approx(
        np.log(2) / 2, abs=1e-6
    )
    assert minimax_demos.optimal_value(uniform, shifted, -1, 3) == pytest.approx(
        -np.log(2), abs=1e-6
    )


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"lower": 1.0, "upper": 1.0}, "Received: lower=1.0, upper=1.0"),
        ({"lower": -np.inf, "upper": 1.0}, "Received: lower=-inf"),
    ],
)
def test_bad_bounds_raise(kwargs, match):
    for fn in (minimax_demos.optimal_value, minimax_demos.jensen_shannon):
        with pytest.raises(ValueError, match=match):
            fn(DATA, GEN, **kwargs)


def test_non_callable_density_raises():
    with pytest.raises(ValueError, match="Received: pdf_g=0.5"):
        minimax_demos.optimal_value(DATA, 0.5)


def test_plot_optimal_discriminator_draws_both_curves_and_the_gap():
    x = np.linspace(-1.0, 3.5, 50)
    p, q = DATA(x), GEN(x)
    d_star = p / (p + q)
    fig = minimax_demos.plot_optimal_discriminator(x, p, q, d_star, d_star + 0.25)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), d_star)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), d_star + 0.25)
    assert "0.250" in ax.get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="Received: shapes="):
        minimax_demos.plot_optimal_discriminator(x, p, q, d_star, d_star[:-1])


def test_plot_generator_gradients_one_line_per_family():
    d = np.linspace(0.01, 0.99, 9)
    fig = minimax_demos.plot_generator_gradients(
        d, {"minimax": -d, "non_saturating": d - 1}
    )
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["minimax", "non_saturating"]
    np.testing.assert_allclose(lines[1].get_ydata(), d - 1)
    plt.close(fig)
    with pytest.raises(ValueError, match="Received: minimax of shape"):
        minimax_demos.plot_generator_gradients(d, {"minimax": -d[:3]})
