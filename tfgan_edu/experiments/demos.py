"""Demonstrations of training instability, for chapter 6 and the benchmarks.

- `generator_gradients`: the saturating (minimax) and non-saturating
  generator gradients where the discriminator is confident, in closed form
  and by automatic differentiation through `tfgan_edu.losses`.
- `mlp_gan`: the small MLP GAN of the 2-D experiments with every knob of a
  sensitivity sweep (learning rate, beta_1, loss family, `d_steps`,
  initialization scale, PacGAN packing, gradient penalty). A module-level
  function, so `tfgan_edu.experiments.sweep` can send it to worker processes.
- The Dirac-GAN of Mescheder, Geiger & Nowozin (2018): `dirac_gan_field`,
  `dirac_gan_trajectory`, `dirac_gan_jacobian`, `plot_dirac_gan`. A
  two-parameter GAN whose gradient dynamics can be solved by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

from tfgan_edu import losses, networks, recipes
from tfgan_edu._checks import check_int
from tfgan_edu.models import GAN

# ------------------------------------------------- saturating gradients


def generator_gradients(d_fake: Sequence[float]) -> dict[str, np.ndarray]:
    """Generator-loss gradients with respect to the fake logit, per sample.

    With `D(G(z)) = sigmoid(f)`, the derivative of one sample's generator
    loss with respect to its logit `f` is, in closed form:

    - minimax (saturating), loss `log(1 - D) = -softplus(f)`:
      `-sigmoid(f) = -D(G(z))`, which vanishes as `D(G(z)) -> 0`;
    - non-saturating, loss `-log D = softplus(-f)`:
      `-sigmoid(-f) = -(1 - D(G(z)))`, which tends to -1 there.

    Both are also computed by `tf.GradientTape` through
    `tfgan_edu.losses.minimax_generator_loss` and
    `non_saturating_generator_loss` (float32), to check the package.

    Args:
        d_fake: values of `D(G(z))` in (0, 1).

    Returns:
        A dict of float64 arrays: `d_fake`, `logit` (`log(D / (1 - D))`),
        `minimax` and `non_saturating` (closed forms), `minimax_autodiff`
        and `non_saturating_autodiff`, and `ratio` (non-saturating over
        minimax: `(1 - D) / D`).

    Example:

    >>> g = generator_gradients([0.5, 1e-3])
    >>> g["minimax"].round(4).tolist(), g["non_saturating"].round(4).tolist()
    ([-0.5, -0.001], [-0.5, -0.999])
    """
    d = np.asarray(d_fake, dtype=np.float64)
    if d.ndim != 1 or d.size == 0 or not np.all((d > 0) & (d < 1)):
        raise ValueError(
            "Expected `d_fake` to be a non-empty 1-D sequence of values in (0, 1). "
            f"Received: d_fake={d_fake!r}"
        )
    logit = np.log(d) - np.log1p(-d)
    result = {
        "d_fake": d,
        "logit": logit,
        "minimax": -d,
        "non_saturating": -(1.0 - d),
    }
    f = tf.constant(logit, dtype="float32")
    for family in ("minimax", "non_saturating"):
        loss_fn = losses.get(family).generator_loss
        with tf.GradientTape() as tape:
            tape.watch(f)
            # The loss is a batch mean: times the batch size, each logit's
            # gradient is that of its own sample's loss.
            loss = loss_fn(f) * d.size
        result[f"{family}_autodiff"] = tape.gradient(loss, f).numpy().astype(np.float64)
    result["ratio"] = result["non_saturating"] / result["minimax"]
    return result


def plot_generator_gradients(d_min: float = 1e-4, ax=None) -> Figure:
    """Plots both generator gradients against `D(G(z))` on a log axis.

    Args:
        d_min: the smallest `D(G(z))` shown. Defaults to 1e-4.
        ax: axes to draw into. Defaults to a new figure.

    Returns:
        The `matplotlib` figure.

    Example:

    >>> fig = plot_generator_gradients()
    >>> len(fig.axes[0].lines)
    2
    """
    g = generator_gradients(np.logspace(np.log10(d_min), np.log10(0.999), 200))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(g["d_fake"], -g["minimax"], label="minimax: $|\\partial/\\partial f| = D$")
    ax.plot(
        g["d_fake"],
        -g["non_saturating"],
        label="non-saturating: $|\\partial/\\partial f| = 1 - D$",
    )
    ax.set_xscale("log")
    ax.set_xlabel("$D(G(z))$ (the discriminator's belief that a fake is real)")
    ax.set_ylabel("|gradient w.r.t. the fake logit|")
    ax.set_title("The minimax generator gradient vanishes when D is confident")
    ax.legend()
    return ax.figure


# ------------------------------------------------------- the 2-D GAN


def mlp_gan(
    data="ring",
    seed: int | None = None,
    *,
    learning_rate: float = 1e-3,
    g_learning_rate: float | None = None,
    beta_1: float = 0.5,
    loss: str = "non_saturating",
    d_steps: int = 1,
    init_scale: float = 1.0,
    pack: int = 1,
    gradient_penalty_weight: float = 0.0,
    hidden_units: Sequence[int] = (128, 128),
    g_hidden_units: Sequence[int] | None = None,
    beta_2: float = 0.999,
    rate_drop: Sequence[float] | None = None,
    diagnostics: bool = True,
) -> GAN:
    """The default 2-D GAN with every knob of a sensitivity sweep.

    An MLP generator and discriminator (`hidden_units`, as in
    `tfgan_edu.recipes.build_gan` for vectors; `g_hidden_units` gives the
    generator its own), latent size 16, and `Adam(learning_rate, beta_1,
    beta_2)` for both players (or `g_learning_rate` for the generator: two
    time scales), optionally dropped by a factor after a number of
    generator steps (`rate_drop`). `init_scale` multiplies
    every initial kernel (Glorot uniform by default), `pack > 1` makes the
    discriminator a PacGAN one (`tfgan_edu.networks.packed_mlp_discriminator`,
    same hidden layers, one logit per `pack` samples).

    Args:
        data: a 2-D dataset name (`"ring"`, `"grid"`, `"spiral"`) or shape.
            Defaults to `"ring"`.
        seed: seeds the initial weights and the training noise.
        learning_rate: Adam learning rate of both players. Defaults to 1e-3.
        g_learning_rate: the generator's rate, if it differs. Defaults to
            `None` (`learning_rate`).
        beta_1: Adam's first-moment decay. Defaults to 0.5.
        loss: loss family. Defaults to `"non_saturating"`.
        d_steps: discriminator steps per generator step. Defaults to 1.
        init_scale: factor on the initial kernels. Defaults to 1.
        pack: samples per discriminator decision (PacGAN). Defaults to 1.
        gradient_penalty_weight: WGAN-GP lambda. Defaults to 0.
        hidden_units: hidden layers of both networks. Defaults to (128, 128).
        g_hidden_units: the generator's hidden layers, if they differ.
            Defaults to `None` (`hidden_units`).
        beta_2: Adam's second-moment decay. Defaults to 0.999.
        rate_drop: `(step, factor)`: after the first `step` generator steps
            both learning rates are multiplied by `factor` (a
            `keras.optimizers.schedules.PiecewiseConstantDecay` on each
            optimizer; the discriminator's counts its own updates, `d_steps`
            per generator step). Defaults to `None` (constant rates).
        diagnostics: compile with `diagnostics=True`. Defaults to `True`.

    Returns:
        A compiled `tfgan_edu.GAN`.

    Example:

    >>> gan = mlp_gan("grid", seed=0, pack=4, hidden_units=(16,))
    >>> gan.discriminator.pack, gan.d_optimizer.beta_1
    (4, 0.5)
    """
    shape = recipes.sample_shape(data)
    if len(shape) != 1:
        raise ValueError(
            f"`mlp_gan` builds GANs for vectors (2-D data). Received: data={data!r}"
        )
    if not np.isfinite(init_scale) or init_scale <= 0:
        raise ValueError(
            f"Expected `init_scale` > 0. Received: init_scale={init_scale!r}"
        )
    d_steps = check_int("d_steps", d_steps)
    d_rate = _schedule(learning_rate, rate_drop, d_steps)
    g_rate = _schedule(
        learning_rate if g_learning_rate is None else g_learning_rate, rate_drop, 1
    )
    latent_dim = recipes.TOY_DEFAULTS.latent_dim
    if seed is not None:
        keras.utils.set_random_seed(seed)
    generator = networks.mlp_generator(
        latent_dim,
        shape,
        hidden_units=hidden_units if g_hidden_units is None else g_hidden_units,
    )
    if pack == 1:
        discriminator = networks.mlp_discriminator(shape, hidden_units=hidden_units)
    else:
        discriminator = networks.packed_mlp_discriminator(
            shape, pack, hidden_units=hidden_units
        )
    if init_scale != 1.0:
        for network in (generator, discriminator):
            for layer in _dense_layers(network):
                layer.kernel.assign(layer.kernel * init_scale)
    gan = GAN(generator, discriminator, latent_dim=latent_dim, seed=seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(d_rate, beta_1=beta_1, beta_2=beta_2),
        g_optimizer=keras.optimizers.Adam(g_rate, beta_1=beta_1, beta_2=beta_2),
        loss=loss,
        d_steps=d_steps,
        gradient_penalty_weight=gradient_penalty_weight,
        diagnostics=diagnostics,
    )
    return gan


def _schedule(rate: float, rate_drop, updates_per_generator_step: int):
    """`rate`, or a one-step piecewise-constant schedule for `rate_drop`."""
    if rate_drop is None:
        return rate
    if len(rate_drop) != 2:
        raise ValueError(
            "Expected `rate_drop` as (generator steps, factor). "
            f"Received: rate_drop={rate_drop!r}"
        )
    step = check_int("rate_drop[0]", rate_drop[0])
    factor = float(rate_drop[1])
    if not factor > 0.0:  # also refuses NaN
        raise ValueError(
            f"Expected a factor > 0 in `rate_drop`. Received: rate_drop={rate_drop!r}"
        )
    return keras.optimizers.schedules.PiecewiseConstantDecay(
        # Update k uses the rate at k: k <= boundary gives `rate`, so the
        # first `step` generator steps keep it.
        [step * updates_per_generator_step - 1],
        [rate, rate * factor],
    )


def _dense_layers(model):
    """The `Dense` layers of `model`, nested models included."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _dense_layers(layer)
        elif isinstance(layer, keras.layers.Dense):
            yield layer


# ---------------------------------------------------------- Dirac-GAN

DIRAC_LOSSES = ("minimax", "non_saturating", "wasserstein")
DIRAC_REGULARIZERS = (None, "r1", "gradient_penalty")


def _sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))


def _check_dirac(loss, regularizer, gamma):
    if loss not in DIRAC_LOSSES:
        raise ValueError(
            f"Expected `loss` to be one of {DIRAC_LOSSES}. Received: loss={loss!r}"
        )
    if regularizer not in DIRAC_REGULARIZERS:
        raise ValueError(
            f"Expected `regularizer` to be one of {DIRAC_REGULARIZERS}. "
            f"Received: regularizer={regularizer!r}"
        )
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"Expected `gamma` >= 0. Received: gamma={gamma!r}")


def dirac_gan_field(
    theta,
    psi,
    loss: str = "non_saturating",
    regularizer: str | None = None,
    gamma: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The gradient vector field of the Dirac-GAN (Mescheder et al. 2018).

    The data is a point mass at 0, the generator a point mass at `theta`
    (so `G(z) = theta`), the discriminator linear, `D(x) = psi * x` (a
    logit). The real logit is `psi * 0 = 0`, the fake logit `psi * theta`,
    and with the package's losses (`sp = softplus`):

    | loss | D's loss | G's loss |
    |---|---|---|
    | minimax | `log 2 + sp(psi theta)` | `-sp(psi theta)` |
    | non_saturating | `log 2 + sp(psi theta)` | `sp(-psi theta)` |
    | wasserstein | `psi theta` | `-psi theta` |

    The regularizers act on D: `"r1"` adds `gamma / 2 * ||grad_x D(0)||^2 =
    gamma / 2 * psi^2`; `"gradient_penalty"` (WGAN-GP) adds
    `gamma * (|psi| - 1)^2`, since `grad_x D = psi` at every interpolate.

    The field is the direction each player moves under gradient descent,
    `(-dL_G/dtheta, -dL_D/dpsi)`: a step is `(theta, psi) + h * field`.

    What gradient descent on it does (Mescheder et al. 2018; checked in
    `tests/experiments/test_demos.py`): without a regularizer it circles
    the equilibrium `(0, 0)`, and simultaneous steps drift outward (the
    zero-sum losses) or settle on a cycle of radius `sqrt(2 h)` for a step
    size `h` (non-saturating); with R1 it
    converges to `(0, 0)`; with the WGAN-GP penalty `|psi|` is held near 1
    until the generator stalls at `theta = 2 gamma / s` (`s` = 1 for the
    Wasserstein loss, 1/2 for the sigmoid ones), away from the data.

    Args:
        theta: the generator's parameter (scalar or array).
        psi: the discriminator's parameter (same shape).
        loss: `"minimax"`, `"non_saturating"` (default) or `"wasserstein"`.
        regularizer: `None` (default), `"r1"` or `"gradient_penalty"`.
        gamma: weight of the regularizer. Defaults to 1.

    Returns:
        `(d_theta, d_psi)`, float64 arrays.

    Example:

    >>> dirac_gan_field(1.0, 0.0)  # D is indifferent; it turns against theta
    (0.0, -0.5)
    """
    _check_dirac(loss, regularizer, gamma)
    theta = np.asarray(theta, dtype=np.float64)
    psi = np.asarray(psi, dtype=np.float64)
    t = psi * theta  # the fake logit
    if loss == "wasserstein":
        d_theta, d_psi = psi, -theta
    else:
        # d/dpsi of sp(psi theta) = theta sigmoid(t); G's loss derivatives:
        # d/dtheta -sp(t) = -psi sigmoid(t); d/dtheta sp(-t) = -psi sigmoid(-t).
        g_slope = _sigmoid(t) if loss == "minimax" else _sigmoid(-t)
        d_theta, d_psi = psi * g_slope, -theta * _sigmoid(t)
    if regularizer == "r1":
        d_psi = d_psi - gamma * psi
    elif regularizer == "gradient_penalty":
        d_psi = d_psi - 2.0 * gamma * (np.abs(psi) - 1.0) * np.sign(psi)
    if d_theta.ndim == 0:
        return float(d_theta), float(d_psi)
    return d_theta, d_psi


def dirac_gan_trajectory(
    theta0: float = 1.0,
    psi0: float = 1.0,
    steps: int = 200,
    learning_rate: float = 0.1,
    loss: str = "non_saturating",
    regularizer: str | None = None,
    gamma: float = 1.0,
    alternating: bool = False,
) -> np.ndarray:
    """Gradient-descent iterates of the Dirac-GAN.

    Simultaneous updates (the default) move both players along
    `dirac_gan_field` at the old point. Alternating updates follow
    `GAN.train_step`: D steps first, then G steps against the updated D.

    Args:
        theta0: initial generator parameter. Defaults to 1.
        psi0: initial discriminator parameter. Defaults to 1.
        steps: number of updates. Defaults to 200.
        learning_rate: step size `h`. Defaults to 0.1.
        loss: see `dirac_gan_field`. Defaults to `"non_saturating"`.
        regularizer: see `dirac_gan_field`. Defaults to `None`.
        gamma: weight of the regularizer. Defaults to 1.
        alternating: D then G instead of simultaneous steps. Defaults to
            `False`.

    Returns:
        A float64 array of shape `(steps + 1, 2)`: `(theta, psi)` from the
        start to the last step.

    Example:

    >>> path = dirac_gan_trajectory(steps=2, loss="wasserstein", learning_rate=0.5)
    >>> path.tolist()  # (t, p) -> (t + h p, p - h t)
    [[1.0, 1.0], [1.5, 0.5], [1.75, -0.25]]
    """
    _check_dirac(loss, regularizer, gamma)
    check_int("steps", steps)
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(
            f"Expected `learning_rate` > 0. Received: learning_rate={learning_rate!r}"
        )
    path = np.empty((steps + 1, 2))
    theta, psi = float(theta0), float(psi0)
    path[0] = theta, psi
    for i in range(1, steps + 1):
        if alternating:
            psi = (
                psi
                + learning_rate
                * dirac_gan_field(theta, psi, loss, regularizer, gamma)[1]
            )
            theta = (
                theta
                + learning_rate
                * dirac_gan_field(theta, psi, loss, regularizer, gamma)[0]
            )
        else:
            d_theta, d_psi = dirac_gan_field(theta, psi, loss, regularizer, gamma)
            theta, psi = theta + learning_rate * d_theta, psi + learning_rate * d_psi
        path[i] = theta, psi
    return path


def dirac_gan_jacobian(
    loss: str = "non_saturating",
    regularizer: str | None = None,
    gamma: float = 1.0,
) -> np.ndarray:
    """The Jacobian of `dirac_gan_field` at the equilibrium `(0, 0)`, in closed form.

    With `s = sigmoid(0) = 1/2` for the sigmoid losses and `s = 1` for the
    Wasserstein loss, and `g = gamma` under R1 (0 without it):

        J = [[0,  s],
             [-s, -g]]

    Its eigenvalues are `(-g +- sqrt(g^2 - 4 s^2)) / 2`: purely imaginary,
    `+-i s`, without regularization (the field circles the equilibrium and
    simultaneous gradient steps, whose linearization `I + h J` has
    eigenvalues of modulus `sqrt(1 + h^2 s^2) > 1`, spiral out), and with
    real part `-g / 2 < 0` under R1 (locally convergent for small `h`).
    The WGAN-GP penalty is not differentiable at `psi = 0`; this function
    refuses it.

    Args:
        loss: see `dirac_gan_field`. Defaults to `"non_saturating"`.
        regularizer: `None` (default) or `"r1"`.
        gamma: R1 weight. Defaults to 1.

    Returns:
        A float64 array of shape `(2, 2)`.

    Example:

    >>> dirac_gan_jacobian().tolist()
    [[0.0, 0.5], [-0.5, 0.0]]
    >>> np.linalg.eigvals(dirac_gan_jacobian()).imag.round(3).tolist()
    [0.5, -0.5]
    """
    _check_dirac(loss, regularizer, gamma)
    if regularizer == "gradient_penalty":
        raise ValueError(
            "The WGAN-GP penalty gamma * (|psi| - 1)^2 is not differentiable at "
            "psi = 0, so the field has no Jacobian at the equilibrium. "
            f"Received: regularizer={regularizer!r}"
        )
    s = 1.0 if loss == "wasserstein" else 0.5
    g = gamma if regularizer == "r1" else 0.0
    return np.array([[0.0, s], [-s, -g]])


def plot_dirac_gan(
    trajectories: Mapping[str, np.ndarray], ax=None, title: str | None = None
) -> Figure:
    """Draws Dirac-GAN trajectories in the `(theta, psi)` plane.

    Args:
        trajectories: label -> array `(steps + 1, 2)` from
            `dirac_gan_trajectory`.
        ax: axes to draw into. Defaults to a new figure.
        title: axes title. Defaults to `None`.

    Returns:
        The `matplotlib` figure.

    Example:

    >>> fig = plot_dirac_gan({"GD": dirac_gan_trajectory(steps=10)})
    >>> fig.axes[0].get_xlabel()
    'theta (generator)'
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    for label, path in trajectories.items():
        path = np.asarray(path)
        (line,) = ax.plot(path[:, 0], path[:, 1], lw=1.2, label=label)
        ax.plot(*path[0], "o", color=line.get_color(), ms=5)
        ax.plot(*path[-1], "s", color=line.get_color(), ms=5)
    ax.plot(0.0, 0.0, "*", color="black", ms=12, label="equilibrium")
    ax.set_xlabel("theta (generator)")
    ax.set_ylabel("psi (discriminator)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax.figure
