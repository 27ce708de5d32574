"""Named GAN recipes: compiled models with the settings of the papers.

Each function builds the networks for a dataset (MLPs for 2-D data, DCGAN
networks for images, with the normalization each method needs in its
discriminator), wraps them in `tfgan_edu.GAN` and compiles it with the loss,
regularizer and optimizer settings of the paper that introduced the method.
Switching method is switching one function call:

>>> import tfgan_edu as tge
>>> gan = tge.recipes.wgan_gp("ring", seed=0)
>>> gan.loss_family.name, gan.d_steps, gan.gradient_penalty_weight
('wasserstein', 5, 10.0)

Every recipe takes `data` (a dataset name of `tfgan_edu.data.load` or a
sample shape), `latent_dim`, `seed`, and `learning_rate` to override the
default learning rate (for both players).

The papers' learning rates target images. On 2-D vectors (the small MLP pair
of `build_gan`, batch 128) they are too small to cover the ring within tens
of epochs: with them dcgan stayed on 1 of the ring's 8 modes and lsgan on 4
after 40 epochs (seed 0). So `learning_rate=None` picks the paper's rate for
images and `VECTOR_LEARNING_RATES` for vectors, rates measured on the ring
(modes captured, of 8, after 30 epochs of batch 128 = 5850 generator steps;
see `tests/test_recipes_measured.py`).
"""

from __future__ import annotations

import dataclasses

import keras

from tfgan_edu import _backend, networks
from tfgan_edu._checks import check_positive_number
from tfgan_edu.data import toy2d
from tfgan_edu.models import GAN

NAMES = ("dcgan", "wgan", "wgan_gp", "lsgan", "sngan", "r1_gan")


@dataclasses.dataclass(frozen=True)
class Defaults:
    """Settings of the default GAN for one kind of data.

    Args:
        latent_dim: size of the noise vector.
        learning_rate: Adam learning rate of both players.
        beta_1: Adam's first-moment decay (0.5 as in DCGAN).
        batch_size: real samples per step.
        ema_decay: decay of the generator's moving average that `generate`
            samples from (`GAN.compile(ema_decay=...)`), or `None` for none.
        base_filters: `base_filters` of both DCGAN networks (images only).
    """

    latent_dim: int
    learning_rate: float
    beta_1: float
    batch_size: int
    ema_decay: float | None = None
    base_filters: int = 32


# 2-D mixtures: a small MLP pair captures the ring's 8 modes within ~4000 steps
# (20 epochs of 195 batches; measured on seeds 0-2; batch 256 needed 30-40).
TOY_DEFAULTS = Defaults(latent_dim=16, learning_rate=1e-3, beta_1=0.5, batch_size=128)
# Images: the DCGAN settings of Radford et al. (2016), lr 2e-4 and beta_1 0.5.
IMAGE_DEFAULTS = Defaults(latent_dim=64, learning_rate=2e-4, beta_1=0.5, batch_size=64)
# mnist_5k (4,000 real 28x28 training digits), the demo's DCGAN. With 32
# base filters (and EMA 0.99) 2,976 steps gave samples a throwaway CNN
# classified with confidence >= 0.9 0.64 times per sample against 0.96 for
# real held-out digits, the rarest digit 3% (seed 0), still rising slowly;
# without the discriminator's batch normalization no better at 1,488 steps
# (0.60). 64 filters give the 28x28 generator 2.3x the parameters (534k)
# and 4x the convolution work. EMA 0.999 was too slow for runs this short
# (0% confident at 1,240 steps, 7% at 1,860). Quality of this setting over
# seeds: benchmarks/mnist_dcgan.py.
MNIST_5K_DEFAULTS = Defaults(
    latent_dim=64,
    learning_rate=2e-4,
    beta_1=0.5,
    batch_size=64,
    ema_decay=0.99,
    base_filters=64,
)
# Datasets whose measured settings differ from those of their kind of data.
DATASET_DEFAULTS = {"mnist_5k": MNIST_5K_DEFAULTS}

DATA_SHAPES = {
    **{name: (2,) for name in toy2d.NAMES},
    "digits": (32, 32, 1),
    "mnist_5k": (28, 28, 1),
    "mnist": (28, 28, 1),
    "fashion_mnist": (28, 28, 1),
    "cifar10": (32, 32, 3),
}


def sample_shape(data) -> tuple[int, ...]:
    """The shape of one sample of a built-in dataset, or a validated shape.

    Example:

    >>> sample_shape("digits"), sample_shape((2,))
    ((32, 32, 1), (2,))
    """
    if isinstance(data, str):
        if data not in DATA_SHAPES:
            raise ValueError(
                f"Unknown dataset. Expected one of {sorted(DATA_SHAPES)} or a sample "
                f"shape such as (2,) or (32, 32, 1). Received: data={data!r}"
            )
        return DATA_SHAPES[data]
    shape = tuple(int(d) for d in data)
    if len(shape) not in (1, 3):
        raise ValueError(
            "Expected a sample shape of a vector (d,) or an image (h, w, c). "
            f"Received: data={data!r}"
        )
    return shape


def defaults_for(data) -> Defaults:
    """Returns the `Defaults` for a dataset name or a sample shape.

    A dataset of `DATASET_DEFAULTS` gets its own; other data the
    `TOY_DEFAULTS` (vectors) or `IMAGE_DEFAULTS` (images).

    Example:

    >>> defaults_for("ring").batch_size
    128
    >>> defaults_for("mnist_5k") is MNIST_5K_DEFAULTS
    True
    """
    if isinstance(data, str) and data in DATASET_DEFAULTS:
        return DATASET_DEFAULTS[data]
    return TOY_DEFAULTS if len(sample_shape(data)) == 1 else IMAGE_DEFAULTS


# Learning rates of the recipes on vectors (2-D data), for both players.
VECTOR_LEARNING_RATES = {
    "dcgan": 1e-3,
    "wgan": 5e-4,
    "wgan_gp": 1e-3,
    "lsgan": 2e-3,
    "sngan": 1e-3,
    "r1_gan": 1e-3,
}

# The weight clip of `wgan` on vectors (the paper's 0.01 targets images).
VECTOR_CLIP_VALUE = 0.1


def _learning_rate(name, data, learning_rate, paper_rate):
    """`learning_rate` if given, else the paper's rate (images) or the 2-D one."""
    if learning_rate is not None:
        return check_positive_number("learning_rate", learning_rate)
    if len(sample_shape(data)) == 1:
        return VECTOR_LEARNING_RATES[name]
    return paper_rate


def build_gan(
    data,
    *,
    latent_dim,
    seed,
    normalization,
    spectral_norm,
    optimizer,
    jit_compile="auto",
    steps_per_execution=None,
    **compile_kwargs,
) -> GAN:
    """Builds the networks for `data`, a `GAN`, and compiles it.

    Vectors get an MLP pair with two hidden layers of 128 units; images the
    DCGAN pair of `tfgan_edu.networks` at `defaults_for(data).base_filters`
    (32; 64 for `mnist_5k`). Every recipe of
    this module is this function with a paper's settings.

    Args:
        data: dataset name of `tfgan_edu.data.load` or a sample shape.
        latent_dim: noise size; `None` for 16 (vectors) or 64 (images).
        seed: seeds the initial weights and the training noise.
        normalization: the image discriminator's normalization
            (`"batch"`, `"layer"` or `None`).
        spectral_norm: spectral normalization in the discriminator.
        optimizer: a function returning a new optimizer (called twice, once
            per player).
        jit_compile: as `compile` takes it (`None` is `"auto"`). Default:
            Keras' `"auto"`, XLA off on a CPU and on on a GPU. On the two
            CPUs of `benchmarks/results/throughput_cpu*.json` (an AVX2 AMD
            EPYC and an AMX Intel Xeon, both with TensorFlow's oneDNN
            kernels, which `import tfgan_edu` turns on) XLA made no step
            faster (the DCGAN's nor the MLPs'), and compiling adds seconds
            before the first step; `tge.experiments.tune_step` measures it
            on your machine.
        steps_per_execution: training steps per compiled call, as `compile`
            takes it. Default: 8 for vectors, whose steps are so short that
            Keras' per-step work is a large part of them (8 steps per call
            measured faster by `benchmarks/throughput.py`), 1 for images.
            With 8, callbacks' `on_train_batch_end` runs every 8 steps.
            Always 1 on the PyTorch backend, whose trainer takes no other.
        **compile_kwargs: loss, d_steps and regularizers for `GAN.compile`.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    shape = sample_shape(data)
    if latent_dim is None:
        latent_dim = defaults_for(shape).latent_dim
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if len(shape) == 1:
        generator = networks.mlp_generator(latent_dim, shape, hidden_units=(128, 128))
        discriminator = networks.mlp_discriminator(
            shape, hidden_units=(128, 128), spectral_norm=spectral_norm
        )
    else:
        filters = defaults_for(data).base_filters
        generator = networks.dcgan_generator(latent_dim, shape, base_filters=filters)
        discriminator = networks.dcgan_discriminator(
            shape,
            base_filters=filters,
            normalization=normalization,
            spectral_norm=spectral_norm,
        )
    if jit_compile is None:  # as earlier versions took it: the default
        jit_compile = "auto"
    if steps_per_execution is None:
        several = _backend.current().SEVERAL_STEPS_PER_CALL
        steps_per_execution = 8 if len(shape) == 1 and several else 1
    gan = GAN(generator, discriminator, latent_dim=latent_dim, seed=seed)
    gan.compile(
        d_optimizer=optimizer(),
        g_optimizer=optimizer(),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
        **compile_kwargs,
    )
    return gan


def dcgan(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """DCGAN (Radford, Metz & Chintala 2016).

    Non-saturating loss; batch normalization in both networks; Adam with
    learning rate 2e-4 and beta_1 = 0.5 for both players.

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size (16 for vectors, 64 for images by default).
        seed: seeds the weights and the training noise.
        learning_rate: Adam learning rate. Defaults to 2e-4
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("dcgan", data, learning_rate, 2e-4)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization="batch",
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss="non_saturating",
    )


def wgan(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """Wasserstein GAN with weight clipping (Arjovsky, Chintala & Bottou 2017).

    Wasserstein loss; critic weights clipped to [-0.01, 0.01]; 5 critic
    steps per generator step; RMSprop with learning rate 5e-5 (Algorithm 1
    of the paper: momentum-based optimizers made training unstable).

    On vectors the clip is `VECTOR_CLIP_VALUE` (0.1): clipped to 0.01 the
    small MLP critic is nearly linear and, on the ring (seed 0, 30 epochs),
    covered 5-7 of 8 modes at lr 1e-3 and 4 at lr 5e-4 (epoch 10), against
    8 with the clip at 0.1 and lr 5e-4.

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size.
        seed: seeds the weights and the training noise.
        learning_rate: RMSprop learning rate. Defaults to 5e-5
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("wgan", data, learning_rate, 5e-5)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization="batch",
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.RMSprop(learning_rate),
        loss="wasserstein",
        clip_value=VECTOR_CLIP_VALUE if len(sample_shape(data)) == 1 else 0.01,
        d_steps=5,
    )


def wgan_gp(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """WGAN with gradient penalty (Gulrajani et al. 2017).

    Wasserstein loss plus `10 * (||grad D(x_hat)|| - 1)^2` on random
    interpolates; 5 critic steps per generator step; Adam with learning rate
    1e-4, beta_1 = 0 and beta_2 = 0.9 (Algorithm 1 of the paper). The critic
    uses layer normalization, not batch normalization, since the penalty is
    taken per example.

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size.
        seed: seeds the weights and the training noise.
        learning_rate: Adam learning rate. Defaults to 1e-4
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("wgan_gp", data, learning_rate, 1e-4)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization="layer",
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.Adam(learning_rate, beta_1=0.0, beta_2=0.9),
        loss="wasserstein",
        gradient_penalty_weight=10.0,
        d_steps=5,
    )


def lsgan(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """Least-squares GAN (Mao et al. 2017).

    Least-squares loss with targets 0 (fake) and 1 (real); DCGAN networks;
    Adam with learning rate 2e-4 and beta_1 = 0.5.

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size.
        seed: seeds the weights and the training noise.
        learning_rate: Adam learning rate. Defaults to 2e-4
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("lsgan", data, learning_rate, 2e-4)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization="batch",
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss="least_squares",
    )


def sngan(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """Spectrally normalized GAN (Miyato et al. 2018).

    Hinge loss; spectral normalization on every layer of the discriminator
    (no batch normalization there); 5 discriminator steps per generator
    step; Adam with learning rate 1e-4, beta_1 = 0.5, beta_2 = 0.9 (setting
    A of the paper's Table 1).

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size.
        seed: seeds the weights and the training noise.
        learning_rate: Adam learning rate. Defaults to 1e-4
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("sngan", data, learning_rate, 1e-4)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization=None,
        spectral_norm=True,
        optimizer=lambda: keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9),
        loss="hinge",
        d_steps=5,
    )


def r1_gan(data="digits", *, latent_dim=None, seed=None, learning_rate=None) -> GAN:
    """Non-saturating GAN with the R1 penalty (Mescheder, Geiger & Nowozin 2018).

    Non-saturating loss plus `gamma / 2 * ||grad D(x)||^2` on real data with
    gamma = 10; RMSprop with learning rate 1e-4 for both players, as in the
    paper's experiments. The discriminator has no batch normalization (the
    penalty is taken per example).

    Args:
        data: dataset name or sample shape. Defaults to `"digits"`.
        latent_dim: noise size.
        seed: seeds the weights and the training noise.
        learning_rate: RMSprop learning rate. Defaults to 1e-4
            (the paper's) for images and `VECTOR_LEARNING_RATES` for vectors.

    Returns:
        A compiled `tfgan_edu.GAN`.
    """
    learning_rate = _learning_rate("r1_gan", data, learning_rate, 1e-4)
    return build_gan(
        data,
        latent_dim=latent_dim,
        seed=seed,
        normalization=None,
        spectral_norm=False,
        optimizer=lambda: keras.optimizers.RMSprop(learning_rate),
        loss="non_saturating",
        r1_weight=10.0,
    )


def get(name: str):
    """Returns the recipe function called `name` (one of `NAMES`).

    Example:

    >>> get("lsgan").__name__
    'lsgan'
    """
    if name not in NAMES:
        raise ValueError(
            f"Unknown recipe. Expected one of {NAMES}. Received: name={name!r}"
        )
    return globals()[name]
