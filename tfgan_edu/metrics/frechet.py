"""The Fréchet distance between two sets of features (FID, when Inception's).

Heusel et al. (2017, "GANs Trained by a Two Time-Scale Update Rule Converge
to a Local Nash Equilibrium") fit a Gaussian to each set of features and
report the squared 2-Wasserstein distance between the two Gaussians:

    d^2 = ||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))

`S_a S_b` is not symmetric, and the usual `scipy.linalg.sqrtm` of it can
turn complex or NaN when the covariances are singular (fewer samples than
dimensions). Here `tr((S_a S_b)^(1/2))` is computed as the sum of square
roots of the eigenvalues of the symmetric positive semi-definite matrix
`S_a^(1/2) S_b S_a^(1/2)`, which has the same eigenvalues as `S_a S_b`. So the
result is always a finite, non-negative float.

Example:

>>> rng = np.random.default_rng(0)
>>> a = rng.normal(size=(500, 4))
>>> round(frechet_distance(a, a + 2.0), 6)  # shift by 2 in 4 dimensions
16.0
"""

from __future__ import annotations

import numpy as np


def _statistics(features: np.ndarray, arg: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean `(d,)` and unbiased covariance `(d, d)` of float64 features."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"Expected `{arg}` of shape (n, d) with n >= 2 samples. "
            f"Received: {arg}.shape={features.shape}"
        )
    if not np.all(np.isfinite(features)):
        raise ValueError(
            f"Expected finite `{arg}`. Received: {arg} with "
            f"{int(np.sum(~np.isfinite(features)))} NaN or infinite values"
        )
    return features.mean(axis=0), np.cov(features, rowvar=False).reshape(
        features.shape[1], features.shape[1]
    )


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric PSD matrix; negative round-off clipped to 0."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Computes the Fréchet distance between Gaussians fitted to two feature sets.

    Args:
        features_a: Array of shape `(n_a, d)`, one feature vector per row,
            n_a >= 2.
        features_b: Array of shape `(n_b, d)`, n_b >= 2. The two sets may
            have different sizes and fewer rows than columns.

    Returns:
        The distance as a non-negative Python float (computed in float64).
        With Inception-v3 pool features this is the FID.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(200, 3)), rng.normal(size=(300, 3))
    >>> frechet_distance(a, a)
    0.0
    >>> d_ab, d_ba = frechet_distance(a, b), frechet_distance(b, a)
    >>> bool(0.0 < d_ab < 0.1 and abs(d_ab - d_ba) < 1e-12)
    True
    """
    mu_a, sigma_a = _statistics(features_a, "features_a")
    mu_b, sigma_b = _statistics(features_b, "features_b")
    if mu_a.shape != mu_b.shape:
        raise ValueError(
            "Expected both feature sets to have the same dimension d. "
            f"Received: features_a.shape[1]={mu_a.shape[0]}, "
            f"features_b.shape[1]={mu_b.shape[0]}"
        )
    sqrt_a = _psd_sqrt(sigma_a)
    product = sqrt_a @ sigma_b @ sqrt_a  # symmetric PSD, same spectrum as S_a S_b
    eigenvalues = np.linalg.eigvalsh((product + product.T) / 2.0)
    trace_sqrt = np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None)))
    distance = (
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2.0 * trace_sqrt
    )
    return max(float(distance), 0.0)
