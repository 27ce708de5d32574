"""Helpers of the chapter notebooks: the code a chapter runs, written once here.

The chapters stay thin (cells of about 15 lines); what is longer lives here,
readable and tested:

- `plot_film(paths)`: chapter 2's film of training, a few `SampleGrid`
  frames spaced evenly in log time.
- `conditional_gan(kind, image_shape)`: chapter 3's three conditional GANs
  (`"cGAN-projection"`, `"cGAN-concat"`, `"ACGAN"`), the same generator and
  optimizers, only the discriminator differs.
- `class_control(gan)`: how often a judge classifier (by default the shipped
  MNIST classifier's logits) labels a conditional GAN's samples as the
  class that was requested, overall and per class, and how spread out each
  class's samples are in the judge's features.
- `class_control_table(results)`: those numbers as a text table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np

from tfgan_edu import metrics, networks
from tfgan_edu.models import ACGAN, ConditionalGAN

CONDITIONAL_KINDS: tuple[str, ...] = ("cGAN-projection", "cGAN-concat", "ACGAN")
"""Chapter 3's conditional GANs, by how the discriminator uses the label."""

_MODES = {"cGAN-projection": "projection", "cGAN-concat": "concat"}


def plot_film(paths: Sequence[str | os.PathLike], max_frames: int = 8) -> Any:
    """Shows up to `max_frames` pictures of a training film side by side.

    The frames are picked evenly in log time (frame 1, then ever larger
    gaps), since most of the change happens early in training; the last
    frame is always shown.

    Args:
        paths: the picture files in training order, e.g.
            `tge.callbacks.SampleGrid(...).paths` after `fit`.
        max_frames: the most frames to show, >= 1. Defaults to 8.

    Returns:
        The `matplotlib.figure.Figure`, 4 frames per row.

    Example:

    >>> import tempfile, matplotlib.pyplot as plt
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> paths = [folder / f"{i}.png" for i in range(20)]
    >>> for i, path in enumerate(paths):
    ...     plt.imsave(path, np.full((4, 4), i / 20.0), cmap="gray")
    >>> fig = plot_film(paths, max_frames=4)
    >>> len([ax for ax in fig.axes if ax.images])
    4
    """
    import matplotlib.pyplot as plt

    if (
        not isinstance(max_frames, int)
        or isinstance(max_frames, bool)
        or max_frames < 1
    ):
        raise ValueError(
            f"Expected `max_frames` to be an int >= 1. Received: max_frames={max_frames!r}"
        )
    paths = list(paths)
    if not paths:
        raise ValueError(f"Expected at least one picture. Received: paths={paths!r}")
    picks = film_frame_indices(len(paths), max_frames)
    cols = min(4, len(picks))
    rows = -(-len(picks) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.2 * cols, 3.4 * rows), squeeze=False
    )
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, index in zip(axes.flat, picks):
        ax.imshow(plt.imread(paths[index]))
        ax.set_title(f"frame {index + 1} of {len(paths)}", fontsize=9)
    fig.tight_layout()
    return fig


def film_frame_indices(n_frames: int, max_frames: int = 8) -> list[int]:
    """Which of `n_frames` frames to show: at most `max_frames`, log-spaced.

    Args:
        n_frames: number of frames available, >= 1.
        max_frames: the most to pick, >= 1. Defaults to 8.

    Returns:
        Sorted distinct 0-based indices; the first and last frame are
        always among them.

    Example:

    >>> film_frame_indices(40, 8)
    [0, 1, 2, 4, 7, 13, 23, 39]
    >>> film_frame_indices(3, 8)
    [0, 1, 2]
    """
    for name, value in (("n_frames", n_frames), ("max_frames", max_frames)):
        if (
            not isinstance(value, (int, np.integer))
            or isinstance(value, bool)
            or value < 1
        ):
            raise ValueError(
                f"Expected `{name}` to be an int >= 1. Received: {name}={value!r}"
            )
    picks = np.unique(np.geomspace(1, n_frames, min(max_frames, n_frames)).round())
    return [int(i) - 1 for i in picks]


def conditional_gan(
    kind: str,
    image_shape: Sequence[int],
    num_classes: int = 10,
    *,
    latent_dim: int = 64,
    base_filters: int = 32,
    learning_rate: float = 2e-4,
    aux_weight: float = 1.0,
    normalization: str | None = "layer",
    spectral_norm: bool = False,
    seed: int | None = 0,
) -> ConditionalGAN:
    """Builds and compiles one of chapter 3's conditional GANs.

    All kinds share the generator (`conditional_dcgan_generator`: the label
    embedded and concatenated to `z`), `Adam(learning_rate, beta_1=0.5)` for
    both players and the non-saturating loss; the discriminators differ:

    - `"cGAN-projection"`: `conditional_dcgan_discriminator(mode="projection")`,
      logit `psi(phi(x)) + <embed(y), phi(x)>` (Miyato & Koyama, 2018);
    - `"cGAN-concat"`: `mode="concat"`, the embedded label appended as
      image channels (Mirza & Osindero, 2014);
    - `"ACGAN"`: `acgan_discriminator`, an adversarial and a class head on
      the image alone, trained by `tge.ACGAN` (Odena et al., 2017).

    Args:
        kind: one of `CONDITIONAL_KINDS`.
        image_shape: `(height, width, channels)` of the images, e.g.
            `(32, 32, 1)`.
        num_classes: number of classes. Defaults to 10.
        latent_dim: size of `z`. Defaults to 64.
        base_filters: width of both networks. Defaults to 32.
        learning_rate: Adam's learning rate for both players. Defaults to
            2e-4.
        aux_weight: weight of AC-GAN's classification loss (ignored by the
            other kinds). Defaults to 1.0.
        normalization: the discriminator's normalization, `"layer"`,
            `"batch"` or `None`. Defaults to `"layer"`.
        spectral_norm: spectrally normalize the discriminator's layers
            (the SNGAN setting in which projection was introduced; not
            with `normalization="batch"`). Defaults to `False`.
        seed: seeds the networks' initial weights and the training noise.
            Defaults to 0.

    Returns:
        A compiled `tge.ConditionalGAN` (an `ACGAN` for `"ACGAN"`).

    Example:

    >>> gan = conditional_gan("cGAN-projection", (32, 32, 1), base_filters=8)
    >>> gan.generate(4, labels=[0, 1, 2, 3], seed=0).shape
    (4, 32, 32, 1)
    """
    if kind not in CONDITIONAL_KINDS:
        raise ValueError(
            f"Expected `kind` to be one of {list(CONDITIONAL_KINDS)}. Received: kind={kind!r}"
        )
    image_shape = tuple(int(d) for d in image_shape)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    G = networks.conditional_dcgan_generator(
        latent_dim, num_classes, image_shape, base_filters=base_filters
    )
    d_kwargs = {"normalization": normalization, "spectral_norm": spectral_norm}
    if kind == "ACGAN":
        D = networks.acgan_discriminator(
            image_shape, num_classes, base_filters=base_filters, **d_kwargs
        )
        gan = ACGAN(G, D, latent_dim, num_classes, aux_weight=aux_weight, seed=seed)
    else:
        D = networks.conditional_dcgan_discriminator(
            image_shape,
            num_classes,
            base_filters=base_filters,
            mode=_MODES[kind],
            **d_kwargs,
        )
        gan = ConditionalGAN(G, D, latent_dim, num_classes, seed=seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss="non_saturating",
    )
    return gan


def _within_class_spread(features: np.ndarray, labels: np.ndarray) -> float:
    """Mean over classes of the mean pairwise Euclidean distance within a class."""
    spreads = []
    for k in np.unique(labels):
        v = features[labels == k]
        if len(v) < 2:
            continue
        squared = (v * v).sum(1)
        d2 = squared[:, None] + squared[None, :] - 2.0 * v @ v.T  # (n, n)
        upper = np.triu_indices(len(v), k=1)
        spreads.append(np.sqrt(np.maximum(d2[upper], 0.0)).mean())
    return float(np.mean(spreads))


def class_control(
    gan: ConditionalGAN,
    per_class: int = 100,
    *,
    judge: Any = "mnist_logits",
    features: Any = "mnist",
    real: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 2,
) -> dict[str, Any]:
    """How often a conditional GAN draws the class that was asked for.

    `per_class` samples of every class go through a judge classifier that
    is not part of the GAN; a sample counts as a hit when the judge's
    largest logit is the requested class. Diversity within a class is the
    mean pairwise distance of the samples' `features` within each class,
    averaged over classes, divided by the same number for `real` images:
    about 1 for data-like spread, near 0 when each class collapses to a few
    prototypes.

    Args:
        gan: a trained `tge.ConditionalGAN` (or `ACGAN`).
        per_class: samples per class, >= 2. Defaults to 100.
        judge: classifier logits, anything `tge.metrics.get_extractor`
            takes. Defaults to `"mnist_logits"` (the shipped MNIST
            classifier).
        features: the feature space of the diversity measure. Defaults to
            `"mnist"` (the same classifier's penultimate features).
        real: `(images, labels)` of real data for the diversity yardstick
            and the judge's own accuracy; `None` (default) leaves both out.
        seed: seed of the samples' noise. Defaults to 2.

    Returns:
        A dict: `"accuracy"` (fraction of samples judged as requested),
        `"per_class_accuracy"` (array `(K,)`), `"diversity"` (relative
        within-class spread, or `None` without `real`),
        `"real_accuracy"` (the judge's accuracy on `real`, or `None`).

    Example:

    >>> import tfgan_edu as tge
    >>> gan = conditional_gan("cGAN-concat", (32, 32, 1), base_filters=8)
    >>> result = class_control(gan, per_class=5)
    >>> result["per_class_accuracy"].shape, 0.0 <= result["accuracy"] <= 1.0
    ((10,), True)
    """
    if (
        not isinstance(per_class, (int, np.integer))
        or isinstance(per_class, bool)
        or per_class < 2
    ):
        raise ValueError(
            f"Expected `per_class` to be an int >= 2. Received: per_class={per_class!r}"
        )
    num_classes = gan.num_classes
    requested = np.repeat(np.arange(num_classes), per_class)  # (K * per_class,)
    fakes = gan.generate(len(requested), labels=requested, seed=seed)
    judged = np.asarray(metrics.get_extractor(judge)(fakes)).argmax(axis=1)
    hits = judged == requested
    per_class_accuracy = np.array(
        [hits[requested == k].mean() for k in range(num_classes)]
    )
    result = {
        "accuracy": float(hits.mean()),
        "per_class_accuracy": per_class_accuracy,
        "diversity": None,
        "real_accuracy": None,
    }
    if real is not None:
        real_images, real_labels = np.asarray(real[0]), np.asarray(real[1])
        extract = metrics.get_extractor(features)
        fake_spread = _within_class_spread(
            np.asarray(extract(fakes), "float64"), requested
        )
        real_spread = _within_class_spread(
            np.asarray(extract(real_images), "float64"), real_labels
        )
        real_judged = np.asarray(metrics.get_extractor(judge)(real_images)).argmax(
            axis=1
        )
        result["diversity"] = fake_spread / real_spread
        result["real_accuracy"] = float(np.mean(real_judged == real_labels))
    return result


def class_control_table(results: Mapping[str, Mapping[str, Any]]) -> str:
    """Formats `class_control` results as a text table, one row per model.

    Args:
        results: model name -> the dict `class_control` returned.

    Returns:
        The table as a string: accuracy, the weakest class and its
        accuracy, and the relative within-class diversity (blank without
        a real yardstick).

    Example:

    >>> row = {"accuracy": 0.9, "per_class_accuracy": np.array([1.0, 0.8]),
    ...        "diversity": 0.85, "real_accuracy": 0.98}
    >>> print(class_control_table({"cGAN": row}))
              model | judged as requested | weakest class | within-class diversity
    ------------------------------------------------------------------------------
     real test data |               0.980 |               |                   1.00
               cGAN |               0.900 |     1 (0.800) |                   0.85
    """
    if not results:
        raise ValueError(f"Expected at least one result. Received: results={results!r}")
    header = (
        f"{'model':>15} | {'judged as requested':>19} | {'weakest class':>13} | "
        f"{'within-class diversity':>22}"
    )
    lines = [header, "-" * len(header)]
    real = [
        r["real_accuracy"]
        for r in results.values()
        if r.get("real_accuracy") is not None
    ]
    if real:
        lines.append(
            f"{'real test data':>15} | {real[0]:>19.3f} | {'':>13} | {1.0:>22.2f}"
        )
    for name, r in results.items():
        per_class = np.asarray(r["per_class_accuracy"])
        weakest = int(per_class.argmin())
        diversity = "" if r.get("diversity") is None else f"{r['diversity']:.2f}"
        weakest_text = f"{weakest} ({per_class[weakest]:.3f})"
        lines.append(
            f"{name:>15} | {r['accuracy']:>19.3f} | {weakest_text:>13} | {diversity:>22}"
        )
    return "\n".join(lines)
