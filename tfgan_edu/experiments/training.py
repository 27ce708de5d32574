"""Default GANs for the built-in datasets, and one call that trains and reports.

These are the functions behind `tfgan-edu train` and `tfgan-edu demo`: they
pick networks and optimizer settings that are known to work on each
dataset, train with `fit`, and write the pictures, the history, the metrics
and the saved model into one folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import keras
import numpy as np

from tfgan_edu import callbacks as callbacks_module
from tfgan_edu import data as data_module
from tfgan_edu import metrics, recipes, viz
from tfgan_edu._checks import check_positive_number
from tfgan_edu.data import toy2d
from tfgan_edu.models import GAN

SMOKE_ENV = "TFGAN_EDU_SMOKE"


def smoke_mode() -> bool:
    """Whether the `TFGAN_EDU_SMOKE` environment variable asks for tiny runs.

    CI sets `TFGAN_EDU_SMOKE=1` so that the notebooks and the demo run in
    seconds; unset (or `0`), the same code runs at full size.

    Example:

    >>> import os
    >>> os.environ.get("TFGAN_EDU_SMOKE", "0") != "0" or not smoke_mode()
    True
    """
    return os.environ.get(SMOKE_ENV, "0").lower() not in ("", "0", "false", "no")


def default_gan(
    data="ring",
    *,
    loss: str = "non_saturating",
    latent_dim: int | None = None,
    learning_rate: float | None = None,
    d_steps: int = 1,
    seed: int | None = None,
    jit_compile="auto",
    steps_per_execution: int | None = None,
) -> GAN:
    """Builds and compiles the default GAN for a dataset or sample shape.

    Vectors (the 2-D mixtures) get an MLP generator and discriminator with
    two hidden layers of 128 units; images get the DCGAN pair of
    `tfgan_edu.networks` at 32 base filters. Both players use
    `Adam(learning_rate, beta_1=0.5)`. `mnist_5k` gets the settings of
    `tfgan_edu.recipes.MNIST_5K_DEFAULTS` (the demo's DCGAN): 28x28 networks
    at 64 base filters, and `generate` samples from a moving average of the
    generator's weights (`ema_decay`).

    Args:
        data: a name from `tfgan_edu.data.load` (e.g. `"ring"`,
            `"mnist_5k"`) or a sample shape such as `(2,)` or `(32, 32, 1)`.
        loss: loss family passed to `GAN.compile`. Defaults to
            `"non_saturating"`.
        latent_dim: noise size. Defaults to 16 for vectors, 64 for images.
        learning_rate: Adam learning rate of both players. Defaults to 1e-3
            for vectors, 2e-4 for images.
        d_steps: discriminator steps per generator step. Defaults to 1.
        seed: seeds the networks' initial weights and the training noise.
        jit_compile: passed to `compile`. Defaults to Keras' `"auto"`: XLA
            off on a CPU (where it made neither the DCGAN nor the MLPs
            faster, see `benchmarks/throughput.py`), on on a GPU.
        steps_per_execution: passed to `compile`. Defaults to 8 for
            vectors (their steps are short enough for Keras' per-step work
            to matter), 1 for images and on PyTorch; see
            `tfgan_edu.recipes.build_gan`.

    Returns:
        A compiled `tfgan_edu.GAN`.

    Example:

    >>> gan = default_gan("ring", seed=0)
    >>> gan.generate(3, seed=0).shape
    (3, 2)
    """
    settings = recipes.defaults_for(data)
    rate = (
        settings.learning_rate
        if learning_rate is None
        else check_positive_number("learning_rate", learning_rate)
    )
    return recipes.build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization="batch",
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.Adam(rate, beta_1=settings.beta_1),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
        loss=loss,
        d_steps=d_steps,
        ema_decay=settings.ema_decay,
    )


@dataclasses.dataclass
class TrainResult:
    """What `train` produced.

    Attributes:
        gan: the trained model.
        history: per-epoch metrics (`History.history`).
        metrics: final evaluation numbers (see `evaluate_samples`).
        paths: the files written, by role (`"model"`, `"history"`,
            `"losses"`, `"samples"`, `"metrics"`, `"sample_grids"`).
        seconds: wall time of training.
    """

    gan: GAN
    history: dict
    metrics: dict
    paths: dict
    seconds: float


def evaluate_samples(gan: GAN, data: str, n: int | None = None, seed: int = 0) -> dict:
    """Measures a trained GAN on its built-in dataset.

    For the 2-D mixtures (`ring`, `grid`): `tfgan_edu.metrics.mode_coverage`
    of `n` samples (default 2,500). For the digit datasets (`mnist_5k`,
    `digits`): `classifier_scores` of `n` samples (default 1,000), the FID
    in the features of the dataset's shipped classifier against the
    held-out split, beside the floor of the real training split.

    Args:
        gan: a trained `GAN`.
        data: the dataset name it was trained on.
        n: samples to draw. Defaults to 2,500 (2-D) or 1,000 (images).
        seed: seed of the samples. Defaults to 0.

    Returns:
        A dict of floats, ints and lists (empty for datasets without a
        metric here).
    """
    if data in ("ring", "grid"):
        return dict(metrics.mode_coverage(gan.generate(n or 2500, seed=seed), data))
    if data in metrics.features.REFERENCE_EXTRACTORS:
        return classifier_scores(gan.generate(n or 1000, seed=seed), data)
    return {}


def classifier_scores(images: np.ndarray, data: str) -> dict:
    """Scores digit images with the shipped classifier of their dataset.

    The classifier is `tfgan_edu.metrics.features.REFERENCE_EXTRACTORS[data]`
    (`"mnist"` for `mnist_5k`, `"digits"` for `digits`), whose real train
    and test statistics ship with the package; the confidence scores and
    the pass/fail verdict are those of `tfgan_edu.metrics.quality_bar`.

    Args:
        images: float32 `(n, H, W, 1)` in [-1, 1], n >= 2 (generated digits).
        data: `"mnist_5k"` or `"digits"`.

    Returns:
        A dict: `fid` (Frechet distance of the images' classifier features
        to the real held-out split's), `fid_real_floor` (the real training
        split's distance to the held-out split, from the shipped
        statistics), `confident_fraction` (share of images the classifier
        gives one class a probability >= 0.9), `real_confident_fraction`
        (the same for the real held-out digits), `relative_confidence`
        (their ratio), `class_histogram` (share of images classified as
        each class), `min_class_fraction`, and `passed_quality_bar`
        (relative confidence >= 0.75 and every class >= 5%).

    Example:

    >>> real = _all_images("mnist_5k", "test")
    >>> scores = classifier_scores(real, "mnist_5k")
    >>> scores["relative_confidence"], scores["passed_quality_bar"]
    (1.0, True)
    """
    if data not in metrics.features.REFERENCE_EXTRACTORS:
        raise ValueError(
            "Expected `data` to be one of "
            f"{sorted(metrics.features.REFERENCE_EXTRACTORS)}. Received: data={data!r}"
        )
    train_stats = metrics.reference_statistics(data, "train")
    test_stats = metrics.reference_statistics(data, "test")
    features = metrics.get_extractor(metrics.features.REFERENCE_EXTRACTORS[data])(
        images
    )
    fake_stats = metrics.statistics(np.asarray(features, "float64"))
    quality = metrics.quality_bar(images, data)
    return {
        "fid": metrics.frechet_distance_from_statistics(*fake_stats, *test_stats),
        "fid_real_floor": metrics.frechet_distance_from_statistics(
            *train_stats, *test_stats
        ),
        "confident_fraction": quality["confident_fraction"],
        "real_confident_fraction": quality["reference_confident_fraction"],
        "relative_confidence": quality["relative_confidence"],
        "class_histogram": quality["class_histogram"].tolist(),
        "min_class_fraction": quality["min_class_fraction"],
        "passed_quality_bar": quality["passed"],
    }


def _all_images(name: str, split: str) -> np.ndarray:
    dataset = data_module.load(
        name, batch_size=512, split=split, shuffle=False, drop_remainder=False
    )
    return np.concatenate([np.asarray(batch) for batch in dataset])


def train(
    data: str = "ring",
    *,
    loss: str = "non_saturating",
    recipe: str | None = None,
    epochs: int = 20,
    out_dir: str | os.PathLike = "tfgan_edu_runs/run",
    batch_size: int | None = None,
    latent_dim: int | None = None,
    learning_rate: float | None = None,
    d_steps: int = 1,
    n: int | None = None,
    seed: int = 0,
    sample_every: int | None = None,
    verbose="auto",
) -> TrainResult:
    """Trains the default GAN on a built-in dataset and writes a report.

    Writes into `out_dir`: `samples/samples_epoch_XXX.png` (fixed noise,
    every `sample_every` epochs), `samples.png` (final samples), `losses.png`,
    `history.json`, `metrics.json` and `model.keras` (reload with
    `keras.models.load_model` and call `fit` to continue training).

    Args:
        data: dataset name for `tfgan_edu.data.load`. Defaults to `"ring"`.
        loss: loss family. Defaults to `"non_saturating"`.
        recipe: train a `tfgan_edu.recipes` model (`"wgan_gp"`, ...) instead
            of the default GAN; `loss` and `d_steps` then come from the
            recipe, and `learning_rate` overrides the recipe's when given.
        epochs: passes over the data. Defaults to 20.
        out_dir: output folder, created if missing.
        batch_size: defaults to 128 for 2-D data and 64 for images.
        latent_dim: see `default_gan`.
        learning_rate: see `default_gan`.
        d_steps: discriminator steps per generator step. Defaults to 1.
        n: samples drawn for the 2-D datasets, the first `n` images of an
            image dataset's training split (see `tfgan_edu.data.load`).
        seed: seeds data order, weights and noise. Defaults to 0.
        sample_every: epochs between sample pictures. Defaults to about 5
            pictures per run.
        verbose: `fit`'s verbosity; `"auto"` shows a progress bar on a
            terminal and one line per epoch otherwise.

    Returns:
        A `TrainResult`.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"Expected `epochs` >= 1. Received: epochs={epochs!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = recipes.defaults_for(data)
    if batch_size is None:
        batch_size = settings.batch_size
    load_kwargs = {} if n is None else {"n": n}
    dataset = data_module.load(data, batch_size=batch_size, seed=seed, **load_kwargs)
    if recipe is not None:
        overrides = {} if learning_rate is None else {"learning_rate": learning_rate}
        gan = recipes.get(recipe)(data, latent_dim=latent_dim, seed=seed, **overrides)
    else:
        gan = default_gan(
            data,
            loss=loss,
            latent_dim=latent_dim,
            learning_rate=learning_rate,
            d_steps=d_steps,
            seed=seed,
        )

    two_d = gan.data_shape == (2,)
    real = toy2d.sample(data, 1000, seed=seed + 1) if data in toy2d.NAMES else None
    grids = callbacks_module.SampleGrid(
        out / "samples",
        every=sample_every or max(1, epochs // 5),
        n=1000 if two_d else 64,
        seed=seed,
        real=real,
    )
    if verbose == "auto":
        verbose = 1 if sys.stdout.isatty() else 2
    start = time.perf_counter()
    history = gan.fit(dataset, epochs=epochs, callbacks=[grids], verbose=verbose)
    seconds = time.perf_counter() - start

    results = evaluate_samples(gan, data, seed=seed)
    paths = {
        "model": out / "model.keras",
        "history": out / "history.json",
        "metrics": out / "metrics.json",
        "losses": out / "losses.png",
        "samples": out / "samples.png",
    }
    gan.save(paths["model"])
    paths["history"].write_text(json.dumps(history.history, indent=2))
    paths["metrics"].write_text(
        json.dumps({**results, "train_seconds": seconds, "epochs": epochs}, indent=2)
    )
    viz.save_figure(
        viz.plot_history(history, keys=["d_loss", "g_loss"], title=f"{data}: losses"),
        paths["losses"],
    )
    if two_d:
        modes = toy2d.modes(data) if data in ("ring", "grid") else None
        figure = viz.plot_2d(
            real=real,
            fake=gan.generate(1000, seed=seed),
            modes=modes,
            title=f"{data}: real (blue) and generated (orange)",
        )
    else:
        figure = viz.plot_images(gan.generate(64, seed=seed), title=f"{data}: samples")
    viz.save_figure(figure, paths["samples"])
    paths["sample_grids"] = list(grids.paths)
    return TrainResult(gan, history.history, results, paths, seconds)
