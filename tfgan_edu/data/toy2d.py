"""Two-dimensional toy distributions for watching a GAN learn (or collapse).

Three distributions, each small enough to plot and to train on in seconds:

- `ring`: 8 Gaussians, equally weighted, with centres evenly spaced on a
  circle of radius 2.0 (the first at angle 0) and standard deviation 0.02.
  The benchmark of VEEGAN (Srivastava et al., 2017, "VEEGAN: Reducing Mode
  Collapse in GANs using Implicit Variational Learning", Sec. 5.1).
- `grid`: 25 Gaussians, equally weighted, centred at {-4, -2, 0, 2, 4}^2 with
  standard deviation 0.05. The benchmark of PacGAN (Lin et al., 2018,
  "PacGAN: The power of two samples in generative adversarial networks",
  Sec. 5 and Appendix).
- `spiral`: a continuous Archimedean spiral (the 2-D "Swiss roll" of
  scikit-learn's `make_swiss_roll`, scaled down): with `u ~ U(0, 1)`,
  `t = 1.5 * pi * (1 + 2 * u)` and the point is
  `(t * cos(t), t * sin(t)) / 4` plus isotropic Gaussian noise of standard
  deviation 0.05. The radius grows from about 1.18 to 3.53 over 1.5 turns.
  It has no modes: it tests whether a GAN can fit a curved manifold.

All samples lie in [-4.5, 4.5]^2 (up to Gaussian tails), so a generator may
end in a linear layer with no squashing.

Example:

>>> from tfgan_edu.data import toy2d
>>> toy2d.sample("grid", n=3, seed=0).shape
(3, 2)
>>> toy2d.modes("ring").shape
(8, 2)
>>> toy2d.sigma("grid")
0.05
"""

from __future__ import annotations

import numpy as np

from tfgan_edu._checks import check_int

NAMES: tuple[str, ...] = ("ring", "grid", "spiral")
"""The toy distributions `sample` knows."""

RING_RADIUS: float = 2.0
RING_NUM_MODES: int = 8
RING_SIGMA: float = 0.02
RING_MODES: np.ndarray = RING_RADIUS * np.stack(
    [
        np.cos(2.0 * np.pi * np.arange(RING_NUM_MODES) / RING_NUM_MODES),
        np.sin(2.0 * np.pi * np.arange(RING_NUM_MODES) / RING_NUM_MODES),
    ],
    axis=1,
)
"""Centres of the `ring` mixture, shape (8, 2), counter-clockwise from (2, 0)."""

GRID_SIGMA: float = 0.05
GRID_MODES: np.ndarray = np.array(
    [(x, y) for x in (-4.0, -2.0, 0.0, 2.0, 4.0) for y in (-4.0, -2.0, 0.0, 2.0, 4.0)]
)
"""Centres of the `grid` mixture, shape (25, 2), ordered by x then y."""

SPIRAL_SCALE: float = 0.25
SPIRAL_SIGMA: float = 0.05

_MODES = {"ring": RING_MODES, "grid": GRID_MODES}
_SIGMAS = {"ring": RING_SIGMA, "grid": GRID_SIGMA, "spiral": SPIRAL_SIGMA}

for _centres in _MODES.values():
    _centres.flags.writeable = False


def _check_name(name: str, valid: tuple[str, ...] = NAMES) -> None:
    if name not in valid:
        raise ValueError(
            f"Unknown toy distribution: expected one of {', '.join(valid)}. "
            f"Received: name={name!r}"
        )


def modes(name: str) -> np.ndarray:
    """Returns the centres of a Gaussian mixture.

    Args:
        name: `"ring"` or `"grid"` (the spiral is continuous and has none).

    Returns:
        A float64 array of shape `(K, 2)`, one row per mixture component (a
        copy, so it is safe to modify).

    Example:

    >>> modes("grid")[:2]
    array([[-4., -4.],
           [-4., -2.]])
    """
    _check_name(name, tuple(_MODES))
    return _MODES[name].copy()


def sigma(name: str) -> float:
    """Returns the standard deviation of a distribution's Gaussian noise.

    For `ring` and `grid` this is the standard deviation of every mixture
    component; for `spiral` it is the noise added around the curve.

    Args:
        name: One of `NAMES`.

    Returns:
        The standard deviation, a Python float.

    Example:

    >>> sigma("ring")
    0.02
    """
    _check_name(name)
    return _SIGMAS[name]


def _check_n(n: int) -> None:
    check_int("n", n, note=" (the number of samples)")


def _draw(name: str, n: int, seed: int | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Draws `(points, component indices)`; the indices are `None` for the spiral."""
    rng = np.random.default_rng(seed)
    if name == "spiral":
        t = 1.5 * np.pi * (1.0 + 2.0 * rng.uniform(size=n))
        centres = SPIRAL_SCALE * np.stack([t * np.cos(t), t * np.sin(t)], axis=1)
        labels = None
    else:
        labels = rng.integers(len(_MODES[name]), size=n)
        centres = _MODES[name][labels]
    points = centres + _SIGMAS[name] * rng.standard_normal(size=(n, 2))
    return points.astype(np.float32), labels


def sample(name: str, n: int, seed: int | None = None) -> np.ndarray:
    """Draws samples from a 2-D toy distribution.

    Mixture components are equally likely: each sample picks its component
    uniformly at random, then adds isotropic Gaussian noise.

    Args:
        name: One of `NAMES`: `"ring"`, `"grid"` or `"spiral"`.
        n: Number of samples, a positive int.
        seed: Seed for `np.random.default_rng`. The same seed gives the same
            samples. Defaults to `None` (fresh randomness).

    Returns:
        A float32 array of shape `(n, 2)`.

    Example:

    >>> x = sample("ring", n=1000, seed=0)
    >>> x.dtype, x.shape
    (dtype('float32'), (1000, 2))
    >>> bool(abs(np.linalg.norm(x, axis=1).mean() - 2.0) < 0.01)
    True
    """
    _check_name(name)
    _check_n(n)
    return _draw(name, n, seed)[0]


def sample_with_labels(
    name: str, n: int, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draws mixture samples together with the index of their component.

    Args:
        name: `"ring"` or `"grid"` (the spiral has no components).
        n: Number of samples, a positive int.
        seed: Seed for `np.random.default_rng`. Defaults to `None`.

    Returns:
        A pair `(points, labels)`: float32 `(n, 2)` points and int32 `(n,)`
        component indices into `modes(name)`. The points equal
        `sample(name, n, seed)` for the same seed.

    Example:

    >>> x, y = sample_with_labels("ring", n=5, seed=0)
    >>> bool(np.array_equal(x, sample("ring", n=5, seed=0)))
    True
    >>> bool(np.all(np.linalg.norm(x - modes("ring")[y], axis=1) < 0.1))
    True
    """
    _check_name(name, tuple(_MODES))
    _check_n(n)
    points, labels = _draw(name, n, seed)
    return points, labels.astype(np.int32)
