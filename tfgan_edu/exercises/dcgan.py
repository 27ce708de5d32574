"""Exercise of chapter 2, DCGAN on images: spherical latent interpolation."""

from __future__ import annotations

import numpy as np

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def slerp(z0, z1, t):
    """Reference: spherical linear interpolation from `z0` to `z1` at times `t`."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.asarray(t, np.float64)[:, None]  # (n, 1)
    cos_omega = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos_omega, -1.0, 1.0))
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _lerp(z0, z1, t):
    t = np.asarray(t, np.float64)[:, None]
    return (1.0 - t) * np.asarray(z0) + t * np.asarray(z1)


def _slerp_unnormalized(z0, z1, t):
    t = np.asarray(t, np.float64)[:, None]
    omega = np.arccos(np.clip(np.dot(z0, z1), -1.0, 1.0))
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _vectors(seed: int, dim: int, scale1: float = 1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=dim), scale1 * rng.normal(size=dim)


SLERP = Exercise(
    name="slerp",
    chapter=2,
    title="Spherical interpolation in latent space",
    summary="slerp between two latent vectors, the path that stays where N(0, I) puts its mass",
    task=r"""
Noise $z \sim \mathcal N(0, I_d)$ concentrates near the sphere of radius $\sqrt d$; the straight
line between two latent vectors cuts through its inside, where the generator saw no noise.
Spherical interpolation (Shoemake 1985; White 2016) follows the great circle instead:

$$
\operatorname{slerp}(z_0, z_1; t) = \frac{\sin((1 - t)\,\Omega)}{\sin \Omega}\, z_0
 + \frac{\sin(t\,\Omega)}{\sin \Omega}\, z_1,
\qquad \cos \Omega = \frac{z_0 \cdot z_1}{\lVert z_0 \rVert\, \lVert z_1 \rVert}.
$$

Given vectors `z0`, `z1` of shape `(d,)` (not parallel) and times `t` of shape `(n,)`, return
the `n` interpolated vectors as a float64 NumPy array of shape `(n, d)`.
""",
    stub='''
def slerp(z0, z1, t):
    """Spherical linear interpolation between two latent vectors.

    Args:
        z0: the start, a NumPy array of shape (d,).
        z1: the end, shape (d,), not parallel to z0.
        t: the times, a NumPy array of shape (n,), in [0, 1].

    Returns:
        A float64 NumPy array of shape (n, d): row i is slerp(z0, z1; t[i]).
    """
    raise NotImplementedError
''',
    reference=slerp,
    cases=(
        Case(
            "orthogonal unit vectors in 2-D, t = 0, 1/3, 1/2, 1",
            lambda: {
                "z0": np.array([1.0, 0.0]),
                "z1": np.array([0.0, 1.0]),
                "t": np.array([0.0, 1.0 / 3.0, 0.5, 1.0]),
            },
        ),
        Case(
            "two 16-D Gaussian vectors of different norms, 7 times",
            lambda: dict(
                zip(("z0", "z1"), _vectors(3, 16, scale1=2.0)),
                t=np.linspace(0.0, 1.0, 7),
            ),
        ),
    ),
    hint="Compute Omega from the cosine of the angle between z0 and z1 "
    "(normalize by both norms), then weight z0 and z1 by sin((1 - t) Omega) / "
    "sin(Omega) and sin(t Omega) / sin(Omega); t[:, None] broadcasts to (n, d).",
    mistakes=(
        Mistake(
            _lerp,
            "This is linear interpolation (1 - t) z0 + t z1. Slerp weights the "
            "endpoints by sines of the angle.",
        ),
        Mistake(
            _slerp_unnormalized,
            "arccos needs the cosine of the angle: divide z0 . z1 by "
            "||z0|| ||z1|| first.",
        ),
    ),
)

EXERCISES = (SLERP,)
