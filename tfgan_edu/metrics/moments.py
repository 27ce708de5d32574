"""Mean and covariance of feature vectors, and `.npz` files to keep them in.

The Fréchet distance (FID) only needs each set's mean `mu` and unbiased
covariance `sigma`. They are accumulated in float64 over chunks of rows
(a `d x d` matrix is all that grows), so 50,000 feature vectors never get
a float64 copy, and `fid` can stream them batch by batch from an extractor
without holding the features at all. Chunks are merged with the pairwise
update of Chan, Golub & LeVeque (1979): for chunks A and B with means
`m_A`, `m_B`, counts `n_A`, `n_B` and scatter matrices
`M = sum (x - m)(x - m)^T`,

    M_AB = M_A + M_B + n_A n_B / (n_A + n_B) (m_B - m_A)(m_B - m_A)^T,

which, unlike `sum x x^T - n m m^T`, does not cancel catastrophically when
the mean is large. Each chunk's scatter is one BLAS `syrk` (half a matrix
product).

`save_statistics` / `load_statistics` use the keys `mu` and `sigma`, the
layout of the TTUR reference files (`fid_stats_cifar10_train.npz`), so
those load as they are.

Example:

>>> x = np.arange(12.0).reshape(6, 2) ** 2
>>> mu, sigma = statistics(x)
>>> bool(np.allclose(mu, x.mean(0)) and np.allclose(sigma, np.cov(x, rowvar=False)))
True
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from scipy.linalg import blas

from tfgan_edu.metrics._validation import check_features, check_finite

CHUNK_ELEMENTS: int = 2**22
"""Feature values per float64 chunk (32 MB) when accumulating statistics."""


class MomentAccumulator:
    """Running float64 mean and covariance of feature batches (Chan et al. merge).

    Example:

    >>> x = np.random.default_rng(0).normal(size=(10, 3))
    >>> acc = MomentAccumulator()
    >>> acc.update(x[:4]); acc.update(x[4:])
    >>> mu, sigma = acc.result()
    >>> bool(np.allclose(sigma, np.cov(x, rowvar=False)))
    True
    """

    def __init__(self) -> None:
        self.count = 0
        self.mean: np.ndarray | None = None
        self._scatter: np.ndarray | None = None  # (d, d) Fortran order, lower half

    def update(self, batch: np.ndarray, name: str = "features") -> None:
        """Adds a batch `(b, d)` of feature vectors."""
        batch = np.asarray(batch)
        if batch.ndim != 2 or (
            self.mean is not None and batch.shape[1] != len(self.mean)
        ):
            expected = "(b, d)" if self.mean is None else f"(b, {len(self.mean)})"
            raise ValueError(
                f"Expected a batch of `{name}` of shape {expected}. "
                f"Received: {name}.shape={batch.shape}"
            )
        check_finite(batch, name)
        self._add_rows(batch)

    def _add_rows(self, batch: np.ndarray) -> None:
        """Adds a checked `(b, d)` batch, chunk by chunk."""
        rows = max(1, CHUNK_ELEMENTS // max(1, batch.shape[1]))
        for start in range(0, len(batch), rows):
            self._update(batch[start : start + rows])

    def _update(self, chunk: np.ndarray) -> None:
        n, d = chunk.shape
        chunk_mean = chunk.mean(axis=0, dtype=np.float64)
        centred = np.subtract(chunk, chunk_mean, dtype=np.float64)  # (n, d)
        if self.count == 0:
            self.mean = chunk_mean
            self._scatter = np.zeros((d, d), order="F")
        else:
            delta = chunk_mean - self.mean
            weight = self.count * n / (self.count + n)
            self._scatter = blas.dsyr(
                weight, delta, lower=1, a=self._scatter, overwrite_a=1
            )
            self.mean = self.mean + delta * (n / (self.count + n))
        # centred.T is a Fortran-ordered (d, n) view: syrk adds centred^T centred.
        self._scatter = blas.dsyrk(
            1.0, centred.T, beta=1.0, c=self._scatter, lower=1, overwrite_c=1
        )
        self.count += n

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(mu, sigma)`: float64 `(d,)` and unbiased covariance `(d, d)`."""
        if self.count < 2:
            raise ValueError(
                "Expected at least 2 feature vectors to estimate a covariance. "
                f"Received: {self.count} feature vectors"
            )
        # syr and syrk only ever wrote the lower half; the upper half is still 0.
        sigma = self._scatter + self._scatter.T
        sigma.flat[:: len(sigma) + 1] /= 2.0  # the diagonal was counted twice
        sigma /= self.count - 1
        return self.mean.copy(), sigma


def statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Computes the mean and unbiased covariance of feature vectors, in float64.

    Works through the rows in chunks of `CHUNK_ELEMENTS` values, so a large
    float32 array is never copied whole to float64.

    Args:
        features: Array of shape `(n, d)`, n >= 2, one feature vector per
            row.

    Returns:
        `(mu, sigma)`: float64 arrays of shapes `(d,)` and `(d, d)`, the
        same as `features.mean(0)` and `np.cov(features, rowvar=False)`.

    Example:

    >>> mu, sigma = statistics(np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 4.0]]))
    >>> mu
    array([2., 2.])
    >>> sigma
    array([[4., 3.],
           [3., 3.]])
    """
    features = check_features(features, "features", min_rows=2, dtype=None)
    accumulator = MomentAccumulator()
    accumulator._add_rows(features)  # checked above: finite, (n, d)
    return accumulator.result()


def check_statistics(
    mu: Any, sigma: Any, name: str = "statistics"
) -> tuple[np.ndarray, np.ndarray]:
    """Checks a `(mu, sigma)` pair and returns it as float64 arrays.

    Args:
        mu: mean, shape `(d,)`.
        sigma: covariance, shape `(d, d)`, symmetric, finite, with a
            non-negative diagonal.
        name: how the pair is called in error messages. Defaults to
            `"statistics"`.

    Returns:
        `(mu, sigma)` as float64 arrays.

    Example:

    >>> mu, sigma = check_statistics([0, 1], np.eye(2))
    >>> mu.dtype.name, sigma.shape
    ('float64', (2, 2))
    """
    mu = np.asarray(mu, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    if mu.ndim != 1 or len(mu) == 0 or sigma.shape != (len(mu), len(mu)):
        raise ValueError(
            f"Expected `{name}` as a mean of shape (d,) and a covariance of shape "
            f"(d, d). Received: mu.shape={mu.shape}, sigma.shape={sigma.shape}"
        )
    check_finite(mu, f"{name} mu")
    check_finite(sigma, f"{name} sigma")
    if np.min(np.diag(sigma)) < 0:
        raise ValueError(
            f"Expected a covariance with non-negative variances in `{name}`. "
            f"Received: sigma with min diagonal {float(np.min(np.diag(sigma))):.3g}"
        )
    difference = sigma - sigma.T
    asymmetry = float(np.max(np.abs(difference, out=difference)))
    if asymmetry == 0.0:
        return mu, sigma
    # |S_ij| <= max variance for a covariance, so that is the scale.
    if asymmetry > 1e-6 * max(float(np.max(np.diag(sigma))), 1e-300):
        raise ValueError(
            f"Expected a symmetric covariance in `{name}`. Received: sigma with "
            f"max |sigma - sigma.T| = {asymmetry:.3g}"
        )
    return mu, (sigma + sigma.T) / 2.0  # round-off asymmetry (e.g. float32 files)


def save_statistics(
    path: str | os.PathLike, mu: np.ndarray, sigma: np.ndarray, **meta: Any
) -> str:
    """Saves `(mu, sigma)` (and optional metadata) to an `.npz` file.

    Args:
        path: File to write; `.npz` is appended when missing.
        mu: mean, shape `(d,)`.
        sigma: covariance, shape `(d, d)`.
        **meta: extra entries stored beside them (numbers, strings or
            arrays; e.g. `extractor="digits"`, `n=1437`), read back by
            `load_statistics(path, with_meta=True)`.

    Returns:
        The path written, as a string.

    Example:

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = save_statistics(f"{folder}/real", np.zeros(2), np.eye(2), n=10)
    >>> path.endswith("real.npz")
    True
    >>> mu, sigma, meta = load_statistics(path, with_meta=True)
    >>> mu.shape, sigma.shape, meta
    ((2,), (2, 2), {'n': 10})
    """
    mu, sigma = check_statistics(mu, sigma)
    for key in ("mu", "sigma"):
        if key in meta:
            raise ValueError(
                f"Expected metadata keys other than 'mu' and 'sigma'. Received: {key}=..."
            )
    arrays = {}
    for key, value in meta.items():
        array = np.asarray(value)
        if array.dtype == object:
            raise ValueError(
                "Expected metadata values that are numbers, strings or arrays of "
                f"them. Received: {key}={value!r}"
            )
        arrays[key] = array
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, mu=mu, sigma=sigma, **arrays)
    return path


def load_statistics(
    path: str | os.PathLike, with_meta: bool = False
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Loads `(mu, sigma)` from an `.npz` file with arrays `mu` and `sigma`.

    Reads the files of `save_statistics` and the TTUR reference statistics.

    Args:
        path: The `.npz` file.
        with_meta: Whether to return the other entries of the file too.
            Defaults to `False`.

    Returns:
        `(mu, sigma)` as float64 arrays, or `(mu, sigma, meta)` with
        `with_meta=True`, `meta` a dict of the other entries (0-d arrays
        turned into Python scalars).

    Example:

    >>> import tempfile
    >>> path = save_statistics(f"{tempfile.mkdtemp()}/s.npz", [1.0], [[2.0]])
    >>> load_statistics(path)
    (array([1.]), array([[2.]]))
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"Expected an existing .npz file of statistics. Received: path={path!r}"
        )
    with np.load(path, allow_pickle=False) as data:
        if "mu" not in data or "sigma" not in data:
            raise ValueError(
                "Expected an .npz file with arrays 'mu' and 'sigma' (as written by "
                f"save_statistics). Received: path={path!r} with keys "
                f"{sorted(data.keys())}"
            )
        mu, sigma = check_statistics(data["mu"], data["sigma"], name=path)
        if not with_meta:
            return mu, sigma
        meta = {
            key: data[key].item() if data[key].ndim == 0 else data[key]
            for key in data.keys()
            if key not in ("mu", "sigma")
        }
    return mu, sigma, meta
