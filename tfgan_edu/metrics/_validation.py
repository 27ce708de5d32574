"""Argument checks shared by the metrics (private).

Integer arguments are checked by `tfgan_edu._checks.check_int`, shared with
the rest of the package; this module adds the checks of feature arrays and
of image value ranges. Every name here is public within the package: the
metric modules import them as this module's API.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def check_finite(array: np.ndarray, name: str) -> None:
    """Raises a ValueError naming how many entries of `array` are NaN or infinite."""
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"Expected finite `{name}`. Received: {name} with "
            f"{int(np.sum(~np.isfinite(array)))} NaN or infinite values"
        )


def check_features(
    features: Any, name: str, min_rows: int = 1, dtype: Any = np.float64
) -> np.ndarray:
    """`features` as a real array `(n, d)` with n >= `min_rows`, all finite.

    Converted to `dtype` (float64 by default); `dtype=None` keeps the input's
    real dtype, so that large arrays are not copied.
    """
    if not hasattr(features, "shape") and not isinstance(features, (list, tuple)):
        raise ValueError(
            f"Expected `{name}` to be an array of shape (n, d). "
            f"Received: {name} of type {type(features).__name__}"
        )
    features = np.asarray(features, dtype=dtype)
    if features.dtype == object or not (
        np.issubdtype(features.dtype, np.floating)
        or np.issubdtype(features.dtype, np.integer)
    ):
        raise ValueError(
            f"Expected `{name}` to hold real numbers. "
            f"Received: {name}.dtype={features.dtype}"
        )
    if features.ndim != 2 or len(features) < min_rows or features.shape[1] < 1:
        raise ValueError(
            f"Expected `{name}` of shape (n, d) with n >= {min_rows} samples "
            f"and d >= 1. Received: {name}.shape={features.shape}"
        )
    check_finite(features, name)
    return features


def check_same_dimension(
    a: np.ndarray, b: np.ndarray, name_a: str, name_b: str
) -> None:
    """Raises a ValueError unless two `(n, d)` arrays share d."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            "Expected both feature sets to have the same dimension d. "
            f"Received: {name_a}.shape[1]={a.shape[1]}, {name_b}.shape[1]={b.shape[1]}"
        )


def check_range(value_range) -> tuple[float, float]:
    """`value_range` as floats `(low, high)` with `low < high`, both finite.

    Example:

    >>> check_range((-1, 1))
    (-1.0, 1.0)
    """
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        low = high = None
    if low is None or not np.isfinite([low, high]).all() or not low < high:
        raise ValueError(
            "Expected `value_range` to be a pair (low, high) with low < high. "
            f"Received: value_range={value_range!r}"
        )
    return low, high
