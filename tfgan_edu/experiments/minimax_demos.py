"""Chapter 1's helpers: the minimax game's quantities in one dimension.

Chapter 1 derives that the best discriminator is
`D*(x) = p_data(x) / (p_data(x) + p_g(x))` and that against it the value of
the game is `V(D*, G) = -log 4 + 2 JSD(p_data || p_g)`. These functions
compute both sides of that identity by numerical integration, by two
independent routes (one through `D*`, one through the mixture
`m = (p_data + p_g) / 2`), so the chapter can check the identity with an
assert, and draw the chapter's two figures:

- `expectation(pdf, f)`: `E_pdf[f]` by adaptive quadrature.
- `optimal_value(pdf_data, pdf_g)`: `V(D*, G)`, integrated through `D*`.
- `jensen_shannon(pdf_p, pdf_q)`: `JSD(p || q)` in nats, through `m`.
- `plot_optimal_discriminator(...)`: the closed-form `D*` beside a trained
  discriminator's `sigmoid(logit)`, over the two densities.
- `plot_generator_gradients(d_fake, grads)`: the generator's gradient per
  fake logit against `D(G(z))`, one curve per loss family.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import integrate
from scipy.special import xlogy

Pdf = Callable[[float], float]


def _check_bounds(lower: float, upper: float) -> None:
    if not (np.isfinite(lower) and np.isfinite(upper) and lower < upper):
        raise ValueError(
            "Expected finite integration bounds with `lower < upper`. "
            f"Received: lower={lower!r}, upper={upper!r}"
        )


def _check_pdfs(**pdfs) -> None:
    for name, pdf in pdfs.items():
        if not callable(pdf):
            raise ValueError(
                f"Expected `{name}` to be a callable density. Received: {name}={pdf!r}"
            )


def _quad(integrand: Callable[[float], float], lower: float, upper: float) -> float:
    return float(integrate.quad(integrand, lower, upper, limit=200)[0])


def expectation(
    pdf: Pdf, f: Callable[[float], float], lower: float = -10.0, upper: float = 10.0
) -> float:
    """`E_pdf[f(x)]` by adaptive quadrature over `[lower, upper]`.

    Args:
        pdf: a probability density of one real variable.
        f: the function whose expectation is taken.
        lower: lower integration bound; the density must be negligible
            below it. Defaults to -10.
        upper: upper integration bound. Defaults to 10.

    Returns:
        `integral of pdf(x) * f(x) dx` over `[lower, upper]`, a float.

    Example:

    >>> from scipy import stats
    >>> round(expectation(stats.norm(0, 1).pdf, lambda t: t**2), 6)
    1.0
    """
    _check_pdfs(pdf=pdf, f=f)
    _check_bounds(lower, upper)
    return _quad(lambda t: pdf(t) * f(t), lower, upper)


def optimal_value(
    pdf_data: Pdf, pdf_g: Pdf, lower: float = -10.0, upper: float = 10.0
) -> float:
    """The value `V(D*, G)` of the game against the optimal discriminator.

    Integrates `p_data log D* + p_g log(1 - D*)` with
    `D* = p_data / (p_data + p_g)`; where a density is 0 its term is 0.
    By the chapter's derivation this equals `-log 4 + 2 JSD(p_data || p_g)`
    (compare `jensen_shannon`, computed by another route): `-log 4` when
    the densities are equal, up to 0 when they do not overlap.

    Args:
        pdf_data: the data density.
        pdf_g: the generator's density.
        lower: lower integration bound; both densities must be negligible
            outside `[lower, upper]`. Defaults to -10.
        upper: upper integration bound. Defaults to 10.

    Returns:
        `V(D*, G)` in nats, a float in `[-log 4, 0]`.

    Example:

    >>> from scipy import stats
    >>> p = stats.norm(0, 1).pdf
    >>> round(optimal_value(p, p), 6), round(-float(np.log(4)), 6)
    (-1.386294, -1.386294)
    """
    _check_pdfs(pdf_data=pdf_data, pdf_g=pdf_g)
    _check_bounds(lower, upper)

    def integrand(t: float) -> float:
        a, b = pdf_data(t), pdf_g(t)
        total = a + b
        if total <= 0:
            return 0.0
        return float(xlogy(a, a / total) + xlogy(b, b / total))

    return _quad(integrand, lower, upper)


def jensen_shannon(
    pdf_p: Pdf, pdf_q: Pdf, lower: float = -10.0, upper: float = 10.0
) -> float:
    """The Jensen-Shannon divergence `JSD(p || q)` in nats, by quadrature.

    `JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2` with `m = (p + q) / 2`;
    it is 0 for equal densities and at most `log 2`.

    Args:
        pdf_p: the first density.
        pdf_q: the second density.
        lower: lower integration bound; both densities must be negligible
            outside `[lower, upper]`. Defaults to -10.
        upper: upper integration bound. Defaults to 10.

    Returns:
        `JSD(p || q)`, a float in `[0, log 2]`.

    Example:

    >>> from scipy import stats
    >>> round(jensen_shannon(stats.norm(0, 1).pdf, stats.norm(0, 1).pdf), 6)
    0.0
    """
    _check_pdfs(pdf_p=pdf_p, pdf_q=pdf_q)
    _check_bounds(lower, upper)

    def kl_to_mixture(first: Pdf, second: Pdf) -> float:
        def integrand(t: float) -> float:
            a, b = first(t), second(t)
            return 0.0 if a <= 0 else float(xlogy(a, a / (0.5 * (a + b))))

        return _quad(integrand, lower, upper)

    return 0.5 * kl_to_mixture(pdf_p, pdf_q) + 0.5 * kl_to_mixture(pdf_q, pdf_p)


def plot_optimal_discriminator(
    x: np.ndarray,
    p_data: np.ndarray,
    p_g: np.ndarray,
    d_star: np.ndarray,
    d_learned: np.ndarray,
    ax=None,
) -> Figure:
    """Draws the closed-form `D*` beside a trained discriminator.

    Shades the two densities and draws `D*(x)` (solid) and the trained
    discriminator's `sigmoid(D(x))` (dashed) on the same grid; the title
    gives the largest gap between the two curves.

    Args:
        x: the grid, shape `(n,)`.
        p_data: the data density on the grid, shape `(n,)`.
        p_g: the generator's density on the grid, shape `(n,)`.
        d_star: the optimal discriminator on the grid, shape `(n,)`.
        d_learned: the trained discriminator's probabilities, shape `(n,)`.
        ax: axes to draw into. Defaults to a new figure.

    Returns:
        The `matplotlib` figure.

    Example:

    >>> x = np.linspace(-1, 1, 5)
    >>> fig = plot_optimal_discriminator(x, x**2, 1 - x**2, x**2, x**2 + 0.1)
    >>> fig.axes[0].get_title()
    'Optimal vs trained discriminator (max |error| = 0.100)'
    """
    arrays = [np.asarray(a, dtype="float64") for a in (x, p_data, p_g, d_star)]
    d_learned = np.asarray(d_learned, dtype="float64").reshape(-1)
    if any(a.shape != arrays[0].shape for a in arrays + [d_learned]):
        raise ValueError(
            "Expected `x`, `p_data`, `p_g`, `d_star` and `d_learned` of one shape. "
            f"Received: shapes={[np.shape(a) for a in arrays + [d_learned]]}"
        )
    x, p_data, p_g, d_star = arrays
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    error = np.abs(d_learned - d_star).max()
    ax.fill_between(x, p_data, alpha=0.2, color="tab:blue", label=r"$p_\mathrm{data}$")
    ax.fill_between(x, p_g, alpha=0.2, color="tab:orange", label=r"$p_g$")
    ax.plot(x, d_star, color="black", lw=2, label=r"$D^*(x)$ (closed form)")
    ax.plot(
        x, d_learned, "--", color="tab:red", lw=2, label=r"$\sigma(D(x))$ (trained)"
    )
    ax.set_xlabel("x")
    ax.set_title(f"Optimal vs trained discriminator (max |error| = {error:.3f})")
    ax.legend()
    return ax.figure


def plot_generator_gradients(
    d_fake: np.ndarray, grads: Mapping[str, np.ndarray], ax=None
) -> Figure:
    """Draws the generator's gradient per fake logit against `D(G(z))`.

    A linear axis with the region `D(G(z)) < 0.1`, where the discriminator
    confidently rejects the fakes, shaded.

    Args:
        d_fake: `D(G(z))` on a grid, shape `(n,)`.
        grads: loss family name -> `d loss / d fake logit` on that grid,
            each of shape `(n,)`.
        ax: axes to draw into. Defaults to a new figure.

    Returns:
        The `matplotlib` figure.

    Example:

    >>> d = np.linspace(0.01, 0.99, 5)
    >>> fig = plot_generator_gradients(d, {"minimax": -d, "non_saturating": d - 1})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['minimax', 'non_saturating']
    """
    d_fake = np.asarray(d_fake, dtype="float64")
    for name, grad in grads.items():
        if np.shape(grad) != d_fake.shape:
            raise ValueError(
                f"Expected each gradient of the shape of `d_fake` {d_fake.shape}. "
                f"Received: {name} of shape {np.shape(grad)}"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for name, grad in grads.items():
        ax.plot(d_fake, grad, lw=2, label=name)
    ax.axvspan(0, 0.1, color="gray", alpha=0.15)
    ax.text(0.05, 0.02, "D confidently\nrejects", transform=ax.transAxes, fontsize=8)
    ax.set_xlabel("D(G(z))")
    ax.set_ylabel("d loss / d fake logit")
    ax.set_title("Generator gradient per sample")
    ax.legend()
    return ax.figure
