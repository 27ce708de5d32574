"""The Fréchet distance between two sets of features, and FID on images.

Heusel et al. (2017, "GANs Trained by a Two Time-Scale Update Rule Converge
to a Local Nash Equilibrium") fit a Gaussian to each set of features and
report the squared 2-Wasserstein distance between the two Gaussians:

    d^2 = ||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))

`S_a S_b` is not symmetric, and the usual `scipy.linalg.sqrtm` of it is
slow (minutes for d = 2048) and can turn complex or NaN when the
covariances are singular (fewer samples than dimensions). Here a positive
definite covariance, say `S_a`, is factored by Cholesky, `S_a = L L^T`;
`S_a S_b` has the same eigenvalues as the symmetric positive
semi-definite `L^T S_b L` (formed by LAPACK `sygst`), so

    tr((S_a S_b)^(1/2)) = sum of sqrt(eigenvalues of L^T S_b L).

The trace is symmetric in a and b, so either side may be the singular
one. Only when both are singular does each get a pivoted Cholesky factor
(LAPACK `pstrf`) `F` with only as many columns as its rank, and the
eigenvalues are those of `G^T G` with `G = F_b^T F_a` (the squared
singular values of `G`). One Cholesky factorization, one symmetric
reduction and the eigenvalues (no eigenvectors) of one symmetric matrix
replace the square root of a general matrix: exact, much faster, and
always a finite, non-negative result. `benchmarks/metrics.py` compares it
with the `sqrtm` route.

Example:

>>> rng = np.random.default_rng(0)
>>> a = rng.normal(size=(500, 4))
>>> round(frechet_distance(a, a + 2.0), 6)  # shift by 2 in 4 dimensions
16.0
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from scipy.linalg import blas, lapack

from tfgan_edu.metrics._validation import check_features, check_same_dimension
from tfgan_edu.metrics.extraction import (
    DEFAULT_BATCH_SIZE,
    check_source,
    feature_batches,
)
from tfgan_edu.metrics.moments import (
    MomentAccumulator,
    check_statistics,
    load_statistics,
    statistics,
)

_PSD_TOLERANCE = 1e-6
"""How negative (relative to the largest variance) a residual variance may be."""


def _cholesky(sigma: np.ndarray) -> np.ndarray | None:
    """The lower Cholesky factor of `sigma`, or `None` unless it is positive definite."""
    cholesky, info = lapack.dpotrf(sigma, lower=1, clean=1)
    return cholesky if info == 0 else None


def _pivoted_factor(sigma: np.ndarray, name: str) -> np.ndarray:
    """`F` `(d, r)` with `F F^T = sigma`, r the numerical rank (LAPACK `dpstrf`)."""
    d = sigma.shape[0]
    factor, pivots, rank, info = lapack.dpstrf(sigma, lower=1)
    if info < 0:  # pragma: no cover - only for malformed arguments
        raise ValueError(f"LAPACK dpstrf rejected its argument {-info}.")
    f = np.empty((d, rank))
    f[pivots - 1] = np.tril(factor[:, :rank])  # undo the pivoting: S = P L L^T P^T
    # What the factor leaves out must be ~0; a clearly negative residual
    # variance means `sigma` has a negative eigenvalue.
    residual = np.diag(sigma) - np.einsum("ij,ij->i", f, f)
    scale = max(float(np.max(np.diag(sigma))), np.finfo(np.float64).tiny)
    if np.min(residual) < -_PSD_TOLERANCE * scale:
        raise ValueError(
            f"Expected `{name}` to be positive semi-definite (a covariance). "
            f"Received: {name} with a negative direction (residual variance "
            f"{float(np.min(residual)):.3g})"
        )
    return f


def psd_factor(sigma: np.ndarray, name: str = "sigma") -> np.ndarray:
    """Factors a symmetric positive semi-definite matrix as `F F^T`.

    A positive definite matrix gets its Cholesky factor (LAPACK `dpotrf`).
    Otherwise the pivoted Cholesky decomposition (LAPACK `dpstrf`) stops at
    the numerical rank `r`, so singular covariances (fewer samples than
    dimensions) factor too.

    Args:
        sigma: symmetric PSD float64 array `(d, d)`.
        name: how `sigma` is called in error messages. Defaults to
            `"sigma"`.

    Returns:
        A float64 array `F` of shape `(d, r)` with `F @ F.T` equal to
        `sigma` up to round-off (`r = d` when `sigma` is positive definite).

    Example:

    >>> sigma = np.array([[4.0, 2.0], [2.0, 1.0]])  # rank 1
    >>> f = psd_factor(sigma)
    >>> f.shape, bool(np.allclose(f @ f.T, sigma))
    ((2, 1), True)
    """
    cholesky = _cholesky(sigma)
    return cholesky if cholesky is not None else _pivoted_factor(sigma, name)


def _reduced_eigenvalues(cholesky: np.ndarray, other: np.ndarray, name: str):
    """Eigenvalues of `L^T S L` (`L` = `cholesky`, `S` = `other`), which are those of `L L^T S`.

    `L^T S L` is congruent to `S`, so (Sylvester's law of inertia) it has a
    clearly negative eigenvalue only when `S` has a negative direction. A
    singular `S` (fewer samples than dimensions) gives round-off
    eigenvalues of either sign where the exact ones are 0; those below the
    usual numerical-rank tolerance (`d * eps * largest`, as in
    `numpy.linalg.matrix_rank`) are set to 0, so that their square roots do
    not add up.
    """
    # L^T S L (lower half) by LAPACK sygst, about d^3 flops.
    reduced, _ = lapack.dsygst(other, cholesky, itype=2, lower=1)
    eigenvalues = np.linalg.eigvalsh(reduced, UPLO="L")
    largest = max(float(eigenvalues[-1]), np.finfo(np.float64).tiny)
    if eigenvalues[0] < -_PSD_TOLERANCE * largest:
        raise ValueError(
            f"Expected `{name}` to be positive semi-definite (a covariance). "
            f"Received: {name} with a negative direction (eigenvalue "
            f"{float(eigenvalues[0]):.3g} against a largest {largest:.3g} after "
            "whitening by the other covariance)"
        )
    tolerance = len(eigenvalues) * np.finfo(np.float64).eps * largest
    eigenvalues[eigenvalues <= tolerance] = 0.0
    return eigenvalues


def trace_sqrt_product(sigma_a: np.ndarray, sigma_b: np.ndarray) -> float:
    """Computes `tr((S_a S_b)^(1/2))` for two covariance matrices.

    The trace is symmetric in the two, so the positive definite one (when
    at least one is) is factored by Cholesky and the other is reduced by
    it; a singular one (fewer samples than dimensions) is fine on either
    side. Only when both are singular are both given pivoted factors.

    Args:
        sigma_a: symmetric PSD float64 array `(d, d)`.
        sigma_b: symmetric PSD float64 array `(d, d)`.

    Returns:
        The trace as a non-negative Python float: the sum of the square
        roots of the eigenvalues of `S_a S_b`, which are real and
        non-negative.

    Raises:
        ValueError: if a matrix has a clearly negative direction (it is not
            a covariance).

    Example:

    >>> trace_sqrt_product(np.diag([1.0, 4.0]), np.diag([9.0, 1.0]))  # 3 + 2
    5.0
    """
    cholesky = _cholesky(sigma_a)
    if cholesky is not None:
        eigenvalues = _reduced_eigenvalues(cholesky, sigma_b, "sigma_b")
    elif (cholesky := _cholesky(sigma_b)) is not None:
        eigenvalues = _reduced_eigenvalues(cholesky, sigma_a, "sigma_a")
    else:
        # Both singular: factors with only rank-many columns, so that neither
        # null space adds round-off eigenvalues.
        f_a = _pivoted_factor(sigma_a, "sigma_a")
        f_b = _pivoted_factor(sigma_b, "sigma_b")
        if f_a.shape[1] == 0 or f_b.shape[1] == 0:
            return 0.0
        g = f_b.T @ f_a  # (r_b, r_a); S_a S_b and G^T G share non-zero eigenvalues
        # Gram matrix of the smaller side, lower half, by syrk (g.T: Fortran view).
        gram = blas.dsyrk(1.0, g.T, trans=int(g.shape[0] <= g.shape[1]), lower=1)
        eigenvalues = np.clip(np.linalg.eigvalsh(gram, UPLO="L"), 0.0, None)
    return float(np.sum(np.sqrt(eigenvalues)))


def frechet_distance_from_statistics(
    mu_a: np.ndarray, sigma_a: np.ndarray, mu_b: np.ndarray, sigma_b: np.ndarray
) -> float:
    """Computes the Fréchet distance between two Gaussians `N(mu, sigma)`.

    Args:
        mu_a: mean of the first set, shape `(d,)`.
        sigma_a: covariance of the first set, shape `(d, d)`, symmetric
            positive semi-definite (it may be singular).
        mu_b: mean of the second set, shape `(d,)`.
        sigma_b: covariance of the second set, shape `(d, d)`.

    Returns:
        `||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))` as a
        non-negative Python float, computed in float64; exactly 0.0 for
        identical statistics.

    Example:

    >>> mu, sigma = np.zeros(2), np.diag([1.0, 4.0])
    >>> frechet_distance_from_statistics(mu, sigma, mu + 1.0, sigma)  # |(1, 1)|^2
    2.0
    >>> frechet_distance_from_statistics(mu, sigma, mu, np.diag([4.0, 1.0]))
    2.0
    """
    mu_a, sigma_a = check_statistics(mu_a, sigma_a, "statistics a")
    mu_b, sigma_b = check_statistics(mu_b, sigma_b, "statistics b")
    if mu_a.shape != mu_b.shape:
        raise ValueError(
            "Expected both sets of statistics to have the same dimension d. "
            f"Received: mu_a.shape={mu_a.shape}, mu_b.shape={mu_b.shape}"
        )
    return _frechet_distance(mu_a, sigma_a, mu_b, sigma_b)


def _frechet_distance(mu_a, sigma_a, mu_b, sigma_b) -> float:
    """`frechet_distance_from_statistics` of statistics already checked."""
    if np.array_equal(mu_a, mu_b) and np.array_equal(sigma_a, sigma_b):
        return 0.0  # the same Gaussian; skip the round-off of the trace terms
    distance = (
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2.0 * trace_sqrt_product(sigma_a, sigma_b)
    )
    return max(float(distance), 0.0)


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Computes the Fréchet distance between Gaussians fitted to two feature sets.

    The Gaussians have each set's mean and unbiased covariance
    (`statistics`); the distance is `frechet_distance_from_statistics` of
    the two.

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
    features_a = check_features(features_a, "features_a", min_rows=2, dtype=None)
    features_b = check_features(features_b, "features_b", min_rows=2, dtype=None)
    check_same_dimension(features_a, features_b, "features_a", "features_b")
    # `statistics` returns symmetric, finite float64 moments: no re-check.
    return _frechet_distance(*statistics(features_a), *statistics(features_b))


def _is_statistics(source: Any) -> bool:
    return isinstance(source, (str, os.PathLike)) or (
        isinstance(source, tuple) and len(source) == 2
    )


def _statistics_of(
    source: Any, name: str, extractor: Any, batch_size: int, progress: bool, max_samples
) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(source, (str, os.PathLike)):
        return load_statistics(source)
    if isinstance(source, tuple):
        return check_statistics(*source, name=name)
    accumulator = MomentAccumulator()
    for features in feature_batches(
        extractor, source, batch_size, progress, max_samples, name=name
    ):
        accumulator.update(features, name=f"{name} features")
    if accumulator.count < 2:
        raise ValueError(
            f"Expected at least 2 samples in `{name}` to estimate a covariance. "
            f"Received: {accumulator.count} sample"
        )
    return accumulator.result()


def fid(
    real: Any,
    fake: Any,
    extractor: Any = "digits",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    max_samples: int | None = None,
) -> float:
    """Computes the Fréchet distance between real and generated images' features.

    With `extractor="inception"` this is the FID of Heusel et al. (2017);
    with the default `"digits"` it is the same distance in the feature
    space of the digits classifier that ships with the package (how FID is
    measured on MNIST-like data without Inception weights). Images stream
    through the extractor batch by batch into a running float64 mean and
    covariance, so not even the features of 50,000 images are held.

    Args:
        real: the real side: images (array `(n, H, W, C)` in [-1, 1]), a
            `tf.data.Dataset` or iterable of batches (see
            `extract_features`), precomputed statistics `(mu, sigma)`, or
            the path of an `.npz` file of them (`save_statistics`, TTUR's
            reference files). With `extractor=None`, feature vectors
            `(n, d)` instead of images.
        fake: the generated side, in any of the same forms.
        extractor: what maps images to features: `"digits"`,
            `"digits_logits"`, `"inception"`, a `keras.Model`, a callable
            (see `tfgan_edu.metrics.features.get_extractor`), or `None`
            when `real` and `fake` are features already. Statistics must
            come from the same extractor. Defaults to `"digits"`.
        batch_size: images per extractor call for arrays. Defaults to 256.
        progress: whether to show tqdm progress bars. Defaults to `False`.
        max_samples: use at most this many samples of each side. Defaults
            to `None` (all).

    Returns:
        The distance as a non-negative Python float (float64 arithmetic).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.uniform(-1, 1, size=(200, 8, 8, 1)).astype("float32")
    >>> fake = np.clip(real + 0.5, -1, 1)
    >>> flatten = lambda x: x.reshape(len(x), -1)  # pixels as features
    >>> d = fid(real, fake, extractor=flatten)
    >>> bool(d > 1.0), fid(real, real, extractor=flatten)
    (True, 0.0)
    >>> stats = statistics(flatten(real))  # precomputed real statistics
    >>> bool(abs(fid(stats, fake, extractor=flatten) - d) < 1e-9)
    True
    """
    for source, name in ((real, "real"), (fake, "fake")):
        if not _is_statistics(source):
            check_source(source, name)
    return frechet_distance_from_statistics(
        *_statistics_of(real, "real", extractor, batch_size, progress, max_samples),
        *_statistics_of(fake, "fake", extractor, batch_size, progress, max_samples),
    )
