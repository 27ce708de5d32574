"""Precision, recall, density and coverage: fidelity and diversity, separately.

FID mixes two failures into one number: generated samples that look wrong
(low fidelity) and real variety the generator never produces (low
diversity, e.g. mode collapse). These metrics split them, by estimating
each distribution's support as a union of balls around its samples, with
radius the distance to the sample's k-th nearest neighbour in its own set
(`NND_k`, the sample itself excluded).

Kynkäänniemi et al. (2019, "Improved Precision and Recall Metric for
Assessing Generative Models"), with real features `X` (n of them) and
generated features `Y` (m):

- precision: the fraction of `Y` inside the real manifold
  (`||y - x_i|| <= NND_k(x_i)` for some i);
- recall: the fraction of `X` inside the generated manifold.

Naeem et al. (2020, "Reliable Fidelity and Diversity Metrics for
Generative Models") use only the real manifold, which outliers among the
generated samples cannot inflate:

- density: `1 / (k m) * sum_j #{i : ||y_j - x_i|| <= NND_k(x_i)}`, how many
  real balls hold each generated sample, about 1 when the distributions
  match (and unbounded above);
- coverage: the fraction of real balls holding at least one generated
  sample.

Distances are computed exactly in float64, a block of rows at a time
(`CHUNK_ELEMENTS` distances per block), so no `n x m` matrix is formed:
memory stays bounded for 50,000 x 50,000 comparisons; time grows as
`n m d`.

Example:

>>> rng = np.random.default_rng(0)
>>> real, fake = rng.normal(size=(1000, 8)), rng.normal(size=(1000, 8))
>>> pr = precision_recall(real, fake)
>>> bool(pr["precision"] > 0.6 and pr["recall"] > 0.6)
True
>>> precision_recall(real, fake + 100.0)
{'precision': 0.0, 'recall': 0.0}
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tfgan_edu._checks import check_int
from tfgan_edu.metrics._validation import (
    check_features,
    check_same_dimension,
)

CHUNK_ELEMENTS: int = 2**22
"""Distances computed per block (32 MB of float64)."""


def _squared_distance_blocks(
    a: np.ndarray, b: np.ndarray
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yields `(rows, D)`: squared distances `D` `(c, n_b)` of rows `a[rows]` to `b`."""
    a_norms = np.einsum("ij,ij->i", a, a)  # (n_a,)
    b_norms = np.einsum("ij,ij->i", b, b)  # (n_b,)
    step = max(1, CHUNK_ELEMENTS // len(b))
    for start in range(0, len(a), step):
        rows = slice(start, min(start + step, len(a)))
        block = a_norms[rows, None] + b_norms[None, :] - 2.0 * (a[rows] @ b.T)
        yield rows, np.maximum(block, 0.0, out=block)  # (c, n_b)


def nearest_neighbour_radii(features: np.ndarray, k: int) -> np.ndarray:
    """Computes each row's distance to its k-th nearest neighbour in the set.

    Args:
        features: float64 array `(n, d)`.
        k: which neighbour, 1 <= k < n; the row itself is not counted
            (duplicates of it are, at distance 0).

    Returns:
        A float64 array `(n,)` of Euclidean distances.

    Example:

    >>> nearest_neighbour_radii(np.array([[0.0], [1.0], [3.0]]), k=1)
    array([1., 1., 2.])
    """
    radii = np.empty(len(features))
    for rows, block in _squared_distance_blocks(features, features):
        block[np.arange(block.shape[0]), np.arange(rows.start, rows.stop)] = -1.0
        radii[rows] = np.partition(block, k, axis=1)[:, k]  # index 0: the row itself
    return np.sqrt(radii)


def _check_pair(real_features, fake_features, k: int) -> tuple[np.ndarray, np.ndarray]:
    check_int("k", k)
    real = check_features(real_features, "real_features", min_rows=k + 1)
    fake = check_features(fake_features, "fake_features", min_rows=1)
    check_same_dimension(real, fake, "real_features", "fake_features")
    return real, fake


def precision_recall(
    real_features: np.ndarray, fake_features: np.ndarray, k: int = 3
) -> dict[str, float]:
    """Computes improved precision and recall (Kynkäänniemi et al., 2019).

    Args:
        real_features: array `(n, d)` of real samples' features, n > k.
        fake_features: array `(m, d)` of generated samples' features,
            m > k.
        k: the neighbour whose distance is each ball's radius. Defaults to
            3, as in the paper.

    Returns:
        A dict with `"precision"` (fraction of generated samples inside the
        real manifold) and `"recall"` (fraction of real samples inside the
        generated manifold), floats in [0, 1].

    Example:

    >>> real = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> fake = np.array([[0.0], [0.1], [1.0], [1.1]])  # half of the real range
    >>> precision_recall(real, fake, k=1)
    {'precision': 1.0, 'recall': 0.5}
    """
    real, fake = _check_pair(real_features, fake_features, k)
    if len(fake) <= k:
        raise ValueError(
            f"Expected `fake_features` of shape (m, d) with m > k = {k} samples. "
            f"Received: fake_features.shape={fake.shape}"
        )
    real_radii2 = nearest_neighbour_radii(real, k) ** 2  # (n,)
    fake_radii2 = nearest_neighbour_radii(fake, k) ** 2  # (m,)
    fake_inside = np.zeros(len(fake), dtype=bool)  # y_j in some real ball
    real_inside = np.zeros(len(real), dtype=bool)  # x_i in some generated ball
    for rows, block in _squared_distance_blocks(fake, real):  # (c, n)
        fake_inside[rows] = np.any(block <= real_radii2[None, :], axis=1)
        real_inside |= np.any(block <= fake_radii2[rows, None], axis=0)
    return {
        "precision": float(fake_inside.mean()),
        "recall": float(real_inside.mean()),
    }


def density_coverage(
    real_features: np.ndarray, fake_features: np.ndarray, k: int = 5
) -> dict[str, float]:
    """Computes density and coverage (Naeem et al., 2020).

    Args:
        real_features: array `(n, d)` of real samples' features, n > k.
        fake_features: array `(m, d)` of generated samples' features, m >= 1.
        k: the neighbour whose distance is each real ball's radius.
            Defaults to 5, as in the paper.

    Returns:
        A dict with `"density"` (float >= 0, about 1 when the two
        distributions match) and `"coverage"` (float in [0, 1], fraction
        of real balls holding a generated sample).

    Example:

    >>> real = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> density_coverage(real, np.array([[0.5], [0.6], [10.0], [11.0]]), k=1)
    {'density': 1.0, 'coverage': 0.5}
    """
    real, fake = _check_pair(real_features, fake_features, k)
    real_radii2 = nearest_neighbour_radii(real, k) ** 2  # (n,)
    balls_holding = np.zeros(len(fake), dtype=np.int64)  # per generated sample
    covered = np.zeros(len(real), dtype=bool)  # per real ball
    for rows, block in _squared_distance_blocks(fake, real):  # (c, n)
        inside = block <= real_radii2[None, :]
        balls_holding[rows] = inside.sum(axis=1)
        covered |= inside.any(axis=0)
    return {
        "density": float(balls_holding.sum() / (k * len(fake))),
        "coverage": float(covered.mean()),
    }
