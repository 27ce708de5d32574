"""Sample quality judged by a classifier: how confidently, and how evenly, it labels samples.

A digit generator can have a low FID and still draw many shapes no one
would read as a digit, or few of some digit. A classifier of the domain
says both directly: a real digit is usually classified with high
confidence (the largest softmax probability), a smudge is not; and the
histogram of the predicted classes shows which digits are missing.

- `classifier_quality(images)`: the fraction of samples classified with
  confidence `>= threshold`, the histogram of predicted classes and its
  smallest entry.
- `reference_confident_fraction("mnist_5k", "test")`: the same fraction on
  the real held-out digits, the yardstick.
- `quality_bar(images)`: both together, and whether the samples pass the
  bar: confident at least `min_relative_confidence` (0.75) times as often
  as real held-out digits, and every class predicted for at least
  `min_class_fraction` (5%) of the samples.

Example:

>>> logits = np.array([[5.0, 0.0], [0.0, 5.0], [0.1, 0.0]])
>>> quality = classifier_quality_from_logits(logits, threshold=0.9)
>>> round(quality["confident_fraction"], 4), quality["class_histogram"].tolist()
(0.6667, [0.6666666666666666, 0.3333333333333333])
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from scipy.special import softmax

from tfgan_edu._checks import check_int
from tfgan_edu.metrics import features as metric_features
from tfgan_edu.metrics._validation import check_features
from tfgan_edu.metrics.extraction import DEFAULT_BATCH_SIZE, extract_features

DEFAULT_THRESHOLD: float = 0.9
MIN_RELATIVE_CONFIDENCE: float = 0.75
MIN_CLASS_FRACTION: float = 0.05


def _check_fraction(name: str, value: Any, *, open_low: bool = False) -> float:
    """`value` as a float in [0, 1] ((0, 1] with `open_low`)."""
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float, np.floating, np.integer))
        and (0 < value <= 1 if open_low else 0 <= value <= 1)
    )
    if not ok:
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValueError(
            f"Expected `{name}` to be a number in {interval}. Received: {name}={value!r}"
        )
    return float(value)


def _logits_extractor(classifier: Any) -> Any:
    """`"mnist"` / `"digits"` name their classifier's logits; anything else is kept."""
    if isinstance(classifier, str) and classifier in metric_features.CLASSIFIER_CONFIGS:
        return f"{classifier}_logits"
    return classifier


def classifier_quality_from_logits(
    logits: Any, threshold: float = DEFAULT_THRESHOLD
) -> dict[str, Any]:
    """Confidence and class balance of a classifier's logits.

    Args:
        logits: array `(n, K)` of class logits (a softmax is applied in
            float64).
        threshold: a sample is confident when its largest softmax
            probability is `>= threshold`, in (0, 1]. Defaults to 0.9.

    Returns:
        A dict with `"confident_fraction"` (float, fraction of confident
        samples), `"class_histogram"` (float64 array `(K,)`, the fraction
        of samples predicted as each class, summing to 1),
        `"min_class_fraction"` (its smallest entry), `"predicted_classes"`
        (int array `(n,)`, the argmax) and `"confidence"` (float64 array
        `(n,)`, the largest probability of each sample).

    Example:

    >>> q = classifier_quality_from_logits(np.eye(4)[[0, 0, 1, 2]] * 10)
    >>> q["confident_fraction"], q["class_histogram"].tolist(), q["min_class_fraction"]
    (1.0, [0.5, 0.25, 0.25, 0.0], 0.0)
    """
    threshold = _check_fraction("threshold", threshold, open_low=True)
    logits = check_features(logits, "logits")
    probs = softmax(logits, axis=1)  # (n, K)
    confidence = probs.max(axis=1)  # (n,)
    predicted = probs.argmax(axis=1)  # (n,)
    histogram = np.bincount(predicted, minlength=logits.shape[1]) / len(logits)
    return {
        "confident_fraction": float(np.mean(confidence >= threshold)),
        "class_histogram": histogram,
        "min_class_fraction": float(histogram.min()),
        "predicted_classes": predicted,
        "confidence": confidence,
    }


def classifier_quality(
    images: Any,
    classifier: Any = "mnist",
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_samples: int | None = None,
) -> dict[str, Any]:
    """How confidently, and how evenly across classes, a classifier labels images.

    Args:
        images: an array `(n, H, W, C)` in [-1, 1], a `tf.data.Dataset` or
            an iterable of batches (see `extract_features`).
        classifier: `"mnist"` (the shipped MNIST classifier; 28x28 or
            32x32 digits), `"digits"` (the shipped digits classifier), or
            anything `get_extractor` takes that returns logits
            (`"mnist_logits"`, a `keras.Model`, a callable). Defaults to
            `"mnist"`.
        threshold: a sample is confident when its largest softmax
            probability is `>= threshold`, in (0, 1]. Defaults to 0.9.
        batch_size: images per classifier call for arrays. Defaults to 256.
        max_samples: use at most this many images. Defaults to `None`
            (all).

    Returns:
        The dict of `classifier_quality_from_logits`:
        `"confident_fraction"`, `"class_histogram"`,
        `"min_class_fraction"`, `"predicted_classes"` and `"confidence"`.

    Example:

    >>> import tfgan_edu as tge
    >>> x = next(iter(tge.data.load("mnist_5k", batch_size=200, split="test")))
    >>> q = classifier_quality(x.numpy(), "mnist")
    >>> bool(q["confident_fraction"] > 0.9), q["class_histogram"].shape
    (True, (10,))
    """
    threshold = _check_fraction("threshold", threshold, open_low=True)
    logits = extract_features(
        _logits_extractor(classifier), images, batch_size, False, max_samples
    )
    return classifier_quality_from_logits(logits, threshold)


@functools.lru_cache(maxsize=8)
def _reference_confident_fraction(dataset: str, split: str, threshold: float) -> float:
    images = metric_features.dataset_arrays(dataset, split)[0]
    extractor = metric_features.REFERENCE_EXTRACTORS[dataset]
    return classifier_quality(images, extractor, threshold)["confident_fraction"]


def reference_confident_fraction(
    dataset: str = "mnist_5k",
    split: str = "test",
    threshold: float = DEFAULT_THRESHOLD,
) -> float:
    """The confident fraction of real digits, the yardstick for generated ones.

    Every image of the split goes through the dataset's shipped classifier
    (`"mnist"` for `"mnist_5k"`, `"digits"` for `"digits"`); the result is
    cached per arguments.

    Args:
        dataset: `"mnist_5k"` or `"digits"`. Defaults to `"mnist_5k"`.
        split: `"train"` or `"test"`. The test split was never seen by the
            classifier in training, so it stands for new real digits.
            Defaults to `"test"`.
        threshold: confidence threshold in (0, 1]. Defaults to 0.9.

    Returns:
        The fraction of the split's real images classified with confidence
        `>= threshold`, a float in [0, 1].

    Example:

    >>> reference_confident_fraction("mnist_5k", "test") > 0.9
    True
    """
    metric_features.check_reference_dataset(dataset)
    if split not in metric_features.REFERENCE_SPLITS:
        raise ValueError(
            "Expected `split` to be one of "
            f"{', '.join(map(repr, metric_features.REFERENCE_SPLITS))}. "
            f"Received: split={split!r}"
        )
    threshold = _check_fraction("threshold", threshold, open_low=True)
    return _reference_confident_fraction(dataset, split, threshold)


def quality_bar(
    images: Any,
    dataset: str = "mnist_5k",
    threshold: float = DEFAULT_THRESHOLD,
    min_relative_confidence: float = MIN_RELATIVE_CONFIDENCE,
    min_class_fraction: float = MIN_CLASS_FRACTION,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> dict[str, Any]:
    """Whether generated digits pass the quality bar of real held-out digits.

    Samples pass when the dataset's classifier labels them with confidence
    `>= threshold` at least `min_relative_confidence` times as often as it
    labels the real test digits so, and predicts every class for at least
    `min_class_fraction` of them (no digit missing).

    Args:
        images: generated images, an array `(n, H, W, 1)` in [-1, 1] or a
            dataset of batches.
        dataset: the real data whose classifier judges, `"mnist_5k"` or
            `"digits"`. Defaults to `"mnist_5k"`.
        threshold: confidence threshold in (0, 1]. Defaults to 0.9.
        min_relative_confidence: the least ratio of the samples' confident
            fraction to the real test digits', in [0, 1]. Defaults to 0.75.
        min_class_fraction: the least fraction of samples every class must
            get, in [0, 1]. Defaults to 0.05.
        batch_size: images per classifier call. Defaults to 256.

    Returns:
        The dict of `classifier_quality`, plus
        `"reference_confident_fraction"` (real test digits),
        `"relative_confidence"` (the ratio of the two confident fractions)
        and `"passed"` (bool).

    Example:

    >>> import tfgan_edu as tge
    >>> x = next(iter(tge.data.load("mnist_5k", batch_size=500, split="test",
    ...                             image_size=32, seed=0)))
    >>> quality_bar(x.numpy())["passed"]
    True
    """
    min_relative_confidence = _check_fraction(
        "min_relative_confidence", min_relative_confidence
    )
    min_class_fraction = _check_fraction("min_class_fraction", min_class_fraction)
    check_int("batch_size", batch_size)
    reference = reference_confident_fraction(dataset, "test", threshold)
    quality = classifier_quality(
        images,
        metric_features.REFERENCE_EXTRACTORS[dataset],
        threshold,
        batch_size=batch_size,
    )
    relative = quality["confident_fraction"] / reference
    quality.update(
        reference_confident_fraction=reference,
        relative_confidence=relative,
        passed=bool(
            relative >= min_relative_confidence
            and quality["min_class_fraction"] >= min_class_fraction
        ),
    )
    return quality
