"""Mode coverage of 2-D mixture samples: the VEEGAN / PacGAN statistics.

Given samples from a generator trained on a Gaussian mixture (the `ring` or
`grid` of `tfgan_edu.data.toy2d`), following Srivastava et al. (2017, VEEGAN,
Sec. 5.1) and Lin et al. (2018, PacGAN, Sec. 5):

- a sample is *high quality* when it lies within 3 standard deviations
  (Euclidean distance) of its nearest mode;
- a mode is *captured* when it is the nearest mode of at least one
  high-quality sample;
- the *reverse KL* is `KL(q || p)`, with `q` the histogram of high-quality
  samples over their nearest modes and `p` uniform over the modes. It is 0
  when every mode gets the same share, and `log K` when all samples crowd
  into one of `K` modes.

Example:

>>> from tfgan_edu.data import toy2d
>>> stats = mode_coverage(toy2d.sample("ring", n=2000, seed=0), "ring")
>>> stats["modes"], stats["high_quality"] > 0.95, stats["reverse_kl"] < 0.01
(8, True, True)
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from tfgan_edu.data import toy2d

HIGH_QUALITY_SIGMAS: float = 3.0
"""A sample within this many standard deviations of a mode is high quality."""


def mixture_modes(mixture: str | tuple[np.ndarray, float]) -> tuple[np.ndarray, float]:
    """The modes and the standard deviation of a 2-D mixture, checked.

    Args:
        mixture: `"ring"`, `"grid"` or a `(centres, sigma)` pair, centres of
            shape `(k, 2)` and a positive sigma.

    Returns:
        `(centres, sigma)`: float64 `(k, 2)` and a float.

    Raises:
        ValueError: for anything else, saying what was expected.

    Example:

    >>> centres, sigma = mixture_modes("ring")
    >>> centres.shape, sigma
    ((8, 2), 0.02)
    """
    if isinstance(mixture, str):
        if mixture not in ("ring", "grid"):
            raise ValueError(
                "Expected `mixture` to be 'ring', 'grid' or a (centres, sigma) "
                f"pair. Received: mixture={mixture!r}"
            )
        return toy2d.modes(mixture), toy2d.sigma(mixture)
    try:
        centres, sigma = mixture
    except (TypeError, ValueError):
        raise ValueError(
            "Expected `mixture` to be 'ring', 'grid' or a (centres, sigma) "
            f"pair. Received: mixture={mixture!r}"
        ) from None
    centres = np.asarray(centres, dtype=np.float64)
    if centres.ndim != 2 or centres.shape[1] != 2 or len(centres) == 0:
        raise ValueError(
            "Expected mixture centres of shape (K, 2) with K >= 1. "
            f"Received: centres.shape={centres.shape}"
        )
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(
            f"Expected a positive mixture standard deviation. Received: sigma={sigma!r}"
        )
    return centres, float(sigma)


def mode_coverage(
    samples: np.ndarray, mixture: str | tuple[np.ndarray, float]
) -> dict[str, int | float]:
    """Counts captured modes and scores sample quality against a 2-D mixture.

    Args:
        samples: Generated points, an array of shape `(n, 2)` with n >= 1.
        mixture: `"ring"` or `"grid"` (the mixtures of
            `tfgan_edu.data.toy2d`), or a pair `(centres, sigma)`: centres of
            shape `(K, 2)` and the components' standard deviation.

    Returns:
        A dict with `"modes"` (int, number of captured modes, 0..K),
        `"high_quality"` (float, fraction of high-quality samples, in [0, 1])
        and `"reverse_kl"` (float, `KL(q || uniform)` in nats, in
        [0, log K]; `inf` when no sample is high quality).

    Example:

    >>> centres = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> samples = np.array([[0.0, 0.0], [0.0, 0.01], [5.0, 5.0]])
    >>> stats = mode_coverage(samples, (centres, 0.1))
    >>> stats["modes"], round(stats["high_quality"], 4), round(stats["reverse_kl"], 4)
    (1, 0.6667, 0.6931)
    """
    centres, sigma = mixture_modes(mixture)
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(
            "Expected `samples` of shape (n, 2) with n >= 1. "
            f"Received: samples.shape={samples.shape}"
        )
    if not np.all(np.isfinite(samples)):
        raise ValueError(
            "Expected finite samples. Received: samples with "
            f"{int(np.sum(~np.isfinite(samples)))} NaN or infinite values"
        )

    distance, nearest = cKDTree(centres).query(samples)  # (n,), (n,)
    high_quality = distance <= HIGH_QUALITY_SIGMAS * sigma
    counts = np.bincount(nearest[high_quality], minlength=len(centres))  # (K,)
    total = counts.sum()
    if total == 0:
        reverse_kl = float("inf")
    else:
        q = counts[counts > 0] / total  # 0 * log 0 = 0: empty modes drop out.
        reverse_kl = float(np.sum(q * np.log(q * len(centres))))
    return {
        "modes": int(np.count_nonzero(counts)),
        "high_quality": float(high_quality.mean()),
        "reverse_kl": max(reverse_kl, 0.0),
    }
