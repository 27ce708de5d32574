"""Diagnostics of GAN training: gradient norms, D's accuracy, batch diversity.

Pure functions of tensors (or NumPy arrays), used by `GAN.train_step` when
the model is compiled with `diagnostics=True`, and usable on their own.
They import nothing of the models, so any layer of the package may use them.

- `gradient_norm(grads)`: the global L2 norm of a list of gradients. A
  discriminator norm that explodes, or a generator norm that vanishes, is
  the first sign of trouble (e.g. the saturating minimax loss).
- `discriminator_accuracy(real_logits, fake_logits, loss)`: how often D
  tells real from fake, with the decision rule of the loss family
  (`DECISION_THRESHOLDS`). Both near 1 for long: D wins and G learns slowly;
  both near 0.5: the game is balanced (or D has given up).
- `batch_diversity(fake, real)`: the mean pairwise distance of generated
  samples relative to that of real ones. About 1 when the fakes are as
  spread out as the data; towards 0 when the generator collapses.

Example:

>>> real_acc, fake_acc = discriminator_accuracy([2.0, -1.0], [-3.0, -0.5])
>>> float(real_acc), float(fake_acc)
(0.5, 1.0)
>>> float(gradient_norm([[3.0], [[4.0]]]))
5.0
"""

from __future__ import annotations

from collections.abc import Sequence

from keras import ops

from tfgan_edu import losses as losses_module

DECISION_THRESHOLDS: dict[str, float | None] = {
    "minimax": 0.0,
    "non_saturating": 0.0,
    "hinge": 0.0,
    "least_squares": 0.5,
    "wasserstein": None,
}
"""The discriminator output above which a sample is called real, by family.

- `minimax`, `non_saturating`: logit 0, i.e. `sigmoid(logit) = 1/2`.
- `hinge`: 0, the middle of the margins at -1 (fake) and +1 (real).
- `least_squares`: 0.5, the middle of the regression targets 0 (fake) and
  1 (real) of Mao et al. (2017).
- `wasserstein` (and custom loss pairs): `None`, a relative rule. A critic's
  scores are defined up to a constant (the loss sees only differences), so
  no fixed threshold means anything: a real sample counts as recognized
  when its score is above the mean score of the fakes, and a fake when its
  score is below the mean score of the reals.
"""


def _family_name(loss) -> str:
    if isinstance(loss, losses_module.LossFamily):
        return loss.name
    if isinstance(loss, str):
        return losses_module.get(loss).name  # raises on an unknown name
    raise ValueError(
        "Expected `loss` to be a loss family name "
        f"({', '.join(sorted(DECISION_THRESHOLDS))}) or a "
        f"`tfgan_edu.losses.LossFamily`. Received: loss={loss!r}"
    )


def decision_threshold(loss="non_saturating") -> float | None:
    """The output above which the discriminator calls a sample real.

    Args:
        loss: a loss family name or `tfgan_edu.losses.LossFamily`. Defaults
            to `"non_saturating"`.

    Returns:
        The threshold (see `DECISION_THRESHOLDS`), or `None` for the relative
        rule of the Wasserstein family and of custom loss pairs.

    Example:

    >>> decision_threshold("least_squares"), decision_threshold("wasserstein")
    (0.5, None)
    """
    return DECISION_THRESHOLDS.get(_family_name(loss))


def discriminator_accuracy(real_logits, fake_logits, loss="non_saturating"):
    """Fractions of real and of fake samples the discriminator classifies right.

    With a threshold `t` (`decision_threshold(loss)`): real accuracy is the
    fraction of real outputs `> t`, fake accuracy the fraction of fake
    outputs `< t`. Without one (`wasserstein`, custom pairs): real accuracy
    is the fraction of real outputs above the mean fake output, fake
    accuracy the fraction of fake outputs below the mean real output.
    Outputs of any shape are flattened, so a patch discriminator is scored
    per patch.

    Args:
        real_logits: discriminator outputs on real samples, any shape.
        fake_logits: discriminator outputs on generated samples, any shape.
        loss: a loss family name or `LossFamily`. Defaults to
            `"non_saturating"`.

    Returns:
        A pair of scalar float32 tensors `(real_accuracy, fake_accuracy)`,
        each in [0, 1].

    Example:

    >>> real_acc, fake_acc = discriminator_accuracy(
    ...     [0.9, 0.4, 0.6], [0.1, 0.7], loss="least_squares")
    >>> round(float(real_acc), 4), float(fake_acc)
    (0.6667, 0.5)
    >>> real_acc, fake_acc = discriminator_accuracy(
    ...     [5.0, 3.0], [4.0, 0.0], loss="wasserstein")  # fake mean 2, real mean 4
    >>> float(real_acc), float(fake_acc)
    (1.0, 0.5)
    """
    threshold = decision_threshold(loss)
    real = ops.reshape(ops.cast(ops.convert_to_tensor(real_logits), "float32"), (-1,))
    fake = ops.reshape(ops.cast(ops.convert_to_tensor(fake_logits), "float32"), (-1,))
    if threshold is None:
        real_cut, fake_cut = ops.mean(fake), ops.mean(real)
    else:
        real_cut = fake_cut = threshold
    real_accuracy = ops.mean(ops.cast(ops.greater(real, real_cut), "float32"))
    fake_accuracy = ops.mean(ops.cast(ops.less(fake, fake_cut), "float32"))
    return real_accuracy, fake_accuracy


def gradient_norm(gradients: Sequence):
    """The global L2 norm `sqrt(sum_i ||g_i||^2)` of a list of gradients.

    `None` entries (variables the loss does not depend on) count as zero.

    Args:
        gradients: tensors or arrays, e.g. the output of `tape.gradient`.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(gradient_norm([[[1.0, 1.0], [1.0, 1.0]], None, [1.0]]))
    2.236...
    """
    squares = [
        ops.sum(ops.square(ops.cast(ops.convert_to_tensor(g), "float32")))
        for g in gradients
        if g is not None
    ]
    if not squares:
        return ops.convert_to_tensor(0.0, "float32")
    return ops.sqrt(ops.sum(ops.stack(squares)))


def mean_pairwise_distance(samples):
    """The mean Euclidean distance between two different samples of a batch.

    Each sample is flattened; the mean runs over the `n (n - 1)` ordered
    pairs `i != j`. Computed from the Gram matrix of the centred batch (no
    `(n, n, d)` tensor), so it is cheap for image batches too.

    Args:
        samples: a batch of shape `(n, ...)`. With `n < 2` there is no pair
            and the result is 0.

    Returns:
        A scalar float32 tensor.

    Example:

    >>> float(mean_pairwise_distance([[0.0, 0.0], [3.0, 4.0]]))
    5.0
    """
    x = ops.cast(ops.convert_to_tensor(samples), "float32")
    n = ops.shape(x)[0]
    x = ops.reshape(x, (n, -1))
    x = x - ops.mean(x, axis=0, keepdims=True)  # fewer cancellations below
    squared_norms = ops.sum(ops.square(x), axis=1)
    squared = (
        squared_norms[:, None]
        + squared_norms[None, :]
        - 2.0 * ops.matmul(x, ops.transpose(x))
    )  # (n, n)
    off_diagonal = 1.0 - ops.eye(n, dtype="float32")
    distances = ops.sqrt(ops.maximum(squared, 0.0)) * off_diagonal
    pairs = ops.cast(n * (n - 1), "float32")
    return ops.sum(distances) / ops.maximum(pairs, 1.0)


def batch_diversity(fake, real, epsilon: float = 1e-12):
    """Diversity of generated samples relative to real ones.

    `mean_pairwise_distance(fake) / mean_pairwise_distance(real)`: about 1
    when the fakes are as spread out as a real batch of the same size, near
    0 when the generator maps every noise vector to nearly the same sample
    (mode collapse), and above 1 when the fakes are more spread out than
    the data (e.g. early in training, or diverging). The batch sizes need
    not match.

    Args:
        fake: generated samples, shape `(n, ...)`.
        real: real samples of the same sample shape, `(m, ...)`.
        epsilon: guards the division when all real samples coincide.
            Defaults to 1e-12.

    Returns:
        A scalar float32 tensor >= 0.

    Example:

    >>> real = [[0.0, 0.0], [2.0, 0.0]]
    >>> float(batch_diversity([[1.0, 0.0], [1.0, 0.0]], real))  # collapsed
    0.0
    >>> float(batch_diversity([[0.0, 1.0], [0.0, 2.0]], real))
    0.5
    """
    return mean_pairwise_distance(fake) / ops.maximum(
        mean_pairwise_distance(real), epsilon
    )


__all__ = [
    "DECISION_THRESHOLDS",
    "batch_diversity",
    "decision_threshold",
    "discriminator_accuracy",
    "gradient_norm",
    "mean_pairwise_distance",
]
