"""Measures of unpaired translation: does `A -> B` land in B, and come back?

Without pairs there is no ground truth to compare a translation with. Two
questions remain, and these functions answer them:

- Does a translated image look like domain B? `train_domain_classifier`
  fits a small CNN on real images of A against real images of B;
  `domain_accuracy` is the fraction of translations it assigns to the
  target domain (a real held-out B image scores close to 1).
- Does the translation keep the content? `cycle_error` translates there
  and back, `F(G(a))`, and measures how far that is from `a`.

Example:

>>> import numpy as np
>>> a = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
>>> cycle_error(lambda x: -x, lambda x: -x, a)  # an exact inverse
0.0
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from tfgan_edu._checks import check_int
from tfgan_edu.metrics._validation import check_range
from tfgan_edu.metrics.image_quality import DEFAULT_RANGE
from tfgan_edu.networks.classifier import image_classifier

DOMAINS: tuple[str, ...] = ("a", "b")


def _apply(fn: Callable, images) -> np.ndarray:
    if hasattr(fn, "trainable_variables"):  # a Keras layer or model
        return keras.ops.convert_to_numpy(fn(images, training=False))
    return np.asarray(keras.ops.convert_to_numpy(fn(images)))


def _check_images(images, arg: str) -> np.ndarray:
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(
            f"Expected `{arg}` to be a non-empty batch of images (n, height, width, "
            f"channels). Received: {arg}.shape={images.shape}"
        )
    return images


def cycle_error(
    forward: Callable,
    backward: Callable,
    images,
    value_range=DEFAULT_RANGE,
    batch_size: int = 256,
) -> float:
    """Mean absolute error of a round trip, `mean |backward(forward(x)) - x|`.

    Measured on images rescaled from `value_range` to [0, 1], so 0.01 means
    an average error of 1% of the intensity range.

    Args:
        forward: the translation `G` (a Keras model, called with
            `training=False`, or any callable on a batch).
        backward: the translation back, `F`.
        images: the images `x`, `(n, H, W, C)`.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.
        batch_size: images per forward pass. Defaults to 256.

    Returns:
        A float >= 0.

    Example:

    >>> import numpy as np
    >>> x = np.zeros((2, 4, 4, 1), "float32")
    >>> cycle_error(lambda t: t + 0.5, lambda t: t, x)  # 0.5 / 2 in [0, 1] units
    0.25
    """
    low, high = check_range(value_range)
    images = _check_images(images, "images")
    errors = []
    for i in range(0, len(images), batch_size):
        batch = images[i : i + batch_size]
        back = _apply(backward, _apply(forward, batch))
        errors.append(np.abs(back.astype(np.float64) - batch).reshape(len(batch), -1))
    return float(np.mean(np.concatenate(errors)) / (high - low))


def train_domain_classifier(
    domain_a,
    domain_b,
    *,
    epochs: int = 2,
    batch_size: int = 32,
    base_filters: int = 8,
    seed: int = 0,
) -> keras.Model:
    """Trains a small CNN to tell real images of domain A from domain B.

    The network is `tfgan_edu.networks.image_classifier` with two classes
    (0 for A, 1 for B), trained with Adam(1e-3) on the softmax
    cross-entropy, on the two sets of real images shuffled together. Like a
    training script, it first seeds Keras' global random state
    (`keras.utils.set_random_seed(seed)`).

    Args:
        domain_a: real images of A, `(n_a, H, W, C)` in the model's range.
        domain_b: real images of B, `(n_b, H, W, C)`.
        epochs: passes over the data. Defaults to 2.
        batch_size: images per step. Defaults to 32.
        base_filters: channels of the classifier's first convolutions.
            Defaults to 8.
        seed: seed of the initialization, the shuffles and dropout.
            Defaults to 0.

    Returns:
        A trained `keras.Model` from images to 2 logits (A, B); pass it to
        `domain_accuracy`.

    Example:

    >>> import tfgan_edu as tge
    >>> a, b = tge.data.unpaired_arrays("digits", "invert", split="test")
    >>> clf = train_domain_classifier(a, b, epochs=2, batch_size=16)
    >>> domain_accuracy(clf, a, "a"), domain_accuracy(clf, b, "b")
    (1.0, 1.0)
    """
    domain_a = _check_images(domain_a, "domain_a")
    domain_b = _check_images(domain_b, "domain_b")
    if domain_a.shape[1:] != domain_b.shape[1:]:
        raise ValueError(
            "Expected images of the same shape in both domains. Received: "
            f"domain_a.shape={domain_a.shape}, domain_b.shape={domain_b.shape}"
        )
    check_int("epochs", epochs)
    check_int("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    images = np.concatenate([domain_a, domain_b])
    labels = np.concatenate([np.zeros(len(domain_a)), np.ones(len(domain_b))])
    classifier = image_classifier(
        domain_a.shape[1:],
        num_classes=2,
        base_filters=base_filters,
        name="domain_classifier",
    )
    classifier.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    classifier.fit(
        images,
        labels.astype("int32"),
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
    )
    return classifier


def domain_accuracy(classifier: keras.Model, images, domain: str) -> float:
    """The fraction of `images` that `classifier` assigns to `domain`.

    Args:
        classifier: a model from images to 2 logits (A, B), such as the one
            `train_domain_classifier` returns.
        images: images `(n, H, W, C)`, e.g. translations into `domain`.
        domain: `"a"` or `"b"`, the domain the images should belong to.

    Returns:
        A float in [0, 1].

    Example:

    >>> import keras, numpy as np
    >>> always_b = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                              keras.layers.Dense(2, kernel_initializer="zeros",
    ...                                                 bias_initializer=keras.initializers.Constant([0.0, 1.0]))])
    >>> domain_accuracy(always_b, np.zeros((3, 4, 4, 1)), "b")
    1.0
    """
    if domain not in DOMAINS:
        raise ValueError(
            f"Expected `domain` to be 'a' or 'b'. Received: domain={domain!r}"
        )
    images = _check_images(images, "images")
    logits = classifier.predict(images, verbose=0, batch_size=256)
    predicted = np.argmax(logits, axis=-1)
    return float(np.mean(predicted == DOMAINS.index(domain)))
