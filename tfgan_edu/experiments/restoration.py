"""Pix2Pix against classical image restoration, on photographs it never saw.

One call, `compare(task, ...)`, trains the same small U-Net twice on
random crops of the training photographs (`tge.data.paired("photos",
...)`): as `tge.Pix2Pix` (adversarial PatchGAN loss + `l1_weight` * L1)
and with the L1 loss alone (the U-Net fitted on its own, no
discriminator). It then scores, on the fixed 64 x 64 tiles of the held-out
photographs (chelsea, rocket, flower), both networks, the classical
methods and the degraded input itself:

- super-resolution: bicubic up-sampling, which *is* the degraded input;
- denoising: scikit-image's non-local means (`denoise_nl_means`), total
  variation (`denoise_tv_chambolle`) and wavelet shrinkage
  (`denoise_wavelet`), each with its parameters tuned per noise level by a
  small grid search on crops of the *training* photographs
  (`tune_denoiser`), never on the test tiles;
- inpainting: biharmonic inpainting (`inpaint_biharmonic`), told where the
  hole is (the networks are not: they see a gray square).

Scores: PSNR and SSIM (`tge.metrics.psnr`, `ssim`) and sharpness,
`high_frequency_ratio` (power above 0.25 cycles per pixel relative to the
truth; 1.0 = as much fine detail as the truth). The adversarial loss is
expected to cost PSNR and buy sharpness: the perception-distortion
trade-off (Blau and Michaeli, 2018).

`benchmarks/photo_restoration.py` runs every setting of `SETTINGS` and
writes the table, for one seed or several (`--seeds`; `summarize` gives
the means, spreads and win counts over seeds).
`perception_distortion(task, ...)` walks the trade-off itself: one
L1-only U-Net, then Pix2Pix warm-started from it at several `l1_weight`
lambdas (`benchmarks/perception_distortion.py`).

Measured 2026-12-04/05 (800 steps, 2-core CPU shared with other jobs).
With the paper's settings (rate 5e-4, `l1_weight` 100, both nets from the
same initial weights; one seed,
benchmarks/results/photo_restoration_paper_settings.json) the classical
methods win everywhere and pix2pix diverges at x4 (26.62 dB against
bicubic's 35.25; a high-frequency ratio of 12 is artefacts, not detail).
With `DEFAULT` (photo_restoration_sr.json, seeds 0-2;
photo_restoration.json, seed 0): x4, pix2pix 35.41 +- 0.17 dB against
bicubic 35.25 (above it on 2 of 3 seeds) and L1 alone 35.27 +- 0.12
(with `steps=2400`: 35.49 +- 0.04, above bicubic on every seed,
photo_restoration_sr_2400.json);
denoising at `noise_std` 0.1 / 0.2 / 0.4, pix2pix 32.78 / 29.45 / 25.44
dB against the noisy input's 26.30 / 20.50 / 15.07 and non-local means'
35.92 / 31.47 / 26.61; inpainting, both networks return their input
(23.85 dB) against biharmonic's 48.17. From the L1 solution, `l1_weight`
1 to 1000 give 35.21-35.40 dB at x4 and high-frequency ratios 0.016-0.017
(L1 alone 0.012; perception_distortion.json): in this budget the
adversarial term buys little sharpness.

Example:

>>> import numpy as np
>>> from tfgan_edu.data import photos
>>> clean = photos.random_patches(2, 32, seed=0)[0]
>>> noisy = np.clip(clean + 0.2 * np.random.default_rng(0).normal(
...     size=clean.shape), -1, 1)
>>> denoise(noisy, "tv_chambolle", weight=0.1).shape
(2, 32, 32, 3)
"""

from __future__ import annotations

import dataclasses
import itertools
import numbers
import time

import keras
import numpy as np
import pandas as pd

from tfgan_edu._checks import check_int, check_non_negative, check_positive_number
from tfgan_edu.data import image_pairs, photos
from tfgan_edu.metrics.image_quality import high_frequency_ratio, psnr, ssim

DENOISERS: tuple[str, ...] = ("nl_means", "tv_chambolle", "wavelet")
"""The classical denoisers, scikit-image's `denoise_<name>`."""

DENOISER_GRIDS: dict[str, dict[str, tuple]] = {
    # h = h_factor * sigma (scikit-image suggests h slightly below sigma).
    "nl_means": {"h_factor": (0.4, 0.6, 0.8, 1.0, 1.2)},
    "tv_chambolle": {"weight": (0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3)},
    # the threshold's noise level = sigma_factor * sigma
    "wavelet": {
        "shrinkage": ("BayesShrink", "VisuShrink"),
        "sigma_factor": (0.25, 0.5, 1.0, 1.5),
    },
}
"""The grid `tune_denoiser` searches, per method."""

NOISE_LEVELS: tuple[float, ...] = (0.1, 0.2, 0.4)
"""Noise of the benchmark, `noise_std` in [-1, 1] units: sigma = 0.05, 0.1
and 0.2 of the [0, 1] range (12.75, 25.5 and 51 of 255)."""

SETTINGS: tuple[dict, ...] = (
    {"task": "super_resolution", "factor": 4},
    *({"task": "denoise", "noise_std": s} for s in NOISE_LEVELS),
    {"task": "inpaint", "mask_size": 16},
)
"""The settings `benchmarks/photo_restoration.py` runs."""

TUNE_SEED: int = 1
"""Seed of the training crops and noise the denoisers are tuned on."""


@dataclasses.dataclass
class TrainConfig:
    """How `compare` trains its networks (the same for both losses).

    Attributes:
        steps: generator updates. Defaults to 800.
        batch_size: patches per step. Defaults to 16.
        base_filters: channels of the U-Net's (and PatchGAN's) first block.
            Defaults to 16.
        depth: stride-2 blocks of the U-Net (64 -> 4). Defaults to 4.
        learning_rate: Adam's initial rate (beta_1 = 0.5, as pix2pix),
            for G, D and the L1-only U-Net, decayed to 0 by a cosine over
            the run. Defaults to 4e-3 (measured best at x4 among 5e-4,
            1e-4, 2e-3, 4e-3 and 8e-3, see `benchmarks/photo_restoration.py`).
        l1_weight: pix2pix's lambda. Defaults to 1000 (the paper's 100
            diverged at x4 on this budget).
        seed: seed of the weights, crops and degradations. Defaults to 0.
        d_learning_rate: the discriminator's initial rate. Defaults to
            `None` (`learning_rate`).
        warm_start: if `True`, pix2pix's generator starts from the trained
            L1-only U-Net and takes `steps` more steps with the adversarial
            term added (the L1 solution, then sharpened). Defaults to
            `True`; `False`: both start from the same initial weights.

    Raises:
        ValueError: a field out of its range (counts below 1, a negative
            seed, a rate that is not a finite number > 0, a negative
            `l1_weight`), when the configuration is made.
    """

    steps: int = 800
    batch_size: int = 16
    base_filters: int = 16
    depth: int = 4
    learning_rate: float = 4e-3
    l1_weight: float = 1000.0
    seed: int = 0
    d_learning_rate: float | None = None
    warm_start: bool = True

    def __post_init__(self):
        # Checked when the configuration is made, before any training.
        for name in ("steps", "batch_size", "base_filters", "depth"):
            check_int(name, getattr(self, name))
        check_int("seed", self.seed, minimum=0)
        check_positive_number("learning_rate", self.learning_rate)
        if self.d_learning_rate is not None:
            check_positive_number("d_learning_rate", self.d_learning_rate)
        check_non_negative("l1_weight", self.l1_weight)


DEFAULT = TrainConfig()
"""The benchmark's configuration."""

SMOKE = TrainConfig(steps=2, batch_size=4, base_filters=4, depth=2)
"""A seconds-long configuration for tests (the numbers mean nothing)."""


@dataclasses.dataclass
class RestorationResult:
    """What `compare` returns.

    Attributes:
        table: a `pandas.DataFrame`, one row per method: `method`, `psnr`,
            `ssim`, `hf_ratio`, `seconds` (training + inference, or the
            classical method's run time on the test tiles).
        examples: arrays `(k, 64, 64, C)` in [-1, 1] of the first example
            tiles: `"input"`, `"target"` and one per method.
        params: the tuned parameters of each classical denoiser.
        setting: the task and its degradation argument.
    """

    table: pd.DataFrame
    examples: dict[str, np.ndarray]
    params: dict[str, dict]
    setting: dict


def _to_unit(images) -> np.ndarray:
    return (np.asarray(images, np.float64) + 1.0) / 2.0


def _from_unit(images) -> np.ndarray:
    return (np.clip(images, 0.0, 1.0) * 2.0 - 1.0).astype(np.float32)


def _check_method(method: str) -> None:
    if method not in DENOISERS:
        raise ValueError(
            f"Expected `method` to be one of {DENOISERS}. Received: method={method!r}"
        )


def denoise(
    images, method: str, noise_std: float | None = None, **params
) -> np.ndarray:
    """Denoises colour images in [-1, 1] with a classical scikit-image method.

    Each image is rescaled to [0, 1] and passed to scikit-image with
    `channel_axis=-1`; the noise level there is `sigma = noise_std / 2`.

    - `"nl_means"`: `denoise_nl_means(h=h_factor * sigma, sigma=sigma,
      patch_size=5, patch_distance=6, fast_mode=True)`;
    - `"tv_chambolle"`: `denoise_tv_chambolle(weight=weight)`;
    - `"wavelet"`: `denoise_wavelet(sigma=sigma_factor * sigma,
      method=shrinkage, mode="soft", rescale_sigma=True,
      convert2ycbcr=True)`.

    Args:
        images: float `(N, H, W, 3)` in [-1, 1].
        method: `"nl_means"`, `"tv_chambolle"` or `"wavelet"`.
        noise_std: the noise's standard deviation in [-1, 1] units (needed
            by `"nl_means"` and `"wavelet"`). Defaults to `None`.
        **params: `h_factor` (nl_means), `weight` (tv_chambolle),
            `shrinkage` (`"BayesShrink"` or `"VisuShrink"`) and
            `sigma_factor` (wavelet), as in `DENOISER_GRIDS`.

    Returns:
        float32 `(N, H, W, 3)` in [-1, 1].

    Example:

    >>> import numpy as np
    >>> x = np.zeros((1, 16, 16, 3), "float32")
    >>> float(np.abs(denoise(x, "nl_means", 0.2, h_factor=0.8)).max())
    0.0
    """
    from skimage import restoration

    _check_method(method)
    if method != "tv_chambolle" and (noise_std is None or not noise_std > 0):
        raise ValueError(
            f"Expected `noise_std` > 0 for {method!r}. Received: noise_std={noise_std!r}"
        )
    sigma = None if noise_std is None else noise_std / 2.0
    out = []
    for image in _to_unit(images):
        if method == "nl_means":
            result = restoration.denoise_nl_means(
                image,
                h=params["h_factor"] * sigma,
                sigma=sigma,
                patch_size=5,
                patch_distance=6,
                fast_mode=True,
                channel_axis=-1,
            )
        elif method == "tv_chambolle":
            result = restoration.denoise_tv_chambolle(
                image, weight=params["weight"], channel_axis=-1
            )
        else:
            result = restoration.denoise_wavelet(
                image,
                sigma=params["sigma_factor"] * sigma,
                method=params["shrinkage"],
                mode="soft",
                rescale_sigma=True,
                convert2ycbcr=True,
                channel_axis=-1,
            )
        out.append(result)
    return _from_unit(np.stack(out))


def tune_denoiser(
    method: str, noise_std: float, clean, *, seed: int = TUNE_SEED
) -> tuple[dict, list[tuple[dict, float]]]:
    """Grid-searches a denoiser's parameters for the best PSNR on given images.

    The images get Gaussian noise of `noise_std` (`tge.data.degrade`, seed
    `seed`); every combination of `DENOISER_GRIDS[method]` denoises them;
    the one of highest mean PSNR wins. `compare` passes crops of the
    *training* photographs only.

    Args:
        method: `"nl_means"`, `"tv_chambolle"` or `"wavelet"`.
        noise_std: noise in [-1, 1] units.
        clean: float `(N, H, W, 3)` clean images in [-1, 1].
        seed: seed of the noise. Defaults to 1.

    Returns:
        A pair `(best_params, scores)`: a dict of parameters, and a list
        of `(params, mean PSNR)` for every point of the grid.

    Example:

    >>> from tfgan_edu.data import photos
    >>> clean = photos.random_patches(4, 32, seed=0)[0]
    >>> best, scores = tune_denoiser("tv_chambolle", 0.2, clean)
    >>> len(scores), sorted(best)
    (7, ['weight'])
    """
    _check_method(method)
    clean = np.asarray(clean, np.float32)
    noisy = image_pairs.degrade(
        clean, "denoise", seed=seed, noise_std=noise_std
    ).numpy()
    grid = DENOISER_GRIDS[method]
    scores = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        scores.append(
            (params, psnr(denoise(noisy, method, noise_std, **params), clean))
        )
    best = max(scores, key=lambda pair: pair[1])[0]
    return best, scores


def inpaint_biharmonic(images, masks) -> np.ndarray:
    """Fills the masked pixels of colour images by biharmonic inpainting.

    scikit-image's `inpaint_biharmonic`, per image, with `channel_axis=-1`,
    on images rescaled to [0, 1].

    Args:
        images: float `(N, H, W, C)` in [-1, 1].
        masks: bool `(N, H, W)`, True where the pixels are missing.

    Returns:
        float32 `(N, H, W, C)` in [-1, 1], equal to `images` off the masks.

    Example:

    >>> import numpy as np
    >>> x = np.tile(np.linspace(-1, 1, 16, dtype="float32"), (1, 16, 1))[..., None]
    >>> x = np.repeat(x, 3, axis=-1)  # a horizontal ramp
    >>> mask = np.zeros((1, 16, 16), bool); mask[0, 6:10, 6:10] = True
    >>> filled = inpaint_biharmonic(np.where(mask[..., None], 0.0, x), mask)
    >>> bool(np.abs(filled - x).max() < 1e-3)  # a ramp is biharmonic
    True
    """
    from skimage import restoration

    images, masks = np.asarray(images), np.asarray(masks, bool)
    if masks.shape != images.shape[:3]:
        raise ValueError(
            "Expected one mask (N, H, W) per image (N, H, W, C). Received: "
            f"masks.shape={masks.shape}, images.shape={images.shape}"
        )
    out = [
        restoration.inpaint_biharmonic(image, mask, channel_axis=-1)
        for image, mask in zip(_to_unit(images), masks)
    ]
    return _from_unit(np.stack(out))


def inpaint_masks(shape, seed, mask_size: int) -> np.ndarray:
    """Where `tge.data.degrade(..., "inpaint", seed=seed)` blanks a batch.

    The masks depend only on the batch's shape and the seed, so degrading
    ones shows them.

    Args:
        shape: the batch's shape `(N, H, W, C)`.
        seed: the seed given to `degrade`.
        mask_size: the side of the square.

    Returns:
        bool `(N, H, W)`, True inside the squares.

    Example:

    >>> inpaint_masks((2, 8, 8, 3), seed=0, mask_size=4).sum(axis=(1, 2))
    array([16, 16])
    """
    ones = np.ones(shape, np.float32)
    blanked = image_pairs.degrade(ones, "inpaint", seed=seed, mask_size=mask_size)
    return np.asarray(blanked)[..., 0] == 0.0


def _check_setting(task: str, options: dict) -> dict:
    allowed = {
        "super_resolution": "factor",
        "denoise": "noise_std",
        "inpaint": "mask_size",
    }
    if task not in allowed:
        raise ValueError(
            "Expected `task` to be 'super_resolution', 'denoise' or 'inpaint'. "
            f"Received: task={task!r}"
        )
    extra = set(options) - {allowed[task]}
    if extra:
        raise ValueError(
            f"Expected only `{allowed[task]}` for task {task!r}. "
            f"Received: {', '.join(sorted(extra))}"
        )
    return {
        "super_resolution": {"factor": 4},
        "denoise": {"noise_std": 0.2},
        "inpaint": {"mask_size": 16},
    }[task] | options


def _networks(config: TrainConfig, patch_size: int):
    from tfgan_edu.networks import patchgan_discriminator, unet_generator

    shape = (patch_size, patch_size, 3)
    # A residual U-Net: output = clip(input + U-Net(input), -1, 1). The
    # U-Net's last layer starts small (kernels N(0, 0.02)), so training
    # starts near the degraded input (bicubic, noisy) and learns the
    # correction. (A zero-initialized 1x1 layer after it, measured
    # 2026-12-04, learned too slowly: Adam moves it by ~rate per step.)
    body = unet_generator(
        shape, base_filters=config.base_filters, depth=config.depth, dropout=0.0
    )
    inputs = keras.Input(shape)
    outputs = keras.layers.Activation("hard_tanh")(
        keras.layers.Add()([inputs, body(inputs)])
    )
    generator = keras.Model(inputs, outputs, name="residual_unet")
    discriminator = patchgan_discriminator(
        shape, condition_shape=shape, base_filters=config.base_filters, n_layers=2
    )
    return generator, discriminator


def _schedule(config: TrainConfig) -> tuple[int, int]:
    # `config.steps` as (epochs, steps_per_epoch): epochs of 100 steps,
    # rounded up, above 100 steps.
    steps_per_epoch = min(config.steps, 100)
    return -(-config.steps // steps_per_epoch), steps_per_epoch


def _training_data(task: str, config: TrainConfig, patch_size: int, degradation):
    # Random crops of the training photographs, `config.seed`-seeded.
    # A `tf.data` stream whose crops and degradations change with every
    # iterator made over it (every epoch of a fit). Its seeds also depend on
    # the TensorFlow global seed when it is built: set it here, so that the
    # stream is a function of `config.seed` alone, not of what ran before.
    keras.utils.set_random_seed(config.seed)
    _, steps_per_epoch = _schedule(config)
    return image_pairs.paired(
        "photos",
        task,
        config.batch_size,
        seed=config.seed,
        patch_size=patch_size,
        n=steps_per_epoch * config.batch_size,
        **degradation,
    )


def _adam(config: TrainConfig, initial_rate: float | None = None):
    # Cosine decay to 0 over the run: the last steps settle the details.
    epochs, steps_per_epoch = _schedule(config)
    rate = keras.optimizers.schedules.CosineDecay(
        config.learning_rate if initial_rate is None else initial_rate,
        decay_steps=epochs * steps_per_epoch,
    )
    return keras.optimizers.Adam(rate, beta_1=0.5)


def _fit_l1_only(config: TrainConfig, data, patch_size: int) -> keras.Model:
    # The U-Net fitted with L1 alone, from the `config.seed` initial weights.
    epochs, steps_per_epoch = _schedule(config)
    keras.utils.set_random_seed(config.seed)
    l1_only, _ = _networks(config, patch_size)
    l1_only.compile(optimizer=_adam(config), loss="mae")
    l1_only.fit(
        data,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,
        verbose=0,
    )
    return l1_only


def _fit_pix2pix(
    config: TrainConfig,
    data,
    patch_size: int,
    *,
    l1_weight: float,
    initial_weights: list | None = None,
) -> keras.Model:
    # Pix2Pix from the `config.seed` initial weights (the discriminator's
    # always; the generator's unless `initial_weights`, a warm start, are
    # given); returns the trained generator.
    from tfgan_edu.models.pix2pix import Pix2Pix

    epochs, steps_per_epoch = _schedule(config)
    keras.utils.set_random_seed(config.seed)
    generator, discriminator = _networks(config, patch_size)
    if initial_weights is not None:
        generator.set_weights(initial_weights)
    model = Pix2Pix(generator, discriminator, l1_weight=l1_weight)
    d_rate = (
        config.learning_rate
        if config.d_learning_rate is None
        else config.d_learning_rate
    )
    model.compile(d_optimizer=_adam(config, d_rate), g_optimizer=_adam(config))
    model.fit(data, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    return model.generator


def train_networks(
    task: str,
    config: TrainConfig = DEFAULT,
    *,
    patch_size: int = photos.DEFAULT_PATCH_SIZE,
    **degradation,
) -> dict[str, keras.Model]:
    """Trains the U-Net with pix2pix's loss and with L1 alone, on training crops.

    Both start from the same initial weights (the same seed), see the same
    batches (`tge.data.paired("photos", ...)` with `config.seed`) and take
    `config.steps` Adam steps (rounded up to a multiple of 100 above 100),
    with the same rate schedule; the L1-only U-Net is compiled with
    `loss="mae"` and no discriminator (pix2pix with `L_adv = 0`).

    Args:
        task: `"super_resolution"`, `"denoise"` or `"inpaint"`.
        config: a `TrainConfig`. Defaults to `DEFAULT`.
        patch_size: side of the training crops. Defaults to 64.
        **degradation: `factor`, `noise_std` or `mask_size` of the task.

    Returns:
        `{"pix2pix": generator, "l1_only": generator}`, two trained U-Nets.

    Example:

    >>> nets = train_networks("denoise", SMOKE, patch_size=32, noise_std=0.2)
    >>> sorted(nets), nets["l1_only"].output_shape
    (['l1_only', 'pix2pix'], (None, 32, 32, 3))
    """
    degradation = _check_setting(task, degradation)
    # One stream for both fits: the second one's epochs draw on after the
    # first one's.
    data = _training_data(task, config, patch_size, degradation)
    l1_only = _fit_l1_only(config, data, patch_size) if config.warm_start else None
    pix2pix = _fit_pix2pix(
        config,
        data,
        patch_size,
        l1_weight=config.l1_weight,
        initial_weights=None if l1_only is None else l1_only.get_weights(),
    )
    if l1_only is None:
        l1_only = _fit_l1_only(config, data, patch_size)
    return {"pix2pix": pix2pix, "l1_only": l1_only}


def _input_name(task: str) -> str:
    # For super-resolution the input is the bicubic up-sampling (which is
    # also the classical method).
    return "bicubic (input)" if task == "super_resolution" else "input"


def _test_tiles(task: str, degradation: dict, n_test: int | None):
    # The fixed (degraded, clean) test tiles, as two float32 arrays.
    test = image_pairs.paired(
        "photos",
        task,
        batch_size=200,
        split="test",
        shuffle=False,
        drop_remainder=False,
        n=n_test,
        **degradation,
    )
    degraded, clean = (np.concatenate(part) for part in zip(*test.as_numpy_iterator()))
    return degraded, clean


def _scores(name, outputs, clean, seconds) -> dict:
    return {
        "method": name,
        "psnr": psnr(outputs, clean),
        "ssim": ssim(outputs, clean),
        "hf_ratio": high_frequency_ratio(outputs, clean),
        "seconds": seconds,
    }


def compare(
    task: str,
    config: TrainConfig = DEFAULT,
    *,
    n_test: int | None = None,
    n_tune: int = 24,
    n_examples: int = 4,
    **degradation,
) -> RestorationResult:
    """Pix2Pix, L1 alone, classical methods and the input, on held-out photos.

    Trains both networks (`train_networks`), tunes the classical
    denoisers on `n_tune` random crops of the training photographs
    (`tune_denoiser`), then scores everything on the test tiles of
    `tge.data.paired("photos", task, split="test")`: PSNR, SSIM and
    `high_frequency_ratio`.

    Args:
        task: `"super_resolution"`, `"denoise"` or `"inpaint"`.
        config: a `TrainConfig`; `SMOKE` runs in seconds. Defaults to
            `DEFAULT`.
        n_test: score only the first `n_test` test tiles. Defaults to
            `None` (all 148).
        n_tune: training crops the denoisers are tuned on. Defaults to 24.
        n_examples: tiles kept in `examples`. Defaults to 4.
        **degradation: `factor` (super-resolution, default 4), `noise_std`
            (denoising, default 0.2) or `mask_size` (inpainting, default
            16).

    Returns:
        A `RestorationResult`: `table` (a DataFrame), `examples`, `params`
        (the tuned denoisers' parameters) and `setting`.

    Example:

    >>> result = compare("inpaint", SMOKE, n_test=4)
    >>> list(result.table["method"])
    ['input', 'biharmonic', 'l1_only', 'pix2pix']
    >>> sorted(result.examples)[:3]
    ['biharmonic', 'input', 'l1_only']
    """
    degradation = _check_setting(task, degradation)
    patch_size = photos.DEFAULT_PATCH_SIZE
    degraded, clean = _test_tiles(task, degradation, n_test)
    rows = [_scores(_input_name(task), degraded, clean, 0.0)]
    outputs = {"input": degraded, "target": clean}
    params: dict[str, dict] = {}

    if task == "denoise":
        noise_std = degradation["noise_std"]
        tune_clean = photos.random_patches(
            n_tune, patch_size, split="train", seed=TUNE_SEED
        )[0]
        for method in DENOISERS:
            params[method] = tune_denoiser(method, noise_std, tune_clean)[0]
            start = time.perf_counter()
            result = denoise(degraded, method, noise_std, **params[method])
            rows.append(_scores(method, result, clean, time.perf_counter() - start))
            outputs[method] = result
    elif task == "inpaint":
        masks = inpaint_masks(
            degraded.shape, image_pairs.TEST_DEGRADATION_SEED, degradation["mask_size"]
        )
        start = time.perf_counter()
        result = inpaint_biharmonic(degraded, masks)
        rows.append(_scores("biharmonic", result, clean, time.perf_counter() - start))
        outputs["biharmonic"] = result

    start = time.perf_counter()
    networks = train_networks(task, config, patch_size=patch_size, **degradation)
    train_seconds = (time.perf_counter() - start) / 2  # two trainings
    for name in ("l1_only", "pix2pix"):
        result = np.asarray(networks[name].predict(degraded, batch_size=64, verbose=0))
        rows.append(_scores(name, result, clean, train_seconds))
        outputs[name] = result

    examples = {name: images[:n_examples] for name, images in outputs.items()}
    return RestorationResult(
        table=pd.DataFrame(rows),
        examples=examples,
        params=params,
        setting={"task": task, **degradation},
    )


def run_benchmark(
    config: TrainConfig = DEFAULT,
    settings: tuple[dict, ...] = SETTINGS,
    *,
    n_test: int | None = None,
    n_tune: int = 24,
    verbose: bool = False,
) -> dict:
    """Runs `compare` for every setting; returns the rows, ready for JSON.

    Args:
        config: a `TrainConfig`. Defaults to `DEFAULT`.
        settings: dicts of `task` plus its degradation argument. Defaults
            to `SETTINGS` (x4 super-resolution, denoising at the three
            `NOISE_LEVELS`, inpainting a 16 x 16 square).
        n_test: score only the first `n_test` test tiles. Defaults to
            `None` (all 148).
        n_tune: training crops the denoisers are tuned on. Defaults to 24.
        verbose: print each setting's table as it completes. Defaults to
            `False`.

    Returns:
        A dict: `"rows"` (one per setting and method: `task`, the
        degradation argument, `method`, `psnr`, `ssim`, `hf_ratio`,
        `seconds`), `"params"` (tuned denoiser parameters per noise level),
        `"config"`, `"train_photos"`, `"test_photos"`, `"test_tiles"` and
        `"seconds"` (the whole run).

    Example:

    >>> out = run_benchmark(SMOKE, ({"task": "denoise", "noise_std": 0.4},),
    ...                     n_test=2, n_tune=2)
    >>> sorted(out["rows"][0])
    ['hf_ratio', 'method', 'noise_std', 'psnr', 'seconds', 'ssim', 'task']
    """
    start = time.perf_counter()
    rows, params = [], {}
    for setting in settings:
        setting = dict(setting)
        task = setting.pop("task")
        result = compare(task, config, n_test=n_test, n_tune=n_tune, **setting)
        if verbose:
            print(result.setting, result.params, flush=True)
            print(result.table.to_string(index=False), flush=True)
        for row in result.table.to_dict("records"):
            rows.append({**result.setting, **row})
        if result.params:
            params[f"{task} {setting}"] = result.params
    return {
        "rows": rows,
        "params": params,
        "config": dataclasses.asdict(config),
        "train_photos": list(photos.TRAIN_PHOTOS),
        "test_photos": list(photos.TEST_PHOTOS),
        "test_tiles": len(photos.held_out_patches()[1][:n_test]),
        "seconds": time.perf_counter() - start,
    }


LEARNED: tuple[str, ...] = ("l1_only", "pix2pix")
"""The learned methods of the tables."""

CLASSICAL: dict[str, tuple[str, ...]] = {
    "super_resolution": ("bicubic (input)",),
    "denoise": DENOISERS,
    "inpaint": ("biharmonic",),
}
"""The classical methods of each task (bicubic up-sampling is the input)."""

_SETTING_KEYS = ("factor", "noise_std", "mask_size")
_METRICS = ("psnr", "ssim", "hf_ratio")


def summarize(rows: list[dict]) -> list[dict]:
    """Means and spreads over seeds of `run_benchmark` rows, one per method.

    Groups the rows (each with a `seed`) by task, setting and method, in
    order of first appearance. For the learned methods (`LEARNED`) it also
    counts the seeds where their PSNR is strictly above the degraded
    input's (`"input"`, `"bicubic (input)"` for super-resolution) and above
    the best classical method's of that seed and setting (`CLASSICAL`:
    bicubic for super-resolution, the best of the three denoisers,
    biharmonic inpainting).

    Args:
        rows: dicts with `task`, the setting's argument (`factor`,
            `noise_std` or `mask_size`), `method`, `seed`, `psnr`, `ssim`
            and `hf_ratio`; one per task, setting, method and seed.

    Returns:
        A list of dicts: `task`, the setting's argument, `method`,
        `n_seeds`, `<metric>_mean` and `<metric>_std` (sample standard
        deviation, `ddof=1`; `None` with a single seed) for `psnr`, `ssim`
        and `hf_ratio`, and for the learned methods `beats_input` and
        `beats_best_classical` (numbers of seeds).

    Example:

    >>> rows = [
    ...     {"task": "inpaint", "mask_size": 16, "method": method, "seed": seed,
    ...      "psnr": value, "ssim": 0.9, "hf_ratio": 1.0}
    ...     for seed, values in enumerate([(20, 30, 31), (20, 30, 29)])
    ...     for method, value in zip(("input", "biharmonic", "pix2pix"), values)
    ... ]
    >>> pix2pix = summarize(rows)[-1]
    >>> pix2pix["psnr_mean"], round(pix2pix["psnr_std"], 4), pix2pix["n_seeds"]
    (30.0, 1.4142, 2)
    >>> pix2pix["beats_input"], pix2pix["beats_best_classical"]
    (2, 1)
    """
    groups: dict[tuple, dict] = {}  # (task, key, value, method) -> {seed: row}
    for row in rows:
        key = next((k for k in _SETTING_KEYS if k in row), None)
        if key is None:
            raise ValueError(
                f"Expected each row to have one of {_SETTING_KEYS}. Received: {row}"
            )
        by_seed = groups.setdefault((row["task"], key, row[key], row["method"]), {})
        if row["seed"] in by_seed:
            raise ValueError(
                "Expected one row per task, setting, method and seed. Received "
                f"two: task={row['task']!r}, {key}={row[key]!r}, "
                f"method={row['method']!r}, seed={row['seed']!r}"
            )
        by_seed[row["seed"]] = row

    def psnr_of(task, key, value, method, seed) -> float:
        try:
            return groups[(task, key, value, method)][seed]["psnr"]
        except KeyError:
            raise ValueError(
                f"Expected a {method!r} row for seed {seed} of {task!r}, "
                f"{key}={value!r}, to compare the learned methods with. "
                "Received none."
            ) from None

    summary = []
    for (task, key, value, method), by_seed in groups.items():
        out = {"task": task, key: value, "method": method, "n_seeds": len(by_seed)}
        for metric in _METRICS:
            values = np.array([row[metric] for row in by_seed.values()], np.float64)
            out[f"{metric}_mean"] = float(values.mean())
            out[f"{metric}_std"] = (
                float(values.std(ddof=1)) if len(values) > 1 else None
            )
        if method in LEARNED:
            setting = (task, key, value)
            out["beats_input"] = sum(
                row["psnr"] > psnr_of(*setting, _input_name(task), seed)
                for seed, row in by_seed.items()
            )
            out["beats_best_classical"] = sum(
                row["psnr"]
                > max(psnr_of(*setting, name, seed) for name in CLASSICAL[task])
                for seed, row in by_seed.items()
            )
        summary.append(out)
    return summary


def perception_distortion(
    task: str,
    config: TrainConfig = DEFAULT,
    l1_weights: tuple[float, ...] = (100, 300, 1000, 3000),
    *,
    n_test: int | None = None,
    **degradation,
) -> pd.DataFrame:
    """Pix2Pix's PSNR and sharpness as its L1 weight lambda varies.

    The perception-distortion trade-off (Blau and Michaeli, 2018): no
    method can be both as close to the truth as possible (PSNR) and as
    sharp as the truth; Pix2Pix's loss, `L_adv + lambda * L1`, moves along
    it, the L1-only U-Net being the `lambda -> infinity` end. Trains the
    L1-only U-Net once, as `train_networks` does, then for each lambda a
    Pix2Pix warm-started from it (`config.warm_start` is not read): the
    same discriminator initial weights, rate schedule and training batches
    for every lambda, the batches `train_networks` gives its warm-started
    Pix2Pix, so the row of `lambda = config.l1_weight` is its `"pix2pix"`.
    Scores them and the degraded input on the held-out test tiles, as
    `compare` does.

    Args:
        task: `"super_resolution"`, `"denoise"` or `"inpaint"`.
        config: a `TrainConfig` (its `l1_weight` and `warm_start` are not
            used); `SMOKE` runs in seconds. Defaults to `DEFAULT`.
        l1_weights: Pix2Pix's lambdas, positive. Defaults to
            `(100, 300, 1000, 3000)`.
        n_test: score only the first `n_test` test tiles. Defaults to
            `None` (all 148).
        **degradation: `factor` (super-resolution, default 4), `noise_std`
            (denoising, default 0.2) or `mask_size` (inpainting, default
            16).

    Returns:
        A `pandas.DataFrame`, one row for the input (`"input"`, or
        `"bicubic (input)"` for super-resolution), one for `"l1_only"` and
        one `"pix2pix"` per lambda, in the order given: `method`,
        `l1_weight` (NaN but for pix2pix), `psnr`, `ssim`, `hf_ratio`
        (1.0 = as much high-frequency power as the truth) and `seconds`
        (the network's own training, the shared L1 fit not counted for
        pix2pix, plus inference; 0 for the input).

    Example:

    >>> table = perception_distortion("denoise", SMOKE, (10, 1000), n_test=4,
    ...                               noise_std=0.2)
    >>> list(table["method"]), list(table["l1_weight"][2:])
    (['input', 'l1_only', 'pix2pix', 'pix2pix'], [10.0, 1000.0])
    >>> list(table.columns)
    ['method', 'l1_weight', 'psnr', 'ssim', 'hf_ratio', 'seconds']
    """
    degradation = _check_setting(task, degradation)
    l1_weights = tuple(l1_weights)
    if not l1_weights or not all(
        isinstance(w, numbers.Real) and w > 0 for w in l1_weights
    ):
        raise ValueError(
            "Expected `l1_weights` to be a non-empty sequence of positive "
            f"numbers. Received: l1_weights={l1_weights!r}"
        )
    patch_size = photos.DEFAULT_PATCH_SIZE
    degraded, clean = _test_tiles(task, degradation, n_test)
    # One copy of the training stream per fit, all built now (the same
    # stream: `_training_data` seeds everything from `config.seed`). Each Pix2Pix's copy is first moved past
    # the iterators the L1 fit made over its own (Keras makes one per
    # epoch, and one more), so that every Pix2Pix sees the batches the
    # Pix2Pix of `train_networks` sees after its L1 fit.
    streams = [
        _training_data(task, config, patch_size, degradation)
        for _ in range(1 + len(l1_weights))
    ]
    epochs, _ = _schedule(config)

    def score(name, network, seconds, l1_weight=float("nan")):
        start = time.perf_counter()
        outputs = np.asarray(network.predict(degraded, batch_size=64, verbose=0))
        row = _scores(name, outputs, clean, seconds + time.perf_counter() - start)
        return {"method": name, "l1_weight": l1_weight, **row}

    rows = [{**_scores(_input_name(task), degraded, clean, 0.0), "l1_weight": np.nan}]
    start = time.perf_counter()
    l1_only = _fit_l1_only(config, streams[0], patch_size)
    rows.append(score("l1_only", l1_only, time.perf_counter() - start))
    for l1_weight, stream in zip(l1_weights, streams[1:]):
        for _ in range(epochs + 1):
            iter(stream)
        start = time.perf_counter()
        generator = _fit_pix2pix(
            config,
            stream,
            patch_size,
            l1_weight=l1_weight,
            initial_weights=l1_only.get_weights(),
        )
        rows.append(
            score("pix2pix", generator, time.perf_counter() - start, float(l1_weight))
        )
    return pd.DataFrame(rows)[
        ["method", "l1_weight", "psnr", "ssim", "hf_ratio", "seconds"]
    ]
