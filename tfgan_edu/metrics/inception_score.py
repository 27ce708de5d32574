"""The Inception Score (IS): confident and diverse class predictions.

Salimans et al. (2016, "Improved Techniques for Training GANs") score
generated images with a classifier's predictions `p(y|x)`:

    IS = exp( E_x KL( p(y|x) || p(y) ) ),   p(y) = E_x p(y|x),

high when each image is classified confidently (peaked `p(y|x)`) and the
classes are used evenly (flat `p(y)`). It lies between 1 (every image
predicted alike) and K, the number of classes (each image certain, the K
classes equally often). As in the original code, the samples are cut into
`splits` consecutive parts, the score is computed on each (with that
part's `p(y)`), and the mean and standard deviation over the parts are
reported. Unlike FID it looks at generated images only.

Example:

>>> confident = np.eye(10)[np.arange(1000) % 10]  # one-hot, balanced classes
>>> score = inception_score(confident)
>>> round(score.mean, 6), round(score.std, 6)
(10.0, 0.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import softmax, xlogy

from tfgan_edu._checks import check_int
from tfgan_edu.metrics._validation import check_features
from tfgan_edu.metrics.extraction import (
    DEFAULT_BATCH_SIZE,
    check_source,
    extract_features,
)
from tfgan_edu.metrics.mean_std import MeanStd

_SUM_TOLERANCE = 1e-3
"""How far from 1 a row of given probabilities may sum (float32 softmax)."""


def _check_probabilities(probs: Any) -> np.ndarray:
    probs = check_features(probs, "probabilities")
    if np.min(probs) < 0:
        raise ValueError(
            "Expected class probabilities >= 0. Received: probabilities with "
            f"min {float(np.min(probs)):.3g}"
        )
    sums = probs.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > _SUM_TOLERANCE:
        raise ValueError(
            "Expected each row of class probabilities to sum to 1 (pass logits "
            "through a softmax first). Received: probabilities with row "
            f"{worst} summing to {float(sums[worst]):.6g}"
        )
    return probs / sums[:, None]


def _too_few(n: int, splits: int) -> None:
    raise ValueError(
        f"Expected at least `splits` = {splits} samples. Received: {n} samples"
    )


def inception_score(
    probs_or_images: Any,
    splits: int = 10,
    classifier: Any = "digits_logits",
    from_logits: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    max_samples: int | None = None,
) -> MeanStd:
    """Computes the Inception Score of class predictions or of images.

    Args:
        probs_or_images: either class probabilities, a 2-D array or
            tensor `(n, K)` whose rows sum to 1 (used as given; `classifier`
            is ignored), or images for `classifier`: an array
            `(n, H, W, C)` in [-1, 1], a `tf.data.Dataset` or an iterable
            of batches (see `extract_features`).
        splits: number of consecutive parts the score is computed on
            (`n >= splits`). Defaults to 10, as in Salimans et al.
        classifier: maps images to class scores: `"digits_logits"` (the
            digits classifier that ships with the package), a
            `keras.Model` or a callable (see
            `tfgan_edu.metrics.features.get_extractor`). Defaults to
            `"digits_logits"`.
        from_logits: whether `classifier` returns logits (a softmax is
            applied, in float64) rather than probabilities. Defaults to
            `True`.
        batch_size: images per classifier call for arrays. Defaults to 256.
        progress: whether to show a tqdm progress bar. Defaults to `False`.
        max_samples: use at most this many images. Defaults to `None`
            (all).

    Returns:
        `MeanStd(mean, std)` of the score over the splits, in [1, K].

    Example:

    >>> uniform = np.full((50, 4), 0.25)  # the classifier cannot tell: IS = 1
    >>> inception_score(uniform, splits=5).mean
    1.0
    """
    check_int("splits", splits)
    if hasattr(probs_or_images, "shape") and len(probs_or_images.shape) == 2:
        probs = _check_probabilities(np.asarray(probs_or_images))
    else:
        check_source(probs_or_images, "probs_or_images")
        if hasattr(probs_or_images, "shape") and probs_or_images.shape[0] < splits:
            _too_few(probs_or_images.shape[0], splits)
        scores = extract_features(
            classifier, probs_or_images, batch_size, progress, max_samples
        ).astype(np.float64)
        probs = softmax(scores, axis=1) if from_logits else _check_probabilities(scores)
    n = len(probs)
    if n < splits:
        _too_few(n, splits)
    parts = np.empty(splits)
    for i in range(splits):
        part = probs[i * n // splits : (i + 1) * n // splits]  # (n_i, K)
        marginal = part.mean(axis=0, keepdims=True)  # p(y), (1, K)
        kl = np.sum(xlogy(part, part) - xlogy(part, marginal), axis=1)  # (n_i,)
        parts[i] = np.exp(kl.mean())
    return MeanStd(float(parts.mean()), float(parts.std()))
