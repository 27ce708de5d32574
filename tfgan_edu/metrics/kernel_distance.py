"""Kernel Inception Distance (KID): an unbiased MMD between feature sets.

Bińkowski et al. (2018, "Demystifying MMD GANs") compare two sets of
features `X` (real) and `Y` (generated) with the squared maximum mean
discrepancy under the cubic polynomial kernel

    k(x, y) = (x . y / d + 1)^3,

estimated without bias from `m` samples of each:

    MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1))
            + sum_{i != j} k(y_i, y_j) / (m (m - 1))
            - 2 sum_{i, j} k(x_i, y_j) / m^2.

Unlike FID it has an unbiased estimator (its expectation does not depend
on the sample size), so small sample counts compare fairly; it can be
slightly negative when the two distributions are equal. As in the paper
(and TTUR / torch-fidelity / clean-fid), the estimate is averaged over
`num_subsets` random subsets of `subset_size` samples drawn without
replacement, and the standard deviation over subsets is reported too.

Example:

>>> rng = np.random.default_rng(0)
>>> real = rng.normal(size=(500, 16))
>>> score = kid_from_features(real, real + 1.0, num_subsets=10, subset_size=200)
>>> bool(score.mean > 10 * score.std)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.linalg import blas

from tfgan_edu._checks import check_int
from tfgan_edu.metrics._validation import (
    check_features,
    check_same_dimension,
)
from tfgan_edu.metrics.extraction import (
    DEFAULT_BATCH_SIZE,
    check_source,
    extract_features,
)
from tfgan_edu.metrics.mean_std import MeanStd


def _within_kernel_sum(x: np.ndarray) -> float:
    """`sum_{i != j} k(x_i, x_j)` for the rows of `x` `(m, d)`, float64."""
    m, d = x.shape
    # Lower half of x x^T by syrk (x.T is a Fortran view); the upper half is 0.
    kernel = (blas.dsyrk(1.0 / d, x.T, trans=1, lower=1) + 1.0) ** 3  # (m, m)
    # The m (m - 1) / 2 zeros of the upper half became k = 1.
    strict_lower = kernel.sum() - np.trace(kernel) - m * (m - 1) / 2
    return 2.0 * strict_lower


def polynomial_mmd(x: np.ndarray, y: np.ndarray) -> float:
    """Computes the unbiased MMD^2 of two equal-size samples, cubic polynomial kernel.

    Args:
        x: float64 array `(m, d)`, m >= 2.
        y: float64 array `(m, d)`.

    Returns:
        `MMD^2_u` as a Python float (may be slightly negative).

    Example:

    >>> x = np.array([[0.0], [1.0]])
    >>> round(polynomial_mmd(x, x + 1.0), 6)  # (2 + 54) / 2 - 2 * (1 + 1 + 8 + 27) / 4
    9.5
    """
    m, d = x.shape
    cross = ((x @ y.T) / d + 1.0) ** 3  # (m, m)
    return float(
        (_within_kernel_sum(x) + _within_kernel_sum(y)) / (m * (m - 1))
        - 2.0 * cross.sum() / (m * m)
    )


def kid_from_features(
    real_features: np.ndarray,
    fake_features: np.ndarray,
    num_subsets: int = 100,
    subset_size: int = 1000,
    seed: int | None = 0,
) -> MeanStd:
    """Computes the KID between two sets of feature vectors.

    Args:
        real_features: array `(n_real, d)`, n_real >= 2.
        fake_features: array `(n_fake, d)`, n_fake >= 2.
        num_subsets: how many random subsets to average over. Defaults to
            100.
        subset_size: samples of each side per subset, drawn without
            replacement; capped at `min(n_real, n_fake)` (as clean-fid
            does). Defaults to 1000.
        seed: seed of the subset draws (`np.random.default_rng`), so the
            same inputs give the same score. Defaults to 0.

    Returns:
        `MeanStd(mean, std)` of `MMD^2_u` over the subsets (float64). With
        `subset_size >= n_real = n_fake` every subset is the whole set and
        the mean is the full-sample estimate.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    >>> same = kid_from_features(a, b, num_subsets=20, subset_size=100)
    >>> bool(abs(same.mean) < 3 * same.std)  # same distribution: ~0
    True
    """
    real_features = check_features(real_features, "real_features", min_rows=2)
    fake_features = check_features(fake_features, "fake_features", min_rows=2)
    check_same_dimension(real_features, fake_features, "real_features", "fake_features")
    check_int("num_subsets", num_subsets)
    check_int("subset_size", subset_size, minimum=2)
    m = min(subset_size, len(real_features), len(fake_features))
    rng = np.random.default_rng(seed)
    scores = np.empty(num_subsets)
    for i in range(num_subsets):
        x = real_features[rng.choice(len(real_features), m, replace=False)]
        y = fake_features[rng.choice(len(fake_features), m, replace=False)]
        scores[i] = polynomial_mmd(x, y)
    return MeanStd(float(scores.mean()), float(scores.std()))


def kid(
    real: Any,
    fake: Any,
    extractor: Any = "digits",
    num_subsets: int = 100,
    subset_size: int = 1000,
    seed: int | None = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    max_samples: int | None = None,
) -> MeanStd:
    """Computes the Kernel Inception Distance between real and generated images.

    Extracts the features of both sides (`extract_features`) and calls
    `kid_from_features`. With `extractor="inception"` this is the KID of
    Bińkowski et al. (2018); the default `"digits"` uses the digits
    classifier that ships with the package.

    Args:
        real: real images: an array `(n, H, W, C)` in [-1, 1], a
            `tf.data.Dataset` or an iterable of batches (see
            `extract_features`); with `extractor=None`, features `(n, d)`.
        fake: generated images, in any of the same forms.
        extractor: see `fid`. Defaults to `"digits"`.
        num_subsets: see `kid_from_features`. Defaults to 100.
        subset_size: see `kid_from_features`. Defaults to 1000.
        seed: see `kid_from_features`. Defaults to 0.
        batch_size: images per extractor call for arrays. Defaults to 256.
        progress: whether to show tqdm progress bars. Defaults to `False`.
        max_samples: use at most this many samples of each side. Defaults
            to `None` (all).

    Returns:
        `MeanStd(mean, std)` of the unbiased MMD^2 over the subsets.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.uniform(-1, 1, size=(100, 4, 4, 1))
    >>> other = rng.uniform(-1, 1, size=(100, 4, 4, 1))  # same distribution
    >>> flatten = lambda x: x.reshape(len(x), -1)
    >>> far = kid(real, np.clip(real + 0.8, -1, 1), extractor=flatten)
    >>> near = kid(real, other, extractor=flatten)
    >>> bool(far.mean > 1.0 and abs(near.mean) < 0.05)
    True
    """
    check_source(real, "real")
    check_source(fake, "fake")
    check_int("num_subsets", num_subsets)
    check_int("subset_size", subset_size, minimum=2)
    real_features = extract_features(extractor, real, batch_size, progress, max_samples)
    fake_features = extract_features(extractor, fake, batch_size, progress, max_samples)
    return kid_from_features(
        real_features, fake_features, num_subsets, subset_size, seed
    )
