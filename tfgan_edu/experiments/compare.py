"""GAN, VAE and VAE-GAN trained on the same data with the same budget, measured alike.

`compare` trains the three families on one dataset for the same number of
epochs of the same batches, then scores each with the same metrics on the
same held-out data, and draws their samples, reconstructions and latent
interpolations side by side. `default_vae` and `default_vaegan` build the
models it trains (next to `default_gan` of `tfgan_edu.experiments`).
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np
import pandas
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from tfgan_edu import data as data_module
from tfgan_edu import metrics, networks, recipes, viz
from tfgan_edu._checks import check_int, check_positive_number
from tfgan_edu.data import toy2d
from tfgan_edu.experiments.training import default_gan
from tfgan_edu.models import GAN, VAE, VAEGAN

MODELS = ("GAN", "VAE", "VAE-GAN")
"""The model families `compare` knows, in table order."""

IMAGE_DATA = ("digits", "mnist_5k")
"""The image datasets `compare` knows: both ship offline with a train/test split
and a classifier whose features the metrics use (`metrics.features.REFERENCE_EXTRACTORS`)."""

# Digits: 16 latent dimensions suffice for a VAE of 1,437 small images
# (more stay at the prior); the DCGAN keeps its 64.
IMAGE_LATENT_DIM = 16
TOY_LATENT_DIM = 2
VAE_LEARNING_RATE = 1e-3
# The Gaussian likelihood's scale for 2-D data. Fitting it on each batch
# (`VAE(scale=None)`) collapses the posterior on the ring: it starts at the
# data's spread (1.4), at which the code is not worth its KL (KL 0.006 nats,
# 0 modes after 20 epochs, seeds 0 and 1). Fixed scales cover all 8 modes;
# the high-quality fraction at epoch 20 (seeds 0 / 1) was 0.52 / 0.48 with
# 0.1 and 0.34 / 0.28 with 0.2: the larger the noise the decoder assumes,
# the more of its samples fall between the modes.
TOY_SCALE = 0.2


def _shape(data) -> tuple[int, ...]:
    return recipes.sample_shape(data)


def default_vae(
    data="digits",
    *,
    latent_dim: int | None = None,
    likelihood: str | None = None,
    beta: float = 1.0,
    learning_rate: float = VAE_LEARNING_RATE,
    seed: int | None = None,
    jit_compile="auto",
) -> VAE:
    """Builds and compiles the default VAE for a dataset or sample shape.

    Images get `conv_encoder` and `conv_decoder` of `tfgan_edu.networks`
    (the DCGAN shapes at 32 base filters) and a Bernoulli likelihood on the
    pixels mapped to `[0, 1]`; vectors (the 2-D mixtures) get MLPs with two
    hidden layers of 128 units and a Gaussian likelihood of scale 0.2 (the
    scale fitted on each batch collapses the posterior on the ring; see
    `TOY_SCALE`). Adam with `learning_rate` trains both networks.

    Args:
        data: a dataset name of `tfgan_edu.data.load` or a sample shape.
            Defaults to `"digits"`.
        latent_dim: size of `z`. Defaults to 16 for images, 2 for vectors.
        likelihood: `"bernoulli"` or `"gaussian"`. Defaults to `None`:
            Bernoulli for images, Gaussian for vectors.
        beta: weight of the KL term. Defaults to 1 (the ELBO).
        learning_rate: Adam's learning rate. Defaults to 1e-3.
        seed: seeds the initial weights and the training noise.
        jit_compile: passed to `compile`. Defaults to Keras' `"auto"`
            (XLA off on a CPU, on on a GPU), as `default_gan`; `None` is
            `"auto"`.

    Returns:
        A compiled `tfgan_edu.VAE`.

    Example:

    >>> vae = default_vae("ring", seed=0)
    >>> vae.likelihood, vae.scale, vae.latent_dim, vae.generate(3, seed=0).shape
    ('gaussian', 0.2, 2, (3, 2))
    """
    shape = _shape(data)
    image = len(shape) == 3
    if latent_dim is None:
        latent_dim = IMAGE_LATENT_DIM if image else TOY_LATENT_DIM
    likelihood = likelihood or ("bernoulli" if image else "gaussian")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if image:
        encoder = networks.conv_encoder(shape, latent_dim, base_filters=32)
        decoder = networks.conv_decoder(
            latent_dim, shape, likelihood=likelihood, base_filters=32
        )
    else:
        encoder = networks.mlp_encoder(shape, latent_dim, hidden_units=(128, 128))
        decoder = networks.mlp_decoder(
            latent_dim, shape, likelihood=likelihood, hidden_units=(128, 128)
        )
    scale = TOY_SCALE if likelihood == "gaussian" and not image else None
    vae = VAE(
        encoder,
        decoder,
        latent_dim,
        beta=beta,
        likelihood=likelihood,
        scale=scale,
        seed=seed,
    )
    vae.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        jit_compile="auto" if jit_compile is None else jit_compile,
    )
    return vae


def default_vaegan(
    data="digits",
    *,
    latent_dim: int | None = None,
    gamma: float | None = None,
    learning_rate: float | None = None,
    seed: int | None = None,
    jit_compile="auto",
) -> VAEGAN:
    """Builds and compiles the default VAE-GAN for a dataset or sample shape.

    The decoder is the generator of `default_gan` (`dcgan_generator` at 32
    base filters for images, an MLP for vectors), the encoder that of
    `default_vae`, and the discriminator the DCGAN discriminator with layer
    normalization instead of batch normalization (or the MLP
    discriminator), whose last hidden layer (the flattened features) is the
    reconstruction space. Layer normalization keeps those features at unit
    scale: without any normalization they are so small (weights drawn from
    N(0, 0.02)) that the KL swamped the reconstruction term, and after 20
    epochs on digits the reconstructions' pixel error (0.21) was above that
    of the mean image (0.19); with it, 0.023. The three players use
    `Adam(learning_rate, beta_1=0.5)` and the non-saturating loss.

    Args:
        data: a dataset name of `tfgan_edu.data.load` or a sample shape.
            Defaults to `"digits"`.
        latent_dim: size of `z`. Defaults to 16 for images, 2 for vectors.
        gamma: weight of the feature reconstruction in the decoder's loss.
            Defaults to `None`: 0.01 for images, 1.0 for vectors.
        learning_rate: Defaults to `None`: 2e-4 for images, 1e-3 for
            vectors (the rates of `default_gan`).
        seed: seeds the initial weights and the training noise.
        jit_compile: passed to `compile`. Defaults to Keras' `"auto"`
            (XLA off on a CPU, on on a GPU), as `default_gan`; `None` is
            `"auto"`.

    Returns:
        A compiled `tfgan_edu.VAEGAN`.

    Example:

    >>> vaegan = default_vaegan("ring", seed=0)
    >>> vaegan.feature_layer, vaegan.generate(3, seed=0).shape
    ('activation_2', (3, 2))
    """
    shape = _shape(data)
    image = len(shape) == 3
    settings = recipes.defaults_for(shape)
    if latent_dim is None:
        latent_dim = IMAGE_LATENT_DIM if image else TOY_LATENT_DIM
    gamma = (0.01 if image else 1.0) if gamma is None else gamma
    learning_rate = (
        settings.learning_rate
        if learning_rate is None
        else check_positive_number("learning_rate", learning_rate)
    )
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if image:
        encoder = networks.conv_encoder(shape, latent_dim, base_filters=32)
        decoder = networks.dcgan_generator(latent_dim, shape, base_filters=32)
        discriminator = networks.dcgan_discriminator(
            shape, base_filters=32, normalization="layer"
        )
    else:
        encoder = networks.mlp_encoder(shape, latent_dim, hidden_units=(128, 128))
        decoder = networks.mlp_generator(latent_dim, shape, hidden_units=(128, 128))
        discriminator = networks.mlp_discriminator(shape, hidden_units=(128, 128))
    vaegan = VAEGAN(encoder, decoder, discriminator, latent_dim, gamma=gamma, seed=seed)

    def adam():
        return keras.optimizers.Adam(learning_rate, beta_1=settings.beta_1)

    vaegan.compile(
        adam(),
        adam(),
        adam(),
        jit_compile="auto" if jit_compile is None else jit_compile,
    )
    return vaegan


@dataclasses.dataclass
class Comparison:
    """What `compare` measured.

    Attributes:
        table: a `pandas.DataFrame`, one row per model and a first row
            for the real training data against the held-out data (the floor
            of the sample metrics). Columns: `model`, `latent_dim`, `train_seconds`,
            `reconstruction_mse` (`None` for the GAN, which has no encoder),
            then the sample metrics (see `compare`).
        rows: the same table as a list of dicts.
        figure: samples, reconstructions and latent interpolations, one
            row of panels per model.
        models: the trained models by name.
        histories: each model's `History.history`.
    """

    table: pandas.DataFrame
    rows: list
    figure: Figure
    models: dict
    histories: dict

    def markdown(self, digits: int = 3) -> str:
        """The table as Markdown, numbers rounded to `digits` significant digits.

        Example:

        >>> c = Comparison(None, [{"model": "VAE", "fid": 12.345}], None, {}, {})
        >>> print(c.markdown())
        | model | fid |
        |---|---|
        | VAE | 12.3 |
        """
        columns = list(self.rows[0]) if self.rows else []

        def cell(value):
            if value is None:
                return "n/a"
            if isinstance(value, float):
                return f"{value:.{digits}g}"
            return str(value)

        lines = [
            "| " + " | ".join(columns) + " |",
            "|" + "---|" * len(columns),
        ]
        for row in self.rows:
            lines.append("| " + " | ".join(cell(row[c]) for c in columns) + " |")
        return "\n".join(lines)


def compare(
    data: str = "digits",
    *,
    epochs: int = 30,
    models=MODELS,
    batch_size: int | None = None,
    n_samples: int = 1000,
    n: int | None = None,
    seed: int = 0,
    jit_compile="auto",
    run_eagerly: bool = False,
    verbose=0,
) -> Comparison:
    """Trains GAN, VAE and VAE-GAN on one dataset with one budget, and compares them.

    Every model sees the same batches (`tfgan_edu.data.load(data,
    batch_size, seed=seed)`) for the same number of epochs; they are built
    by `default_gan`, `default_vae` and `default_vaegan`. Then, on held-out
    data (the `test` split of `digits` or `mnist_5k`; for the 2-D mixtures
    a fresh draw of `n_samples` points):

    - images: `fid` in the feature space of the dataset's own shipped
      classifier (`extractor="digits"` for `digits`, `"mnist"` for
      `mnist_5k`: `tfgan_edu.metrics.features.REFERENCE_EXTRACTORS`) and improved
      `precision_recall` (Kynkaenniemi et al. 2019, k = 3) in the same
      features, from `n_samples` generated images;
    - 2-D mixtures: `frechet_distance` and `precision_recall` of the raw
      points, and for `ring` and `grid` the `mode_coverage` statistics
      (`modes`, `high_quality`, `reverse_kl`);
    - `reconstruction_mse`: mean squared error of the held-out samples
      against their reconstructions through the posterior mean (pixels in
      `[-1, 1]`); `None` for the GAN, which has no encoder;
    - `train_seconds`: wall time of `fit`.

    The first row, `real (train split)`, scores the training data against
    the held-out data with the same metrics: what a perfect model would
    reach with that many samples.

    Args:
        data: `"digits"` or `"mnist_5k"` (images, 32x32 and 28x28) or a
            2-D mixture (`"ring"`, `"grid"`, `"spiral"`). Defaults to
            `"digits"`.
        epochs: training epochs of every model. Defaults to 30.
        models: which of `"GAN"`, `"VAE"`, `"VAE-GAN"` to train, in table
            order. Defaults to all three.
        batch_size: Defaults to 64 for images, 128 for 2-D data.
        n_samples: generated samples scored per model. Defaults to 1000.
        n: training examples (the first `n` digits of the train split, or
            `n` points drawn from a mixture); `None` for the whole train
            split (1,437 `digits`, 4,000 `mnist_5k`) or 25,000 points.
        seed: seeds data order, weights and noise. Defaults to 0.
        jit_compile: passed to every model's `compile`. Defaults to Keras'
            `"auto"` (XLA off on a CPU, on on a GPU), as the default
            builders.
        run_eagerly: train without compiling the step into a graph (with
            `jit_compile=False`): slower per step, but no tracing time, the
            fastest way through a smoke test of a few steps. Defaults to
            `False`.
        verbose: `fit`'s verbosity. Defaults to 0.

    Returns:
        A `Comparison`: `table`, `rows`, `figure`, `models`, `histories`.

    Example:

    >>> c = compare("ring", epochs=1, models=["VAE"], n=256, n_samples=50)
    >>> [row["model"] for row in c.rows]
    ['real (train split)', 'VAE']
    >>> sorted(c.table.columns)[:4]
    ['frechet_distance', 'high_quality', 'latent_dim', 'model']
    """
    names = _check_arguments(data, epochs, models, n_samples)
    image = len(_shape(data)) == 3
    if batch_size is None:
        batch_size = recipes.defaults_for(data).batch_size
    dataset = data_module.load(
        data,
        batch_size=batch_size,
        seed=seed,
        **({} if n is None else {"n": n}),
    )
    train_real, held_out = _real_sets(data, n, n_samples, seed)

    builders = {"GAN": default_gan, "VAE": default_vae, "VAE-GAN": default_vaegan}
    trained, histories, seconds = {}, {}, {}
    for name in names:
        model = builders[name](data, seed=seed, jit_compile=jit_compile)
        model.run_eagerly = run_eagerly
        start = time.perf_counter()
        history = model.fit(dataset, epochs=epochs, verbose=verbose)
        seconds[name] = time.perf_counter() - start
        trained[name], histories[name] = model, history.history

    if image:
        scorer = _ImageScores(held_out, metrics.features.REFERENCE_EXTRACTORS[data])
    else:
        scorer = _PointScores(data, held_out)
    rows = [
        {
            "model": "real (train split)",
            "latent_dim": None,
            "train_seconds": None,
            "reconstruction_mse": None,
            **scorer(train_real),
        }
    ]
    for name, model in trained.items():
        fake = model.generate(n_samples, seed=seed)
        mse = None
        if not isinstance(model, GAN):
            mse = float(np.mean((model.reconstruct(held_out) - held_out) ** 2))
        rows.append(
            {
                "model": name,
                "latent_dim": model.latent_dim,
                "train_seconds": seconds[name],
                "reconstruction_mse": mse,
                **scorer(fake),
            }
        )
    figure = _figure(trained, held_out, seed)
    return Comparison(pandas.DataFrame(rows), rows, figure, trained, histories)


def _check_arguments(data, epochs, models, n_samples):
    if data not in (*IMAGE_DATA, *toy2d.NAMES):
        raise ValueError(
            f"`compare` runs on the offline data: images {IMAGE_DATA} or a 2-D "
            f"mixture {toy2d.NAMES}. Received: data={data!r}"
        )
    check_int("epochs", epochs)
    check_int(
        "n_samples", n_samples, minimum=10, note=" (the metrics compare neighbourhoods)"
    )
    names = [models] if isinstance(models, str) else list(models)
    unknown = [m for m in names if m not in MODELS]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(
            f"Expected `models` to be distinct names among {MODELS}. "
            f"Received: models={models!r}"
        )
    return names


def _real_sets(data, n, n_samples, seed):
    """`(train, held_out)`: training samples and the held-out reference."""
    if data in IMAGE_DATA:
        load = dict(batch_size=512, shuffle=False, drop_remainder=False)
        train = np.concatenate(
            [np.asarray(b) for b in data_module.load(data, split="train", **load)]
        )
        test = np.concatenate(
            [np.asarray(b) for b in data_module.load(data, split="test", **load)]
        )
        return (train if n is None else train[:n]), test
    train = toy2d.sample(data, n_samples, seed=seed)
    return train, toy2d.sample(data, n_samples, seed=seed + 1)


class _ImageScores:
    """FID and precision/recall in the features of a shipped classifier."""

    def __init__(self, held_out, extractor):
        self.extractor = extractor
        self.real_features = metrics.extract_features(extractor, held_out)

    def __call__(self, images):
        fake_features = metrics.extract_features(self.extractor, images)
        return {
            "fid": metrics.fid(self.real_features, fake_features, extractor=None),
            **metrics.precision_recall(self.real_features, fake_features),
        }


class _PointScores:
    """Frechet distance, precision/recall and mode coverage of 2-D points."""

    def __init__(self, data, held_out):
        self.data = data
        self.held_out = held_out

    def __call__(self, points):
        scores = {
            "frechet_distance": metrics.frechet_distance(self.held_out, points),
            **metrics.precision_recall(self.held_out, points),
        }
        if self.data in ("ring", "grid"):
            scores.update(metrics.mode_coverage(points, self.data))
        return scores


def _figure(trained, held_out, seed) -> Figure:
    """One row per model: samples, reconstructions, a latent interpolation."""
    if held_out.ndim == 4:
        return _image_figure(trained, held_out, seed)
    return _points_figure(trained, held_out, seed)


def _interpolation(model, originals, seed):
    z_path = _latent_path(model, originals, seed)  # (10, latent_dim)
    if isinstance(model, GAN):
        return keras.ops.convert_to_numpy(model.sampling_generator(z_path))
    return model.decode(z_path)


def _interpolation_title(name, model):
    ends = "two random z" if isinstance(model, GAN) else "two encoded samples"
    return f"{name}: interpolation between {ends}"


def _image_figure(trained, held_out, seed) -> Figure:
    # Per model: 32 samples on the left; on the right, 8 held-out digits
    # over their reconstructions, and a 10-step interpolation below.
    fig = plt.figure(figsize=(12, 3.6 * len(trained)))
    grid = fig.add_gridspec(
        2 * len(trained), 2, width_ratios=[1, 1.25], height_ratios=[2, 1] * len(trained)
    )
    originals = held_out[:8]
    for i, (name, model) in enumerate(trained.items()):
        samples_ax = fig.add_subplot(grid[2 * i : 2 * i + 2, 0])
        recon_ax = fig.add_subplot(grid[2 * i, 1])
        path_ax = fig.add_subplot(grid[2 * i + 1, 1])
        viz.plot_images(model.generate(32, seed=seed), ncols=8, ax=samples_ax)
        samples_ax.set_title(f"{name}: samples")
        if isinstance(model, GAN):
            _no_encoder(recon_ax)
        else:
            pairs = np.concatenate([originals, model.reconstruct(originals)])
            viz.plot_images(pairs, ncols=8, ax=recon_ax)
            recon_ax.set_title(f"{name}: held-out (top), reconstructed (bottom)")
        viz.plot_images(_interpolation(model, originals, seed), ncols=10, ax=path_ax)
        path_ax.set_title(_interpolation_title(name, model))
    fig.tight_layout()
    return fig


def _points_figure(trained, held_out, seed) -> Figure:
    fig, axes = plt.subplots(
        len(trained), 3, figsize=(12, 4 * len(trained)), squeeze=False
    )
    limit = 1.15 * float(np.abs(held_out).max())
    for row, (name, model) in zip(axes, trained.items()):
        viz.plot_2d(held_out, model.generate(1000, seed=seed), ax=row[0])
        row[0].set_title(f"{name}: samples (orange)")
        if isinstance(model, GAN):
            _no_encoder(row[1])
        else:
            viz.plot_2d(held_out, model.reconstruct(held_out), ax=row[1])
            row[1].set_title(f"{name}: reconstructions (orange)")
        path = _interpolation(model, held_out, seed)
        viz.plot_2d(held_out, path, ax=row[2])
        row[2].plot(path[:, 0], path[:, 1], color="black", linewidth=1)
        row[2].set_title(_interpolation_title(name, model))
        for ax in row:
            if ax.has_data():
                ax.set_xlim(-limit, limit)
                ax.set_ylim(-limit, limit)
    fig.tight_layout()
    return fig


def _latent_path(model, originals, seed, steps=10):
    """`steps` points on the segment between two latent vectors."""
    if isinstance(model, GAN):
        z0, z1 = np.random.default_rng(seed).standard_normal((2, model.latent_dim))
    else:
        means, _ = model.encode(originals[:2])
        z0, z1 = means
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return ((1 - t) * z0 + t * z1).astype("float32")  # (steps, latent_dim)


def _no_encoder(ax):
    ax.text(0.5, 0.5, "GAN: no encoder,\nno reconstructions", ha="center", va="center")
    ax.set_axis_off()


def main(argv=None) -> Comparison:
    """Runs `compare` from the command line and prints its table as Markdown.

    `python -m tfgan_edu.experiments.compare --data mnist_5k --epochs 10`
    prints the numbers the README's GAN / VAE / VAE-GAN table quotes, with
    the machine's description and the wall time of the whole run.

    Args:
        argv: the command-line arguments (`--data`, `--epochs`,
            `--n-samples`, `--seed`, `--n`). Defaults to `sys.argv[1:]`.

    Returns:
        The `Comparison`.

    Example:

    >>> c = main(["--data", "ring", "--epochs", "1", "--n", "256",
    ...           "--n-samples", "50", "--models", "VAE"])  # doctest: +ELLIPSIS
    compare('ring', epochs=1, ...
    >>> len(c.rows)
    2
    """
    import argparse
    import os
    import platform

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    comparison = compare(
        args.data,
        epochs=args.epochs,
        models=args.models,
        n_samples=args.n_samples,
        n=args.n,
        seed=args.seed,
    )
    print(
        f"compare({args.data!r}, epochs={args.epochs}, n_samples={args.n_samples}, "
        f"n={args.n}, seed={args.seed}): {time.perf_counter() - start:.0f} s wall, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(comparison.markdown())
    return comparison


if __name__ == "__main__":
    main()
